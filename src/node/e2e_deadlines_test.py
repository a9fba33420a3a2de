#!/usr/bin/env python3
"""Every deadline the API reports is due when the law says, to the millisecond, counted from
the event that starts it (src/workflow/README.md, "Deadlines"). The node reads the system clock,
so that the scheduler marks a deadline missed cannot be tested here; what can is that each due
time is the recorded moment of its starting event plus the law's term.

The terms below are copied from the law files (law/rules/*.toml), not from the node.

Usage: e2e_deadlines_test.py EVIDEX
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from e2e_common import (Node, art7, art8, art29, check, duration, epoc, epoc_pr, finish,
                        ie_query, parse_time, query, step)

# Rule id -> term, as law/rules/*.toml set them.
LAW = {
    "eu2023-1543.10.3": "P10D",             # Art. 10(3): 10 days from receipt
    "eu2023-1543.10.2": "P10D",             # Art. 10(2): notified, at the end of 10 days
    "eu2023-1543.10.4": "PT8H",             # Art. 10(4): emergency, 8 hours
    "eu2023-1543.8.1": "P10D",              # Art. 8(1), 12(1): objection within 10 days
    "eu2023-1543.8.4": "PT96H",             # Art. 8(4): emergency, 96 hours
    "eu2023-1543.4.5": "PT48H",             # Art. 4(5): ex-post validation in 48 hours
    "eu2023-1543.11.1": "P60D",             # Art. 11(1): preservation 60 days
    "eu2023-1543.11.1.extension": "P30D",   # Annex VI: once more 30 days
    "cets224.7.7": "P30D",                  # Art. 7(7): 30 days or the longer time frame
    "cets224.8.6.a": "P45D",                # Art. 8(6)(a): serve within 45 days
    "cets224.8.6.b.subscriber": "P20D",     # Art. 8(6)(b): return in 20 days
    "cets224.8.6.b.traffic": "P45D",        # Art. 8(6)(b): return in 45 days
    "cets185.29.7": "P60D",                 # Art. 29(7): at least 60 days
}

# Deadline name -> the events that start it (the latest one counts), per the README table.
STARTS = {
    "response": {"eu2023-1543.epoc": ("received", "clarified"), "cets224.8": ("served",)},
    "objection_window": {"eu2023-1543.epoc": ("received",)},
    "validation": {"eu2023-1543.epoc": ("issued_without_validation",),
                   "eu2023-1543.epoc-pr": ("issued_without_validation",)},
    "preservation": {"eu2023-1543.epoc-pr": ("received",), "cets185.29": ("preserved",)},
    "service": {"cets224.8": ("received", "information_provided")},
    "art7_fallback": {"cets224.7": ("received",)},
}

AUDITED = []


def audit(node, token, cid, what, time_frame=None):
    """Checks every deadline the case reports against the law and its starting event."""
    case = node.case(token, cid)
    events = node.events(token, cid)
    for d in case["deadlines"]:
        name, rule = d["name"], d["rule"]
        starters = STARTS.get(name, {}).get(case["procedure"])
        if not check(starters is not None and rule in LAW,
                     f"{what}: unexpected deadline {d} for {case['procedure']}"):
            continue
        times = [parse_time(e["at"]) for e in events if e["type"] in starters]
        if not check(times, f"{what}: `{name}` reported but no {starters} event"):
            continue
        start = times[-1]
        term = duration(LAW[rule])
        if rule == "eu2023-1543.11.1.extension":
            term += duration(LAW["eu2023-1543.11.1"])
        if rule == "cets224.7.7" and time_frame:
            term = max(term, duration(time_frame))
        due = parse_time(d["due_at"])
        check(due == start + term,
              f"{what}: `{name}` ({rule}) due {d['due_at']}, expected {start + term} "
              f"({starters[-1] if len(times) == 1 else 'latest start'} at {start} + {term})")
        AUDITED.append((case["procedure"], name, rule))
    # The event that last set a deadline records the same due time, and its step the same
    # moment as the event.
    for d in case["deadlines"]:
        setters = [(e, sd) for e in events if isinstance(e["payload"], dict)
                   for sd in e["payload"].get("step", {}).get("deadlines", [])
                   if sd["name"] == d["name"]]
        if check(setters, f"{what}: no event records `{d['name']}`"):
            e, sd = setters[-1]
            check(parse_time(sd["due_at"]) == parse_time(d["due_at"]) and
                  sd["status"] == d["status"],
                  f"{what}: event {e['type']} records {sd}, the case {d}")
            check(parse_time(e["payload"]["step"]["at"]) == parse_time(e["at"]),
                  f"{what}: step moment {e['payload']['step']['at']} vs event {e['at']}")
    return case


def epoc_cases(node, t):
    judge, nimbus = t["judge"], t["nimbus"]
    cid = node.create(judge, "eu2023-1543.epoc", "org_ie_nimbus", ie_query(), epoc())[1]["id"]
    step(node, judge, cid, "issue", "issued")
    step(node, nimbus, cid, "receive", "received")
    case = audit(node, judge, cid, "EPOC notified")
    check({(d["name"], d["rule"]) for d in case["deadlines"]} ==
          {("response", "eu2023-1543.10.2"), ("objection_window", "eu2023-1543.8.1")},
          f"Art. 10(2) and 8(1) deadlines: {case['deadlines']}")
    step(node, nimbus, cid, "request_clarification", "awaiting_clarification")
    step(node, judge, cid, "clarify", "received")
    audit(node, judge, cid, "EPOC clarified")

    q = ie_query(data=("subscriber",))
    cid = node.create(judge, "eu2023-1543.epoc", "org_ie_nimbus", q,
                      epoc(data=("subscriber",), notified=False))[1]["id"]
    step(node, judge, cid, "issue", "issued")
    step(node, nimbus, cid, "receive", "received")
    case = audit(node, judge, cid, "EPOC subscriber")
    check([(d["name"], d["rule"]) for d in case["deadlines"]] ==
          [("response", "eu2023-1543.10.3")], f"Art. 10(3) only: {case['deadlines']}")

    # Art. 8(2): offence in France, person residing in France: no notification, Art. 10(3).
    cid = node.create(judge, "eu2023-1543.epoc", "org_ie_nimbus",
                      ie_query(committed=True, resides="FR"), epoc(notified=False))[1]["id"]
    step(node, judge, cid, "issue", "issued")
    step(node, nimbus, cid, "receive", "received")
    case = audit(node, judge, cid, "EPOC Art. 8(2)")
    check([(d["name"], d["rule"]) for d in case["deadlines"]] ==
          [("response", "eu2023-1543.10.3")], f"Art. 8(2): no window: {case['deadlines']}")
    step(node, nimbus, cid, "produce", "produced", what="Art. 8(2): production is not suspended")

    cid = node.create(judge, "eu2023-1543.epoc", "org_ie_nimbus", ie_query(emergency=True),
                      epoc(emergency=True))[1]["id"]
    step(node, judge, cid, "issue", "issued")
    step(node, nimbus, cid, "receive", "received")
    case = audit(node, judge, cid, "EPOC emergency")
    check({(d["name"], d["rule"]) for d in case["deadlines"]} ==
          {("response", "eu2023-1543.10.4"), ("objection_window", "eu2023-1543.8.4")},
          f"Art. 10(4) and 8(4) deadlines: {case['deadlines']}")

    # Ex-post validation (see e2e_emergency_test.py for why the Parquet writes this word).
    status, case, _ = node.create(
        t["prosecutor"], "eu2023-1543.epoc", "org_ie_nimbus",
        ie_query(data=("subscriber",), emergency=True),
        epoc("other_competent_authority", data=("subscriber",), notified=False, emergency=True),
        validator="org_fr_instruction")
    if status == 201:
        step(node, t["prosecutor"], case["id"], "issue_without_validation", "issued")
        step(node, nimbus, case["id"], "receive", "received")
        case = audit(node, judge, case["id"], "EPOC ex-post validation")
        check({d["rule"] for d in case["deadlines"]} == {"eu2023-1543.4.5", "eu2023-1543.10.4"},
              f"Art. 4(5) and 10(4): {case['deadlines']}")


def preservation_cases(node, t):
    pros, nimbus = t["prosecutor"], t["nimbus"]
    cid = node.create(pros, "eu2023-1543.epoc-pr", "org_ie_nimbus",
                      ie_query(measure="preservation"), epoc_pr())[1]["id"]
    step(node, pros, cid, "issue", "issued")
    step(node, nimbus, cid, "receive", "preserving")
    audit(node, pros, cid, "EPOC-PR received")
    step(node, pros, cid, "extend", "extended")
    case = audit(node, pros, cid, "EPOC-PR extended")
    check([d["rule"] for d in case["deadlines"]] == ["eu2023-1543.11.1.extension"],
          f"one preservation deadline, under the extension rule: {case['deadlines']}")

    q = query(data=("traffic",), measure="preservation")
    cid = node.create(t["fr247"], "cets185.29", "org_us_247", q, art29())[1]["id"]
    step(node, t["fr247"], cid, "send", "sent")
    status, res = node.act(t["us247"], cid, "receive")
    if check(status == 200, f"cets185.29 receive by the US 24/7 point: {status}"):
        step(node, t["us247"], cid, "preserve", "preserving")
        audit(node, t["fr247"], cid, "Art. 29 preserved")


def cets_cases(node, t):
    pros, cloud = t["prosecutor"], t["cloudmail"]
    for frame in (None, "P10D", "P45D"):
        cid = node.create(pros, "cets224.7", "org_us_cloudmail", query(), art7(frame))[1]["id"]
        step(node, pros, cid, "issue", "issued")
        step(node, cloud, cid, "receive", "received")
        audit(node, pros, cid, f"Art. 7 time frame {frame}", time_frame=frame)

    for data in (("subscriber",), ("traffic",)):
        cid = node.create(pros, "cets224.8", "org_us_oia", query(data=data),
                          art8(data))[1]["id"]
        step(node, pros, cid, "submit", "submitted")
        status, res = node.act(t["oia"], cid, "receive")
        if not check(status == 200, f"cets224.8 receive by the US central authority: "
                                          f"{status}"):
            continue
        audit(node, pros, cid, "Art. 8 received")
        step(node, t["oia"], cid, "request_information", "awaiting_information")
        step(node, pros, cid, "provide_information", "received")
        audit(node, pros, cid, "Art. 8 information provided")
        step(node, t["oia"], cid, "serve", "served")
        case = audit(node, pros, cid, f"Art. 8 served, {data[0]}")
        want = "cets224.8.6.b.subscriber" if data == ("subscriber",) else "cets224.8.6.b.traffic"
        check(any(d["rule"] == want for d in case["deadlines"]),
              f"return term {want}: {case['deadlines']}")


def main():
    node = Node(sys.argv[1]).start()
    people = node.people()
    t = {"judge": people["org_fr_instruction"]["token"],
         "prosecutor": people["org_fr_parquet"]["token"],
         "nimbus": people["org_ie_nimbus"]["token"],
         "cloudmail": people["org_us_cloudmail"]["token"],
         "oia": people["org_us_oia"]["token"],
         "fr247": people["org_fr_247"]["token"],
         "us247": people["org_us_247"]["token"]}
    epoc_cases(node, t)
    preservation_cases(node, t)
    cets_cases(node, t)
    node.stop()
    rules = sorted({r for _, _, r in AUDITED})
    print(f"deadlines audited: {len(AUDITED)}, rules covered: {', '.join(rules)}")
    finish("deadlines e2e")


if __name__ == "__main__":
    main()
