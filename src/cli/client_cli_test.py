#!/usr/bin/env python3
"""Drives a sandbox node through the `evidex` client verbs only: a European Production Order from
a French investigating judge to an Irish designated establishment (create, issue, inbox, receive,
the enforcing authority's confirm_no_grounds, respond produce, show, events, list), and the exit
codes of an invalid transition (1), a missing token (1, 401) and an unreachable node (2).
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

EVIDEX = sys.argv[1]
FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The order and the query of the node's end-to-end EPOC flow.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node"))
from node_flow_test import ORDER, QUERY  # noqa: E402


def main():
    data = tempfile.mkdtemp(prefix="evidex-client-")
    port = free_port()
    node_url = f"http://127.0.0.1:{port}"
    # The node's log goes to a file: a pipe nobody reads would fill and stall the node.
    log = open(os.path.join(data, "node.log"), "a")
    node = subprocess.Popen([EVIDEX, "serve", "--sandbox", "--data", data, "--listen",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 60
    while True:
        if node.poll() is not None:
            raise SystemExit(f"serve exited: see {log.name}")
        try:
            with urllib.request.urlopen(f"{node_url}/healthz", timeout=5) as res:
                if res.status == 200:
                    break
        except OSError:
            if time.time() > deadline:
                raise SystemExit("node did not start")
            time.sleep(0.1)

    people = {p["organisation_id"]: p["token"] for p in
              json.load(open(os.path.join(data, "sandbox.json")))["people"]}

    def client(*args, token=None, stdin=None, env_node=True):
        env = {k: v for k, v in os.environ.items() if k not in ("EVIDEX_NODE", "EVIDEX_TOKEN")}
        if env_node:
            env["EVIDEX_NODE"] = node_url
        if token:
            env["EVIDEX_TOKEN"] = token
        r = subprocess.run([EVIDEX, *args], input=stdin, capture_output=True, text=True,
                           env=env, timeout=60)
        return r.returncode, r.stdout, r.stderr

    def ok(what, *args, token=None, stdin=None):
        code, out, err = client(*args, token=token, stdin=stdin)
        check(code == 0, f"{what}: exit {code}, stderr {err!r}")
        check(out.endswith("\n") and out.count("\n") == 1, f"{what}: one line of JSON: {out!r}")
        try:
            return json.loads(out), err
        except ValueError:
            FAILURES.append(f"{what}: not JSON: {out!r}")
            return {}, err

    judge = people["org_fr_instruction"]
    nimbus = people["org_ie_nimbus"]
    enforcing = people["org_ie_enforcing"]

    order_file = os.path.join(data, "order.json")
    with open(order_file, "w") as f:
        json.dump({"procedure": "eu2023-1543.epoc", "addressee_organisation_id": "org_ie_nimbus",
                   "query": QUERY, "order": ORDER}, f)

    case, err = ok("create", "create", order_file, token=judge)
    case_id = case.get("id", "")
    check(case.get("state") == "draft", f"a new case is a draft: {case}")
    check(err.startswith("idempotency key: ") and err.count("\n") == 1, f"key on stderr: {err!r}")
    key = err.strip().split(": ", 1)[1]
    check(judge not in err, "the token is not printed")
    # A retry with the printed key replays the creation: the same case.
    again, err = ok("create again", "create", order_file, "--idempotency-key", key, token=judge)
    check(again.get("id") == case_id and err == "", f"retry replays: {again.get('id')} {err!r}")

    body, _ = ok("issue", "issue", case_id, token=judge)
    check(body.get("state") == "issued", f"issued: {body.get('state')}")

    # An invalid transition: exit 1, the problem on stderr, nothing on stdout.
    code, out, err = client("issue", case_id, token=judge)
    check(code == 1 and out == "" and err.startswith("conflict: "),
          f"issuing an issued order: {code} {out!r} {err!r}")

    inbox, _ = ok("inbox", "inbox", token=nimbus)
    check(any(c["id"] == case_id and "receive" in c["available_actions"]
              for c in inbox.get("cases", [])), f"inbox of the addressee: {inbox}")

    body, _ = ok("receive", "receive", case_id, token=nimbus)
    check(body.get("state") == "received", f"received: {body.get('state')}")

    # Production waits for the enforcing authority (the notification is suspensive).
    code, _, err = client("respond", case_id, "produce", token=nimbus)
    check(code == 1 and err.startswith("conflict: "), f"production suspended: {code} {err!r}")
    ok("confirm_no_grounds", "act", case_id, "confirm_no_grounds", "--comment",
       "no ground under Art. 12", token=enforcing)

    body, _ = ok("respond produce", "respond", case_id, "produce", token=nimbus)
    check(body.get("state") == "produced", f"produced: {body.get('state')}")

    code, out, _ = client("show", case_id, "--purpose", "review before trial", "--pretty",
                          token=judge)
    check(code == 0 and out.startswith("{\n  ") and json.loads(out).get("state") == "produced",
          f"show --pretty: {code} {out[:80]!r}")

    events, _ = ok("events", "events", case_id, token=judge)
    types = [e["type"] for e in events.get("events", [])]
    check(types == ["created", "issued", "received", "no_grounds_confirmed", "produced"],
          f"history {types}")

    listed, _ = ok("list", "list", "--limit", "10", token=judge)
    check([c["id"] for c in listed.get("cases", [])] == [case_id], f"list: {listed}")

    # `object` needs a reason, and respond only the provider's answers: usage errors.
    code, _, _ = client("object", case_id, token=enforcing)
    check(code == 2, f"object without --reason: {code}")
    code, _, _ = client("respond", case_id, "withdraw", token=nimbus)
    check(code == 2, f"respond with another action: {code}")

    # A missing token: 401 from the node, exit 1.
    code, out, err = client("show", case_id)
    check(code == 1 and out == "" and err.startswith("unauthenticated"),
          f"no token: {code} {err!r}")

    # A token never goes in clear text to a remote host.
    code, _, err = client("inbox", "--node", "http://192.0.2.1:8080", token=judge)
    check(code == 2 and "clear text" in err and judge not in err, f"clear text: {code} {err!r}")

    # An unreachable node: exit 2, naming the URL.
    dead = f"http://127.0.0.1:{free_port()}"
    code, _, err = client("list", "--node", dead, token=judge, env_node=False)
    check(code == 2 and dead in err, f"unreachable: {code} {err!r}")

    node.send_signal(signal.SIGTERM)
    check(node.wait(timeout=30) == 0, "clean shutdown")
    if FAILURES:
        raise SystemExit(f"{len(FAILURES)} checks failed (node log: {log.name})")
    print("client e2e: all checks passed")


if __name__ == "__main__":
    main()
