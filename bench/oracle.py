#!/usr/bin/env python3
"""The review's timing oracle, played as the attacker played it.

    python3 bench/oracle.py CLINIC2FA ROUNDS

A locked account with a full set of recovery codes; each round is one sign-in with the
right password and a recovery code, then one with a wrong password and the same code,
alternated so the machine's drift falls on both alike. Both are answered `locked`
(exit 4). Prints the medians and their ratio: 1.0 means the time tells a right password
from a wrong one no better than chance (the release before this measured 257 ms
against 45 ms, 5.7).
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

PASSWORD = "correct horse battery"


def main() -> None:
    binary, rounds = sys.argv[1], int(sys.argv[2])
    work = tempfile.mkdtemp()
    now = 1_795_798_800
    env = {"PATH": os.environ["PATH"], "CLINIC2FA_DB": f"{work}/oracle.db", "CLINIC2FA_NOW": str(now)}

    def run(*args: str, stdin: str = PASSWORD + "\n", check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([binary, *args], input=stdin.encode(), env=env,
                              capture_output=True, check=check)

    run("init", "--name", "Oracle Clinic", stdin="")
    run("user", "add", "bob", "--password-stdin")
    pending = json.loads(run("--json", "enrol", "bob", "--password-stdin").stdout)
    sys.path.insert(0, os.path.dirname(__file__))
    from login import totp  # noqa: E402  (the same RFC 6238 as bench/login.py)
    enrolled = json.loads(run("--json", "enrol", "bob", "--password-stdin", "--confirm",
                              totp(pending["secret"], now)).stdout)
    code = enrolled["recovery_codes"][0]
    for _ in range(5):
        run("login", "bob", "--password-stdin", "--code", "000000", check=False)

    def attempt(password: str) -> float:
        start = time.perf_counter()
        done = run("login", "bob", "--password-stdin", "--recovery-code", code,
                   stdin=password + "\n", check=False)
        elapsed = (time.perf_counter() - start) * 1000
        assert done.returncode == 4, done.stderr
        return elapsed

    right, wrong = [], []
    for _ in range(rounds):
        right.append(attempt(PASSWORD))
        wrong.append(attempt("a wrong password here"))
    r, w = statistics.median(right), statistics.median(wrong)
    print(f"locked account, recovery code offered, {rounds} rounds alternated")
    print(f"right password: median {r:.1f} ms (min {min(right):.1f})")
    print(f"wrong password: median {w:.1f} ms (min {min(wrong):.1f})")
    print(f"ratio right / wrong: {r / w:.2f}")


if __name__ == "__main__":
    main()
