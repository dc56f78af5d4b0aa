#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the test suite and prints the lines to `eval`:
#   eval "$(bash tests/postgres/start.sh)"
# It installs Debian's postgresql (and openssl) when missing, makes a cluster in a new
# temporary folder owned by the `postgres` account when run as root (PostgreSQL refuses
# to run as root; run by anyone else, it is theirs),
# listening on 127.0.0.1 at a free port with TLS (a certificate authority of its own),
# and a role `clinic2fa` that may create databases: each test makes its own.
# Stop it with: pg_ctl -D "$CLINIC2FA_TEST_POSTGRES_DATA" stop (as the postgres user).
# For tests it skips fsync (a throwaway cluster); FSYNC=on keeps it, for benchmarks.
set -euo pipefail
fsync=${FSYNC:-off}

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v openssl >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "PostgreSQL is not installed: apt-get install postgresql openssl (as root)" >&2; exit 1; }
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql openssl >/dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
# As root, the cluster runs as the postgres account; as anyone else, as them.
if [ "$(id -u)" = 0 ]; then
  runner=postgres
  id "$runner" >/dev/null 2>&1 || useradd --system --no-create-home "$runner"
else
  runner=$(id -un)
fi
dir=$(mktemp -d /tmp/clinic2fa-pg.XXXXXX)
own() { if [ "$(id -u)" = 0 ]; then chown "$runner" "$@"; fi; }
own "$dir"
as() { if [ "$(id -u)" = 0 ]; then runuser -u "$runner" -- "$@"; else "$@"; fi; }

# A certificate authority and a server certificate for localhost and 127.0.0.1.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=clinic2fa test CA" \
  -keyout "$dir/ca.key" -out "$dir/ca.pem" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
  -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$dir/san.ext"
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
  -days 2 -extfile "$dir/san.ext" -out "$dir/server.pem" >/dev/null 2>&1
own "$dir"/server.* && chmod 600 "$dir/server.key" "$dir/ca.key"
chmod 644 "$dir/ca.pem"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
ssl = on
ssl_cert_file = '$dir/server.pem'
ssl_key_file = '$dir/server.key'
max_connections = 200
fsync = $fsync
CONF
# Password sign-in over TCP (as a clinic's server would ask), trust on the socket.
cat >"$dir/data/pg_hba.conf" <<HBA
local all all trust
host  all all 127.0.0.1/32 scram-sha-256
HBA
as "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w start >/dev/null
as "$bin/psql" -h "$dir" -p "$port" -U postgres -q -c \
  "CREATE ROLE clinic2fa LOGIN CREATEDB PASSWORD 'clinic2fa-test'" >/dev/null

echo "export CLINIC2FA_TEST_POSTGRES='postgres://clinic2fa:clinic2fa-test@127.0.0.1:$port/postgres'"
echo "export CLINIC2FA_TEST_POSTGRES_CA='$dir/ca.pem'"
echo "export CLINIC2FA_TEST_POSTGRES_DATA='$dir/data'"
