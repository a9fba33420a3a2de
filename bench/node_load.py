#!/usr/bin/env python3
"""Load test of a node on loopback with wrk (Debian package), recorded in docs/PERFORMANCE.md.

Starts `evidex serve --sandbox` (Release build) on a free loopback port in a fresh data
directory, creates a case, then measures with wrk, side by side in one run:
  1. authenticated GET of a case (GET /api/v1/cases/{id}, access record included);
  2. creating an order (POST /api/v1/cases, each acknowledged order durable);
then stores PREFILL more cases and measures both again. Prints requests/s and p50/p99 latency.
Bounded: every wrk run lasts DURATION seconds against 127.0.0.1 only.

usage: bench/node_load.py [EVIDEX_BINARY] [--duration S] [--prefill N] [--connections C]
                          [--workers W]
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src", "node"))
from node_flow_test import ORDER, QUERY  # noqa: E402  the EPOC of the end-to-end test


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url, token, duration, connections, script=None):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-H",
           f"Authorization: Bearer {token}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": pct(50), "p99_ms": pct(99),
            "errors": int(non2xx.group(1)) if non2xx else 0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default=os.path.join(HERE, "..", "build", "release",
                                                              "src", "cli", "evidex"))
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--prefill", type=int, default=100000)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--workers", type=int, default=0,
                    help="handler threads of the node (server.workers); 0: the default")
    args = ap.parse_args()

    data = tempfile.mkdtemp(prefix="evidex-load-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [args.binary, "serve", "--sandbox", "--data", data, "--listen", f"127.0.0.1:{port}"]
    if args.workers:
        config = os.path.join(data, "node.toml")
        with open(config, "w") as f:
            f.write(f"[server]\nworkers = {args.workers}\n")
        command += ["--config", config]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        people = json.load(open(os.path.join(data, "sandbox.json")))["people"]
        judge = next(p["token"] for p in people if p["organisation_id"] == "org_fr_instruction")
        create = {"procedure": "eu2023-1543.epoc", "addressee_organisation_id": "org_ie_nimbus",
                  "query": QUERY, "order": ORDER}
        body = json.dumps(create)
        req = urllib.request.Request(base + "/api/v1/cases", data=body.encode(), method="POST",
                                     headers={"Authorization": f"Bearer {judge}",
                                              "Idempotency-Key": "load-first"})
        case_id = json.load(urllib.request.urlopen(req))["id"]

        lua = os.path.join(data, "create.lua")
        with open(lua, "w") as f:
            f.write("wrk.method = 'POST'\n")
            f.write("wrk.body = [==[" + body + "]==]\n")
            # A distinct Idempotency-Key per request: thread number, start time, counter.
            f.write("local counter = 1\n"
                    "function setup(thread) thread:set('tid', counter); counter = counter + 1 end\n"
                    "function init(args) n = 0; prefix = tid .. '-' .. os.time() end\n"
                    "request = function()\n"
                    "  n = n + 1\n"
                    "  local h = {}\n"
                    "  for k, v in pairs(wrk.headers) do h[k] = v end\n"
                    "  h['Idempotency-Key'] = prefix .. '-' .. n\n"
                    "  return wrk.format(nil, nil, h)\n"
                    "end\n")

        def measure(label):
            get = wrk(f"{base}/api/v1/cases/{case_id}", judge, args.duration, args.connections)
            post = wrk(f"{base}/api/v1/cases", judge, args.duration, args.connections, lua)
            print(json.dumps({"store": label, "get_case": get, "create_order": post}))
            return get, post

        empty = measure("empty")
        # Fill the store through the API itself, then measure again.
        filled = 0
        while filled < args.prefill:
            run = wrk(f"{base}/api/v1/cases", judge, 10, args.connections, lua)
            filled += int(run["rps"] * 10)
        # The fill leaves gigabytes of dirty pages whose write-back would slow
        # every fsync of the next measurement: flush them first.
        os.sync()
        time.sleep(5)
        full = measure(f"{args.prefill}+ cases")
        print(json.dumps({"ratio_get": full[0]["rps"] / empty[0]["rps"],
                          "ratio_create": full[1]["rps"] / empty[1]["rps"]}))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        # The filled store takes gigabytes.
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
