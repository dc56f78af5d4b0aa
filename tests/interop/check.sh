#!/usr/bin/env bash
# Interoperability with real, unmodified clients (run by .ci/run after cargo test):
#   - oathtool and pyotp compute codes from the printed secret, and clinic2fa accepts them;
#   - pyotp.parse_uri reads the otpauth:// URI;
#   - zbarimg decodes the terminal QR code, plain and coloured, to exactly the URI.
# Needs: oathtool, zbarimg (zbar-tools), python3 with pyotp.
# Usage: tests/interop/check.sh [path/to/clinic2fa]
set -euo pipefail
bin=$(realpath "${1:-target/debug/clinic2fa}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CLINIC2FA_DB="$work/clinic.db"
now=$(date +%s)
now=$(( now - now % 30 ))
password='correct horse battery'
passed=0
failed=0
check() { # name, expected, actual
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); echo "ok: $1"
  else failed=$((failed + 1)); echo "FAILED: $1: expected [$2] got [$3]"; fi
}
run() { CLINIC2FA_NOW="$1" "$bin" "${@:2}"; }

run "$now" init --name 'Sunny Vale Clinic' 2>/dev/null
echo "$password" | run "$now" user add alice --password-stdin >/dev/null

# The QR code as printed, decoded by zbarimg.
for colour in never always; do
  echo "$password" | run "$now" --color "$colour" enrol alice --password-stdin >"$work/enrol.txt"
  uri=$(grep -o 'otpauth://[^ ]*' "$work/enrol.txt" | head -1)
  python3 "$here/qr_to_pgm.py" <"$work/enrol.txt" >"$work/qr.pgm"
  check "zbarimg decodes the $colour QR code to the URI" "QR-Code:$uri" "$(zbarimg -q "$work/qr.pgm" 2>/dev/null)"
done

# pyotp reads the URI; oathtool's code confirms the enrolment.
echo "$password" | run "$now" --json enrol alice --password-stdin >"$work/pending.json"
secret=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])' <"$work/pending.json")
uri=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["otpauth_uri"])' <"$work/pending.json")
parsed=$(python3 -c 'import pyotp,sys; t=pyotp.parse_uri(sys.argv[1]); print(t.issuer, t.name, t.secret, t.digits, t.interval, t.digest().name)' "$uri")
check "pyotp.parse_uri reads the URI" "Sunny Vale Clinic alice $secret 6 30 sha1" "$parsed"
code=$(oathtool --totp -b "$secret" -N "@$now")
result=$(echo "$password" | run "$now" --json enrol alice --password-stdin --confirm "$code" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
check "an oathtool code confirms the enrolment" "enrolled" "$result"

# Later sign-ins with codes from each client.
at=$(( now + 30 ))
code=$(python3 -c 'import pyotp,sys; print(pyotp.TOTP(sys.argv[1]).at(int(sys.argv[2])))' "$secret" "$at")
result=$(echo "$password" | run "$at" --json login alice --password-stdin --code "$code" | python3 -c 'import json,sys; print(json.load(sys.stdin)["second_factor"])')
check "a pyotp code signs in" "totp" "$result"
at=$(( now + 60 ))
code=$(oathtool --totp -b "$secret" -N "@$at")
result=$(echo "$password" | run "$at" --json login alice --password-stdin --code "$code" | python3 -c 'import json,sys; print(json.load(sys.stdin)["second_factor"])')
check "an oathtool code signs in" "totp" "$result"
set +e
echo "$password" | run "$at" login alice --password-stdin --code "$code" >/dev/null 2>&1
status=$?
set -e
check "the same oathtool code is refused the second time" "3" "$status"

echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
