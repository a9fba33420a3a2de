#!/usr/bin/env python3
"""Signed documents over HTTP (docs/formats/signed-document.md): the node signs an order as the
validating and the issuing organisation, a response as the addressee and an objection as the
enforcing authority, each with its own key; an emergency order only after a second person of the
issuing organisation approved it (four eyes); a signed order delivered from outside is verified
before anything else, and forged, unsigned, wrongly signed, unknown-key, revoked-key,
incompetent-signer and unvalidated orders are each refused with their own reason, recorded in
the security log, and never stored as an order.

Usage: e2e_signing_test.py EVIDEX
"""
import copy
import datetime
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from e2e_common import Node, check, epoc, finish, ie_query, parse_time, step

EPOC = "eu2023-1543.epoc"


def signed_document(node, token, cid, event_type):
    for e in node.events(token, cid):
        if e["type"] == event_type:
            return e["payload"].get("signed_document")
    return None


def signers(envelope):
    return [(s["signer"], s["role"]) for s in envelope["signatures"]]


def db(node):
    return sqlite3.connect(os.path.join(node.data, "evidex.db"), timeout=30)


def validated_order(node, t):
    """A prosecutor's traffic-data order, validated by the investigating judge (Art. 4(2)(b)):
    the judge's organisation signs the order as validator, the prosecutor's as issuer."""
    status, case, _ = node.create(t["prosecutor"], EPOC, "org_ie_nimbus", ie_query(),
                                  epoc("prosecutor", validating="investigating_judge"),
                                  validator="org_fr_instruction")
    if not check(status == 201, f"create: {status} {case}"):
        return None
    cid = case["id"]
    step(node, t["prosecutor"], cid, "submit_for_validation", "awaiting_validation")
    step(node, t["judge"], cid, "validate", "validated")
    validation = signed_document(node, t["judge"], cid, "validated")
    if check(validation is not None, "validating signs the order"):
        check(signers(validation) == [("org_fr_instruction", "validator")],
              f"the validator's signature: {signers(validation)}")
        check(validation["document"]["kind"] == "order"
              and validation["document"]["case_id"] == cid
              and validation["document"]["facts"]["validation_required"] is True,
              "the signed document is the order with the facts the law decided")
    step(node, t["prosecutor"], cid, "issue", "issued")
    order = signed_document(node, t["prosecutor"], cid, "issued")
    if not check(order is not None, "issuing signs the order"):
        return None
    check(signers(order) == [("org_fr_instruction", "validator"), ("org_fr_parquet", "issuer")],
          f"validator's and issuer's signatures over one document: {signers(order)}")
    check(order["document"] == validation["document"], "both sign the same document")
    check(all(s["key_id"].startswith("key_") and len(s["signature"]) == 88
              for s in order["signatures"]), "64-byte signatures under key ids")
    return cid, order


def responses(node, t, cid):
    """The addressee's answer and the enforcing authority's objection are signed by them."""
    step(node, t["nimbus"], cid, "receive", "received")
    step(node, t["nimbus"], cid, "request_clarification", "awaiting_clarification",
         {"comment": "the time range is ambiguous"})
    response = signed_document(node, t["nimbus"], cid, "clarification_requested")
    if check(response is not None, "the addressee's response is signed"):
        check(signers(response) == [("org_ie_nimbus", "addressee")]
              and response["document"]["kind"] == "response"
              and response["document"]["action"] == "request_clarification"
              and response["document"]["input"]["comment"] == "the time range is ambiguous",
              f"a response signed by the addressee: {response}")
    step(node, t["prosecutor"], cid, "clarify", "received", {"comment": "October 2026"})
    step(node, t["enforcing"], cid, "object", "refused",
         {"reasons": ["art_12_1_d: the conduct is not an offence in Ireland"]})
    objection = signed_document(node, t["enforcing"], cid, "objected")
    if check(objection is not None, "the objection is signed"):
        check(signers(objection) == [("org_ie_enforcing", "enforcing_authority")]
              and objection["document"]["kind"] == "objection",
              f"an objection signed by the enforcing authority: {signers(objection)}")


def deliver(node, token, envelope=None, raw=None):
    data = raw if raw is not None else json.dumps(envelope).encode()
    status, body, _ = node.call("POST", "/api/v1/deliveries", token, raw=data,
                                headers={"Content-Type": "application/json"})
    reasons = [e["detail"] for e in (body or {}).get("errors", []) if e["field"] == "reason"] \
        if isinstance(body, dict) else []
    return status, (reasons[0] if reasons else None), body


def refused_delivery(node, token, envelope, code, reason, what, raw=None):
    status, got, body = deliver(node, token, envelope, raw)
    check(status == code and got == reason,
          f"{what}: expected {code} `{reason}`, got {status} `{got}` {json.dumps(body)[:300]}")


def deliveries(node, t, order):
    """Every refusal has its own reason; the genuine order verifies."""
    status, reason, body = deliver(node, t["nimbus"], order)
    check(status == 200 and body["status"] == "verified"
          and [s["role"] for s in body["signatures"]] == ["validator", "issuer"],
          f"the genuine order verifies: {status} {body}")
    check(deliver(node, None, order)[0] == 401, "deliveries need credentials")

    refused_delivery(node, t["nimbus"], None, 400, "malformed", "not JSON", raw=b"{not json")
    extra = copy.deepcopy(order)
    extra["note"] = "unknown member"
    refused_delivery(node, t["nimbus"], extra, 400, "malformed", "an unknown member")
    unsigned = copy.deepcopy(order)
    unsigned["signatures"] = []
    refused_delivery(node, t["nimbus"], unsigned, 403, "unsigned", "no signature")
    forged = copy.deepcopy(order)
    forged["document"]["order"]["targets"][0]["value"] = "198.51.100.99"
    refused_delivery(node, t["nimbus"], forged, 403, "wrong_signature",
                     "a forged target under genuine signatures")
    moved = copy.deepcopy(order)
    moved["signatures"][1]["signed_at"] = "2026-01-01T00:00:00Z"
    refused_delivery(node, t["nimbus"], moved, 403, "wrong_signature",
                     "a signature moved to another time")
    unknown = copy.deepcopy(order)
    unknown["signatures"][1]["key_id"] = "key_forged"
    refused_delivery(node, t["nimbus"], unknown, 403, "unknown_key", "an unknown key")
    impostor = copy.deepcopy(order)
    impostor["signatures"][1]["signer"] = "org_fr_instruction"
    refused_delivery(node, t["nimbus"], impostor, 403, "unknown_key",
                     "a key presented as another organisation's")
    unvalidated = copy.deepcopy(order)
    unvalidated["signatures"] = unvalidated["signatures"][1:]
    refused_delivery(node, t["nimbus"], unvalidated, 403, "missing_required_signature",
                     "the validator's signature removed (Art. 4(2)(b))")

    # The investigating judge's office loses its designation as a judicial authority: its
    # genuine signature no longer makes it competent to validate.
    with db(node) as conn:
        conn.execute("UPDATE organisations SET authorities = '[\"prosecutor\"]' "
                     "WHERE id = 'org_fr_instruction'")
    refused_delivery(node, t["nimbus"], order, 403, "signer_not_competent",
                     "a validator that is no validating authority")
    with db(node) as conn:
        conn.execute("UPDATE organisations SET authorities = "
                     "'[\"investigating_judge\",\"judge\"]' WHERE id = 'org_fr_instruction'")
    check(deliver(node, t["nimbus"], order)[0] == 200, "competent again")


def revocation(node, t, order, admin_session):
    """The prosecutor's office revokes its signing key from a second before it signed: the order
    it signed no longer verifies, and its next order cannot be signed until it rotates."""
    issuer = order["signatures"][1]
    signed_at = parse_time(issuer["signed_at"])
    before = (signed_at - datetime.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    path = f"/api/v1/organisations/org_fr_parquet/keys/{issuer['key_id']}/revoke"
    status, key, _ = node.call("POST", path, t["prosecutor"], {"revoked_at": before})
    check(status == 403, f"an issuer without the admin role cannot revoke: {status}")
    status, key, _ = node.call("POST", path, admin_session, {"revoked_at": before})
    check(status == 200 and key["revoked_at"] is not None, f"revoked: {status} {key}")
    refused_delivery(node, t["nimbus"], order, 403, "key_revoked",
                     "signed by a key revoked before the signature")

    status, case, _ = node.create(t["judge"], EPOC, "org_ie_nimbus", ie_query(), epoc())
    cid = case["id"]
    step(node, t["judge"], cid, "issue", "issued", what="another organisation still signs")
    status, case, _ = node.create(t["prosecutor"], EPOC, "org_ie_nimbus", ie_query(("subscriber",)),
                                  epoc("prosecutor", data=("subscriber",), notified=False))
    if check(status == 201, f"a subscriber-data order of the prosecutor: {status} {case}"):
        status, body = node.act(t["prosecutor"], case["id"], "issue")
        check(status == 409, f"no valid signing key, no issue: {status} {body}")
        status, key, _ = node.call("POST", "/api/v1/organisations/org_fr_parquet/keys",
                                   admin_session, {"kind": "signing"},
                                   {"Idempotency-Key": "rotate-after-revocation"})
        check(status == 201 and key["current"], f"rotated: {status} {key}")
        step(node, t["prosecutor"], case["id"], "issue", "issued", what="issue with the new key")
        again = signed_document(node, t["prosecutor"], case["id"], "issued")
        check(again["signatures"][0]["key_id"] == key["id"], "signed with the new key")
        check(deliver(node, t["nimbus"], again)[0] == 200, "the new key's order verifies")


def incompetent_signer(node, t):
    """An organisation no longer competent for the order cannot have the node sign it."""
    status, case, _ = node.create(t["judge"], EPOC, "org_ie_nimbus", ie_query(), epoc())
    cid = case["id"]
    with db(node) as conn:
        conn.execute("UPDATE organisations SET authorities = '[\"prosecutor\"]' "
                     "WHERE id = 'org_fr_instruction'")
    status, body = node.act(t["judge"], cid, "issue")
    reason = [e["detail"] for e in body.get("errors", []) if e["field"] == "reason"]
    check(status == 403 and reason == ["signer_not_competent"],
          f"the node refuses to sign for an incompetent issuer: {status} {body}")
    check(node.case(t["judge"], cid)["state"] == "draft", "the refused issue changed nothing")
    with db(node) as conn:
        conn.execute("UPDATE organisations SET authorities = "
                     "'[\"investigating_judge\",\"judge\"]' WHERE id = 'org_fr_instruction'")


def second_person(node, org, roles):
    """A second person of `org` with an API token (there is no API for people yet): written into
    the store as the node writes them, the token stored only as its SHA-256."""
    secret = "evx_t_" + secrets.token_urlsafe(32)
    person = f"person_second_{org}"
    with db(node) as conn:
        conn.execute("INSERT INTO people VALUES (?, ?, 'Second Person', ?, ?, '', 0, 0)",
                     (person, org, f"second@{org}.example", json.dumps(roles)))
        conn.execute("INSERT INTO api_tokens VALUES (?, ?, ?, ?, 0, ?, NULL)",
                     (f"tok_second_{org}", person, hashlib.sha256(secret.encode()).hexdigest(),
                      json.dumps(["read", "write", "admin"]), 4102444800000))
    return secret


def four_eyes(node, t):
    """An emergency order is signed only after a second person of the issuing organisation
    approved it, once its administrator turns four eyes on (the sandbox starts with it off)."""
    second = second_person(node, "org_fr_instruction", ["issuer", "admin"])
    settings = "/api/v1/organisations/org_fr_instruction/settings"
    status, body, _ = node.call("GET", settings, second)
    check(status == 200 and body["four_eyes_emergency"] is False, f"sandbox: off {status} {body}")
    status, body, _ = node.call("PUT", settings, t["judge"], {"four_eyes_emergency": True})
    check(status == 403, f"only an administrator turns it on: {status}")
    status, body, _ = node.call("PUT", settings, second, {"four_eyes_emergency": True})
    check(status == 200 and body["four_eyes_emergency"] is True, f"on: {status} {body}")

    status, case, _ = node.create(t["judge"], EPOC, "org_ie_nimbus", ie_query(emergency=True),
                                  epoc(emergency=True))
    if not check(status == 201, f"an emergency order: {status} {case}"):
        return
    cid = case["id"]
    approvals = f"/api/v1/cases/{cid}/approvals"
    status, body = node.act(t["judge"], cid, "issue")
    check(status == 409 and "four eyes" in body["detail"], f"no approval, no issue: {status} {body}")
    status, body, _ = node.call("POST", approvals, t["judge"], {"action": "issue"},
                                {"Idempotency-Key": "approve-own"})
    check(status == 201, f"the issuer may record an approval: {status} {body}")
    status, body = node.act(t["judge"], cid, "issue")
    check(status == 409, f"but one's own approval is not a second pair of eyes: {status}")
    status, body, _ = node.call("POST", approvals, t["nimbus"], {"action": "issue"},
                                {"Idempotency-Key": "approve-nimbus"})
    check(status == 404, f"another organisation cannot approve: {status}")
    status, body, _ = node.call("POST", approvals, second, {"action": "issue"},
                                {"Idempotency-Key": "approve-second"})
    check(status == 201 and body["approved_by"] == "person_second_org_fr_instruction",
          f"the second person approves: {status} {body}")
    step(node, t["judge"], cid, "issue", "issued", what="issue after the second approval")
    order = signed_document(node, t["judge"], cid, "issued")
    check(order is not None and signers(order) == [("org_fr_instruction", "issuer")],
          "the approved emergency order is signed")
    check(deliver(node, t["nimbus"], order)[0] == 200, "and verifies")
    types = [e["type"] for e in node.events(t["judge"], cid)]
    check(types == ["created", "signing_approved", "signing_approved", "issued"],
          f"both approvals are in the history: {types}")
    node.call("PUT", settings, second, {"four_eyes_emergency": False})


def admin_of_parquet(node):
    """The prosecutor's office gets an administrator (there is no API for people yet): the demo
    prosecutor, with a password, logs in for a session with the admin scope."""
    password_hash = ("$argon2id$v=19$m=65536,t=2,p=1$vRLztxDwOkcpHMCgMHWTJg$"
                     "mPD8cHGJI4EzcKf+US/ORh13/L5pWnWFsdMiLDrIpOg")
    with db(node) as conn:
        conn.execute("UPDATE people SET roles = '[\"issuer\",\"admin\"]', password_hash = ? "
                     "WHERE organisation_id = 'org_fr_parquet'", (password_hash,))
    status, session, _ = node.call("POST", "/api/v1/auth/login", None,
                                   {"email": "camille.martin@parquet.example",
                                    "password": "openapi-test-password"})
    check(status == 201, f"login: {status} {session}")
    return session["token"]


def admin_init(evidex):
    """`evidex admin init` gives the new organisation its keys, sealed, with four eyes on."""
    data = tempfile.mkdtemp(prefix="evidex-e2e-signing-init-")
    try:
        run = subprocess.run([evidex, "admin", "init", "--data", data, "--organisation",
                              "Parquet de Lyon", "--kind", "issuing_authority", "--state", "FR",
                              "--name", "Admin", "--email", "admin@lyon.example"],
                             capture_output=True, text=True, timeout=60)
        check(run.returncode == 0, f"admin init: {run.returncode} {run.stderr}")
        conn = sqlite3.connect(os.path.join(data, "evidex.db"))
        rows = conn.execute("SELECT k.kind, length(k.public_key), length(k.sealed_secret), "
                            "k.valid_until IS NULL AND k.revoked_at IS NULL, "
                            "o.four_eyes_emergency FROM organisation_keys k JOIN organisations o "
                            "ON o.id = k.organisation_id ORDER BY k.kind").fetchall()
        conn.close()
        check(rows == [("encryption", 32, 73, 1, 1), ("signing", 32, 73, 1, 1)],
              f"one current key of each kind, sealed (73 bytes), four eyes on: {rows}")
        with open(os.path.join(data, "master.key"), "rb") as f:
            check(len(f.read()) == 32, "the master key beside the database")
    finally:
        shutil.rmtree(data, ignore_errors=True)


def main():
    admin_init(sys.argv[1])
    node = Node(sys.argv[1], "evidex-e2e-signing-").start()
    try:
        people = node.people()
        t = {"prosecutor": people["org_fr_parquet"]["token"],
             "judge": people["org_fr_instruction"]["token"],
             "nimbus": people["org_ie_nimbus"]["token"],
             "enforcing": people["org_ie_enforcing"]["token"]}
        made = validated_order(node, t)
        if made:
            cid, order = made
            responses(node, t, cid)
            with db(node) as conn:
                cases_before = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
            deliveries(node, t, order)
            incompetent_signer(node, t)
            four_eyes(node, t)
            revocation(node, t, order, admin_of_parquet(node))
            with db(node) as conn:
                cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
                log = conn.execute("SELECT kind, reason, organisation_id FROM security_events "
                                   "ORDER BY seq").fetchall()
            # Four cases were created by the later checks, none by a delivery.
            check(cases == cases_before + 4, f"no delivery stored an order: {cases_before} -> {cases}")
            check([r for (k, r, _) in log if k == "delivery_refused"] ==
                  ["malformed", "malformed", "unsigned", "wrong_signature", "wrong_signature",
                   "unknown_key", "unknown_key", "missing_required_signature",
                   "signer_not_competent", "key_revoked"],
                  f"every refused delivery is in the security log: {log}")
            check(("signing_refused", "signer_not_competent", "org_fr_instruction") in log,
                  f"the refused signing is in the security log: {log}")
            # Nimbus's auditor reads the deliveries refused to it, newest first, a page at a time.
            auditor = second_person(node, "org_ie_nimbus", ["auditor"])
            path = "/api/v1/organisations/org_ie_nimbus/security-events"
            status, first, _ = node.call("GET", f"{path}?limit=6", auditor)
            status2, rest, _ = node.call("GET", f"{path}?limit=6&cursor={first['next_cursor']}",
                                         auditor)
            reasons = [e["reason"] for e in first["events"] + rest["events"]]
            check(status == 200 and status2 == 200 and rest["next_cursor"] is None and
                  reasons == [r for (k, r, o) in reversed(log)
                              if k == "delivery_refused" and o == "org_ie_nimbus"],
                  f"the receiver's security log over the API: {status} {status2} {reasons}")
            check(node.call("GET", path, t["nimbus"])[0] == 403,
                  "a responder does not read the security log")
        with open(os.path.join(node.data, "node.log")) as f:
            lines = [json.loads(line) for line in f if "signed document refused" in line]
        check(len(lines) == 11 and all("reason" in line for line in lines),
              f"one JSON log line per refusal: {len(lines)}")
        with open(os.path.join(node.data, "node.log")) as f:
            text = f.read()
        check("evx_t_" not in text and "evx_s_" not in text, "no credential in the log")
    finally:
        node.stop()
    finish("e2e_signing_test")


if __name__ == "__main__":
    main()
