#!/usr/bin/env python3
"""Login against its floor, interleaved so both see the same machine.

    python3 bench/login.py CLINIC2FA ARGON2_FLOOR ROUNDS

Each round is one whole-process login with password and TOTP code (a real success:
every round is 30 s later on the CLINIC2FA_NOW clock, with that step's code), then one
argon2_floor process that verifies a few times in-process: with argon2's own
verify_password (memory from the allocator, warm), then with clinic2fa's own
verification (huge pages the thread keeps, warm after the first). The floor is the
faster of the two: judging a login against the slower would flatter it. On a VM
whose speed drifts from minute to minute, alternating keeps the ratio honest where two
separate runs minutes apart would not. Prints medians, minimums and both ratios.
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


def main() -> None:
    binary, floor_binary, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    work = tempfile.mkdtemp()
    now = 1_795_798_800
    env = {"PATH": os.environ["PATH"], "CLINIC2FA_DB": f"{work}/login.db", "CLINIC2FA_NOW": str(now)}

    def run(*args: str, when: int = now, stdin: bytes = PASSWORD) -> str:
        done = subprocess.run([binary, *args], input=stdin, capture_output=True,
                              env={**env, "CLINIC2FA_NOW": str(when)}, check=True)
        return done.stdout.decode()

    run("user", "add", "alice", "--password-stdin")
    secret = json.loads(run("--json", "enrol", "alice", "--password-stdin"))["secret"]
    run("enrol", "alice", "--password-stdin", "--confirm", totp(secret, now))
    with open(f"{work}/pw", "wb") as f:
        f.write(PASSWORD)

    logins, floors, ours = [], [], []
    for i in range(rounds + 3):
        when = now + 30 * (i + 1)
        code = totp(secret, when)
        with open(f"{work}/pw", "rb") as stdin:
            start = time.perf_counter()
            subprocess.run([binary, "login", "alice", "--password-stdin", "--code", code],
                           stdin=stdin, stdout=subprocess.DEVNULL,
                           env={**env, "CLINIC2FA_NOW": str(when)}, check=True)
            elapsed = (time.perf_counter() - start) * 1000
        floor = subprocess.run([floor_binary, "3"], capture_output=True, check=True).stdout.decode()
        if i >= 3:  # the first rounds warm the page cache and the CPU's caches
            logins.append(elapsed)
            fields = dict(field.split("=", 1) for field in floor.split())
            floors += [float(t) for t in fields["each"].split(",")]
            ours += [float(t) for t in fields["ours"].split(",")]

    login, theirs, own = (statistics.median(v) for v in (logins, floors, ours))
    floor, floor_min = min(theirs, own), min(min(floors), min(ours))
    print(f"login (password + TOTP, whole process): median {login:.3f} ms, min {min(logins):.3f} ms, {len(logins)} runs")
    print(f"argon2's verify_password in-process, warm: median {theirs:.3f} ms, min {min(floors):.3f} ms, {len(floors)} runs")
    print(f"clinic2fa's verification in-process (huge pages, kept warm by the thread): median {own:.3f} ms, min {min(ours):.3f} ms, {len(ours)} runs")
    print(f"floor (the faster of the two): median {floor:.3f} ms")
    print(f"login / floor = {login / floor:.3f} (medians; target <= 1.15); {min(logins) / floor_min:.3f} (minimums)")
    print(f"login / argon2's verify_password = {login / theirs:.3f} (medians)")


if __name__ == "__main__":
    main()
