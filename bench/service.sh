#!/usr/bin/env bash
# The sign-in service against its floor (issue 21). Reproduce with:
#   bash bench/service.sh [POSTGRES_URL_WITH_PASSWORD]
# (the URL names an empty database; `eval "$(bash tests/postgres/start.sh)"` and
# `createdb` make one). Builds the release binary and argon2_floor; writes
# bench/service.txt. BENCHMARKS.md records a run with the machine's details.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
cargo build --release --locked --quiet --example argon2_floor
python3 bench/service.py target/release/clinic2fa target/release/examples/argon2_floor "$@" | tee bench/service.txt
