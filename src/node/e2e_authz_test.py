#!/usr/bin/env python3
"""Authorization matrix over HTTP: every sandbox person (one per organisation, each with its
roles) against every endpoint, on cases its organisation is party to and on cases it is not.
The rules (src/node/node.h, src/workflow/README.md): 401 without valid credentials; a case is
seen only by the parties to it, and to anyone else it does not exist (404, never 403); on a case
one is party to, another party's action or a missing role or scope is 403. Then API tokens: a
`read` token reads and cannot act; a revoked token is refused. Last, the issuing organisation
and the law the node applies must not be chosen by the caller.

Usage: e2e_authz_test.py EVIDEX
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from e2e_common import (Node, art7, art8, art9, art29, authority, check, epoc, finish, ie_query,
                        query, step)

ORGS = ["org_fr_parquet", "org_fr_instruction", "org_fr_247", "org_fr_cnil", "org_ie_enforcing",
        "org_ie_nimbus", "org_us_cloudmail", "org_us_oia", "org_us_247"]
MATRIX = []


def expect(status, want, what):
    MATRIX.append(what)
    return check(status == want, f"{what}: expected {want}, got {status}")


def issuer_orders():
    """For each issuing organisation, an order it may truly send: the French ones as in the
    flows, the US ones to France (US 24/7 -> FR 24/7 under CETS 224 Art. 9; the US central
    authority -> FR 24/7 under CETS 185 Art. 29)."""
    us = lambda word, name: authority(word, name, "US")  # noqa: E731
    fr_provider = {"name": "Hexa Cloud SAS", "address": "5 rue de Rivoli, Paris", "state": "FR"}
    a9 = dict(art9(), issuing_authority=us("point_of_contact_24_7", "US 24/7"),
              requesting_authority=us("prosecutor", "US Attorney"), service_provider=fr_provider)
    a29 = dict(art29(), issuing_authority=us("central_authority", "DOJ OIA"),
               requesting_authority=us("prosecutor", "US Attorney"),
               custodian={"name": "Hexa Cloud SAS", "state": "FR"})
    return {
        "org_us_247": ("cets224.9", "org_fr_247", query("US", "FR", emergency=True), a9),
        "org_us_oia": ("cets185.29", "org_fr_247",
                       query("US", "FR", data=("traffic",), measure="preservation"), a29),
        "org_fr_parquet": ("cets224.7", "org_us_cloudmail", query(), art7()),
        "org_fr_instruction": ("eu2023-1543.epoc", "org_ie_nimbus", ie_query(), epoc()),
        "org_fr_247": ("cets224.9", "org_us_247", query(emergency=True), art9()),
    }


def setup(node, t):
    """Four cases in the state after transmission, each with the parties the law gives it."""
    cases = {}
    specs = {
        "epoc": ("org_fr_instruction", "eu2023-1543.epoc", "org_ie_nimbus", ie_query(), epoc(),
                 "issue", {"org_fr_instruction": "issuer", "org_ie_nimbus": "addressee",
                           "org_ie_enforcing": "enforcing_authority"}),
        "art7": ("org_fr_parquet", "cets224.7", "org_us_cloudmail", query(), art7(), "issue",
                 {"org_fr_parquet": "issuer", "org_us_cloudmail": "addressee"}),
        "art9": ("org_fr_247", "cets224.9", "org_us_247", query(emergency=True), art9(), "send",
                 {"org_fr_247": "issuer", "org_us_247": "point_of_contact_24_7"}),
        "art8": ("org_fr_parquet", "cets224.8", "org_us_oia", query(), art8(), "submit",
                 {"org_fr_parquet": "issuer", "org_us_oia": "requested_party"}),
    }
    for key, (issuer, proc, addressee, q, order, transmit, roles) in specs.items():
        status, case, _ = node.create(t[issuer], proc, addressee, q, order)
        if not check(status == 201, f"setup {key}: {status} {case}"):
            raise SystemExit(f"setup of {key} failed")
        cid = case["id"]
        case = step(node, t[issuer], cid, transmit,
                    {"issue": "issued", "send": "sent", "submit": "submitted"}[transmit])
        got = {p["organisation_id"]: p["role"] for p in case["parties"]} if case else {}
        if key in ("art8", "art9"):
            check(got == roles, f"parties of {key} after transmission: {got}")
        else:
            check(got == roles, f"parties of {key} after transmission: {got} != {roles}")
        cases[key] = (cid, roles)
    return cases


def case_matrix(node, t, cases):
    # The party whose action each probe is, from the machine tables: in these states the
    # issuer may withdraw, the recipient may receive; nobody else has a row.
    for key, (cid, roles) in cases.items():
        for org in ORGS:
            who = f"{org} on {key}"
            own = org in roles
            role = roles.get(org)
            expect(node.call("GET", f"/api/v1/cases/{cid}", t[org])[0], 200 if own else 404,
                   f"GET case: {who}")
            expect(node.call("GET", f"/api/v1/cases/{cid}/events", t[org])[0],
                   200 if own else 404, f"GET events: {who}")
            probe = "receive" if role == "issuer" else "withdraw"
            expect(node.act(t[org], cid, probe)[0], 403 if own else 404,
                   f"POST {probe} (another party's action): {who}")
            expect(node.act(t[org], cid, "frobnicate")[0], 400 if own else 404,
                   f"POST unknown action: {who}")
        for path in (f"/api/v1/cases/{cid}", f"/api/v1/cases/{cid}/events"):
            expect(node.call("GET", path)[0], 401, f"GET {path} without credentials")
            expect(node.call("GET", path, "evx_t_forged")[0], 401, f"GET {path} forged token")
        expect(node.act(None, cid, "withdraw")[0], 401, f"POST action on {key} without credentials")
    # The list and the inbox show exactly one's own cases, the inbox those with an action.
    for org in ORGS:
        status, body, _ = node.call("GET", "/api/v1/cases", t[org])
        expect(status, 200, f"GET cases: {org}")
        want = {cid for cid, roles in cases.values() if org in roles}
        check({c["id"] for c in body["cases"]} >= want and
              not {c["id"] for c in body["cases"]} & {cid for cid, roles in cases.values()
                                                     if org not in roles},
              f"GET cases lists own cases only: {org}")
        status, body, _ = node.call("GET", "/api/v1/inbox", t[org])
        expect(status, 200, f"GET inbox: {org}")
        got = {c["id"] for c in body["cases"]} & {cid for cid, _ in cases.values()}
        acting = {cid for cid, roles in cases.values()
                  if roles.get(org) in ("issuer", "addressee")}
        if org in ("org_us_247", "org_us_oia"):
            acting |= {cases["art9" if org == "org_us_247" else "art8"][0]}
            check(got == acting, f"inbox of {org} shows its case to receive")
        else:
            check(got == acting, f"inbox of {org}: {got} != {acting}")
    for path in ("/api/v1/cases/case_none", "/api/v1/cases/case_none/events"):
        expect(node.call("GET", path, t["org_fr_parquet"])[0], 404, f"GET {path}: no such case")
    expect(node.act(t["org_fr_parquet"], "case_none", "withdraw")[0], 404, "act on no case")
    expect(node.call("GET", "/api/v1/cases")[0], 401, "GET cases without credentials")
    expect(node.call("GET", "/api/v1/inbox")[0], 401, "GET inbox without credentials")
    # Positive: each party takes its own next action.
    cid = cases["epoc"][0]
    expect(node.act(t["org_ie_nimbus"], cid, "receive")[0], 200, "receive: addressee on epoc")
    expect(node.act(t["org_ie_enforcing"], cid, "confirm_no_grounds")[0], 200,
           "confirm_no_grounds: enforcing authority on epoc")
    expect(node.act(t["org_ie_enforcing"], cid, "produce")[0], 403,
           "produce: the enforcing authority (another party's action)")
    expect(node.act(t["org_fr_instruction"], cid, "withdraw")[0], 200, "withdraw: issuer on epoc")
    expect(node.act(t["org_us_cloudmail"], cases["art7"][0], "receive")[0], 200,
           "receive: provider on art7")
    for key in ("art8", "art9"):
        cid, roles = cases[key]
        issuer = next(o for o, r in roles.items() if r == "issuer")
        expect(node.act(t[issuer], cid, "withdraw")[0], 200, f"withdraw: issuer on {key}")


def global_matrix(node, t, people):
    orders = issuer_orders()
    for org in ORGS:
        roles = people[org]["roles"]
        status, me, _ = node.call("GET", "/api/v1/me", t[org])
        expect(status, 200, f"GET me: {org}")
        check(me["organisation"]["id"] == org and me["person"]["roles"] == roles and
              sorted(me["scopes"]) == sorted(["read", "write"] + (
                  ["admin"] if "admin" in roles else [])), f"me: {org} {me}")
        status, body, _ = node.call("GET", "/api/v1/organisations", t[org])
        expect(status, 200, f"GET organisations: {org}")
        check(sorted(o["id"] for o in body["organisations"]) == sorted(ORGS), "all organisations")
        expect(node.route(t[org], query())[0], 200, f"POST route: {org}")
        expect(node.call("GET", "/metrics", t[org])[0],
               200 if {"admin", "auditor"} & set(roles) else 403, f"GET metrics: {org}")
        if "issuer" in roles:
            proc, addressee, q, order = orders[org]
            status, body, _ = node.create(t[org], proc, addressee, q, order)
            expect(status, 201, f"POST cases ({proc}): {org}")
        else:
            status, body, _ = node.create(t[org], *orders["org_fr_instruction"])
            expect(status, 403, f"POST cases without the issuer role: {org}")
        status, tok, _ = node.call("POST", "/api/v1/tokens", t[org],
                                   {"scopes": ["read"], "expires_in_days": 1})
        expect(status, 201, f"POST tokens: {org}")
        other = "org_fr_cnil" if org != "org_fr_cnil" else "org_fr_parquet"
        expect(node.call("DELETE", f"/api/v1/tokens/{tok['id']}", t[other])[0], 404,
               f"DELETE another person's token: {other} on {org}'s")
        expect(node.call("DELETE", f"/api/v1/tokens/{tok['id']}", t[org])[0], 200,
               f"DELETE own token: {org}")
    status, body, _ = node.create(t["org_us_oia"], *orders["org_fr_instruction"])
    expect(status, 403, "POST cases: a US authority issuing a French order")
    for method, path, body in (("GET", "/api/v1/me", None), ("GET", "/api/v1/organisations", None),
                               ("POST", "/api/v1/route", query()), ("GET", "/metrics", None),
                               ("POST", "/api/v1/tokens", {"scopes": ["read"],
                                                           "expires_in_days": 1}),
                               ("DELETE", "/api/v1/tokens/tok_x", None)):
        expect(node.call(method, path, None, body)[0], 401, f"{method} {path} without credentials")
    status = node.call("POST", "/api/v1/cases", None, {})[0]
    check(status == 401, "POST /api/v1/cases without credentials nor Idempotency-Key: "
          f"expected 401 (authentication first), got {status}")
    status, body, _ = node.create(None, *orders["org_fr_instruction"])
    expect(status, 401, "POST cases with a valid order and Idempotency-Key, without credentials")


def tokens(node, t, cases):
    pros = t["org_fr_parquet"]
    own, foreign = cases["art7"][0], cases["epoc"][0]
    status, tok, _ = node.call("POST", "/api/v1/tokens", pros, {"scopes": ["read"],
                                                                "expires_in_days": 30})
    if not check(status == 201 and tok["scopes"] == ["read"], f"read token: {status} {tok}"):
        return
    read = tok["token"]
    for method, path, body, want in (
            ("GET", f"/api/v1/cases/{own}", None, 200),
            ("GET", f"/api/v1/cases/{own}/events", None, 200),
            ("GET", "/api/v1/cases", None, 200), ("GET", "/api/v1/inbox", None, 200),
            ("GET", "/api/v1/me", None, 200), ("GET", "/api/v1/organisations", None, 200),
            ("POST", "/api/v1/route", query(), 200),
            ("GET", f"/api/v1/cases/{foreign}", None, 404),
            ("POST", f"/api/v1/cases/{own}/actions/withdraw", None, 403),
            ("POST", "/api/v1/tokens", {"scopes": ["write"], "expires_in_days": 1}, 403)):
        expect(node.call(method, path, read, body)[0], want, f"read token: {method} {path}")
    status, body, _ = node.create(read, *issuer_orders()["org_fr_parquet"])
    expect(status, 403, "read token: POST cases")
    check(node.case(pros, own)["state"] == "received", "the read token changed nothing")
    status = node.act(read, foreign, "withdraw")[0]
    check(status == 404, f"read token acting on a foreign case: expected 404 (the case "
          f"does not exist for it), got {status}")
    status, wtok, _ = node.call("POST", "/api/v1/tokens", pros, {"scopes": ["write"],
                                                                 "expires_in_days": 1})
    expect(node.call("GET", f"/api/v1/cases/{own}", wtok["token"])[0], 403,
           "write-only token: GET own case")
    status = node.call("GET", f"/api/v1/cases/{foreign}", wtok["token"])[0]
    check(status == 404, f"write-only token reading a foreign case: expected 404, got "
          f"{status}")
    status = node.call("DELETE", f"/api/v1/tokens/{wtok['id']}", read)[0]
    check(status == 403, f"a read token revokes the person's write token: expected 403 "
          f"(revoking acts), got {status}")
    # Revocation: the token is refused everywhere at once.
    expect(node.call("DELETE", f"/api/v1/tokens/{tok['id']}", pros)[0], 200, "revoke read token")
    for path in ("/api/v1/me", f"/api/v1/cases/{own}", "/api/v1/cases", "/api/v1/inbox"):
        expect(node.call("GET", path, read)[0], 401, f"revoked token: GET {path}")
    expect(node.call("DELETE", f"/api/v1/tokens/{tok['id']}", read)[0], 401,
           "revoked token revoking itself")
    expect(node.call("GET", "/api/v1/me", pros)[0], 200, "the sandbox token still works")


def law_integrity(node, t):
    """The caller chooses neither the authority it is nor the law in force."""
    status, body, _ = node.create(t["org_fr_parquet"], "eu2023-1543.epoc", "org_ie_nimbus",
                                  ie_query(), epoc("investigating_judge"))
    check(status == 403, "the Parquet (authorities: prosecutor) issues a traffic-data EPOC "
          f"as `investigating_judge`, escaping validation (Art. 4(2)): expected 403, got {status}")
    q = query(established="IE")
    q["parties"] = {"IE": {"instruments": {"cets224": "2020-01-01", "cets185": "2020-01-01"},
                           "declarations": [], "reservations": []}}
    order = art7()
    order["service_provider"]["state"] = "IE"
    status, body, _ = node.create(t["org_fr_parquet"], "cets224.7", "org_ie_nimbus", q, order)
    check(status in (400, 409), "an order's query declares Ireland a CETS 224 Party "
          f"(the registry: not even a signatory) and opens Art. 7: expected 400/409, got {status}")


def main():
    node = Node(sys.argv[1]).start()
    people = node.people()
    t = {org: p["token"] for org, p in people.items()}
    check(sorted(t) == sorted(ORGS), f"the sandbox's organisations: {sorted(t)}")
    cases = setup(node, t)
    case_matrix(node, t, cases)
    global_matrix(node, t, people)
    tokens(node, t, cases)
    law_integrity(node, t)
    node.stop()
    print(f"authorization matrix: {len(MATRIX)} status checks")
    finish("authz e2e")


if __name__ == "__main__":
    main()
