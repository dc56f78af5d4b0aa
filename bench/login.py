#!/usr/bin/env python3
"""A whole-process login against a whole-process argon2 verification, alternated.

    python3 bench/login.py CLINIC2FA ARGON2_FLOOR ROUNDS

Each round is one login with password and TOTP code (a real success: every round is
30 s later on the CLINIC2FA_NOW clock, with that step's code), then one fresh process
of `argon2_floor verify-once PHC`: argon2's own `verify_password` of the same kind of
hash, in its own memory. Both are timed from outside, spawn to exit. On a VM whose
speed drifts from minute to minute, alternating keeps the ratio honest where two runs
minutes apart would not. Prints medians, minimums and the ratio (target <= 1.05).
"""

import base64
import hashlib
import hmac
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time

PASSWORD = b"correct horse battery\n"


def totp(secret_b32: str, unix: int) -> str:
    """RFC 6238 with SHA-1, 30 s steps, 6 digits: independent of clinic2fa's code."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", unix // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def timed(argv, **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, check=True, **kwargs)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    binary, floor_binary, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    work = tempfile.mkdtemp()
    now = 1_795_798_800
    env = {"PATH": os.environ["PATH"], "CLINIC2FA_DB": f"{work}/login.db", "CLINIC2FA_NOW": str(now)}

    def run(*args: str, when: int = now, stdin: bytes = PASSWORD) -> str:
        done = subprocess.run([binary, *args], input=stdin, capture_output=True,
                              env={**env, "CLINIC2FA_NOW": str(when)}, check=True)
        return done.stdout.decode()

    run("init")
    run("user", "add", "alice", "--password-stdin")
    secret = json.loads(run("--json", "enrol", "alice", "--password-stdin"))["secret"]
    run("enrol", "alice", "--password-stdin", "--confirm", totp(secret, now))
    phc = subprocess.run([floor_binary, "hash"], capture_output=True, check=True).stdout.decode().strip()
    with open(f"{work}/pw", "wb") as f:
        f.write(PASSWORD)

    logins, floors = [], []
    for i in range(rounds + 3):
        when = now + 30 * (i + 1)
        with open(f"{work}/pw", "rb") as stdin:
            login = timed([binary, "login", "alice", "--password-stdin", "--code", totp(secret, when)],
                          stdin=stdin, env={**env, "CLINIC2FA_NOW": str(when)})
        floor = timed([floor_binary, "verify-once", phc])
        if i >= 3:  # the first rounds warm the page cache and the CPU's caches
            logins.append(login)
            floors.append(floor)

    login, floor = statistics.median(logins), statistics.median(floors)
    print(f"login (password + TOTP, whole process): median {login:.3f} ms, min {min(logins):.3f} ms, {len(logins)} runs")
    print(f"argon2's verify_password, whole process: median {floor:.3f} ms, min {min(floors):.3f} ms, {len(floors)} runs")
    print(f"login / floor = {login / floor:.3f} (medians; target <= 1.05); {min(logins) / min(floors):.3f} (minimums)")
    print(f"login - floor = {login - floor:.3f} ms (medians)")


if __name__ == "__main__":
    main()
