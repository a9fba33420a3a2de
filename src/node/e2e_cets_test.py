#!/usr/bin/env python3
"""Council of Europe procedures over HTTP, France to the United States, both CETS 224 Parties
from 2026-01-01 under the sandbox's override: an Art. 7 order straight to Cloudmail (machine
cets224.7), an Art. 8 order given effect by the US central authority (cets224.8), emergency
disclosure between 24/7 points of contact (cets224.9), and mutual assistance under CETS 185
Art. 31, which the sandbox cannot carry (no French central authority).

Usage: e2e_cets_test.py EVIDEX
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from e2e_common import (Node, art7, art8, art9, art31, channel, check, check_due, deadlines,
                        event_at, finish, parties, query, refused, step)


def art7_flows(node, t):
    c = channel(node, t["prosecutor"], query(), "cets224.7")
    if check(c is not None, "Art. 7 open FR -> US for subscriber information"):
        check(c["addressee"] == {"role": "service_provider", "state": "US"},
              f"straight to the provider (Art. 7(1)): {c['addressee']}")
        check("prosecutor" in c["issuing_authorities"], "any competent authority issues")
        check(c["response_deadline"] == "P30D", "30 days (Art. 7(7))")
        check(c["notifications"] == [], "the US made no Art. 7(5) declaration")
    check(channel(node, t["prosecutor"], query(data=("traffic",)), "cets224.7") is None,
          "Art. 7 is for subscriber information only")
    status, res, _ = node.create(t["prosecutor"], "cets224.7", "org_us_cloudmail",
                                 query(data=("traffic",)), art7())
    check(status == 409, f"an Art. 7 order for traffic data is refused: {status}")

    # Issue, receive, produce, close.
    status, case, _ = node.create(t["prosecutor"], "cets224.7", "org_us_cloudmail", query(), art7())
    if not check(status == 201, f"create Art. 7 order: {status} {case}"):
        return
    cid = case["id"]
    check(node.call("GET", f"/api/v1/cases/{cid}", t["cloudmail"])[0] == 404,
          "Cloudmail does not see a draft")
    case = step(node, t["prosecutor"], cid, "issue", "issued")
    if case:
        check(parties(case) == {("org_fr_parquet", "issuer"), ("org_us_cloudmail", "addressee")},
              f"issuer and provider: {case['parties']}")
    refused(node, t["cloudmail"], cid, "produce", 409, "no production before receipt")
    case = step(node, t["cloudmail"], cid, "receive", "received")
    refused(node, t["prosecutor"], cid, "produce", 403, "the issuer cannot produce")
    if case:
        check_due(case, "art7_fallback", event_at(node.events(t["cloudmail"], cid), "received"),
                  "P30D", "pending", "Art. 7 receipt", "cets224.7.7")
        check(sorted(case["available_actions"]) == ["produce", "refuse", "request_clarification"],
              f"the provider's choices (no consultation): {case['available_actions']}")
    refused(node, t["prosecutor"], cid, "approve_disclosure", 403,
            "only a notified authority approves")
    refused(node, t["cloudmail"], cid, "approve_disclosure", 403,
            "the provider does not approve its own disclosure")
    case = step(node, t["cloudmail"], cid, "produce", "produced")
    if case:
        check(deadlines(case)["art7_fallback"]["status"] == "met", "disclosure meets the 30 days")
    step(node, t["prosecutor"], cid, "close", "closed")

    # Clarification does not stop the 30 days (README choice 9); refusal offers the fallback;
    # a late disclosure is still received.
    status, case, _ = node.create(t["prosecutor"], "cets224.7", "org_us_cloudmail", query(), art7())
    cid = case["id"]
    step(node, t["prosecutor"], cid, "issue", "issued")
    step(node, t["cloudmail"], cid, "receive", "received")
    received = event_at(node.events(t["cloudmail"], cid), "received")
    step(node, t["cloudmail"], cid, "request_clarification", "awaiting_clarification",
         {"comment": "which of the two accounts?"})
    refused(node, t["cloudmail"], cid, "produce", 409, "no production while clarifying")
    case = step(node, t["prosecutor"], cid, "clarify", "received")
    if case:
        check_due(case, "art7_fallback", received, "P30D", "pending",
                  "clarification leaves the Art. 7(7) term running")
    case = step(node, t["cloudmail"], cid, "refuse", "fallback_offered",
                {"comment": "we will not disclose without a US order"})
    if case:
        check(deadlines(case)["art7_fallback"]["status"] == "cancelled",
              "the refusal cancels the term and offers the fallback (Art. 7(7))")
    step(node, t["cloudmail"], cid, "produce", "produced",
         what="late disclosure after the fallback is offered (README choice 9)")

    status, case, _ = node.create(t["prosecutor"], "cets224.7", "org_us_cloudmail", query(), art7())
    cid = case["id"]
    step(node, t["prosecutor"], cid, "issue", "issued")
    step(node, t["cloudmail"], cid, "receive", "received")
    step(node, t["cloudmail"], cid, "refuse", "fallback_offered")
    refused(node, t["cloudmail"], cid, "refer", 403, "the issuer refers, not the provider")
    step(node, t["prosecutor"], cid, "refer", "referred",
         what="refer to Art. 8 or mutual assistance (Art. 7(7))")


def art8_flow(node, t):
    c = channel(node, t["prosecutor"], query(), "cets224.8")
    if check(c is not None, "Art. 8 open FR -> US for subscriber information"):
        check(c["addressee"] == {"role": "requested_party", "state": "US"},
              f"to the requested Party (Art. 8(1)): {c['addressee']}")
        check(c["service_deadline"] == "P45D", "45 days to serve (Art. 8(6)(a))")
        check(c["response_deadline"] == "P20D", "20 days for subscriber information (8(6)(b))")
    c = channel(node, t["prosecutor"], query(data=("traffic",)), "cets224.8")
    if check(c is not None, "Art. 8 open for traffic data (no US Art. 8(13) reservation)"):
        check(c["response_deadline"] == "P45D", "45 days for traffic data (Art. 8(6)(b))")
    check(channel(node, t["prosecutor"], query(data=("content",)), "cets224.8") is None,
          "Art. 8 does not reach content data")

    status, case, _ = node.create(t["prosecutor"], "cets224.8", "org_us_oia", query(), art8())
    if not check(status == 201, f"create Art. 8 order: {status} {case}"):
        return
    cid = case["id"]
    case = step(node, t["prosecutor"], cid, "submit", "submitted")
    if not case:
        return
    if not check(("org_us_oia", "requested_party") in parties(case),
                 f"cets224.8 submit: the US central authority joins as `requested_party` (the "
                 f"routed addressee role), got {case['parties']}"):
        status, res = node.act(t["oia"], cid, "receive")
        check(status == 200, f"cets224.8 receive by the requested Party: {status} {res}")
        return
    check(node.call("GET", f"/api/v1/cases/{cid}", t["cloudmail"])[0] == 404,
          "the provider is served by the requested Party, not a party to the request")
    case = step(node, t["oia"], cid, "receive", "received")
    if case:
        check_due(case, "service", event_at(node.events(t["oia"], cid), "received"), "P45D",
                  "pending", "Art. 8 receipt", "cets224.8.6.a")
        check("response" not in deadlines(case), "the return term starts at service")
    case = step(node, t["oia"], cid, "request_information", "awaiting_information",
                {"comment": "Art. 8(4): which account holder?"})
    if case:
        check(deadlines(case)["service"]["status"] == "cancelled",
              "a request for information stops the 45 days")
    refused(node, t["oia"], cid, "provide_information", 403, "the requesting Party answers")
    case = step(node, t["prosecutor"], cid, "provide_information", "received")
    if case:
        check_due(case, "service", event_at(node.events(t["oia"], cid), "information_provided"),
                  "P45D", "pending", "information provided: the 45 days run afresh")
    status, res = node.act(t["oia"], cid, "propose_conditions")
    check(status == 403, "proposing conditions needs a person with the `objector` role, which "
          f"the sandbox's central authority lacks: {status}")
    case = step(node, t["oia"], cid, "serve", "served", what="service on the provider")
    if case:
        check(deadlines(case)["service"]["status"] == "met", "service meets the 45 days")
        check_due(case, "response", event_at(node.events(t["oia"], cid), "served"), "P20D",
                  "pending", "Art. 8 service", "cets224.8.6.b.subscriber")
    refused(node, t["prosecutor"], cid, "transmit", 403, "the requested Party transmits")
    case = step(node, t["oia"], cid, "transmit", "produced")
    if case:
        check(deadlines(case)["response"]["status"] == "met", "transmission meets the 20 days")
    produced = [e for e in node.events(t["prosecutor"], cid) if e["type"] == "produced"]
    signed = produced[-1]["payload"].get("signed_document") if produced else None
    check(signed is not None and signed["document"]["kind"] == "response"
          and [(s["signer"], s["role"]) for s in signed["signatures"]]
          == [("org_us_oia", "requested_party")],
          f"the requested Party signs what it transmits: {signed and signed['signatures']}")
    step(node, t["prosecutor"], cid, "close", "closed")


def art9_flow(node, t):
    emergency = query(emergency=True)
    decision = node.route(t["fr247"], emergency)[1]
    check(decision["channels"][0]["procedure"] == "cets224.9",
          "in an emergency Art. 9 is the best channel FR -> US")
    c = channel(node, t["fr247"], emergency, "cets224.9")
    if check(c is not None, "Art. 9 open FR -> US in an emergency"):
        check(c["addressee"] == {"role": "point_of_contact_24_7", "state": "US"},
              f"24/7 to 24/7 (Art. 9(1)(a)): {c['addressee']}")
        check(c["issuing_authorities"] == ["point_of_contact_24_7"], "sent by the 24/7 point")
        check(c["response_deadline"] is None, "no hours set: 'on a rapid basis' (Art. 9(6))")
    check(channel(node, t["fr247"], query(), "cets224.9") is None, "Art. 9 needs an emergency")
    status, res, _ = node.create(t["prosecutor"], "cets224.9", "org_us_247", emergency,
                                 dict(art9(), issuing_authority=dict(
                                     art9()["issuing_authority"], authority="prosecutor")))
    check(status == 403, f"a prosecutor does not send an Art. 9 request itself: {status}")
    status, case, _ = node.create(t["fr247"], "cets224.9", "org_us_247", emergency, art9())
    if not check(status == 201, f"create Art. 9 request: {status} {case}"):
        return
    cid = case["id"]
    check(case["facts"]["terms"] == [] and not case["facts"]["formalisation_required"],
          f"no deadline; the US made no Art. 9(5) declaration: {case['facts']}")
    case = step(node, t["fr247"], cid, "send", "sent")
    if not case:
        return
    if not check(("org_us_247", "point_of_contact_24_7") in parties(case),
                 f"cets224.9 send: the US 24/7 point joins as `point_of_contact_24_7`, got "
                 f"{case['parties']}"):
        status, res = node.act(t["us247"], cid, "receive")
        check(status == 200, f"cets224.9 receive by the US 24/7: {status} {res}")
        return
    step(node, t["us247"], cid, "receive", "received")
    step(node, t["us247"], cid, "request_information", "awaiting_information",
         {"comment": "Art. 9(3): which account?"})
    step(node, t["fr247"], cid, "provide_information", "received")
    step(node, t["us247"], cid, "accept", "accepted")
    refused(node, t["fr247"], cid, "transmit", 403, "the requested 24/7 point transmits")
    case = step(node, t["us247"], cid, "transmit", "produced")
    if case:
        check(case["deadlines"] == [], "no deadline at any step")
    refused(node, t["fr247"], cid, "formalise", 409, "no formalisation required (Art. 9(5))")
    step(node, t["fr247"], cid, "close", "closed")


def art31_flow(node, t):
    q = query(data=("content",))
    c = channel(node, t["prosecutor"], q, "cets185.31")
    if check(c is not None, "CETS 185 Art. 31 open FR -> US for content"):
        check(c["addressee"] == {"role": "central_authority", "state": "US"},
              "central authority to central authority")
        check(c["issuing_authorities"] == ["central_authority"],
              "only the requesting Party's central authority sends it (Art. 27(2))")
    status, res, _ = node.create(t["prosecutor"], "cets185.31", "org_us_oia", q,
                                 art31("prosecutor"))
    check(status == 403, f"a prosecutor does not send an Art. 31 request itself: {status}")
    # No sandbox organisation is a French central authority, so the request cannot be sent
    # truthfully; the prosecutor's office naming itself the central authority must be refused.
    status, res, _ = node.create(t["prosecutor"], "cets185.31", "org_us_oia", q, art31())
    check(status == 403, "cets185.31 create: the Parquet (authorities: prosecutor) writes "
          f"`central_authority` as its authority: expected 403, got {status}")


def main():
    node = Node(sys.argv[1]).start()
    people = node.people()
    t = {"prosecutor": people["org_fr_parquet"]["token"],
         "cloudmail": people["org_us_cloudmail"]["token"],
         "oia": people["org_us_oia"]["token"],
         "fr247": people["org_fr_247"]["token"],
         "us247": people["org_us_247"]["token"]}
    art7_flows(node, t)
    art8_flow(node, t)
    art9_flow(node, t)
    art31_flow(node, t)
    node.stop()
    finish("cets e2e")


if __name__ == "__main__":
    main()
