#!/usr/bin/env python3
"""Preservation over HTTP: the European Preservation Order (EU 2023/1543 Art. 11, Annexes II, V,
VI; machine eu2023-1543.epoc-pr) and the expedited preservation request between 24/7 points of
contact (CETS 185 Art. 29; machine cets185.29).

Usage: e2e_preservation_test.py EVIDEX
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from e2e_common import (Node, channel, check, check_due, deadlines, epoc_pr, event_at, finish,
                        ie_query, art29, parties, query, refused, step)

PR = "eu2023-1543.epoc-pr"
P29 = "cets185.29"


def epoc_pr_flow(node, t):
    q = ie_query(measure="preservation")
    c = channel(node, t["prosecutor"], q, PR)
    if check(c is not None, "EPOC-PR channel open FR -> IE"):
        check("prosecutor" in c["issuing_authorities"],
              "a prosecutor issues preservation orders alone (Art. 4(3)(a))")
        check(c["preservation_period"] == "P60D", "60 days (Art. 11(1))")
        check(c["preservation_extension"] == "P30D", "extension by 30 days (Annex VI)")
        check(c["notifications"] == [], "no notification of an EPOC-PR (Art. 8 is for EPOCs)")
        check(c["response_deadline"] is None, "no production deadline for preservation")
    status, case, _ = node.create(t["prosecutor"], PR, "org_ie_nimbus", q, epoc_pr())
    if not check(status == 201, f"create EPOC-PR: {status} {case}"):
        return
    cid = case["id"]
    check(case["facts"]["validation_required"] is False, "no validation (Art. 4(3)(a))")
    case = step(node, t["prosecutor"], cid, "issue", "issued")
    if case:
        check(parties(case) == {("org_fr_parquet", "issuer"), ("org_ie_nimbus", "addressee")},
              f"issuer and addressee only: {case['parties']}")
    check(node.call("GET", f"/api/v1/cases/{cid}", t["enforcing"])[0] == 404,
          "the enforcing authority is not a party to a preservation order")
    refused(node, t["prosecutor"], cid, "extend", 409, "extend before receipt")
    refused(node, t["prosecutor"], cid, "receive", 403, "the issuer cannot receive")
    case = step(node, t["nimbus"], cid, "receive", "preserving",
                what="receipt starts preservation (Art. 11(1))")
    events = node.events(t["prosecutor"], cid)
    received = event_at(events, "received")
    if case:
        check_due(case, "preservation", received, "P60D", "pending", "EPOC-PR receipt",
                  "eu2023-1543.11.1")
        check(case["available_actions"] == ["report_inability"],
              f"the addressee may only report inability: {case['available_actions']}")
    refused(node, t["nimbus"], cid, "extend", 403, "only the issuer extends")
    refused(node, t["nimbus"], cid, "produce", 400, "a preservation order has no `produce`")
    case = step(node, t["prosecutor"], cid, "extend", "extended",
                {"comment": "Annex VI: the production order is being prepared"})
    if case:
        check_due(case, "preservation", received, "P90D", "pending",
                  "Annex VI extension: 60 + 30 days from receipt",
                  "eu2023-1543.11.1.extension")
    refused(node, t["prosecutor"], cid, "extend", 409, "extended once only (Annex VI)")
    case = step(node, t["prosecutor"], cid, "confirm_production_request", "production_confirmed",
                {"comment": "Annex V: EPOC issued"})
    if case:
        d = deadlines(case)["preservation"]
        check(d["status"] == "met", f"Annex V confirmation meets the period: {d}")
    refused(node, t["prosecutor"], cid, "confirm_production_request", 409, "confirmed once")
    case = step(node, t["prosecutor"], cid, "release", "released",
                what="release after production (Art. 11(3))")
    refused(node, t["nimbus"], cid, "report_inability", 409, "released is terminal")
    types = [e["type"] for e in node.events(t["nimbus"], cid)]
    check(types == ["created", "issued", "received", "extended", "production_request_confirmed",
                    "released"], f"history {types}")

    # Inability under Art. 11(4) leaves the period running; the issuer releases.
    status, case, _ = node.create(t["prosecutor"], PR, "org_ie_nimbus", q, epoc_pr())
    cid = case["id"]
    step(node, t["prosecutor"], cid, "issue", "issued")
    step(node, t["nimbus"], cid, "receive", "preserving")
    case = step(node, t["nimbus"], cid, "report_inability", "unable_to_comply",
                {"reasons": ["annex_iii_data_not_stored: the account never existed"]})
    if case:
        check(deadlines(case)["preservation"]["status"] == "pending",
              "inability does not end the 60 days (README choice 5)")
    refused(node, t["prosecutor"], cid, "extend", 409, "no extension after inability")
    case = step(node, t["prosecutor"], cid, "release", "released")
    if case:
        check(deadlines(case)["preservation"]["status"] == "cancelled",
              "release cancels the period")

    # Release straight from preservation; a withdrawn draft never reaches the addressee.
    status, case, _ = node.create(t["prosecutor"], PR, "org_ie_nimbus", q, epoc_pr())
    cid = case["id"]
    step(node, t["prosecutor"], cid, "issue", "issued")
    step(node, t["nimbus"], cid, "receive", "preserving")
    step(node, t["prosecutor"], cid, "release", "released", what="release (Art. 11(3))")
    refused(node, t["prosecutor"], cid, "withdraw", 409, "released is terminal")
    status, case, _ = node.create(t["prosecutor"], PR, "org_ie_nimbus", q, epoc_pr())
    cid = case["id"]
    step(node, t["prosecutor"], cid, "issue", "issued")
    step(node, t["prosecutor"], cid, "withdraw", "withdrawn",
         what="withdraw before receipt (Art. 6)")
    refused(node, t["nimbus"], cid, "receive", 409, "receive a withdrawn order")


def art29_flow(node, t):
    q = query(data=("traffic",), measure="preservation")
    c = channel(node, t["fr247"], q, P29)
    if not check(c is not None, "CETS 185 Art. 29 channel open FR -> US"):
        return
    check(c["addressee"] == {"role": "point_of_contact_24_7", "state": "US"},
          f"to the US 24/7 point of contact (Art. 35(1)(b)): {c['addressee']}")
    check(c["issuing_authorities"] == ["point_of_contact_24_7", "central_authority"],
          f"sent by the 24/7 point of contact or central authority: {c['issuing_authorities']}")
    check(c["preservation_period"] == "P60D", "not less than 60 days (Art. 29(7))")
    status, res, _ = node.create(t["prosecutor"], P29, "org_us_247", q,
                                 dict(art29(), issuing_authority=dict(
                                     art29()["issuing_authority"], authority="prosecutor")))
    check(status == 403, f"a prosecutor does not send an Art. 29 request itself: {status}")
    status, case, _ = node.create(t["fr247"], P29, "org_us_247", q, art29())
    if not check(status == 201, f"create Art. 29 request: {status} {case}"):
        return
    cid = case["id"]
    refused(node, t["us247"], cid, "receive", 404, "not sent yet: the US 24/7 does not see it")
    case = step(node, t["fr247"], cid, "send", "sent")
    if not case:
        return
    roles = parties(case)
    if not check(("org_us_247", "point_of_contact_24_7") in roles,
                 f"cets185.29 send: the US 24/7 point of contact joins as `point_of_contact_24_7` "
                 f"(the routed addressee role), got {case['parties']}"):
        status, res = node.act(t["us247"], cid, "receive")
        check(status == 200, f"cets185.29 receive by the US 24/7: {status} {res}")
        return
    refused(node, t["fr247"], cid, "receive", 403, "the requesting Party cannot receive")
    step(node, t["us247"], cid, "receive", "received")
    step(node, t["us247"], cid, "report_risk", "awaiting_decision",
         {"comment": "preservation would endanger the investigation's confidentiality"})
    refused(node, t["us247"], cid, "proceed", 403, "the requesting Party decides (Art. 29(6))")
    step(node, t["fr247"], cid, "proceed", "received")
    refused(node, t["fr247"], cid, "preserve", 403, "the requested Party preserves")
    case = step(node, t["us247"], cid, "preserve", "preserving")
    if case:
        check_due(case, "preservation", event_at(node.events(t["fr247"], cid), "preserved"),
                  "P60D", "pending", "Art. 29 preservation", "cets185.29.7")
    case = step(node, t["fr247"], cid, "submit_mla_request", "mla_pending",
                {"comment": "Art. 31 request sent through the central authority"})
    if case:
        check(deadlines(case)["preservation"]["status"] == "met",
              "the MLA request meets the 60 days; preservation lasts until it is decided")
    step(node, t["us247"], cid, "release", "released",
         what="the requested Party releases once the request is decided")
    types = [e["type"] for e in node.events(t["us247"], cid)]
    check(types == ["created", "sent", "received", "risk_reported", "proceeding", "preserved",
                    "mla_request_submitted", "released"], f"history {types}")


def main():
    node = Node(sys.argv[1]).start()
    people = node.people()
    t = {"prosecutor": people["org_fr_parquet"]["token"],
         "nimbus": people["org_ie_nimbus"]["token"],
         "enforcing": people["org_ie_enforcing"]["token"],
         "fr247": people["org_fr_247"]["token"],
         "us247": people["org_us_247"]["token"]}
    epoc_pr_flow(node, t)
    art29_flow(node, t)
    node.stop()
    finish("preservation e2e")


if __name__ == "__main__":
    main()
