#!/usr/bin/env bash
# Benchmarks of the two engines (issue 14). Reproduce with: bash bench/engines.sh
# As root: it installs what it needs with apt-get (hyperfine, GNU time, sqlite3,
# pgbouncer, and postgresql through tests/postgres/start.sh), starts its own
# PostgreSQL with fsync on, and writes bench/engines.txt. BENCHMARKS.md records a run.
# MILLION=0 skips the million-account part (it takes most of the time).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine sqlite3 pgbouncer; do command -v "$tool" >/dev/null || need=1; done
if [ -n "${need:-}" ] || [ ! -x /usr/bin/time ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine sqlite3 pgbouncer time >/dev/null
fi
cargo build --release --locked --quiet
bin=$PWD/target/release/clinic2fa
eval "$(FSYNC=on bash tests/postgres/start.sh)"
export PGPASSWORD=clinic2fa-test
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
cluster=$(dirname "$CLINIC2FA_TEST_POSTGRES_DATA")
port=${CLINIC2FA_TEST_POSTGRES##*:}; port=${port%/postgres}
socket=$(printf %s "$cluster" | sed 's|/|%2F|g')
work=$(mktemp -d)
chmod 755 "$work"
stop() {
  [ -f "$work/pgbouncer.pid" ] && kill "$(cat "$work/pgbouncer.pid")" 2>/dev/null || true
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$CLINIC2FA_TEST_POSTGRES_DATA" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT
out=bench/engines.txt
: >"$out"
say() { echo "$*" | tee -a "$out"; }
median_ms() { python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$1"; }
createdb() { psql -q "$CLINIC2FA_TEST_POSTGRES" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" 2>/dev/null; }
url() { echo "postgres://clinic2fa@127.0.0.1:$port/$1"; }

say "# clinic2fa: PostgreSQL and SQLite, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/ {print $2}') GiB"
say "PostgreSQL: $("$pg_bin/postgres" --version), fsync on, on this machine; rustc: $(rustc --version)"
say ""

# --- 1. a login: PostgreSQL against SQLite, alternated --------------------------------
# PgBouncer in session mode keeps server processes warm between the tool's processes.
bport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bport
unix_socket_dir = $work
auth_type = trust
auth_file = $work/users.txt
pool_mode = session
server_reset_query = DISCARD ALL
logfile = $work/pgbouncer.log
pidfile = $work/pgbouncer.pid
INI
echo '"clinic2fa" "clinic2fa-test"' >"$work/users.txt"
chown postgres "$work" "$work"/*
runuser -u postgres -- pgbouncer -d "$work/pgbouncer.ini"
bsocket=$(printf %s "$work" | sed 's|/|%2F|g')
for how in "TCP and TLS (sslmode=prefer)|127.0.0.1:$port" "the server's Unix socket|$socket:$port" "PgBouncer, session pooling, its Unix socket|$bsocket:$bport"; do
  createdb loginbench
  say "login, $(echo "$how" | cut -d'|' -f1):"
  python3 bench/login_engines.py "$bin" "postgres://clinic2fa@$(echo "$how" | cut -d'|' -f2)/loginbench" 40 | tee -a "$out"
done
say ""

# --- 2. 100,000 accounts: user list --json against psql making the same JSON ---------
lite="$work/hundred.db"
CLINIC2FA_DB=$lite "$bin" init 2>/dev/null
printf 'correct horse battery\n' | CLINIC2FA_DB=$lite "$bin" user add template --password-stdin >/dev/null
hash=$(sqlite3 "$lite" "SELECT password_hash FROM accounts")
rows() {
  python3 - "$1" "$2" "$hash" "$3" <<'PY'
import sys
first, count, phc, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(path, "w") as f:
    f.write("username,name,role,2fa,password_hash\n")
    for i in range(first, first + count):
        policy = ("clinic-default", "required", "exempt")[i % 3]
        f.write(f'u{i:07},User {i},staff,{policy},"{phc}"\n')
PY
}
rows 0 100000 "$work/hundred.csv"
CLINIC2FA_DB=$lite "$bin" user import "$work/hundred.csv" >/dev/null
CLINIC2FA_DB=$lite "$bin" user remove template --yes >/dev/null
createdb hundred
CLINIC2FA_DB=$lite "$bin" db copy --to "$(url hundred)" >/dev/null
# The JSON user list makes, from the same rows (every account, its enrolment and unused
# recovery codes, the clinic rule), in PostgreSQL's own json_agg.
same_json="SELECT json_agg(json_build_object(
  'username', username, 'name', name, 'role', role, 'disabled', disabled = 1,
  'two_factor', json_build_object(
    'policy', policy,
    'required', CASE policy WHEN 'required' THEN true WHEN 'exempt' THEN false
                ELSE (SELECT require_2fa_for = 'everyone' OR (require_2fa_for = 'admins' AND a.role = 'admin') FROM clinic) END,
    'enrolled', EXISTS (SELECT 1 FROM authenticators t WHERE t.account_id = a.id),
    'bypass', CASE WHEN bypass_until > extract(epoch FROM now()) THEN json_build_object('expires_at', to_char(to_timestamp(bypass_until) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) END,
    'recovery_codes_left', (SELECT count(*) FROM recovery_codes r WHERE r.account_id = a.id AND r.used_at IS NULL),
    'policy_until', NULL, 'enrolment_due', NULL),
  'locked_until', CASE WHEN locked_until > extract(epoch FROM now()) THEN to_char(to_timestamp(locked_until) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') END,
  'created_at', to_char(to_timestamp(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
  'last_login_at', to_char(to_timestamp(last_login_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))
  ORDER BY username) FROM accounts a"
CLINIC2FA_DB=$(url hundred) CLINIC2FA_KEY_FILE=$lite.key "$bin" --json user list >"$work/ours.json"
psql -At "$(url hundred)" -c "$same_json" >"$work/theirs.json"
python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); assert a==b, "not the same JSON"; print("psql json_agg gives the same document as user list --json:", len(a), "accounts")' "$work/ours.json" "$work/theirs.json" | tee -a "$out"
hyperfine --warmup 2 --runs 10 --export-json "$work/o.json" \
  "CLINIC2FA_DB=$(url hundred) CLINIC2FA_KEY_FILE=$lite.key $bin --json user list >/dev/null" >/dev/null
hyperfine --warmup 2 --runs 10 --export-json "$work/t.json" "psql -At $(url hundred) -c \"$same_json\" >/dev/null" >/dev/null
o=$(median_ms "$work/o.json"); t=$(median_ms "$work/t.json")
say "user list --json, 100,000 accounts on PostgreSQL: ${o} ms; psql json_agg: ${t} ms; ratio $(python3 -c "print('%.2f' % ($o/$t))") (target <= 1.5)"
hyperfine --warmup 2 --runs 10 --export-json "$work/l.json" "CLINIC2FA_DB=$lite $bin --json user list >/dev/null" >/dev/null
say "the same on SQLite: $(median_ms "$work/l.json") ms"
say ""

[ "${MILLION:-1}" = 0 ] && exit 0

# --- 3. a million accounts: every command's peak memory and time, both engines --------
million="$work/million.db"
CLINIC2FA_DB=$million "$bin" init 2>/dev/null
start=$(date +%s)
for chunk in $(seq 0 9); do
  rows $((chunk * 100000)) 100000 "$work/chunk.csv"
  CLINIC2FA_DB=$million "$bin" user import "$work/chunk.csv" >/dev/null
done
say "1,000,000 accounts made by 10 imports of 100,000 (pre-hashed): $(( $(date +%s) - start )) s"
# Some of each kind of state: enrolled with recovery codes, a bypass, a lockout.
printf 'correct horse battery\n' | CLINIC2FA_DB=$million "$bin" user add alice --password-stdin >/dev/null
secret=$(printf 'correct horse battery\n' | CLINIC2FA_DB=$million "$bin" --json enrol alice --password-stdin | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
code=$(python3 -c "import base64,hmac,hashlib,struct,time,sys; k=base64.b32decode(sys.argv[1]+'='*(-len(sys.argv[1])%8)); m=hmac.new(k,struct.pack('>Q',int(time.time())//30),hashlib.sha1).digest(); o=m[-1]&15; print('%06d'%((struct.unpack('>I',m[o:o+4])[0]&0x7fffffff)%1000000))" "$secret")
printf 'correct horse battery\n' | CLINIC2FA_DB=$million "$bin" enrol alice --password-stdin --confirm "$code" >/dev/null
CLINIC2FA_DB=$million "$bin" user grant-bypass u0000007 >/dev/null
printf 'u9999999,One more,staff,clinic-default,"%s"\n' "$hash" | sed '1i username,name,role,2fa,password_hash' >"$work/one.csv"
createdb million
printf 'correct horse battery\n' >"$work/pw"
measure() {  # ENGINE LABEL ARGS...: peak RSS and wall time of one command
  local engine=$1 label=$2; shift 2
  local db=$million key=${KEY:-$million.key}
  [ "$engine" = postgres ] && db=$(url million)
  /usr/bin/time -o "$work/t" -f "%e %M" env CLINIC2FA_DB="$db" CLINIC2FA_KEY_FILE="$key" "$bin" "$@" <"$work/pw" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r secs kib <"$work/t"
  say "$(printf '%-9s %-38s %8.1f s %7.1f MiB' "$engine" "$label" "$secs" "$(awk "BEGIN { print $kib / 1024 }")")"
}
say "$(printf '%-9s %-38s %10s %11s' engine command time 'peak RSS')"
measure sqlite "db copy --to postgres (SQLite -> PG)" db copy --to "$(url million)"
for engine in sqlite postgres; do
  measure $engine "user list (table)" user list
  measure $engine "user list --json" --json user list
  measure $engine "user list --csv" user list --csv
  measure $engine "user list --needs-enrolment" user list --needs-enrolment
  measure $engine "user show" user show u0500000
  measure $engine "user explain" user explain u0500000
  measure $engine "user import (one row)" user import "$work/one.csv"
  measure $engine "user remove (that row)" user remove u9999999 --yes
  measure $engine "login (bypass)" --json login u0000007 --password-stdin
  measure $engine "report" report
  measure $engine "report --json" --json report
  measure $engine "report --csv" report --csv
  measure $engine "clinic require-2fa on --dry-run" clinic require-2fa on --dry-run
  measure $engine "clinic require-2fa on --dry-run --json" --json clinic require-2fa on --dry-run
  measure $engine "audit (table, all)" audit
  measure $engine "audit --json (all)" --json audit
  measure $engine "audit --user alice" audit --user alice
  measure $engine "audit verify" audit verify
  measure $engine "backup" backup "$work/backup-$engine.db"
done
measure postgres "db copy --to file (PG -> SQLite)" db copy --to "$work/back.db"
# Each engine's clinic re-keyed with its own copy of the key file.
cp "$million.key" "$work/pg.key"
KEY=$work/pg.key measure postgres "key rotate" key rotate
measure sqlite "key rotate" key rotate
