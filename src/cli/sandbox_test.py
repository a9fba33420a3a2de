#!/usr/bin/env python3
"""End-to-end test of `evidex serve --sandbox` as a process, on a loopback port.

The contract (used from outside): `evidex serve --sandbox --data DIR --listen 127.0.0.1:PORT`
serves plain HTTP there and, once /healthz answers, DIR/sandbox.json lists every demo person with
a working API token; restarted on the same DIR it keeps its data. Also: SIGTERM shuts down
cleanly (exit 0); after SIGKILL a restart still has everything.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

EVIDEX = sys.argv[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, path, token=None, method="GET", body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, data=body)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def start(data, port):
    proc = subprocess.Popen(
        [EVIDEX, "serve", "--sandbox", "--data", data, "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"serve exited early: {proc.returncode}\n{proc.stderr.read()}")
        try:
            status, _ = request(port, "/healthz")
            if status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("serve did not answer /healthz")


def check(cond, what):
    if not cond:
        raise SystemExit(f"FAIL: {what}")


def main():
    data = tempfile.mkdtemp(prefix="evidex-sandbox-")
    port = free_port()
    proc = start(data, port)
    with open(os.path.join(data, "sandbox.json")) as f:
        sandbox = json.load(f)
    people = sandbox["people"]
    check(len(people) >= 8, "several demo people")
    for p in people:
        for key in ("name", "organisation", "state", "roles", "token"):
            check(key in p, f"person has {key}")
    states = {p["state"] for p in people}
    check({"FR", "IE", "US"} <= states, "people in France, Ireland and the United States")
    for p in people:
        status, body = request(port, "/api/v1/me", p["token"])
        check(status == 200, f"token of {p['name']} works: {status} {body}")
        me = json.loads(body)
        check(me["person"]["name"] == p["name"], "me names the person")
        check(me["organisation"]["state"] == p["state"], "me names the State")
    status, _ = request(port, "/api/v1/me")
    check(status == 401, "no token: 401")
    status, _ = request(port, "/api/v1/me", "evx_t_forged")
    check(status == 401, "forged token: 401")
    prosecutor = next(p for p in people if "prosecutor" in p["organisation"].lower()
                      or "parquet" in p["organisation"].lower())
    with open(os.path.join(os.path.dirname(__file__), "../../examples/route-fr-ie-subscriber.json"),
              "rb") as f:
        status, body = request(port, "/api/v1/route", prosecutor["token"], "POST", f.read())
    check(status == 200, f"route via the API: {status} {body[:200]}")
    check(json.loads(body)["channels"][0]["procedure"] == "eu2023-1543.epoc", "EPOC first")

    proc.send_signal(signal.SIGTERM)
    check(proc.wait(timeout=30) == 0, "SIGTERM shuts down cleanly")

    # Restart on the same directory: same people, same tokens.
    proc = start(data, port)
    with open(os.path.join(data, "sandbox.json")) as f:
        check(json.load(f) == sandbox, "sandbox.json kept")
    status, _ = request(port, "/api/v1/me", people[0]["token"])
    check(status == 200, "tokens survive a restart")

    # Kill -9 and restart: still there.
    proc.kill()
    proc.wait()
    proc = start(data, port)
    status, body = request(port, "/api/v1/organisations", people[0]["token"])
    check(status == 200 and len(json.loads(body)["organisations"]) == len(people),
          "organisations survive SIGKILL")
    proc.send_signal(signal.SIGTERM)
    check(proc.wait(timeout=30) == 0, "second clean shutdown")
    print("sandbox e2e: all checks passed")


if __name__ == "__main__":
    main()
