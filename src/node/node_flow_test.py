#!/usr/bin/env python3
"""Drives the real node over HTTP on a loopback port: a European Production Order from a French
investigating judge to an Irish designated establishment, with the notification of the Irish
enforcing authority, start to finish; authorization on own and foreign cases; idempotent creation;
bad input (400, 409, 413, 401, 404); a law refusal with its articles; and kill -9 during the flow,
after which every event is in the ledger once and `evidex ledger fsck` finds it sound.
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

FAILURES = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    def __init__(self, data):
        self.data = data
        self.port = free_port()
        self.proc = None
        # The node's log goes to a file: a pipe nobody reads would fill and stall the node.
        self.log = open(os.path.join(data, "node.log"), "a")

    def start(self):
        self.proc = subprocess.Popen(
            [sys.argv[1], "serve", "--sandbox", "--data", self.data, "--listen",
             f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=self.log, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"serve exited: see {self.log.name}")
            try:
                if self.call("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("node did not start")

    def call(self, method, path, token=None, body=None, headers=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                     method=method)
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=20) as res:
                text = res.read().decode()
                return res.status, (json.loads(text) if text else None), dict(res.headers)
        except urllib.error.HTTPError as e:
            text = e.read().decode()
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = text
            return e.code, parsed, dict(e.headers)


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


ORDER = {
    "issuing_authority": {"state": "FR", "authority": "investigating_judge",
                          "name": "Tribunal judiciaire de Paris, juge d'instruction",
                          "reference": "JI-2026-0042", "address": "Parvis du Tribunal, 75017 Paris",
                          "email": "ji.cyber@justice.example"},
    "addressee": {"kind": "designated_establishment", "name": "Nimbus Mail Ireland Ltd",
                  "address": "1 Dock Road, Dublin 2", "state": "IE"},
    "targets": [{"type": "ip_address", "value": "203.0.113.7",
                 "timestamp": "2026-11-02T21:14:05+01:00"},
                {"type": "email", "value": "suspect@example.net"}],
    "data": {"categories": ["traffic"],
             "time_range": {"from": "2026-10-01T00:00:00Z", "to": "2026-11-15T00:00:00Z"}},
    "offence": {"description": "intrusion into a hospital's information system",
                "legal_provisions": ["Code penal, art. 323-1"], "max_custodial_years": 5,
                "categories": ["attack_on_information_systems"]},
    "grounds": {"summary_of_facts": "the hospital's servers were entered on 2 November",
                "necessity_and_proportionality": "the connection logs alone show the origin"},
    "notification": {"enforcing_authority_notified": True,
                     "enforcing_authority": {"name": "Irish enforcing authority for e-evidence",
                                             "state": "IE"}},
}

QUERY = {"issuing_state": "FR",
         "addressee": {"kind": "service_provider", "established_in": "IE",
                       "designated_establishment_in": "IE"},
         "data": ["traffic"], "measure": "production", "emergency": False,
         "offence": {"max_custodial_years": 5, "categories": ["attack_on_information_systems"],
                     "via_information_system": True},
         "committed_in_issuing_state": True, "person_resides_in": "IE"}


def main():
    node = Node(tempfile.mkdtemp(prefix="evidex-flow-"))
    node.start()
    people = {p["organisation_id"]: p for p in
              json.load(open(os.path.join(node.data, "sandbox.json")))["people"]}
    judge = people["org_fr_instruction"]["token"]
    prosecutor = people["org_fr_parquet"]["token"]
    nimbus = people["org_ie_nimbus"]["token"]
    enforcing = people["org_ie_enforcing"]["token"]
    cloudmail = people["org_us_cloudmail"]["token"]

    create = {"procedure": "eu2023-1543.epoc", "addressee_organisation_id": "org_ie_nimbus",
              "query": QUERY, "order": ORDER}
    status, body, headers = node.call("POST", "/api/v1/cases", judge, create,
                                      {"Idempotency-Key": "flow-1"})
    check(status == 201, f"create: {status} {body}")
    case_id = body["id"]
    check(body["state"] == "draft", "a new case is a draft")
    check(headers.get("Location") == f"/api/v1/cases/{case_id}", "Location header")
    roles = {p["role"] for p in body["parties"]}
    check(roles == {"issuer"}, f"a draft has only its issuer as party: {roles}")

    # Idempotency: the same key and body replays; the same key with another body conflicts.
    status, again, headers = node.call("POST", "/api/v1/cases", judge, create,
                                       {"Idempotency-Key": "flow-1"})
    check(status == 201 and again["id"] == case_id, "replay returns the same case")
    check(headers.get("Idempotent-Replayed") == "true", "replay is marked")
    other = dict(create, addressee_organisation_id="org_us_cloudmail")
    status, _, _ = node.call("POST", "/api/v1/cases", judge, other, {"Idempotency-Key": "flow-1"})
    check(status == 409, f"key reused for another request: {status}")
    status, _, _ = node.call("POST", "/api/v1/cases", judge, create)
    check(status == 400, "creating without Idempotency-Key is refused")

    # Authorization: other organisations do not see the case at all.
    for who, token in (("cloudmail", cloudmail), ("prosecutor", prosecutor)):
        status, _, _ = node.call("GET", f"/api/v1/cases/{case_id}", token)
        check(status == 404, f"{who} sees a foreign case: {status}")
    status, _, _ = node.call("GET", f"/api/v1/cases/{case_id}")
    check(status == 401, "no credentials: 401")
    status, body, _ = node.call("POST", f"/api/v1/cases/{case_id}/actions/issue", nimbus)
    check(status == 404, f"the addressee cannot see a draft it was not sent: {status} {body}")

    status, body, _ = node.call("POST", f"/api/v1/cases/{case_id}/actions/issue", judge)
    check(status == 200 and body["state"] == "issued", f"issue: {status} {body}")
    roles = {p["role"] for p in body["parties"]}
    check(roles == {"issuer", "addressee", "enforcing_authority"},
          f"issuing transmits to the addressee and the enforcing authority: {roles}")

    status, body, _ = node.call("GET", "/api/v1/inbox", nimbus)
    check(status == 200 and any(c["id"] == case_id and "receive" in c["available_actions"]
                                for c in body["cases"]), f"inbox of the addressee: {body}")
    # The inbox pages like the case list: a second case issued to the same provider.
    status, second, _ = node.call("POST", "/api/v1/cases", judge, create,
                                  {"Idempotency-Key": "flow-2"})
    node.call("POST", f"/api/v1/cases/{second['id']}/actions/issue", judge)
    status, page1, _ = node.call("GET", "/api/v1/inbox?limit=1", nimbus)
    check(status == 200 and len(page1["cases"]) == 1 and page1["next_cursor"],
          f"inbox page 1: {page1}")
    status, page2, _ = node.call("GET", f"/api/v1/inbox?limit=1&cursor={page1['next_cursor']}",
                                 nimbus)
    check(status == 200 and len(page2["cases"]) == 1 and
          page2["cases"][0]["id"] != page1["cases"][0]["id"], f"inbox page 2: {page2}")
    node.call("POST", f"/api/v1/cases/{second['id']}/actions/withdraw", judge)
    status, body, _ = node.call("POST", f"/api/v1/cases/{case_id}/actions/withdraw", nimbus)
    check(status == 403, f"the addressee cannot withdraw the order: {status}")
    status, body, _ = node.call("POST", f"/api/v1/cases/{case_id}/actions/issue", nimbus)
    check(status == 409, f"issuing an issued order: {status}")
    status, body, _ = node.call("POST", f"/api/v1/cases/{case_id}/actions/receive", nimbus)
    check(status == 200 and body["state"] == "received", f"receive: {status} {body}")
    names = {d["name"]: d for d in body["deadlines"]}
    check({"response", "objection_window"} <= set(names), f"deadlines started: {names}")

    # The notification is suspensive: no production before the enforcing authority clears it.
    status, body, _ = node.call("POST", f"/api/v1/cases/{case_id}/actions/produce", nimbus)
    check(status == 409, f"production suspended by the notification: {status} {body}")
    status, body, _ = node.call("POST", f"/api/v1/cases/{case_id}/actions/confirm_no_grounds",
                                enforcing, {"comment": "no ground under Art. 12"})
    check(status == 200, f"enforcing authority confirms no grounds: {status} {body}")

    # Kill -9 in the middle of the flow: every acknowledged change survives.
    node.proc.kill()
    node.proc.wait()
    node.start()
    status, body, _ = node.call("GET", f"/api/v1/cases/{case_id}", nimbus)
    check(status == 200 and body["state"] == "received", f"state after kill -9: {body}")
    check({d["name"] for d in body["deadlines"]} >= {"response", "objection_window"},
          "deadlines after kill -9")
    # The ledger caught up before the node answered: every event has its own leaf.
    status, body, _ = node.call("GET", f"/api/v1/cases/{case_id}/events", judge)
    leaves = [e["leaf_index"] for e in body["events"]]
    check(status == 200 and None not in leaves and len(set(leaves)) == len(leaves),
          f"every event logged once after kill -9: {leaves}")

    status, body, _ = node.call("POST", f"/api/v1/cases/{case_id}/actions/produce", nimbus)
    check(status == 200 and body["state"] == "produced", f"produce: {status} {body}")
    status, body, _ = node.call("POST", f"/api/v1/cases/{case_id}/actions/close", judge)
    check(status == 200 and body["state"] == "closed", f"close: {status} {body}")
    status, body, _ = node.call("POST", f"/api/v1/cases/{case_id}/actions/close", judge)
    check(status == 409, f"closing a closed case: {status}")

    status, body, _ = node.call("GET", f"/api/v1/cases/{case_id}/events", judge,
                                headers={"X-Purpose": "review before trial"})
    types = [e["type"] for e in body["events"]]
    check(types == ["created", "issued", "received", "no_grounds_confirmed", "produced",
                    "closed"], f"history {types}")
    check([e["seq"] for e in body["events"]] == list(range(1, 7)), "event numbers 1..6")

    status, body, _ = node.call("GET", "/api/v1/cases?limit=10", judge)
    check(status == 200 and [c["id"] for c in body["cases"]] == [second["id"], case_id],
          f"list, newest first: {body}")
    status, body, _ = node.call("GET", "/api/v1/cases?limit=0", judge)
    check(status == 400, "limit out of range")

    # Bad input.
    status, body, _ = node.call("POST", "/api/v1/cases", judge, raw=b"{not json",
                                headers={"Idempotency-Key": "bad-1"})
    check(status == 400, f"malformed JSON: {status}")
    status, body, _ = node.call("POST", "/api/v1/cases", judge, dict(create, extra=1),
                                {"Idempotency-Key": "bad-2"})
    check(status == 400 and "`extra`" in body["detail"], f"unknown field named: {body}")
    # Announce a body over the limit: the node answers 413 without reading it.
    with socket.create_connection(("127.0.0.1", node.port), timeout=20) as sock:
        sock.sendall(b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                     judge.encode() + b"\r\nIdempotency-Key: bad-3\r\n"
                     b"Content-Length: 2097152\r\n\r\n")
        reply = sock.recv(4096).decode(errors="replace")
    check(reply.startswith("HTTP/1.1 413"), f"oversized body: {reply[:40]!r}")
    bad_order = json.loads(json.dumps(create))
    del bad_order["order"]["grounds"]["necessity_and_proportionality"]
    status, body, _ = node.call("POST", "/api/v1/cases", judge, bad_order,
                                {"Idempotency-Key": "bad-4"})
    check(status == 400 and any(e["field"].startswith("order.grounds") for e in body["errors"]),
          f"missing content named: {body}")

    # The law refuses a closed channel, with its articles.
    refused = dict(create, procedure="cets224.7")
    status, body, _ = node.call("POST", "/api/v1/cases", judge, refused,
                                {"Idempotency-Key": "law-1"})
    check(status == 409 and any(e.get("cite", "").startswith("CETS 224") for e in body["errors"]),
          f"closed channel refused with articles: {status} {body}")

    # A prosecutor may not issue a traffic-data EPOC alone (Art. 4(2)): validation is needed.
    p_order = json.loads(json.dumps(create))
    p_order["order"]["issuing_authority"]["authority"] = "prosecutor"
    status, body, _ = node.call("POST", "/api/v1/cases", prosecutor, p_order,
                                {"Idempotency-Key": "p-1"})
    check(status in (400, 403), f"prosecutor alone refused: {status} {body}")

    node.proc.send_signal(signal.SIGTERM)
    check(node.proc.wait(timeout=30) == 0, "clean shutdown")
    # The ledger survived the kill -9 sound: fsck re-derives it and checks every checkpoint.
    fsck = subprocess.run([sys.argv[1], "ledger", "fsck", os.path.join(node.data, "ledger")],
                          capture_output=True, text=True)
    check(fsck.returncode == 0 and fsck.stdout.startswith("sound: "),
          f"ledger fsck: {fsck.returncode} {fsck.stdout} {fsck.stderr}")
    if FAILURES:
        raise SystemExit(f"{len(FAILURES)} checks failed")
    print("node flow e2e: all checks passed")


if __name__ == "__main__":
    main()
