#!/usr/bin/env python3
"""Sign a person in through clinic2fa's HTTP API: the Python standard library only.
    CLINIC2FA_URL=http://127.0.0.1:8080 CLINIC2FA_TOKEN=c2f_... python3 signin.py alice [CODE]
reads the password from stdin; prints the answer and exits 0 when the person is in."""
import json, os, sys, urllib.error, urllib.request

def sign_in(username, password, code=None, remote_addr=None):
    body = {"username": username, "password": password}
    if code:  # a 6-digit code, or a recovery code (it has letters)
        body["recovery_code" if any(c.isalpha() for c in code) else "code"] = code
    if remote_addr:  # where the person is, for the audit trail and the rate limits
        body["remote_addr"] = remote_addr
    request = urllib.request.Request(os.environ["CLINIC2FA_URL"] + "/v1/signin",
        data=json.dumps(body).encode(), method="POST", headers={
            "Authorization": "Bearer " + os.environ["CLINIC2FA_TOKEN"],
            "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:
            return json.load(answer)  # {"result": "success"|"denied", ...}
    except urllib.error.HTTPError as e:  # 400, 401, 413, 429 (Retry-After), 503
        return {"result": "error", "status": e.code, **json.load(e)}

if __name__ == "__main__":
    answer = sign_in(sys.argv[1], sys.stdin.readline().rstrip("\n"), *sys.argv[2:3])
    print(json.dumps(answer))
    sys.exit(0 if answer["result"] == "success" else 1)
