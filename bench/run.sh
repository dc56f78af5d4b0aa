#!/usr/bin/env bash
# Benchmarks against the floor (issue 7). Reproduce with: bash bench/run.sh
# Needs hyperfine, argon2 (Debian's reference CLI), sqlite3, oathtool and GNU time;
# installs them with apt-get when missing. Writes bench/results.txt; BENCHMARKS.md
# records a run with the machine's details.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine argon2 sqlite3 oathtool; do
  command -v "$tool" >/dev/null || need=1
done
if [ -n "${need:-}" ] || [ ! -x /usr/bin/time ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine argon2 sqlite3 oathtool time >/dev/null
fi

cargo build --release --locked --quiet
cargo build --release --locked --quiet --example argon2_floor
bin=$PWD/target/release/clinic2fa
floor_bin=$PWD/target/release/examples/argon2_floor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'correct horse battery\n' >"$work/pw"
out=bench/results.txt
: >"$out"
say() { echo "$*" | tee -a "$out"; }
median_ms() { python3 -c 'import json,sys; print("%.3f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$1"; }

say "# clinic2fa benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/ {print $2}') GiB"
say "rustc: $(rustc --version)"
say ""

# --- 1. login with password and TOTP code, against argon2's own verification ---------
# Both whole processes, alternated (bench/login.py): this VM's speed drifts by tens of
# percent from minute to minute, so a login timed now and a floor timed later do not
# compare.
python3 bench/login.py "$bin" "$floor_bin" 40 | tee "$work/login.txt" | tee -a "$out"
floor=$(sed -n "s/^argon2's verify_password, whole process: median \([0-9.]*\) ms.*/\1/p" "$work/login.txt")
hyperfine --warmup 3 --runs 40 --export-json "$work/argon2cli.json" \
  "printf 'correct horse battery' | argon2 somesaltsomesalt -id -t 2 -k 19456 -p 1 -l 32" >/dev/null
say "Debian argon2 CLI hashing with the same parameters (whole process), median: $(median_ms "$work/argon2cli.json") ms"
say ""

# --- 2. import of 2,000 accounts with passwords: throughput against all cores ---------
python3 - "$work/import.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("username,name,password\n")
    for i in range(2000):
        f.write(f"user{i:05},User {i},passphrase number {i}\n")
PY
hyperfine --runs 3 --export-json "$work/import.json" \
  --prepare "rm -f $work/import.db $work/import.db-wal $work/import.db-shm $work/import.db.key && CLINIC2FA_DB=$work/import.db $bin init 2>/dev/null" \
  "CLINIC2FA_DB=$work/import.db $bin user import $work/import.csv" >/dev/null
import_s=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$work/import.json")
cores=$(nproc)
say "import 2,000 accounts with passwords, median: ${import_s} s"
say "achieved: $(python3 -c "print('%.1f' % (2000/$import_s))") hashes/s; ideal (cores / single hash): $(python3 -c "print('%.1f' % ($cores/($floor/1000)))") hashes/s"
say "achieved / ideal = $(python3 -c "print('%.3f' % ((2000/$import_s)/($cores/($floor/1000))))")   (target >= 0.85)"
say ""

# --- 3. 100,000 accounts: user list --json and report --json against sqlite3 -json ----
export CLINIC2FA_DB=$work/big.db
"$bin" init 2>/dev/null
"$bin" user add template --password-stdin <"$work/pw" >/dev/null
hash=$(sqlite3 "$CLINIC2FA_DB" "SELECT password_hash FROM accounts")
python3 - "$work/big.csv" "$hash" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("username,name,role,2fa,password_hash\n")
    for i in range(100_000):
        policy = ("clinic-default", "required", "exempt")[i % 3]
        f.write(f'u{i:06},User {i},staff,{policy},"{sys.argv[2]}"\n')
PY
start=$(date +%s.%N)
"$bin" user import "$work/big.csv" >/dev/null
say "making 100,000 accounts (import with a pre-hashed password column): $(python3 -c "print('%.1f' % ($(date +%s.%N)-$start))") s"
# What user list --json reads: every account with its enrolment and recovery codes.
list_sql="SELECT username, name, role, disabled, policy, bypass_until, locked_until, created_at, last_login_at,
  EXISTS (SELECT 1 FROM authenticators t WHERE t.account_id = accounts.id) AS enrolled,
  (SELECT count(*) FROM recovery_codes r WHERE r.account_id = accounts.id AND r.used_at IS NULL) AS codes_left
  FROM accounts ORDER BY username"
for what in "user list" "report"; do
  hyperfine --warmup 1 --runs 10 --export-json "$work/ours.json" "$bin --json $what > /dev/null" >/dev/null
  hyperfine --warmup 1 --runs 10 --export-json "$work/theirs.json" "sqlite3 -json $CLINIC2FA_DB \"$list_sql\" > /dev/null" >/dev/null
  ours=$(median_ms "$work/ours.json"); theirs=$(median_ms "$work/theirs.json")
  rss=$( { /usr/bin/time -f %M "$bin" --json $what >/dev/null; } 2>&1 | tail -1 )
  say "$what --json on 100,000 accounts, median: ${ours} ms; sqlite3 -json of the same rows: ${theirs} ms; ratio $(python3 -c "print('%.3f' % ($ours/$theirs))") (target <= 1.5)"
  say "$what --json peak RSS: $((rss / 1024)) MiB (${rss} KiB; target <= 32 MiB)"
done
say ""

# --- 4. clinic2fa --version ----------------------------------------------------------
hyperfine -N --warmup 20 --runs 200 --export-json "$work/version.json" "$bin --version" >/dev/null
say "clinic2fa --version, median: $(median_ms "$work/version.json") ms (target <= 2 ms)"
