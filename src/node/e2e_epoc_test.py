#!/usr/bin/env python3
"""European Production Orders (EU 2023/1543, machine eu2023-1543.epoc) over HTTP, beyond the happy
path of node_flow_test.py: validation before issuing (Art. 4(2)(b)), withdrawal before and after
transmission, an objection of the enforcing authority (Art. 12(1)) that leaves the case refused
until the issuer withdraws, a clarification loop (Art. 10(5), Annex III) that restarts the 10
days, and inability to comply with Annex III reasons (Art. 10(5)-(8)).

Usage: e2e_epoc_test.py EVIDEX
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from e2e_common import (Node, check, channel, check_due, deadlines, epoc, event_at, finish,
                        ie_query, parties, refused, step)

EPOC = "eu2023-1543.epoc"


def routing(node, t):
    """The channel the law opens FR -> IE for traffic data (Arts 4(2), 8(1), 10(2))."""
    c = channel(node, t["judge"], ie_query(), EPOC)
    if not check(c is not None, "the EPOC channel is open FR -> IE for traffic data"):
        return
    check(c["addressee"] == {"role": "designated_establishment", "state": "IE"},
          f"addressed to the designated establishment in IE (Art. 7(1)): {c['addressee']}")
    check(c["issuing_authorities"] == ["judge", "court", "investigating_judge"],
          f"traffic data: no prosecutor issues alone (Art. 4(2)): {c['issuing_authorities']}")
    check(c["response_deadline"] == "P10D", "10 days (Art. 10(2))")
    check(c["notifications"] and c["notifications"][0]["state"] == "IE"
          and c["notifications"][0]["role"] == "enforcing_authority"
          and c["notifications"][0]["objection_window"] == "P10D"
          and c["notifications"][0]["suspensive"] is True,
          f"the IE enforcing authority is notified, 10 days, suspensive: {c['notifications']}")


def validation(node, t):
    """A prosecutor's traffic-data order is validated by a judge before it is issued."""
    q = ie_query()
    status, body, _ = node.create(t["prosecutor"], EPOC, "org_ie_nimbus", q,
                                  epoc("prosecutor", validating="investigating_judge"))
    check(status == 400, f"no validating organisation named (Art. 4(2)(b)): {status}")
    status, body, _ = node.create(t["prosecutor"], EPOC, "org_ie_nimbus", q,
                                  epoc("prosecutor", validating="investigating_judge"),
                                  validator="org_ie_enforcing")
    check(status == 400, f"a validator of another State is refused: {status}")
    status, case, _ = node.create(t["prosecutor"], EPOC, "org_ie_nimbus", q,
                                  epoc("prosecutor", validating="investigating_judge"),
                                  validator="org_fr_instruction")
    if not check(status == 201, f"create with a validator: {status} {case}"):
        return
    cid = case["id"]
    check(case["facts"]["validation_required"] is True, "validation required (Art. 4(2)(b))")
    check(parties(case) == {("org_fr_parquet", "issuer"), ("org_fr_instruction", "validator")},
          f"issuer and validator are parties from the start: {case['parties']}")
    check(sorted(case["available_actions"]) == ["submit_for_validation", "withdraw"],
          f"actions of the issuer in draft: {case['available_actions']}")
    refused(node, t["prosecutor"], cid, "issue", 409, "issue before validation")
    refused(node, t["judge"], cid, "validate", 409, "validate a draft: no such row")
    step(node, t["prosecutor"], cid, "submit_for_validation", "awaiting_validation")
    refused(node, t["prosecutor"], cid, "validate", 403, "the issuer cannot validate")
    check(node.call("GET", f"/api/v1/cases/{cid}", t["nimbus"])[0] == 404,
          "the addressee does not see an order awaiting validation")
    step(node, t["judge"], cid, "reject_validation", "draft",
         {"comment": "the facts do not show necessity"})
    step(node, t["prosecutor"], cid, "submit_for_validation", "awaiting_validation")
    step(node, t["judge"], cid, "validate", "validated")
    case = step(node, t["prosecutor"], cid, "issue", "issued")
    if case:
        check(parties(case) == {("org_fr_parquet", "issuer"),
                                ("org_fr_instruction", "validator"),
                                ("org_ie_nimbus", "addressee"),
                                ("org_ie_enforcing", "enforcing_authority")},
              f"issuing transmits to addressee and enforcing authority: {case['parties']}")
        check(case["deadlines"] == [], "no deadline runs before receipt")
    types = [e["type"] for e in node.events(t["prosecutor"], cid)]
    check(types == ["created", "submitted_for_validation", "validation_rejected",
                    "submitted_for_validation", "validated", "issued"], f"history {types}")


def withdrawal(node, t):
    """Withdrawal from draft (not transmitted), from issued and after receipt (Art. 5(2))."""
    status, case, _ = node.create(t["judge"], EPOC, "org_ie_nimbus", ie_query(), epoc())
    cid = case["id"]
    step(node, t["judge"], cid, "withdraw", "withdrawn", what="withdraw a draft")
    check(node.call("GET", f"/api/v1/cases/{cid}", t["nimbus"])[0] == 404,
          "a draft withdrawn is never transmitted: the addressee does not see it")
    refused(node, t["judge"], cid, "issue", 409, "issue a withdrawn order (terminal)")

    status, case, _ = node.create(t["judge"], EPOC, "org_ie_nimbus", ie_query(), epoc())
    cid = case["id"]
    step(node, t["judge"], cid, "issue", "issued")
    refused(node, t["nimbus"], cid, "withdraw", 403, "the addressee cannot withdraw")
    refused(node, t["enforcing"], cid, "withdraw", 403, "the enforcing authority cannot withdraw")
    step(node, t["judge"], cid, "withdraw", "withdrawn", {"comment": "no longer necessary"})
    refused(node, t["nimbus"], cid, "receive", 409, "receive a withdrawn order")
    check(node.case(t["nimbus"], cid)["available_actions"] == [], "nothing left to do")

    status, case, _ = node.create(t["judge"], EPOC, "org_ie_nimbus", ie_query(), epoc())
    cid = case["id"]
    step(node, t["judge"], cid, "issue", "issued")
    step(node, t["nimbus"], cid, "receive", "received")
    case = step(node, t["judge"], cid, "withdraw", "withdrawn")
    if case:
        d = deadlines(case)
        check(d["response"]["status"] == "cancelled" and
              d["objection_window"]["status"] == "cancelled",
              f"withdrawal cancels every deadline: {case['deadlines']}")
    refused(node, t["nimbus"], cid, "produce", 409, "produce a withdrawn order")
    refused(node, t["enforcing"], cid, "object", 409, "object to a withdrawn order")


def objection(node, t):
    """The enforcing authority raises an Art. 12(1) ground; the case stays refused until the
    issuer withdraws."""
    status, case, _ = node.create(t["judge"], EPOC, "org_ie_nimbus", ie_query(), epoc())
    cid = case["id"]
    step(node, t["judge"], cid, "issue", "issued")
    refused(node, t["enforcing"], cid, "object", 409, "object before receipt: no such row")
    case = step(node, t["nimbus"], cid, "receive", "received")
    if case:
        check(sorted(node.case(t["enforcing"], cid)["available_actions"]) ==
              ["confirm_no_grounds", "object"],
              "the enforcing authority may object or confirm within the window")
    refused(node, t["nimbus"], cid, "produce", 409,
            "production is suspended while the window is open (Art. 8(4), 10(2))")
    refused(node, t["nimbus"], cid, "object", 403, "the addressee cannot object")
    refused(node, t["judge"], cid, "object", 403, "the issuer cannot object")
    reasons = ["art_12_1_b: manifest breach of a fundamental right",
               "art_12_1_d: the conduct is not an offence in Ireland"]
    case = step(node, t["enforcing"], cid, "object", "refused",
                {"comment": "grounds for refusal raised", "reasons": reasons})
    if case:
        d = deadlines(case)
        check(d["objection_window"]["status"] == "met", "the objection meets the window")
        check(d["response"]["status"] == "cancelled", "the objection cancels the response")
    refused(node, t["nimbus"], cid, "produce", 409, "no production of a refused order")
    refused(node, t["enforcing"], cid, "confirm_no_grounds", 409, "no confirmation after refusal")
    refused(node, t["judge"], cid, "close", 409, "a refused order does not close")
    refused(node, t["nimbus"], cid, "withdraw", 403, "only the issuer withdraws")
    step(node, t["judge"], cid, "withdraw", "withdrawn", what="withdraw after refusal (Art. 12)")
    events = node.events(t["judge"], cid)
    check([e["type"] for e in events] == ["created", "issued", "received", "objected",
                                          "withdrawn"], f"history {[e['type'] for e in events]}")
    obj = [e for e in events if e["type"] == "objected"]
    check(obj and obj[0]["payload"]["input"].get("reasons") == reasons
          and obj[0]["actor_organisation_id"] == "org_ie_enforcing",
          f"the grounds are recorded with their author: {obj}")


def clarification(node, t):
    """The addressee asks for clarification (Annex III); the issuer clarifies; the 10 days run
    afresh from the clarification, the objection window does not."""
    status, case, _ = node.create(t["judge"], EPOC, "org_ie_nimbus", ie_query(), epoc())
    cid = case["id"]
    step(node, t["judge"], cid, "issue", "issued")
    step(node, t["nimbus"], cid, "receive", "received")
    case = step(node, t["nimbus"], cid, "request_clarification", "awaiting_clarification",
                {"comment": "the time range is ambiguous",
                 "reasons": ["annex_iii: the EPOC is incomplete"]})
    if case:
        check(deadlines(case)["response"]["status"] == "cancelled",
              "the request for clarification cancels the response deadline")
    refused(node, t["nimbus"], cid, "produce", 409, "no production while awaiting clarification")
    refused(node, t["nimbus"], cid, "clarify", 403, "only the issuer clarifies")
    step(node, t["enforcing"], cid, "confirm_no_grounds", "awaiting_clarification",
         what="the enforcing authority confirms while clarification is awaited")
    case = step(node, t["judge"], cid, "clarify", "received",
                {"comment": "from 1 October to 15 November 2026, Paris time"})
    events = node.events(t["judge"], cid)
    confirmed = [e for e in events if e["type"] == "no_grounds_confirmed"]
    signed = confirmed[-1]["payload"].get("signed_document") if confirmed else None
    check(signed is not None and signed["document"]["kind"] == "notification"
          and [s["role"] for s in signed["signatures"]] == ["enforcing_authority"],
          "the enforcing authority signs that it raises no ground")
    if case:
        check_due(case, "response", event_at(events, "clarified"), "P10D", "pending",
                  "clarification", "eu2023-1543.10.2")
        check_due(case, "objection_window", event_at(events, "received"), "P10D", "met",
                  "clarification")
    case = step(node, t["nimbus"], cid, "produce", "produced",
                what="produce after clarification and confirmation")
    if case:
        check(deadlines(case)["response"]["status"] == "met", "production meets the response")
    step(node, t["judge"], cid, "close", "closed")
    types = [e["type"] for e in node.events(t["judge"], cid)]
    check(types == ["created", "issued", "received", "clarification_requested",
                    "no_grounds_confirmed", "clarified", "produced", "closed"],
          f"history {types}")


def inability(node, t):
    """Annex III: the addressee cannot comply and says why; the issuer closes."""
    status, case, _ = node.create(t["judge"], EPOC, "org_ie_nimbus", ie_query(), epoc())
    cid = case["id"]
    step(node, t["judge"], cid, "issue", "issued")
    refused(node, t["nimbus"], cid, "report_inability", 409, "inability before receipt")
    step(node, t["nimbus"], cid, "receive", "received")
    reasons = ["annex_iii_de_facto_impossibility: the account was deleted before receipt",
               "annex_iii_data_not_stored: no traffic data kept for the period"]
    refused(node, t["enforcing"], cid, "report_inability", 403,
            "the enforcing authority cannot report the addressee's inability")
    case = step(node, t["nimbus"], cid, "report_inability", "unable_to_comply",
                {"comment": "see the Annex III form", "reasons": reasons})
    if case:
        d = deadlines(case)
        check(d["response"]["status"] == "cancelled", "inability cancels the response")
        check(d["objection_window"]["status"] == "pending",
              "inability leaves the objection window running (it cancels only `response`)")
    refused(node, t["nimbus"], cid, "produce", 409, "no production after inability")
    case = step(node, t["judge"], cid, "close", "closed", what="the issuer accepts the reasons")
    if case:
        check(all(d["status"] in ("cancelled", "met") for d in case["deadlines"]) and
              deadlines(case)["objection_window"]["status"] == "cancelled",
              f"closing cancels every deadline still running: {case['deadlines']}")
    events = node.events(t["nimbus"], cid)
    rep = [e for e in events if e["type"] == "unable_to_comply"]
    check(rep and rep[0]["payload"]["input"]["reasons"] == reasons
          and rep[0]["payload"]["step"]["cite"] == "EU 2023/1543 Art. 10(5)-(8), Annex III",
          f"the Annex III reasons are recorded with the article: {rep}")


def main():
    node = Node(sys.argv[1]).start()
    people = node.people()
    t = {"judge": people["org_fr_instruction"]["token"],
         "prosecutor": people["org_fr_parquet"]["token"],
         "nimbus": people["org_ie_nimbus"]["token"],
         "enforcing": people["org_ie_enforcing"]["token"]}
    routing(node, t)
    validation(node, t)
    withdrawal(node, t)
    objection(node, t)
    clarification(node, t)
    inability(node, t)
    node.stop()
    finish("epoc e2e")


if __name__ == "__main__":
    main()
