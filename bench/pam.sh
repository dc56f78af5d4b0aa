#!/usr/bin/env bash
# One PAM sign-in through pam_clinic2fa.so, a whole pamtester process each as PAM runs
# it for a login, beside pam_oath (the OATH Toolkit's module) doing the code-only check
# on the same machine (issue 22, item 6). Both under pam_wrapper, their service files in
# a temp dir, so both pay the same loader; nothing under /etc is written.
#   bash bench/pam.sh        (writes bench/pam.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pamtester >/dev/null && command -v oathtool >/dev/null && [ -e /lib/x86_64-linux-gnu/security/pam_oath.so ] \
  && dpkg -s libpam-wrapper >/dev/null 2>&1 || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pamtester libpam-oath libpam-wrapper oathtool >/dev/null
}
cargo build --release --locked --quiet
cargo build --release --locked --quiet -p pam_clinic2fa
work=$(mktemp -d)
trap 'kill "$serve" 2>/dev/null; rm -rf "$work"' EXIT
bin=target/release/clinic2fa module=$PWD/target/release/libpam_clinic2fa.so
export CLINIC2FA_DB=$work/bench.db CLINIC2FA_KEY_FILE=$work/bench.key
$bin init --name Bench >/dev/null 2>&1
$bin clinic set lockout-threshold 100 >/dev/null
printf 'correct horse battery\n' | $bin user add desk --2fa exempt --password-stdin >/dev/null
printf 'correct horse battery\n' | $bin --json user add alice --password-stdin >/dev/null
secret=$($bin --json enrol alice --password-stdin <<<'correct horse battery' | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
$bin enrol alice --confirm "$(oathtool --totp -b "$secret")" --password-stdin <<<'correct horse battery' >/dev/null
$bin serve --socket "$work/s.sock" 2>"$work/serve.log" & serve=$!
for _ in $(seq 50); do [ -S "$work/s.sock" ] && break; sleep 0.1; done
mkdir "$work/pam"
printf 'auth required %s socket=%s\naccount required pam_permit.so\n' "$module" "$work/s.sock" >"$work/pam/c2f-full"
printf 'auth required pam_permit.so\nauth required %s socket=%s mode=code\naccount required pam_permit.so\n' "$module" "$work/s.sock" >"$work/pam/c2f-code"
oath=3132333435363738393031323334353637383930
printf 'HOTP/T30/6\tbenchuser\t-\t%s\n' "$oath" >"$work/users.oath"
chmod 600 "$work/users.oath"
printf 'auth required pam_oath.so usersfile=%s window=1 digits=6\naccount required pam_permit.so\n' "$work/users.oath" >"$work/pam/oath"
python3 - "$work/pam" "$secret" "$oath" <<'PY' | tee bench/pam.txt
import os, statistics, subprocess, sys, time
pam, secret, oath = sys.argv[1:]
env = dict(os.environ, LD_PRELOAD="libpam_wrapper.so", PAM_WRAPPER="1", PAM_WRAPPER_SERVICE_DIR=pam)
def run(service, user, typed):
    start = time.perf_counter()
    out = subprocess.run(["pamtester", service, user, "authenticate"], input=typed, env=env,
                         capture_output=True, text=True)
    return (time.perf_counter() - start) * 1000, out.returncode
def code(b32=None, hexkey=None):
    args = ["oathtool", "--totp"] + (["-b", b32] if b32 else [hexkey])
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()
def line(label, first, rest):
    print(f"{label}: first (rc {first[1]}) {first[0]:.2f} ms; {len(rest)} more: median "
          f"{statistics.median(t for t, _ in rest):.2f} ms, min {min(t for t, _ in rest):.2f} ms, "
          f"rc {sorted(set(rc for _, rc in rest))}")
print(f"machine: {os.cpu_count()} cores; pamtester under pam_wrapper, a whole process each")
c = code(hexkey=oath)
line("pam_oath, code only (replays refused after the first)", run("oath", "benchuser", c + "\n"),
     [run("oath", "benchuser", c + "\n") for _ in range(90)])
# The enrolment used this 30 s step's code: the next step's is the first fresh one.
time.sleep(30 - time.time() % 30 + 0.5)
c = code(b32=secret)
line("pam_clinic2fa mode=code, code only (replays refused after the first)",
     run("c2f-code", "alice", c + "\n"), [run("c2f-code", "alice", c + "\n") for _ in range(90)])
pw = "correct horse battery\n"
line("pam_clinic2fa mode=full, an exempt account's password (argon2)",
     run("c2f-full", "desk", pw), [run("c2f-full", "desk", pw) for _ in range(50)])
PY
