"""Shared helpers of the end-to-end tests (e2e_*_test.py): start the real node in sandbox mode on
a loopback port, call it over HTTP, record failed checks, and build order bodies and routing
queries for every procedure. Python 3 standard library only.

Every expectation in the tests is derived from the law (law/rules/*.toml) and the machine tables
(src/workflow/README.md), never from what the server answers.
"""
import atexit
import datetime
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
import urllib.error
import urllib.request

FAILURES = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    def __init__(self, evidex, prefix="evidex-e2e-"):
        self.evidex = evidex
        self.data = tempfile.mkdtemp(prefix=prefix)
        self.port = free_port()
        self.proc = None
        self.seq = 0
        self.args = []  # more arguments of `evidex serve` (e.g. `--config FILE`)

    def start(self):
        # The log goes to a file: a pipe nobody reads would fill and block the node.
        log = os.path.join(self.data, "node.log")
        with open(log, "a") as err:
            self.proc = subprocess.Popen(
                [self.evidex, "serve", "--sandbox", "--data", self.data, "--listen",
                 f"127.0.0.1:{self.port}", *self.args], stdout=subprocess.DEVNULL, stderr=err)
        atexit.register(self._kill)  # a test that dies leaves no node behind
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                with open(log) as f:
                    raise SystemExit(f"serve exited: {f.read()[-4000:]}")
            try:
                if self.call("GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise SystemExit("node did not start")

    def _kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self):
        """SIGTERM; the data directory is kept only when a check failed, to look into."""
        self.proc.send_signal(signal.SIGTERM)
        check(self.proc.wait(timeout=30) == 0, "clean shutdown")
        if not FAILURES:
            shutil.rmtree(self.data, ignore_errors=True)

    def people(self):
        """Organisation id -> sandbox person (name, roles, token, ...)."""
        with open(os.path.join(self.data, "sandbox.json")) as f:
            return {p["organisation_id"]: p for p in json.load(f)["people"]}

    def call(self, method, path, token=None, body=None, headers=None, raw=None):
        data = raw if raw is not None else (
            json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                     method=method)
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                text = res.read().decode()
                return res.status, _parse(text, res.headers), dict(res.headers)
        except urllib.error.HTTPError as e:
            text = e.read().decode()
            return e.code, _parse(text, e.headers), dict(e.headers)

    def create(self, token, procedure, addressee, query, order, validator=None):
        self.seq += 1
        body = {"procedure": procedure, "addressee_organisation_id": addressee,
                "query": query, "order": order}
        if validator:
            body["validating_organisation_id"] = validator
        return self.call("POST", "/api/v1/cases", token, body,
                         {"Idempotency-Key": f"e2e-{self.seq}-{time.time_ns()}"})

    def act(self, token, case_id, action, body=None):
        status, res, _ = self.call("POST", f"/api/v1/cases/{case_id}/actions/{action}",
                                   token, body)
        return status, res

    def case(self, token, case_id):
        return self.call("GET", f"/api/v1/cases/{case_id}", token)[1]

    def events(self, token, case_id):
        return self.call("GET", f"/api/v1/cases/{case_id}/events", token)[1]["events"]

    def route(self, token, query):
        return self.call("POST", "/api/v1/route", token, query)


def _parse(text, headers):
    if not text:
        return None
    if "json" in (headers.get("Content-Type") or ""):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def raw_exchange(node, head):
    """Sends a request head as it is (and no body) and reads the answer until the server closes;
    returns its status, or None when the answer is not HTTP/1.1."""
    with socket.create_connection(("127.0.0.1", node.port), timeout=30) as s:
        s.sendall(head.encode())
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    text = b"".join(chunks).decode("latin-1")
    return int(text.split(" ", 2)[1]) if text.startswith("HTTP/1.1 ") else None


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print(f"FAIL: {what}", file=sys.stderr)
    return cond


def finish(name):
    if FAILURES:
        raise SystemExit(f"{name}: {len(FAILURES)} checks failed")
    print(f"{name}: all checks passed")


def step(node, token, case_id, action, to, body=None, what=None):
    """Takes an action the machine allows and checks the state it leads to."""
    status, res = node.act(token, case_id, action, body)
    ok = check(status == 200 and isinstance(res, dict) and res.get("state") == to,
               f"{what or action}: expected 200 and `{to}`, got {status} {_short(res)}")
    return res if ok else None


def refused(node, token, case_id, action, code, what, body=None):
    status, res = node.act(token, case_id, action, body)
    check(status == code, f"{what}: expected {code}, got {status} {_short(res)}")
    return res


def _short(res):
    text = json.dumps(res) if not isinstance(res, str) else res
    return text[:400]


# --- time --------------------------------------------------------------------------------------

def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def duration(text):
    """ISO 8601 days/hours/minutes/seconds as a timedelta (a day is 24 hours, as the law files
    and src/workflow/README.md count it)."""
    m = _DURATION.match(text)
    assert m, text
    d, h, mi, s = (int(x or 0) for x in m.groups())
    return datetime.timedelta(days=d, hours=h, minutes=mi, seconds=s)


def deadlines(case):
    return {d["name"]: d for d in case["deadlines"]}


def event_at(events, event_type, nth=-1):
    times = [parse_time(e["at"]) for e in events if e["type"] == event_type]
    return times[nth] if times else None


def check_due(case, name, start, term, status, what, rule=None):
    """The deadline `name` is due `term` after `start`, to the second, with `status`."""
    d = deadlines(case).get(name)
    if not check(d is not None, f"{what}: deadline `{name}` reported: {case['deadlines']}"):
        return
    due = parse_time(d["due_at"])
    # Both times come from one recorded moment, so they agree to the millisecond.
    check(start is not None and due == start + duration(term),
          f"{what}: `{name}` due {d['due_at']}, expected {term} after {start}")
    check(d["status"] == status, f"{what}: `{name}` status {d['status']}, expected {status}")
    if rule is not None:
        check(d["rule"] == rule, f"{what}: `{name}` rule {d['rule']}, expected {rule}")


def parties(case):
    return {(p["organisation_id"], p["role"]) for p in case["parties"]}


def channel(node, token, q, procedure):
    """The open channel `procedure` of the routing decision for `q`, or None."""
    status, decision, _ = node.route(token, q)
    check(status == 200, f"route: {status} {_short(decision)}")
    for c in decision.get("channels", []) if status == 200 else []:
        if c["procedure"] == procedure:
            return c
    return None


# --- routing queries ---------------------------------------------------------------------------

def query(issuing="FR", established="US", designated=None, data=("subscriber",),
          measure="production", emergency=False, years=5, categories=(), via=False,
          committed=None, resides=None):
    q = {"issuing_state": issuing,
         "addressee": {"kind": "service_provider", "established_in": established},
         "data": list(data), "measure": measure, "emergency": emergency,
         "offence": {"max_custodial_years": years, "categories": list(categories),
                     "via_information_system": via}}
    if designated:
        q["addressee"]["designated_establishment_in"] = designated
    if committed is not None:
        q["committed_in_issuing_state"] = committed
    if resides is not None:
        q["person_resides_in"] = resides
    return q


def ie_query(data=("traffic",), measure="production", emergency=False, **kw):
    kw.setdefault("categories", ("attack_on_information_systems",))
    kw.setdefault("via", True)
    kw.setdefault("resides", "IE")
    kw.setdefault("committed", True)
    return query(established="IE", designated="IE", data=data, measure=measure,
                 emergency=emergency, **kw)


# --- order bodies (docs/formats/order.md) ------------------------------------------------------

def authority(word, name="Parquet de Paris, section cybercriminalite", state="FR"):
    return {"state": state, "authority": word, "name": name, "reference": "PARQ-2026-0107",
            "address": "Parvis du Tribunal, 75017 Paris", "email": "cyber@justice.example"}


IP_TARGET = {"type": "ip_address", "value": "203.0.113.7",
             "timestamp": "2026-11-02T21:14:05+01:00"}
EMAIL_TARGET = {"type": "email", "value": "suspect@example.net"}
TIME_RANGE = {"from": "2026-10-01T00:00:00Z", "to": "2026-11-15T00:00:00Z"}
IE_ADDRESSEE = {"kind": "designated_establishment", "name": "Nimbus Mail Ireland Ltd",
                "address": "1 Dock Road, Dublin 2", "state": "IE"}
CLOUDMAIL = {"name": "Cloudmail Inc.", "address": "1 Market Street, San Francisco, CA",
             "state": "US"}
CONTACT = {"name": "Camille Martin", "email": "camille.martin@parquet.example"}


def epoc(word="investigating_judge", data=("traffic",), notified=True, emergency=False,
         validating=None):
    o = {"issuing_authority": authority(word),
         "addressee": dict(IE_ADDRESSEE),
         "targets": [IP_TARGET, EMAIL_TARGET],
         "data": {"categories": list(data), "time_range": TIME_RANGE},
         "offence": {"description": "intrusion into a hospital's information system",
                     "legal_provisions": ["Code penal, art. 323-1"], "max_custodial_years": 5,
                     "categories": ["attack_on_information_systems"]},
         "grounds": {"summary_of_facts": "the hospital's servers were entered on 2 November",
                     "necessity_and_proportionality": "the logs alone show the origin"}}
    if emergency:
        o["grounds"]["emergency_justification"] = "a ransom note threatens patients' lives"
    if notified:
        o["notification"] = {"enforcing_authority_notified": True,
                             "enforcing_authority": {"name": "Irish enforcing authority",
                                                     "state": "IE"}}
    else:
        o["notification"] = {"enforcing_authority_notified": False,
                             "reason_for_none": "data_category" if set(data) <= {
                                 "subscriber", "identification"} else "art_8_2"}
    if validating:
        o["validating_authority"] = authority(validating, "Juge d'instruction de Paris")
    return o


def epoc_pr(word="prosecutor", data=("traffic",)):
    o = epoc(word, data)
    del o["notification"]
    o["offence"].pop("max_custodial_years")
    o["subsequent_request"] = {"route": "epoc"}
    return o


def art7(time_frame=None):
    o = {"issuing_authority": authority("prosecutor"), "issued_on": "2026-11-20",
         "issued_pursuant_to_protocol": True, "service_provider": dict(CLOUDMAIL),
         "offence": {"description": "fraud by phishing e-mails",
                     "legal_provisions": ["Code penal, art. 313-1"],
                     "penalties": "5 years' imprisonment and a fine of EUR 375,000"},
         "data": {"categories": ["subscriber"],
                  "description": "name, address and payment details of the account holder"},
         "targets": [EMAIL_TARGET],
         "legal_grounds": "Code de procedure penale, art. 77-1-1",
         "return": {"contact": dict(CONTACT), "manner": "through the e-Evidence node"},
         "preservation": {"sought": False}}
    if time_frame:
        o["return"]["time_frame"] = time_frame
    return o


def art8(data=("subscriber",)):
    o = {"issuing_authority": authority("prosecutor"), "issued_on": "2026-11-20",
         "issued_pursuant_to_protocol": True, "service_provider": dict(CLOUDMAIL),
         "offence": {"description": "fraud by phishing e-mails"},
         "data": {"categories": list(data), "description": "account holder and logins"},
         "targets": [EMAIL_TARGET],
         "supporting_information": {
             "legal_grounds": "Code de procedure penale, art. 77-1-1",
             "offence": {"legal_provisions": ["Code penal, art. 313-1"],
                         "penalties": "5 years' imprisonment"},
             "possession_reason": "the phishing e-mails were sent from a Cloudmail account",
             "summary_of_facts": "victims in Paris paid invoices sent from the account",
             "relevance": "the holder of the account is the suspected sender",
             "contact": dict(CONTACT), "preservation": {"sought": False},
             "other_means": {"sought": False}}}
    return o


def art9():
    return {"issuing_authority": authority("point_of_contact_24_7", "Point de contact 24/7"),
            "requesting_authority": authority("prosecutor"), "issued_on": "2026-11-20",
            "issued_pursuant_to_protocol": True, "service_provider": dict(CLOUDMAIL),
            "offence": {"description": "threat to kill", "legal_provisions": ["art. 222-17"],
                        "penalties": "3 years' imprisonment"},
            "emergency": {"facts": "a hostage-taker announced a killing on a Cloudmail list",
                          "relation_to_data": "the account holder is the hostage-taker"},
            "data": {"categories": ["subscriber"], "description": "account holder"},
            "targets": [EMAIL_TARGET]}


def art29():
    return {"issuing_authority": authority("point_of_contact_24_7", "Point de contact 24/7"),
            "requesting_authority": authority("prosecutor"),
            "offence": {"description": "attack on a hospital's information system",
                        "summary_of_facts": "the servers were entered on 2 November"},
            "data": {"categories": ["traffic"], "description": "connection logs",
                     "relation_to_offence": "the logs show the intruder's connections"},
            "custodian": {"name": "Cloudmail Inc.", "state": "US"},
            "targets": [IP_TARGET],
            "necessity": "logs are deleted after 30 days",
            "mla_intended": True}


def art31(word="central_authority"):
    return {"issuing_authority": authority(word, "Ministere de la Justice, BEPI"),
            "requesting_authority": authority("investigating_judge", "Juge d'instruction"),
            "offence": {"description": "fraud by phishing e-mails",
                        "legal_provisions": ["Code penal, art. 313-1"],
                        "summary_of_facts": "victims in Paris paid invoices sent from it"},
            "data": {"categories": ["content"], "description": "e-mails of the account"},
            "service_provider": dict(CLOUDMAIL), "targets": [EMAIL_TARGET]}

