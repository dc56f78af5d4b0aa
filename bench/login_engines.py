#!/usr/bin/env python3
"""A whole-process login on PostgreSQL against the same login on SQLite, alternated.

    python3 bench/login_engines.py CLINIC2FA POSTGRES_URL ROUNDS

The URL names an empty database (its password in PGPASSWORD or the URL). Each round is
one login with password and TOTP code on a SQLite clinic, then the same on a clinic in
that database: real successes, each 30 s later on the CLINIC2FA_NOW clock with that
step's code. Timed from outside, spawn to exit, alternated so the VM's drift falls on
both alike. Prints medians, minimums and the ratio (target <= 1.1).
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from login import PASSWORD, totp  # noqa: E402  (the same RFC 6238, written once)


def main() -> None:
    binary, url, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    work = tempfile.mkdtemp()
    now = 1_795_798_800
    base = {"PATH": os.environ["PATH"], "CLINIC2FA_NOW": str(now)}
    if "PGPASSWORD" in os.environ:
        base["PGPASSWORD"] = os.environ["PGPASSWORD"]
    engines = {
        "sqlite": {**base, "CLINIC2FA_DB": f"{work}/login.db"},
        "postgres": {**base, "CLINIC2FA_DB": url, "CLINIC2FA_KEY_FILE": f"{work}/pg.key"},
    }
    secrets = {}
    for name, env in engines.items():
        def run(*args: str) -> str:
            done = subprocess.run([binary, *args], input=PASSWORD, capture_output=True, env=env, check=True)
            return done.stdout.decode()
        run("init")
        run("user", "add", "alice", "--password-stdin")
        secret = json.loads(run("--json", "enrol", "alice", "--password-stdin"))["secret"]
        run("enrol", "alice", "--password-stdin", "--confirm", totp(secret, now))
        secrets[name] = secret

    times = {name: [] for name in engines}
    for i in range(rounds + 3):
        when = now + 30 * (i + 1)
        for name, env in engines.items():
            argv = [binary, "login", "alice", "--password-stdin", "--code", totp(secrets[name], when)]
            start = time.perf_counter()
            subprocess.run(argv, input=PASSWORD, stdout=subprocess.DEVNULL,
                           env={**env, "CLINIC2FA_NOW": str(when)}, check=True)
            if i >= 3:  # the first rounds warm the caches
                times[name].append((time.perf_counter() - start) * 1000)

    for name, runs in times.items():
        print(f"login on {name} (password + TOTP, whole process): median {statistics.median(runs):.3f} ms, "
              f"min {min(runs):.3f} ms, {len(runs)} runs")
    pg, lite = times["postgres"], times["sqlite"]
    print(f"postgres / sqlite = {statistics.median(pg) / statistics.median(lite):.3f} (medians; target <= 1.1); "
          f"{min(pg) / min(lite):.3f} (minimums)")


if __name__ == "__main__":
    main()
