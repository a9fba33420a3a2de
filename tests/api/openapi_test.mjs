#!/usr/bin/env node
// Keeps src/node/openapi.json true: starts the real node (`evidex serve --sandbox`) on a free
// loopback port, exercises every endpoint with real requests (successes and failures), and
// validates each response's status, media type, headers and body against the document with
// Ajv (JSON Schema 2020-12). Fails when a status is not documented for its operation, a body or
// header does not validate, a documented operation was never exercised or does not exist, or the
// served document differs from the file. Requests meant to succeed are validated against the
// documented request schemas too.
//
// Usage: node tests/api/openapi_test.mjs path/to/evidex
// Needs `npm ci --prefix tests/api` (scripts/install-deps runs it) and python3 (to give a demo
// person a password: the API has no way to set one).
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";

const require = createRequire(import.meta.url);
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DOC_FILE = path.join(HERE, "..", "..", "src", "node", "openapi.json");
const EVIDEX = process.argv[2];
if (!EVIDEX) {
  console.error("usage: openapi_test.mjs path/to/evidex");
  process.exit(2);
}

const failures = [];
function fail(what) {
  failures.push(what);
  console.error(`FAIL: ${what}`);
}

// ------------------------------------------------------------------------------------------
// The document and its validators.

const doc = JSON.parse(fs.readFileSync(DOC_FILE, "utf8"));
const ROOT_ID = "urn:evidex:openapi";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

// Rewrites the document's local component references into references to one Ajv schema that
// holds every component schema under $defs.
function absolutize(node) {
  if (Array.isArray(node)) return node.map(absolutize);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "$ref" && typeof v === "string") {
      const m = /^#\/components\/schemas\/([^/]+)$/.exec(v);
      if (!m) throw new Error(`unsupported schema reference ${v}`);
      out[k] = `${ROOT_ID}#/$defs/${m[1]}`;
    } else {
      out[k] = absolutize(v);
    }
  }
  return out;
}

const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
addFormats(ajv);
ajv.addSchema({ $id: ROOT_ID, $defs: absolutize(doc.components.schemas) });

const compiled = new Map();
function validator(schema) {
  const key = JSON.stringify(schema);
  if (!compiled.has(key)) compiled.set(key, ajv.compile(absolutize(schema)));
  return compiled.get(key);
}

function deref(obj) {
  let o = obj;
  while (o && o.$ref) {
    const m = /^#\/components\/(responses|parameters|headers|requestBodies)\/([^/]+)$/.exec(o.$ref);
    if (!m || !doc.components[m[1]] || !doc.components[m[1]][m[2]]) {
      throw new Error(`unresolvable reference ${o.$ref}`);
    }
    o = doc.components[m[1]][m[2]];
  }
  return o;
}

function errorsOf(validate) {
  return ajv.errorsText(validate.errors, { separator: "; " });
}

// Checks the document's own structure and compiles every schema in it, so that a schema Ajv
// refuses (an unknown keyword, a bad reference) fails here rather than when first used.
function checkDocument() {
  if (doc.openapi !== "3.1.0") fail(`openapi is ${doc.openapi}, expected 3.1.0`);
  if (doc.jsonSchemaDialect !== "https://json-schema.org/draft/2020-12/schema") {
    fail("jsonSchemaDialect is not JSON Schema 2020-12");
  }
  const ids = new Set();
  for (const [p, item] of Object.entries(doc.paths)) {
    const pathParams = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const method of Object.keys(item)) {
      if (!METHODS.includes(method)) {
        fail(`${p}: unexpected key ${method}`);
        continue;
      }
      const op = item[method];
      const where = `${method.toUpperCase()} ${p}`;
      if (!op.operationId || ids.has(op.operationId)) fail(`${where}: operationId missing or repeated`);
      ids.add(op.operationId);
      const params = (op.parameters || []).map(deref);
      for (const name of pathParams) {
        if (!params.some((x) => x.in === "path" && x.name === name && x.required)) {
          fail(`${where}: path parameter {${name}} not declared`);
        }
      }
      for (const x of params) {
        if (x.in === "path" && !pathParams.includes(x.name)) fail(`${where}: stray path parameter ${x.name}`);
        validator(x.schema);
      }
      if (op.requestBody) {
        for (const m of Object.values(deref(op.requestBody).content)) validator(m.schema);
      }
      if (!op.responses || Object.keys(op.responses).length === 0) fail(`${where}: no responses`);
      for (const [status, r] of Object.entries(op.responses || {})) {
        if (!/^[1-5][0-9][0-9]$/.test(status)) fail(`${where}: response key ${status}`);
        const res = deref(r);
        if (!res.description) fail(`${where} ${status}: no description`);
        for (const m of Object.values(res.content || {})) validator(m.schema);
        for (const h of Object.values(res.headers || {})) validator(deref(h).schema);
      }
    }
  }
  for (const name of Object.keys(doc.components.schemas)) {
    validator({ $ref: `#/components/schemas/${name}` });
  }
}

// The document's path template that `actual` matches, as the router matches: literal segments
// and `{name}` segments that match one non-empty segment.
function templateOf(actual) {
  const parts = actual.split("/");
  for (const template of Object.keys(doc.paths)) {
    const segs = template.split("/");
    if (segs.length !== parts.length) continue;
    if (segs.every((s, i) => (/^\{.+\}$/.test(s) ? parts[i] !== "" : s === parts[i]))) {
      return template;
    }
  }
  return null;
}

// ------------------------------------------------------------------------------------------
// Validating one exchange.

let validated = 0;
const exercised = new Set();

function mediaOf(res) {
  return (res.headers["content-type"] || "").trim();
}

function validateResponse(responseObj, res, where) {
  const declared = responseObj.content || {};
  const type = mediaOf(res);
  let media = Object.keys(declared).find((k) => k === type);
  if (media === undefined) {
    const base = type.split(";")[0].trim();
    media = Object.keys(declared).find((k) => k.split(";")[0].trim() === base);
  }
  if (media === undefined && declared["*/*"]) media = "*/*";
  if (media === undefined) {
    if (Object.keys(declared).length > 0 || res.text.length > 0) {
      fail(`${where}: content type \`${type}\` not documented (${Object.keys(declared).join(", ")})`);
      return;
    }
  } else {
    let body = res.text;
    if (/[/+]json$/.test(media.split(";")[0].trim())) {
      try {
        body = JSON.parse(res.text);
      } catch (e) {
        fail(`${where}: body is not JSON: ${res.text.slice(0, 200)}`);
        return;
      }
    }
    const validate = validator(declared[media].schema);
    if (!validate(body)) {
      fail(`${where}: body does not validate: ${errorsOf(validate)}\n  body: ${res.text.slice(0, 600)}`);
      return;
    }
    if (media === "application/problem+json") {
      const expected = `urn:evidex:request:${res.headers["x-request-id"]}`;
      if (body.instance !== expected) fail(`${where}: instance ${body.instance}, expected ${expected}`);
    }
  }
  for (const [name, h] of Object.entries(responseObj.headers || {})) {
    const header = deref(h);
    const value = res.headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) fail(`${where}: required header ${name} missing`);
      continue;
    }
    const validate = validator(header.schema);
    for (const v of Array.isArray(value) ? value : [value]) {
      if (!validate(v)) fail(`${where}: header ${name}: ${v}: ${errorsOf(validate)}`);
    }
  }
  validated += 1;
}

// Validates `res`, the answer to `method` on `actualPath`, against the document.
function check(method, actualPath, res) {
  const where = `${method} ${actualPath} -> ${res.status}`;
  const template = templateOf(actualPath);
  if (template === null) {
    if (res.status !== 404 && res.status !== 400 && res.status !== 413 && res.status !== 431) {
      fail(`${where}: a path the document does not have answered ${res.status}`);
      return;
    }
    const component = { 400: "BadRequest", 404: "NotFound", 413: "PayloadTooLarge", 431: "HeadersTooLarge" };
    validateResponse(doc.components.responses[component[res.status]], res, where);
    return;
  }
  const item = doc.paths[template];
  const op = item[method.toLowerCase()];
  if (!op) {
    if (res.status !== 405) {
      fail(`${where}: ${method} is not documented for ${template}, yet it answered ${res.status}`);
      return;
    }
    const allowed = Object.keys(item).filter((m) => METHODS.includes(m)).map((m) => m.toUpperCase());
    const allow = (res.headers.allow || "").split(",").map((m) => m.trim()).filter(Boolean);
    if (!isDeepStrictEqual([...allow].sort(), [...allowed].sort())) {
      fail(`${where}: Allow \`${res.headers.allow}\`, the document has ${allowed.join(", ")}`);
    }
    validateResponse(doc.components.responses.MethodNotAllowed, res, where);
    return;
  }
  exercised.add(`${method} ${template}`);
  const r = op.responses[String(res.status)];
  if (!r) {
    fail(`${where}: status ${res.status} is not documented for ${method} ${template}: ${res.text.slice(0, 300)}`);
    return;
  }
  validateResponse(deref(r), res, `${where} (${method} ${template})`);
}

// Validates a request body the test means to be valid (or invalid) against the document.
function checkRequest(method, actualPath, body, expectValid) {
  const template = templateOf(actualPath);
  const op = template && doc.paths[template][method.toLowerCase()];
  if (!op || !op.requestBody) {
    fail(`${method} ${actualPath}: the document has no request body for it`);
    return;
  }
  const validate = validator(deref(op.requestBody).content["application/json"].schema);
  const valid = validate(body);
  if (valid !== expectValid) {
    fail(`${method} ${actualPath}: the request body ${expectValid ? "does not validate" : "validates, yet the node refuses it"}` +
         (valid ? "" : `: ${errorsOf(validate)}`));
  }
}

// ------------------------------------------------------------------------------------------
// The node.

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let port = 0;
let server = null;
let serverErr = "";
let requestCount = 0;

function request(method, urlPath, { token, body, raw, headers } = {}) {
  requestCount += 1;
  const requestId = `openapi-${requestCount}`;
  const data = raw !== undefined ? Buffer.from(raw) : body !== undefined ? Buffer.from(JSON.stringify(body)) : null;
  const h = { "X-Request-Id": requestId, ...(headers || {}) };
  if (token) h.Authorization = `Bearer ${token}`;
  if (data) {
    if (!("Content-Type" in h)) h["Content-Type"] = "application/json";
    h["Content-Length"] = String(data.length);
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: urlPath, headers: h, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString("utf8"), requestId }));
      res.on("error", reject);
    });
    req.setTimeout(30000, () => req.destroy(new Error(`${method} ${urlPath}: timed out`)));
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

// Sends `bytes` as they are on a fresh connection and reads the answer until the server closes
// it: for what a well-behaved client library will not send (malformed HTTP, oversized header
// fields, a body over the limit).
function rawExchange(bytes) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks = [];
    socket.setTimeout(30000, () => socket.destroy(new Error("raw exchange timed out")));
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", (e) => {
      if (chunks.length === 0) reject(e);
    });
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const head = text.indexOf("\r\n\r\n");
      const m = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      if (head < 0 || !m) {
        reject(new Error(`no HTTP response: ${JSON.stringify(text.slice(0, 200))}`));
        return;
      }
      const headers = {};
      for (const line of text.slice(0, head).split("\r\n").slice(1)) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(m[1]), headers, text: text.slice(head + 4) });
    });
    socket.write(bytes);
  });
}

async function startNode(dataDir) {
  port = await freePort();
  serverErr = "";
  server = spawn(EVIDEX, ["serve", "--sandbox", "--data", dataDir, "--listen", `127.0.0.1:${port}`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  server.stderr.on("data", (c) => {
    serverErr = (serverErr + c.toString()).slice(-20000);
  });
  const deadline = Date.now() + 90000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`serve exited ${server.exitCode}: ${serverErr}`);
    try {
      const res = await request("GET", "/healthz");
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error("the node did not start");
}

process.on("exit", () => {
  if (server && server.exitCode === null) server.kill("SIGKILL");
});

// One exchange: sends, checks the status when `expect` is given, validates against the
// document; `valid` (true or false) also validates the request body the test sends.
async function call(method, urlPath, opts = {}) {
  const { expect, valid } = opts;
  const actualPath = urlPath.split("?")[0];
  if (valid !== undefined) checkRequest(method, actualPath, opts.body, valid);
  const res = await request(method, urlPath, opts);
  if (expect !== undefined && res.status !== expect) {
    fail(`${method} ${urlPath}: expected ${expect}, got ${res.status}: ${res.text.slice(0, 400)}`);
  }
  if (res.headers["x-request-id"] !== res.requestId) {
    fail(`${method} ${urlPath}: X-Request-Id not echoed (${res.headers["x-request-id"]})`);
  }
  check(method, actualPath, res);
  try {
    res.json = res.text ? JSON.parse(res.text) : null;
  } catch {
    res.json = null;
  }
  return res;
}

// ------------------------------------------------------------------------------------------
// The exchanges: the EPOC flow of src/node/node_flow_test.py and every error the API has.

const ORDER = {
  issuing_authority: {
    state: "FR", authority: "investigating_judge", name: "Tribunal judiciaire de Paris, juge d'instruction",
    reference: "JI-2026-0042", address: "Parvis du Tribunal, 75017 Paris", email: "ji.cyber@justice.example",
  },
  addressee: { kind: "designated_establishment", name: "Nimbus Mail Ireland Ltd", address: "1 Dock Road, Dublin 2", state: "IE" },
  targets: [
    { type: "ip_address", value: "203.0.113.7", timestamp: "2026-11-02T21:14:05+01:00" },
    { type: "email", value: "suspect@example.net" },
  ],
  data: { categories: ["traffic"], time_range: { from: "2026-10-01T00:00:00Z", to: "2026-11-15T00:00:00Z" } },
  offence: {
    description: "intrusion into a hospital's information system", legal_provisions: ["Code penal, art. 323-1"],
    max_custodial_years: 5, categories: ["attack_on_information_systems"],
  },
  grounds: {
    summary_of_facts: "the hospital's servers were entered on 2 November",
    necessity_and_proportionality: "the connection logs alone show the origin",
  },
  notification: {
    enforcing_authority_notified: true,
    enforcing_authority: { name: "Irish enforcing authority for e-evidence", state: "IE" },
  },
};

const QUERY = {
  issuing_state: "FR",
  addressee: { kind: "service_provider", established_in: "IE", designated_establishment_in: "IE" },
  data: ["traffic"], measure: "production", emergency: false,
  offence: { max_custodial_years: 5, categories: ["attack_on_information_systems"], via_information_system: true },
  committed_in_issuing_state: true, person_resides_in: "IE",
};

const clone = (v) => JSON.parse(JSON.stringify(v));

// A password for a demo person, written into the store (there is no API for it). The hash is
// libsodium's crypto_pwhash_str (Argon2id) of PASSWORD, as the node's HashPassword makes them.
const PASSWORD = "openapi-test-password";
const PASSWORD_HASH =
  "$argon2id$v=19$m=65536,t=2,p=1$vRLztxDwOkcpHMCgMHWTJg$mPD8cHGJI4EzcKf+US/ORh13/L5pWnWFsdMiLDrIpOg";

function setPassword(dataDir, email) {
  const script = [
    "import sqlite3, sys",
    "db = sqlite3.connect(sys.argv[1], timeout=30)",
    "n = db.execute('UPDATE people SET password_hash = ? WHERE email = ?', (sys.argv[2], sys.argv[3])).rowcount",
    "db.commit()",
    "sys.exit(0 if n == 1 else 1)",
  ].join("\n");
  execFileSync("python3", ["-c", script, path.join(dataDir, "evidex.db"), PASSWORD_HASH, email]);
}

async function identity(t, dataDir) {
  await call("GET", "/api/v1/me", { token: t.judge, expect: 200 });
  await call("GET", "/api/v1/me", { expect: 401 });
  await call("GET", "/api/v1/me", { token: "evx_t_unknown", expect: 401 });
  await call("GET", "/api/v1/organisations", { token: t.nimbus, expect: 200 });
  await call("GET", "/api/v1/organisations", { expect: 401 });

  // Sessions.
  const email = "camille.martin@parquet.example";
  await call("POST", "/api/v1/auth/login", { body: { email, password: PASSWORD }, valid: true, expect: 401 });
  await call("POST", "/api/v1/auth/login", { body: { email }, valid: false, expect: 400 });
  await call("POST", "/api/v1/auth/login", { body: { email, password: PASSWORD, otp: "1" }, valid: false, expect: 400 });
  await call("POST", "/api/v1/auth/login", { raw: "{not json", expect: 400 });
  setPassword(dataDir, email);
  await call("POST", "/api/v1/auth/login", { body: { email, password: "not the password" }, valid: true, expect: 401 });
  const login = await call("POST", "/api/v1/auth/login", { body: { email, password: PASSWORD }, valid: true, expect: 201 });
  const session = login.json && login.json.token;
  const me = await call("GET", "/api/v1/me", { token: session, expect: 200 });
  // Camille Martin is an issuer, not an administrator: her session reads and writes.
  if (!me.json || !isDeepStrictEqual([...me.json.scopes].sort(), ["read", "write"])) {
    fail(`a session holds the scopes of the person's roles: ${me.text}`);
  }
  const minted = await call("POST", "/api/v1/tokens", { token: session, body: { scopes: ["read"], expires_in_days: 30 }, valid: true, expect: 201 });
  // A token never outlives the session that made it.
  if (!minted.json || minted.json.expires_at !== login.json.expires_at) {
    fail(`a token made by a session ends with it: ${minted.text} vs ${login.text}`);
  }
  await call("POST", "/api/v1/tokens", { token: session, body: { scopes: ["admin"], expires_in_days: 1 }, valid: true, expect: 403 });
  await call("POST", "/api/v1/auth/logout", { token: t.judge, expect: 400 });
  await call("POST", "/api/v1/auth/logout", { expect: 401 });
  await call("POST", "/api/v1/auth/logout", { token: session, expect: 200 });
  await call("GET", "/api/v1/me", { token: session, expect: 401 });

  // API tokens.
  const created = await call("POST", "/api/v1/tokens", { token: t.judge, body: { scopes: ["read", "write"], expires_in_days: 7 }, valid: true, expect: 201 });
  const tokenId = created.json && created.json.id;
  await call("POST", "/api/v1/tokens", { token: t.judge, body: { scopes: ["admin"], expires_in_days: 7 }, valid: true, expect: 403 });
  await call("POST", "/api/v1/tokens", { token: t.judge, body: { scopes: ["root"], expires_in_days: 7 }, valid: false, expect: 400 });
  await call("POST", "/api/v1/tokens", { token: t.judge, body: { scopes: [], expires_in_days: 7 }, valid: false, expect: 400 });
  await call("POST", "/api/v1/tokens", { token: t.judge, body: { scopes: ["read"] }, valid: false, expect: 400 });
  await call("POST", "/api/v1/tokens", { token: t.judge, body: { scopes: ["read"], expires_in_days: 366 }, valid: false, expect: 400 });
  await call("POST", "/api/v1/tokens", { body: { scopes: ["read"], expires_in_days: 1 }, expect: 401 });
  await call("GET", "/api/v1/me", { token: created.json.token, expect: 200 });
  await call("DELETE", `/api/v1/tokens/${tokenId}`, { token: t.cloudmail, expect: 404 });
  await call("DELETE", "/api/v1/tokens/tok_nothing", { token: t.judge, expect: 404 });
  await call("DELETE", `/api/v1/tokens/${tokenId}`, { expect: 401 });
  await call("DELETE", `/api/v1/tokens/${tokenId}`, { token: t.judge, expect: 200 });
  await call("DELETE", `/api/v1/tokens/${tokenId}`, { token: t.judge, expect: 200 });
  await call("GET", "/api/v1/me", { token: created.json.token, expect: 401 });

  // Tokens with one scope, for the scope checks of the case endpoints.
  const readOnly = await call("POST", "/api/v1/tokens", { token: t.judge, body: { scopes: ["read"], expires_in_days: 1 }, valid: true, expect: 201 });
  const writeOnly = await call("POST", "/api/v1/tokens", { token: t.judge, body: { scopes: ["write"], expires_in_days: 1 }, valid: true, expect: 201 });
  return { readOnly: readOnly.json.token, writeOnly: writeOnly.json.token };
}

async function routing(t) {
  await call("POST", "/api/v1/route", { token: t.judge, body: QUERY, valid: true, expect: 200 });
  const defined = {
    issuing_state: "FR",
    addressee: { kind: "service_provider", established_in: "XA", offers_services_in: ["FR", "XA"] },
    data: ["subscriber", "identification"], measure: "preservation", emergency: true,
    offence: { max_custodial_years: null, categories: [], via_information_system: false },
    committed_in_issuing_state: null, person_resides_in: null, as_of: "2026-06-01",
    parties: { XA: { instruments: { cets185: "2010-01-01", cets224: null }, declarations: [], reservations: [] } },
  };
  await call("POST", "/api/v1/route", { token: t.cloudmail, body: defined, valid: true, expect: 200 });
  await call("POST", "/api/v1/route", { token: t.judge, body: { ...QUERY, measure: "teleportation" }, valid: false, expect: 400 });
  await call("POST", "/api/v1/route", { token: t.judge, body: { ...QUERY, extra: true }, valid: false, expect: 400 });
  await call("POST", "/api/v1/route", { token: t.judge, raw: "[1, 2", expect: 400 });
  await call("POST", "/api/v1/route", { token: t.judge, raw: JSON.stringify(QUERY) + " ".repeat(70 * 1024), expect: 400 });
  await call("POST", "/api/v1/route", { body: QUERY, expect: 401 });
}

async function cases(t, scoped) {
  const create = { procedure: "eu2023-1543.epoc", addressee_organisation_id: "org_ie_nimbus", query: QUERY, order: ORDER };
  const key = { "Idempotency-Key": "flow-1" };
  const first = await call("POST", "/api/v1/cases", { token: t.judge, body: create, headers: key, valid: true, expect: 201 });
  const id = first.json && first.json.id;
  if (first.headers.location !== `/api/v1/cases/${id}`) fail(`Location of a new case: ${first.headers.location}`);
  const replay = await call("POST", "/api/v1/cases", { token: t.judge, body: create, headers: key, expect: 201 });
  if (replay.headers["idempotent-replayed"] !== "true") fail("a replay is marked Idempotent-Replayed");
  await call("POST", "/api/v1/cases", { token: t.judge, body: { ...create, addressee_organisation_id: "org_us_cloudmail" }, headers: key, valid: true, expect: 409 });
  await call("POST", "/api/v1/cases", { token: t.judge, body: create, expect: 400 });
  await call("POST", "/api/v1/cases", { body: create, headers: { "Idempotency-Key": "anon" }, expect: 401 });
  await call("POST", "/api/v1/cases", { token: t.nimbus, body: create, headers: { "Idempotency-Key": "nimbus" }, expect: 403 });
  await call("POST", "/api/v1/cases", { token: scoped.readOnly, body: create, headers: { "Idempotency-Key": "ro" }, expect: 403 });

  // Who sees what.
  await call("GET", `/api/v1/cases/${id}`, { token: t.cloudmail, expect: 404 });
  await call("GET", `/api/v1/cases/${id}`, { token: t.prosecutor, expect: 404 });
  await call("GET", `/api/v1/cases/${id}`, { expect: 401 });
  await call("GET", `/api/v1/cases/${id}`, { token: scoped.writeOnly, expect: 403 });
  await call("GET", `/api/v1/cases/${id}`, { token: t.judge, headers: { "X-Purpose": "drafting" }, expect: 200 });
  await call("GET", "/api/v1/cases/case_nothing", { token: t.judge, expect: 404 });
  await call("GET", "/api/v1/cases/case_nothing/events", { token: t.judge, expect: 404 });
  await call("GET", `/api/v1/cases/${id}/events`, { expect: 401 });
  await call("GET", `/api/v1/cases/${id}/events`, { token: scoped.writeOnly, expect: 403 });
  await call("POST", "/api/v1/cases/case_nothing/actions/issue", { token: t.judge, expect: 404 });
  await call("POST", `/api/v1/cases/${id}/actions/issue`, { token: t.nimbus, expect: 404 });
  await call("POST", `/api/v1/cases/${id}/actions/issue`, { expect: 401 });
  await call("POST", `/api/v1/cases/${id}/actions/issue`, { token: scoped.readOnly, expect: 403 });
  await call("POST", `/api/v1/cases/${id}/actions/fly`, { token: t.judge, expect: 400 });
  await call("POST", `/api/v1/cases/${id}/actions/issue`, { token: t.judge, raw: "{\"comment\":", expect: 400 });
  await call("POST", `/api/v1/cases/${id}/actions/issue`, { token: t.judge, body: { comment: "x", urgent: true }, valid: false, expect: 400 });
  await call("POST", `/api/v1/cases/${id}/actions/issue`, { token: t.judge, body: { reasons: Array(21).fill("r") }, valid: false, expect: 400 });

  // The EPOC flow.
  await call("POST", `/api/v1/cases/${id}/actions/issue`, { token: t.judge, body: { comment: "issued after review" }, valid: true, expect: 200 });
  const inbox = await call("GET", "/api/v1/inbox", { token: t.nimbus, expect: 200 });
  if (!inbox.json || !inbox.json.cases.some((c) => c.id === id)) fail(`the addressee's inbox lacks the case: ${inbox.text}`);
  await call("GET", "/api/v1/inbox", { expect: 401 });
  await call("GET", "/api/v1/inbox?limit=0", { token: t.nimbus, expect: 400 });
  const firstPage = await call("GET", "/api/v1/inbox?limit=1", { token: t.nimbus, expect: 200 });
  if (!firstPage.json || firstPage.json.cases.length !== 1) fail(`inbox limit=1: ${firstPage.text}`);
  await call("GET", "/api/v1/inbox", { token: scoped.writeOnly, expect: 403 });
  await call("POST", `/api/v1/cases/${id}/actions/withdraw`, { token: t.nimbus, expect: 403 });
  await call("POST", `/api/v1/cases/${id}/actions/issue`, { token: t.nimbus, expect: 409 });
  await call("POST", `/api/v1/cases/${id}/actions/receive`, { token: t.nimbus, body: {}, valid: true, expect: 200 });
  await call("POST", `/api/v1/cases/${id}/actions/produce`, { token: t.nimbus, expect: 409 });
  await call("POST", `/api/v1/cases/${id}/actions/confirm_no_grounds`, { token: t.enforcing, body: { comment: "no ground under Art. 12", reasons: [] }, valid: true, expect: 200 });
  const attId = await attachments(t, scoped, id);
  await call("POST", `/api/v1/cases/${id}/actions/produce`, { token: t.nimbus, body: { attachments: ["att_nothing"] }, valid: true, expect: 400 });
  await call("POST", `/api/v1/cases/${id}/actions/produce`, { token: t.nimbus, body: { attachments: Array(101).fill("att_x") }, valid: false, expect: 400 });
  await call("POST", `/api/v1/cases/${id}/actions/produce`, { token: t.nimbus, body: { comment: null, attachments: [attId] }, valid: true, expect: 200 });
  await call("GET", `/api/v1/cases/${id}`, { token: t.nimbus, expect: 200 });
  await call("POST", `/api/v1/cases/${id}/actions/close`, { token: t.judge, expect: 200 });
  await call("POST", `/api/v1/cases/${id}/actions/close`, { token: t.judge, expect: 409 });
  await call("POST", `/api/v1/cases/${id}/attachments`, { ...upload(t.nimbus, "att-closed"), expect: 409 });
  await call("GET", `/api/v1/attachments/${attId}`, { token: t.enforcing, expect: 200 });
  await call("GET", `/api/v1/cases/${id}/events`, { token: t.judge, headers: { "X-Purpose": "review before trial" }, expect: 200 });
  await call("GET", `/api/v1/cases/${id}/events`, { token: t.enforcing, expect: 200 });

  // Pages.
  await call("POST", "/api/v1/cases", { token: t.judge, body: create, headers: { "Idempotency-Key": "flow-2" }, valid: true, expect: 201 });
  const page1 = await call("GET", "/api/v1/cases?limit=1", { token: t.judge, expect: 200 });
  const cursor = page1.json && page1.json.next_cursor;
  if (typeof cursor !== "string") fail(`a first page of one has a next cursor: ${page1.text}`);
  const page2 = await call("GET", `/api/v1/cases?limit=1&cursor=${encodeURIComponent(cursor)}`, { token: t.judge, expect: 200 });
  if (!page2.json || page2.json.cases.length !== 1 || page2.json.next_cursor !== null) fail(`the last page: ${page2.text}`);
  await call("GET", "/api/v1/cases", { token: t.judge, expect: 200 });
  await call("GET", "/api/v1/cases", { token: t.cloudmail, expect: 200 });
  await call("GET", "/api/v1/cases?limit=0", { token: t.judge, expect: 400 });
  await call("GET", "/api/v1/cases?limit=201", { token: t.judge, expect: 400 });
  await call("GET", "/api/v1/cases?limit=ten", { token: t.judge, expect: 400 });
  await call("GET", "/api/v1/cases?cursor=zz", { token: t.judge, expect: 400 });
  await call("GET", "/api/v1/cases", { expect: 401 });
  await call("GET", "/api/v1/cases", { token: scoped.writeOnly, expect: 403 });

  // Bad input.
  await call("POST", "/api/v1/cases", { token: t.judge, raw: "{not json", headers: { "Idempotency-Key": "bad-1" }, expect: 400 });
  await call("POST", "/api/v1/cases", { token: t.judge, body: { ...create, extra: 1 }, headers: { "Idempotency-Key": "bad-2" }, valid: false, expect: 400 });
  const lacking = clone(create);
  delete lacking.order.grounds.necessity_and_proportionality;
  const missing = await call("POST", "/api/v1/cases", { token: t.judge, body: lacking, headers: { "Idempotency-Key": "bad-4" }, valid: true, expect: 400 });
  if (!missing.json || !Array.isArray(missing.json.errors)) fail(`missing content is listed in \`errors\`: ${missing.text}`);
  await call("POST", "/api/v1/cases", { token: t.judge, body: { ...create, addressee_organisation_id: "org_nowhere" }, headers: { "Idempotency-Key": "bad-5" }, valid: true, expect: 400 });
  const closed = await call("POST", "/api/v1/cases", { token: t.judge, body: { ...create, procedure: "cets224.7" }, headers: { "Idempotency-Key": "law-1" }, valid: true, expect: 409 });
  if (!closed.json || !(closed.json.errors || []).some((e) => (e.cite || "").startsWith("CETS 224"))) {
    fail(`a closed channel is refused with its articles: ${closed.text}`);
  }
  const byProsecutor = clone(create);
  byProsecutor.order.issuing_authority.authority = "prosecutor";
  const alone = await call("POST", "/api/v1/cases", { token: t.prosecutor, body: byProsecutor, headers: { "Idempotency-Key": "p-1" }, valid: true });
  if (alone.status !== 400 && alone.status !== 403) fail(`a prosecutor alone is refused: ${alone.status}`);
  const foreign = clone(create);
  foreign.query.issuing_state = "US";
  await call("POST", "/api/v1/cases", { token: t.judge, body: foreign, headers: { "Idempotency-Key": "us-1" }, valid: true, expect: 403 });
}

// A file of the addressee's response: bytes that are not UTF-8, and a name to quote.
const FILE = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x00, 0x0a]);

function upload(token, key, headers = {}) {
  return { token, raw: FILE, headers: { "Content-Type": "application/zip", "X-Filename": "logs \"2026\".zip", "Idempotency-Key": key, ...headers } };
}

// The addressee attaches a file to case `id` (received, not terminal), every party downloads it;
// returns its id.
async function attachments(t, scoped, id) {
  const at = `/api/v1/cases/${id}/attachments`;
  const added = await call("POST", at, { ...upload(t.nimbus, "att-1"), expect: 201 });
  const attId = added.json && added.json.id;
  if (added.headers.location !== `/api/v1/attachments/${attId}`) fail(`Location of a new attachment: ${added.headers.location}`);
  const replay = await call("POST", at, { ...upload(t.nimbus, "att-1"), expect: 201 });
  if (replay.headers["idempotent-replayed"] !== "true" || !replay.json || replay.json.id !== attId) {
    fail(`a replayed upload answers the first attachment: ${replay.text}`);
  }
  await call("POST", at, { ...upload(t.nimbus, "att-1", { "X-Filename": "other.zip" }), expect: 409 });
  await call("POST", at, { token: t.nimbus, raw: FILE, headers: { "Content-Type": "application/zip", "X-Filename": "logs.zip" }, expect: 400 });
  await call("POST", at, { ...upload(t.nimbus, "att-2", { "X-Filename": "../logs.zip" }), expect: 400 });
  await call("POST", at, { ...upload(t.nimbus, "att-2", { "Content-Type": "application/zip; name=x" }), expect: 400 });
  await call("POST", at, { ...upload(undefined, "att-2"), expect: 401 });
  await call("POST", at, { ...upload(t.judge, "att-2"), expect: 403 });
  await call("POST", at, { ...upload(t.enforcing, "att-2"), expect: 403 });
  await call("POST", at, { ...upload(t.cloudmail, "att-2"), expect: 404 });
  await call("POST", "/api/v1/cases/case_nothing/attachments", { ...upload(t.nimbus, "att-2"), expect: 404 });

  const got = await call("GET", `/api/v1/attachments/${attId}`, { token: t.judge, headers: { "X-Purpose": "evidence review" }, expect: 200 });
  if (!added.json || got.headers["x-content-sha256"] !== added.json.sha256 || got.headers["content-type"] !== "application/zip" ||
      got.headers["content-disposition"] !== 'attachment; filename="logs \\"2026\\".zip"') {
    fail(`the download's headers: ${JSON.stringify(got.headers)}`);
  }
  await call("GET", `/api/v1/attachments/${attId}`, { token: t.nimbus, expect: 200 });
  await call("GET", `/api/v1/attachments/${attId}`, { token: t.cloudmail, expect: 404 });
  await call("GET", "/api/v1/attachments/att_nothing", { token: t.judge, expect: 404 });
  await call("GET", `/api/v1/attachments/${attId}`, { expect: 401 });
  await call("GET", `/api/v1/attachments/${attId}`, { token: scoped.writeOnly, expect: 403 });
  return attId;
}

// The ledger: the checkpoint, the events' leaf indexes, and proofs that `evidex merkle` verifies.
async function ledger(t, scoped) {
  const list = await call("GET", "/api/v1/cases", { token: t.judge, expect: 200 });
  const id = list.json && list.json.cases.length > 0 && list.json.cases[0].id;
  if (!id) {
    fail(`no case to find in the ledger: ${list.text}`);
    return;
  }
  // The feeder logs new events within a second.
  let events = [];
  for (let i = 0; i < 50; i += 1) {
    const res = await call("GET", `/api/v1/cases/${id}/events`, { token: t.judge, expect: 200 });
    events = (res.json && res.json.events) || [];
    if (events.length > 0 && events.every((e) => e.leaf_index !== null)) break;
    await sleep(100);
  }
  if (!events.length || events.some((e) => e.leaf_index === null)) fail(`events not logged: ${JSON.stringify(events)}`);
  let size = 0;
  for (let i = 0; i < 50; i += 1) {
    const cp = await call("GET", "/api/v1/ledger/checkpoint", { expect: 200 });
    size = Number(cp.text.split("\n")[1]);
    if (size > events[events.length - 1].leaf_index) break;
    await sleep(100);
  }
  const key = await call("GET", "/api/v1/ledger/key", { expect: 200 });
  const keyName = key.text.split("+")[0];
  const cpText = (await call("GET", "/api/v1/ledger/checkpoint", { expect: 200 })).text;
  if (!cpText.startsWith(`${keyName}\n`) || !cpText.includes(`\u2014 ${keyName} `)) {
    fail(`the checkpoint is not signed under the key's name ${keyName}: ${cpText}`);
  }
  const leaf = events[0].leaf_index;
  const inclusion = await call("GET", `/api/v1/ledger/inclusion?leaf_index=${leaf}`, { token: t.judge, expect: 200 });
  if (inclusion.json && inclusion.json.tree_size !== size) fail(`inclusion at the latest size: ${inclusion.text}`);
  execFileSync(EVIDEX, ["merkle", "verify-inclusion"], { input: inclusion.text });
  // Tied to the signed checkpoint, offline, with the pinned key.
  const checkpoint = (await call("GET", "/api/v1/ledger/checkpoint", { expect: 200 })).text;
  const signed = JSON.parse(execFileSync(EVIDEX, ["ledger", "checkpoint", "--vkey", key.text.trim(), "-"],
                                         { input: checkpoint }).toString());
  if (inclusion.json && signed.tree_size === inclusion.json.tree_size && signed.root !== inclusion.json.root) {
    fail(`the inclusion proof's root is not the signed checkpoint's: ${JSON.stringify(signed)} ${inclusion.text}`);
  }
  await call("GET", `/api/v1/ledger/inclusion?leaf_index=${leaf}&tree_size=${leaf + 1}`, { token: t.judge, expect: 200 });
  await call("GET", "/api/v1/ledger/inclusion", { token: t.judge, expect: 400 });
  await call("GET", `/api/v1/ledger/inclusion?leaf_index=${size}`, { token: t.judge, expect: 400 });
  await call("GET", `/api/v1/ledger/inclusion?leaf_index=0&tree_size=${size + 1}`, { token: t.judge, expect: 400 });
  await call("GET", "/api/v1/ledger/inclusion?leaf_index=-1", { token: t.judge, expect: 400 });
  await call("GET", "/api/v1/ledger/inclusion?leaf_index=0", { expect: 401 });
  await call("GET", "/api/v1/ledger/inclusion?leaf_index=0", { token: scoped.writeOnly, expect: 403 });
  const consistency = await call("GET", `/api/v1/ledger/consistency?old_size=1&new_size=${size}`, { token: t.nimbus, expect: 200 });
  execFileSync(EVIDEX, ["merkle", "verify-consistency"], { input: consistency.text });
  await call("GET", "/api/v1/ledger/consistency?old_size=0", { token: t.judge, expect: 200 });
  await call("GET", "/api/v1/ledger/consistency", { token: t.judge, expect: 400 });
  await call("GET", `/api/v1/ledger/consistency?old_size=${size + 1}`, { token: t.judge, expect: 400 });
  await call("GET", "/api/v1/ledger/consistency?old_size=0", { expect: 401 });
  await call("GET", "/api/v1/ledger/consistency?old_size=0", { token: scoped.writeOnly, expect: 403 });
}

// The refusals the server makes before routing, and the router's own 404 and 405.
async function refusals(t) {
  const oversize = await rawExchange(
    `POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t.judge}\r\n` +
      "Idempotency-Key: big-1\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\n\r\n");
  if (oversize.status !== 413) fail(`oversized body: ${oversize.status}`);
  check("POST", "/api/v1/cases", oversize);
  const bigFile = await rawExchange(
    `POST /api/v1/cases/case_x/attachments HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t.nimbus}\r\n` +
      "Idempotency-Key: big-2\r\nContent-Type: application/zip\r\nX-Filename: big.zip\r\nContent-Length: 2097152\r\n\r\n");
  if (bigFile.status !== 413) fail(`oversized upload: ${bigFile.status}`);
  check("POST", "/api/v1/cases/case_x/attachments", bigFile);
  const headers = await rawExchange(
    `GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${"p".repeat(20000)}\r\n\r\n`);
  if (headers.status !== 431) fail(`oversized header fields: ${headers.status}`);
  check("GET", "/api/v1/me", headers);
  const malformed = await rawExchange("NOT HTTP AT ALL\r\n\r\n");
  if (malformed.status !== 400) fail(`malformed HTTP: ${malformed.status}`);
  validateResponse(doc.components.responses.BadRequest, malformed, "malformed HTTP -> 400");

  await call("GET", "/api/v2/nothing", { token: t.judge, expect: 404 });
  await call("GET", "/api/v1/cases/x/y/z/w", { token: t.judge, expect: 404 });
  await call("DELETE", "/api/v1/cases", { token: t.judge, expect: 405 });
  await call("PUT", "/healthz", { expect: 405 });
  await call("GET", "/api/v1/route", { token: t.judge, expect: 405 });
  await call("GET", "/api/v1/tokens/tok_x", { token: t.judge, expect: 405 });
  await call("PATCH", "/api/v1/cases/case_x", { token: t.judge, expect: 405 });
}

// An administrator of `org` with an API token (there is no API for people yet), written into the
// store as the node writes them: the token only as its SHA-256.
function adminOf(dataDir, org) {
  const secret = `evx_t_openapi_admin_${org}`;
  const script = [
    "import hashlib, json, sqlite3, sys",
    "db = sqlite3.connect(sys.argv[1], timeout=30)",
    "org, secret = sys.argv[2], sys.argv[3]",
    "db.execute(\"INSERT INTO people VALUES (?, ?, 'Key Admin', ?, '[\\\"admin\\\"]', '', 0, 0)\", ('person_admin_' + org, org, 'keys@' + org + '.example'))",
    "db.execute('INSERT INTO api_tokens VALUES (?, ?, ?, ?, 0, ?, NULL)', ('tok_admin_' + org, 'person_admin_' + org, hashlib.sha256(secret.encode()).hexdigest(), json.dumps(['read', 'write', 'admin']), 4102444800000))",
    "db.commit()",
  ].join("\n");
  execFileSync("python3", ["-c", script, path.join(dataDir, "evidex.db"), org, secret]);
  return secret;
}

// Evidence packages: keys made offline and registered, a package packed with the CLI for a new
// case, uploaded, downloaded whole and in a range, its trust file, custody, and the refusals.
async function packages(t, dataDir) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "evidex-openapi-packages-"));
  try {
    const keygen = (name) => {
      execFileSync(EVIDEX, ["keygen", name, "--secret", path.join(work, `${name}.secret`), "--public", path.join(work, `${name}.pub`)]);
      return Object.fromEntries(JSON.parse(fs.readFileSync(path.join(work, `${name}.pub`), "utf8")).keys.map((k) => [k.use, k]));
    };
    const nimbus = keygen("nimbus.example");
    const judge = keygen("tj-paris.example");
    const admins = { nimbus: adminOf(dataDir, "org_ie_nimbus"), judge: adminOf(dataDir, "org_fr_instruction") };
    const register = (token, org, key, idem, expect, valid = true) =>
      call("POST", `/api/v1/organisations/${org}/package-keys`, {
        token, body: { use: key.use, name: key.name, public_key: key.public_key }, headers: { "Idempotency-Key": idem }, valid, expect,
      });
    const nimbusKeys = "/api/v1/organisations/org_ie_nimbus/package-keys";
    await register(admins.nimbus, "org_ie_nimbus", nimbus.sign, "pkey-1", 201);
    await register(admins.nimbus, "org_ie_nimbus", nimbus.sign, "pkey-1", 201);
    await register(admins.nimbus, "org_ie_nimbus", nimbus.sign, "pkey-2", 409);
    await register(admins.judge, "org_fr_instruction", judge.encrypt, "pkey-3", 201);
    await register(t.nimbus, "org_ie_nimbus", nimbus.encrypt, "pkey-4", 403);
    await register(admins.judge, "org_ie_nimbus", nimbus.encrypt, "pkey-5", 404);
    await register(undefined, "org_ie_nimbus", nimbus.encrypt, "pkey-6", 401);
    await call("POST", nimbusKeys, { token: admins.nimbus, body: { use: "log", name: "x", public_key: nimbus.sign.public_key }, headers: { "Idempotency-Key": "pkey-7" }, valid: false, expect: 400 });
    const spare = await register(admins.nimbus, "org_ie_nimbus", nimbus.encrypt, "pkey-8", 201);
    const revoked = await call("POST", `${nimbusKeys}/${spare.json && spare.json.id}/revoke`, { token: admins.nimbus, expect: 200 });
    if (!revoked.json || revoked.json.revoked_at === null) fail(`a revoked package key: ${revoked.text}`);
    await call("POST", `${nimbusKeys}/pkey_unknown/revoke`, { token: admins.nimbus, expect: 404 });
    await call("POST", `${nimbusKeys}/${spare.json && spare.json.id}/revoke`, { token: t.nimbus, expect: 403 });
    await call("POST", `${nimbusKeys}/${spare.json && spare.json.id}/revoke`, { expect: 401 });
    const listed = await call("GET", nimbusKeys, { token: t.cloudmail, expect: 200 });
    if (!listed.json || listed.json.keys.length !== 2) fail(`anyone lists the public package keys: ${listed.text}`);
    await call("GET", "/api/v1/organisations/org_nowhere/package-keys", { token: t.judge, expect: 404 });
    await call("GET", nimbusKeys, { expect: 401 });

    // A case of its own, received by Nimbus.
    const create = { procedure: "eu2023-1543.epoc", addressee_organisation_id: "org_ie_nimbus", query: QUERY, order: ORDER };
    const made = await call("POST", "/api/v1/cases", { token: t.judge, body: create, headers: { "Idempotency-Key": "packages-case" }, expect: 201 });
    const id = made.json && made.json.id;
    await call("POST", `/api/v1/cases/${id}/actions/issue`, { token: t.judge, expect: 200 });
    await call("POST", `/api/v1/cases/${id}/actions/receive`, { token: t.nimbus, expect: 200 });
    const item = path.join(work, "logs.bin");
    fs.writeFileSync(item, Buffer.alloc(100000, 7));
    const evx = path.join(work, "p.evx");
    execFileSync(EVIDEX, ["pack", item, "--order", id, "--key", path.join(work, "nimbus.example.secret"), "--to",
      path.join(work, "tj-paris.example.pub"), "--category", "traffic", "-o", evx]);
    const bytes = fs.readFileSync(evx);
    const at = `/api/v1/cases/${id}/packages`;
    const send = (token, idem, raw = bytes) => ({ token, raw, headers: { "Content-Type": "application/octet-stream", "Idempotency-Key": idem } });
    const up = await call("POST", at, { ...send(t.nimbus, "pkg-1"), expect: 201 });
    const pkg = up.json && up.json.id;
    const again = await call("POST", at, { ...send(t.nimbus, "pkg-1"), expect: 201 });
    if (again.headers["idempotent-replayed"] !== "true" || !again.json || again.json.id !== pkg) fail(`a replayed package upload: ${again.text}`);
    await call("POST", at, { ...send(t.nimbus, "pkg-2", Buffer.from("not a package")), expect: 422 });
    await call("POST", at, { ...send(t.nimbus, undefined), headers: { "Content-Type": "application/octet-stream" }, expect: 400 });
    await call("POST", at, { ...send(undefined, "pkg-3"), expect: 401 });
    await call("POST", at, { ...send(t.judge, "pkg-3"), expect: 403 });
    await call("POST", at, { ...send(t.cloudmail, "pkg-3"), expect: 404 });
    const oversize = await rawExchange(
      `POST ${at} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t.nimbus}\r\n` +
        "Idempotency-Key: big-3\r\nContent-Type: application/octet-stream\r\nContent-Length: 1099511627777\r\n\r\n");
    if (oversize.status !== 413) fail(`oversized package: ${oversize.status}`);
    check("POST", at, oversize);

    const one = `${at}/${pkg}`;
    const whole = await call("GET", one, { token: t.judge, headers: { "X-Purpose": "evidence review" }, expect: 200 });
    const size = Number(whole.headers["content-length"]);
    await call("GET", one, { token: t.judge, headers: { Range: "bytes=0-99" }, expect: 206 });
    const past = await call("GET", one, { token: t.judge, headers: { Range: `bytes=${size}-` }, expect: 416 });
    if (past.headers["content-range"] !== `bytes */${size}`) fail(`416 Content-Range: ${past.headers["content-range"]}`);
    await call("GET", one, { token: t.cloudmail, expect: 404 });
    await call("GET", `${at}/pkg_nothing`, { token: t.judge, expect: 404 });
    await call("GET", one, { expect: 401 });
    await call("GET", `/api/v1/cases/${id}/trust`, { token: t.judge, expect: 200 });
    await call("GET", `/api/v1/cases/${id}/trust`, { token: t.cloudmail, expect: 404 });
    await call("GET", `/api/v1/cases/${id}/trust`, { expect: 401 });
    const custody = `${one}/custody`;
    await call("POST", custody, { token: t.judge, body: { action: "decrypted", detail: "at the court" }, valid: true, expect: 201 });
    await call("POST", custody, { token: t.judge, body: { action: "lost", detail: "" }, valid: false, expect: 400 });
    await call("POST", custody, { token: t.cloudmail, body: { action: "exported", detail: "to the court" }, valid: true, expect: 404 });
    await call("POST", custody, { body: { action: "exported", detail: "to the court" }, expect: 401 });
    await call("GET", `/api/v1/cases/${id}/events`, { token: t.judge, expect: 200 });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// Every operation of the document exists: answered by its handler, not by the router's 404 or
// 405 (path parameters filled with placeholders, no credentials).
async function everyRouteExists() {
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item).filter((m) => METHODS.includes(m))) {
      const actual = template.replace(/\{[^}]+\}/g, "placeholder");
      const res = await call(method.toUpperCase(), actual);
      const routerNotFound = res.status === 404 && res.json && res.json.detail === "no such resource";
      if (res.status === 405 || routerNotFound) fail(`${method.toUpperCase()} ${template} is documented but not routed`);
    }
  }
}

// An organisation's keys: the CNIL's administrator manages the CNIL's keys only.
async function keys(t) {
  const base = "/api/v1/organisations/org_fr_cnil/keys";
  const listed = await call("GET", base, { token: t.auditor, expect: 200 });
  const signing = listed.json && listed.json.keys.find((k) => k.kind === "signing" && k.current);
  if (!signing) fail(`the sandbox gives every organisation a current signing key: ${listed.text}`);
  await call("GET", base, { expect: 401 });
  await call("GET", base, { token: t.judge, expect: 404 });
  await call("GET", "/api/v1/organisations/org_fr_instruction/keys", { token: t.judge, expect: 403 });
  const key = { "Idempotency-Key": "rotate-1" };
  const rotated = await call("POST", base, { token: t.auditor, body: { kind: "signing" }, headers: key, valid: true, expect: 201 });
  await call("POST", base, { token: t.auditor, body: { kind: "signing" }, headers: key, expect: 201 });
  await call("POST", base, { token: t.auditor, body: { kind: "encryption" }, headers: key, valid: true, expect: 409 });
  await call("POST", base, { token: t.auditor, body: { kind: "signature" }, headers: { "Idempotency-Key": "rotate-2" }, valid: false, expect: 400 });
  await call("POST", base, { token: t.auditor, body: { kind: "signing" }, valid: true, expect: 400 });
  await call("POST", base, { token: t.judge, body: { kind: "signing" }, headers: { "Idempotency-Key": "rotate-3" }, expect: 404 });
  const after = await call("GET", base, { token: t.auditor, expect: 200 });
  const old = after.json && after.json.keys.find((k) => signing && k.id === signing.id);
  if (!old || old.current || old.valid_until === null || !rotated.json || !rotated.json.current) {
    fail(`rotation replaces the current key: ${after.text}`);
  }
  const revoke = `${base}/${rotated.json && rotated.json.id}/revoke`;
  await call("POST", revoke, { token: t.auditor, body: { revoked_at: "2999-01-01T00:00:00Z" }, valid: true, expect: 400 });
  const revoked = await call("POST", revoke, { token: t.auditor, expect: 200 });
  if (!revoked.json || revoked.json.revoked_at === null || revoked.json.current) fail(`revoked: ${revoked.text}`);
  await call("POST", `${base}/key_unknown/revoke`, { token: t.auditor, expect: 404 });
  await call("POST", revoke, { token: t.judge, expect: 404 });
}

// A signed order from outside: the judge's issued order verifies; altered or unsigned, it does not.
async function deliveries(t) {
  const listed = await call("GET", "/api/v1/cases?limit=200", { token: t.judge, expect: 200 });
  let order = null;
  for (const c of (listed.json && listed.json.cases) || []) {
    const events = await call("GET", `/api/v1/cases/${c.id}/events`, { token: t.judge, expect: 200 });
    const issued = events.json.events.find((e) => e.type === "issued" && e.payload.signed_document);
    if (issued) {
      order = issued.payload.signed_document;
      break;
    }
  }
  if (!order) {
    fail("an issued order carries its signed document");
    return;
  }
  await call("POST", "/api/v1/deliveries", { token: t.nimbus, body: order, valid: true, expect: 200 });
  await call("POST", "/api/v1/deliveries", { body: order, expect: 401 });
  await call("POST", "/api/v1/deliveries", { token: t.nimbus, body: { ...order, signatures: [] }, valid: true, expect: 403 });
  const forged = clone(order);
  forged.document.case_id = "case_forged";
  await call("POST", "/api/v1/deliveries", { token: t.nimbus, body: forged, valid: true, expect: 403 });
  await call("POST", "/api/v1/deliveries", { token: t.nimbus, body: { ...order, extra: 1 }, valid: false, expect: 400 });

  // Four eyes: approvals are for emergency orders of the caller's own organisation.
  const approvals = `/api/v1/cases/${order.document.case_id}/approvals`;
  await call("POST", approvals, { token: t.judge, body: { action: "issue" }, headers: { "Idempotency-Key": "approve-1" }, valid: true, expect: 409 });
  await call("POST", approvals, { token: t.judge, body: { action: "produce" }, headers: { "Idempotency-Key": "approve-2" }, valid: false, expect: 400 });
  await call("POST", approvals, { token: t.judge, body: { action: "issue" }, valid: true, expect: 400 });
  await call("POST", approvals, { token: t.nimbus, body: { action: "issue" }, headers: { "Idempotency-Key": "approve-3" }, expect: 404 });
  const settings = "/api/v1/organisations/org_fr_cnil/settings";
  const read = await call("GET", settings, { token: t.auditor, expect: 200 });
  if (!read.json || read.json.four_eyes_emergency !== false) fail(`the sandbox starts with four eyes off: ${read.text}`);
  const on = await call("PUT", settings, { token: t.auditor, body: { four_eyes_emergency: true }, valid: true, expect: 200 });
  if (!on.json || on.json.four_eyes_emergency !== true) fail(`four eyes turned on: ${on.text}`);
  await call("PUT", settings, { token: t.auditor, body: { four_eyes_emergency: "yes" }, valid: false, expect: 400 });
  await call("GET", settings, { token: t.judge, expect: 404 });
  await call("PUT", "/api/v1/organisations/org_fr_instruction/settings", { token: t.judge, body: { four_eyes_emergency: false }, valid: true, expect: 403 });

  // The refused deliveries above are in the receiving organisation's security log; the CNIL's is
  // read by its auditor.
  await call("GET", "/api/v1/organisations/org_fr_cnil/security-events", { token: t.auditor, expect: 200 });
  await call("GET", "/api/v1/organisations/org_fr_cnil/security-events?limit=0", { token: t.auditor, expect: 400 });
  await call("GET", "/api/v1/organisations/org_fr_cnil/security-events", { token: t.judge, expect: 404 });
  await call("GET", "/api/v1/organisations/org_fr_instruction/security-events", { token: t.judge, expect: 403 });
  await call("GET", "/api/v1/organisations/org_fr_cnil/security-events", { expect: 401 });
}

async function main() {
  checkDocument();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "evidex-openapi-"));
  try {
    await startNode(dataDir);
    const people = JSON.parse(fs.readFileSync(path.join(dataDir, "sandbox.json"), "utf8")).people;
    const token = (org) => people.find((p) => p.organisation_id === org).token;
    const t = {
      judge: token("org_fr_instruction"), prosecutor: token("org_fr_parquet"), nimbus: token("org_ie_nimbus"),
      enforcing: token("org_ie_enforcing"), cloudmail: token("org_us_cloudmail"), auditor: token("org_fr_cnil"),
    };

    await call("GET", "/healthz", { expect: 200 });
    const served = await call("GET", "/api/v1/openapi.json", { expect: 200 });
    if (!isDeepStrictEqual(served.json, doc)) fail("the served document differs from src/node/openapi.json (rebuild?)");
    await call("GET", "/metrics", { token: t.auditor, expect: 200 });
    await call("GET", "/metrics", { token: t.judge, expect: 403 });
    await call("GET", "/metrics", { expect: 401 });

    const scoped = await identity(t, dataDir);
    await routing(t);
    await cases(t, scoped);
    await ledger(t, scoped);
    await refusals(t);
    await keys(t);
    await deliveries(t);
    await packages(t, dataDir);
    await everyRouteExists();

    for (const [template, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item).filter((m) => METHODS.includes(m))) {
        if (!exercised.has(`${method.toUpperCase()} ${template}`)) fail(`${method.toUpperCase()} ${template} was never exercised`);
      }
    }

    server.kill("SIGTERM");
    const code = await new Promise((resolve) => {
      if (server.exitCode !== null) resolve(server.exitCode);
      else server.once("exit", (c) => resolve(c));
    });
    if (code !== 0) fail(`the node exited ${code} on SIGTERM: ${serverErr.slice(-2000)}`);
  } finally {
    if (server && server.exitCode === null) server.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    console.error(`openapi: ${failures.length} failures (${validated} responses validated)`);
    process.exit(1);
  }
  console.log(`openapi: ${validated} responses validated`);
}

main().catch((e) => {
  console.error(`openapi: ${e.stack || e}`);
  if (serverErr) console.error(serverErr.slice(-4000));
  process.exit(1);
});
