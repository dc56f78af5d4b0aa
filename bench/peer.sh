#!/usr/bin/env bash
# A peer doing part of the same job on this machine (issue 21, item 6): pam_oath, the
# OATH Toolkit's PAM module, checking a TOTP code through pamtester, as a whole process
# each (as PAM runs it for a login). pam_oath checks the code alone, against a root-owned
# file, with no password hash; a clinic2fa sign-in is a password (argon2, ~25 ms here)
# and a code, so the two are set side by side, not divided. Needs root (it writes
# /etc/pam.d/clinic2fa-bench-oath, removed at the end). Appends to bench/service.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pamtester >/dev/null && [ -e /lib/x86_64-linux-gnu/security/pam_oath.so ] || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pamtester libpam-oath oathtool >/dev/null
}
work=$(mktemp -d)
trap 'rm -rf "$work" /etc/pam.d/clinic2fa-bench-oath' EXIT
secret=3132333435363738393031323334353637383930
printf 'HOTP/T30/6\tbenchuser\t-\t%s\n' "$secret" >"$work/users.oath"
chmod 600 "$work/users.oath"
printf 'auth required pam_oath.so usersfile=%s window=1 digits=6\naccount required pam_permit.so\n' "$work/users.oath" \
  >/etc/pam.d/clinic2fa-bench-oath
python3 - "$secret" <<'PY' | tee -a bench/service.txt
import statistics, subprocess, sys, time
secret = sys.argv[1]
def run(code):
    start = time.perf_counter()
    out = subprocess.run(["pamtester", "clinic2fa-bench-oath", "benchuser", "authenticate"],
                         input=code + "\n", capture_output=True, text=True)
    return (time.perf_counter() - start) * 1000, out.returncode
code = subprocess.run(["oathtool", "--totp", secret], capture_output=True, text=True, check=True).stdout.strip()
first_ms, first_rc = run(code)
# The same code again is refused (pam_oath keeps the last one used): the same work.
times = [run(code)[0] for _ in range(100)]
print(f"peer: pam_oath through pamtester, TOTP code only, whole process: first (accepted, rc {first_rc}) "
      f"{first_ms:.2f} ms; 100 more (replays, refused) median {statistics.median(times):.2f} ms, "
      f"min {min(times):.2f} ms")
PY
