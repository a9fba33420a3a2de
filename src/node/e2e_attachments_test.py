#!/usr/bin/env python3
"""The provider's response with attached files, over HTTP: the addressee of a European Production
Order (EU 2023/1543, machine eu2023-1543.epoc) attaches a file after receipt, the issuer downloads
exactly its bytes with their SHA-256, `produce` refers to it, and every upload and download is a
case event (chain of custody) and every download an access record (CETS 224 Art. 14(8)). Another
organisation finds neither the case nor the file (404); a file over the node's limit
(`limits.max_attachment_bytes`, set low here) or a body over the server's (1 MiB by default) is
refused with 413; a closed case takes no more files (409).

Usage: e2e_attachments_test.py EVIDEX
"""
import hashlib
import os
import sqlite3
import sys
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from e2e_common import Node, _short, check, epoc, finish, ie_query, step, raw_exchange

EPOC = "eu2023-1543.epoc"
LIMIT = 65536  # the node's attachment limit in this test
# Bytes that are not text: NULs, every byte value, a NUL at the end.
FILE = b"\x00\x01evidence\x00\xff\r\n" * 300 + bytes(range(256)) + b"\x00"
NAME = 'réponse "finale".csv'


def upload(node, token, case_id, data=FILE, name=NAME, media="text/csv", key=None):
    """POST the file; returns status, parsed body, headers."""
    node.seq += 1
    headers = {"Content-Type": media, "Idempotency-Key": key or f"att-{node.seq}"}
    if name is not None:
        # A header's bytes as they are: the UTF-8 name, passed through latin-1.
        headers["X-Filename"] = name.encode().decode("latin-1")
    return node.call("POST", f"/api/v1/cases/{case_id}/attachments", token, raw=data,
                     headers=headers)


def download(node, token, att_id):
    """GET the file; returns status, the raw bytes, headers."""
    req = urllib.request.Request(f"http://127.0.0.1:{node.port}/api/v1/attachments/{att_id}",
                                 headers={"Authorization": f"Bearer {token}",
                                          "X-Purpose": "evidence review"})
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.read(), dict(res.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def received_case(node, t):
    """An EPOC issued by the judge and received by Nimbus; the enforcing authority has no
    grounds, so that Nimbus may produce."""
    status, case, _ = node.create(t["judge"], EPOC, "org_ie_nimbus", ie_query(), epoc())
    check(status == 201, f"create: {status} {_short(case)}")
    cid = case["id"]
    step(node, t["judge"], cid, "issue", "issued")
    step(node, t["nimbus"], cid, "receive", "received")
    step(node, t["enforcing"], cid, "confirm_no_grounds", "received")
    return cid


def attach_and_download(node, t, cid):
    status, att, headers = upload(node, t["nimbus"], cid, key="nimbus-1")
    if not check(status == 201, f"the addressee attaches after receipt: {status} {_short(att)}"):
        return None
    digest = hashlib.sha256(FILE).hexdigest()
    check(att["case_id"] == cid and att["name"] == NAME and att["media_type"] == "text/csv"
          and att["size"] == len(FILE) and att["sha256"] == digest
          and att["id"].startswith("att_"), f"the attachment as stored: {att}")
    check(headers.get("Location") == f"/api/v1/attachments/{att['id']}",
          f"Location: {headers.get('Location')}")
    status, again, headers = upload(node, t["nimbus"], cid, key="nimbus-1")
    check(status == 201 and again == att and headers.get("Idempotent-Replayed") == "true",
          f"the same upload with the same key replays the first: {status} {_short(again)}")
    status, res, _ = upload(node, t["nimbus"], cid, data=FILE + b"!", key="nimbus-1")
    check(status == 409, f"the same key for other bytes: {status} {_short(res)}")

    status, res, _ = upload(node, t["cloudmail"], cid)
    check(status == 404, f"another organisation cannot attach to the case: {status}")
    status, body, _ = download(node, t["cloudmail"], att["id"])
    check(status == 404, f"another organisation cannot download: {status}")
    status, res, _ = upload(node, t["judge"], cid)
    check(status == 403, f"the issuer does not answer its own order: {status}")
    status, res, _ = upload(node, t["enforcing"], cid)
    check(status == 403, f"the enforcing authority does not answer the order: {status}")
    for name in ("../etc/passwd", "a\\b", "tab\there", "next\u0085line", "..", "", "x" * 201):
        status, res, _ = upload(node, t["nimbus"], cid, name=name or None)
        check(status == 400, f"a file name {name!r} is refused: {status}")
    status, res, _ = node.call("POST", f"/api/v1/cases/{cid}/attachments", t["nimbus"], raw=FILE,
                               headers={"Content-Type": "text/csv", "Idempotency-Key": "latin",
                                        "X-Filename": "r\xe9ponse.csv"})
    check(status == 400, f"a file name that is not UTF-8 is refused: {status}")
    status, res, _ = upload(node, t["nimbus"], cid, media="csv")
    check(status == 400, f"a media type that is not type/subtype is refused: {status}")

    status, body, headers = download(node, t["judge"], att["id"])
    check(status == 200 and body == FILE,
          f"the issuer downloads exactly the bytes: {status}, {len(body)} bytes")
    check(hashlib.sha256(body).hexdigest() == digest
          and headers.get("X-Content-SHA256") == digest,
          f"the hash of the download: {headers.get('X-Content-SHA256')}")
    check(headers.get("Content-Type") == "text/csv", f"media type: {headers.get('Content-Type')}")
    check(headers.get("Content-Disposition") ==
          "attachment; filename=\"r_ponse \\\"finale\\\".csv\"; "
          "filename*=UTF-8''r%C3%A9ponse%20%22finale%22.csv",
          f"the name quoted, and in full as RFC 8187: {headers.get('Content-Disposition')}")
    return att


def limits(node, t, cid):
    status, res, _ = upload(node, t["nimbus"], cid, data=b"\x00" * (LIMIT + 1))
    check(status == 413 and res.get("title") == "payload too large",
          f"a file over the node's limit: {status} {_short(res)}")
    status, res, _ = upload(node, t["nimbus"], cid, data=b"\x00" * LIMIT)
    check(status == 201, f"a file of exactly the limit: {status} {_short(res)}")
    status = raw_exchange(
        node, f"POST /api/v1/cases/{cid}/attachments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {t['nimbus']}\r\nIdempotency-Key: big\r\n"
        "Content-Type: application/zip\r\nX-Filename: big.zip\r\n"
        f"Content-Length: {(1 << 20) + 1}\r\n\r\n")
    check(status == 413, f"a body over the server's limit: {status}")


def production(node, t, cid, att):
    """`produce` refers to files of the case, and to no other."""
    other = received_case(node, t)
    status, foreign, _ = upload(node, t["nimbus"], other)
    check(status == 201, f"a file of another case: {status}")
    status, res = node.act(t["nimbus"], cid, "produce", {"attachments": ["att_nothing"]})
    check(status == 400 and "`attachments`" in res.get("detail", ""),
          f"an unknown attachment is refused, naming the field: {status} {_short(res)}")
    status, res = node.act(t["nimbus"], cid, "produce", {"attachments": [foreign["id"]]})
    check(status == 400, f"another case's attachment is refused: {status} {_short(res)}")
    step(node, t["nimbus"], cid, "produce", "produced",
         {"comment": "the logs", "attachments": [att["id"]]})
    step(node, t["judge"], cid, "close", "closed")
    status, res, _ = upload(node, t["nimbus"], cid)
    check(status == 409, f"a closed case takes no more files: {status} {_short(res)}")
    status, body, _ = download(node, t["enforcing"], att["id"])
    check(status == 200 and body == FILE, f"every party downloads, also after closing: {status}")


def custody(node, t, cid, att):
    events = node.events(t["judge"], cid)
    types = [e["type"] for e in events]
    check(types == ["created", "issued", "received", "no_grounds_confirmed", "attachment_added",
                    "attachment_downloaded", "attachment_added", "produced", "closed",
                    "attachment_downloaded"], f"history {types}")
    added = [e for e in events if e["type"] == "attachment_added"]
    check(added and added[0]["payload"] == {
        "attachment_id": att["id"], "name": NAME, "media_type": "text/csv", "size": len(FILE),
        "sha256": att["sha256"]} and added[0]["actor_organisation_id"] == "org_ie_nimbus",
        f"the upload is recorded with its author: {added}")
    downloaded = [e for e in events if e["type"] == "attachment_downloaded"]
    check([e["actor_organisation_id"] for e in downloaded] ==
          ["org_fr_instruction", "org_ie_enforcing"]
          and all(e["payload"] == {"attachment_id": att["id"], "sha256": att["sha256"]}
                  for e in downloaded), f"every download is recorded: {downloaded}")
    produced = [e for e in events if e["type"] == "produced"]
    check(produced and produced[0]["payload"]["input"]["attachments"] == [att["id"]],
          f"the production refers to the file: {produced}")
    db = sqlite3.connect(f"file:{os.path.join(node.data, 'evidex.db')}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT a.organisation_id, p.email, a.purpose FROM access_records a "
            "JOIN people p ON p.id = a.person_id "
            "WHERE a.case_id = ? AND a.action = 'download_attachment' ORDER BY a.id",
            (cid,)).fetchall()
    finally:
        db.close()
    check(rows == [("org_fr_instruction", "julien.bernard@tj-paris.example", "evidence review"),
                   ("org_ie_enforcing", "aoife.byrne@enforcing.example", "evidence review")],
          f"every download is an access record: {rows}")


def main():
    node = Node(sys.argv[1])
    config = os.path.join(node.data, "node.toml")
    with open(config, "w") as f:
        f.write(f"[limits]\nmax_attachment_bytes = {LIMIT}\n")
    node.args = ["--config", config]
    node.start()
    people = node.people()
    t = {"judge": people["org_fr_instruction"]["token"],
         "nimbus": people["org_ie_nimbus"]["token"],
         "enforcing": people["org_ie_enforcing"]["token"],
         "cloudmail": people["org_us_cloudmail"]["token"]}
    cid = received_case(node, t)
    att = attach_and_download(node, t, cid)
    if att:
        limits(node, t, cid)
        production(node, t, cid, att)
        custody(node, t, cid, att)
    node.stop()
    finish("attachments e2e")


if __name__ == "__main__":
    main()
