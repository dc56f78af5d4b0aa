#!/usr/bin/env python3
"""The sign-in service against its floor (issue 21, item 6). Run by bench/service.sh:

    python3 bench/service.py BIN FLOOR_BIN [POSTGRES_URL_WITH_PASSWORD]

- latency: one sign-in through the API (one kept-alive connection) against argon2's
  own warm verification in one process (`argon2_floor N`), alternated in rounds, since
  this VM's speed drifts from minute to minute;
- throughput: sign-ins per second with 4 clients against cores / warm verification;
- PostgreSQL through the service against SQLite through the service (with a URL);
- memory: peak RSS over 10,000 sign-ins in a row with --max-concurrent 2, against
  2 x 20 MiB + 40 MiB, and whether it grew between the first 1,000 and the last.

The sign-ins are of an exempt account with its password: an argon2 check, a
transaction and an audit entry each (a TOTP code could be used once per 30 s).
"""
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

PASSWORD = "correct horse battery"
BIN, FLOOR = sys.argv[1], sys.argv[2]
PG = sys.argv[3] if len(sys.argv) > 3 else None
CORES = os.cpu_count()


def clinic(db):
    """A clinic with the exempt account `desk` and a client; its env and token."""
    home = tempfile.mkdtemp()
    env = {"PATH": os.environ["PATH"], "HOME": home, "CLINIC2FA_DB": db,
           "CLINIC2FA_KEY_FILE": os.path.join(home, "bench.key")}
    run = lambda *a, stdin="": subprocess.run([BIN, *a], input=stdin, env=env, text=True,
                                             capture_output=True, check=True).stdout
    run("init", "--name", "Bench Clinic")
    run("user", "add", "desk", "--2fa", "exempt", "--password-stdin", stdin=PASSWORD + "\n")
    token = json.loads(run("--json", "client", "add", "bench"))["token"]
    return env, token


class Service:
    def __init__(self, env, slots):
        self.proc = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:0", "--max-concurrent", str(slots),
             "--socket", os.path.join(tempfile.mkdtemp(), "clinic2fa.sock")],
            env=env, stderr=subprocess.PIPE, text=True)
        for line in self.proc.stderr:
            if "serving the HTTP API at http://" in line:
                self.port = int(line.rsplit(":", 1)[1])
                break
        threading.Thread(target=lambda: [None for _ in self.proc.stderr], daemon=True).start()

    def memory_kib(self):
        status = open(f"/proc/{self.proc.pid}/status").read()
        field = lambda name: int(next(l for l in status.splitlines() if l.startswith(name)).split()[1])
        return field("VmHWM:"), field("VmRSS:")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def signer(port, token):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    body = json.dumps({"username": "desk", "password": PASSWORD})
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}

    def sign_in():
        conn.request("POST", "/v1/signin", body, headers)
        answer = conn.getresponse()
        data = answer.read()
        assert answer.status == 200 and b"success" in data, (answer.status, data)
    return sign_in


def timed(sign_in, n):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        sign_in()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def floor(n):
    out = subprocess.run([FLOOR, str(n)], capture_output=True, text=True, check=True).stdout
    return float(out.split("median_ms=")[1].split()[0])


def latency(service, token, label, rounds=6, per_round=40):
    sign_in = signer(service.port, token)
    timed(sign_in, 10)  # warm: the connection, the worker's argon2 memory
    api, warm = [], []
    for _ in range(rounds):
        api.append(timed(sign_in, per_round))
        warm.append(floor(per_round))
    a, f = statistics.median(api), statistics.median(warm)
    print(f"{label}: one sign-in through the API, median of {rounds} rounds of {per_round}: "
          f"{a:.2f} ms; argon2's warm verify in one process: {f:.2f} ms; ratio {a / f:.2f} (target <= 1.10)")
    return a, f


def throughput(service, token, clients=4, each=250):
    def work():
        sign_in = signer(service.port, token)
        for _ in range(each):
            sign_in()
    threads = [threading.Thread(target=work) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rate = clients * each / (time.perf_counter() - start)
    f = floor(40)
    best = CORES / (f / 1000)
    print(f"throughput, {clients} clients, {clients * each} sign-ins: {rate:.1f}/s; "
          f"cores / warm verify = {CORES} / {f:.2f} ms = {best:.1f}/s; ratio {rate / best:.2f} (target >= 0.85)")


def memory(env, token, total=10_000):
    service = Service(env, 2)
    done = [0]
    lock = threading.Lock()
    marks = {}

    def work(count):
        sign_in = signer(service.port, token)
        for _ in range(count):
            sign_in()
            with lock:
                done[0] += 1
                if done[0] == 1000:
                    marks["first"] = service.memory_kib()
    threads = [threading.Thread(target=work, args=(total // 4,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    peak, rss = service.memory_kib()
    service.stop()
    bound = 2 * 20 * 1024 + 40 * 1024
    print(f"memory, {total} sign-ins in a row, --max-concurrent 2: peak RSS {peak / 1024:.1f} MiB "
          f"(bound {bound / 1024:.0f} MiB); RSS after 1,000: {marks['first'][1] / 1024:.1f} MiB, "
          f"after {total}: {rss / 1024:.1f} MiB")


def main():
    print(f"machine: {CORES} cores; {BIN}")
    work = tempfile.mkdtemp()
    env, token = clinic(os.path.join(work, "bench.db"))
    service = Service(env, CORES)
    sqlite_ms, _ = latency(service, token, "SQLite")
    throughput(service, token)
    service.stop()
    if PG:
        pg_env, pg_token = clinic(PG)
        pg_service = Service(pg_env, CORES)
        pg_ms, _ = latency(pg_service, pg_token, "PostgreSQL")
        pg_service.stop()
        # Alternated once more, each engine right after the other.
        s = Service(env, CORES)
        sqlite_again, _ = latency(s, token, "SQLite again", rounds=3)
        s.stop()
        print(f"PostgreSQL / SQLite through the service: {pg_ms:.2f} / "
              f"{(sqlite_ms + sqlite_again) / 2:.2f} = {pg_ms / ((sqlite_ms + sqlite_again) / 2):.2f} (target <= 1.05)")
    memory(env, token)


main()
