#include "node/packages.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "api/json_body.h"
#include "api/problem.h"
#include "api/range.h"
#include "core/file.h"
#include "core/json.h"
#include "crypto/encoding.h"
#include "crypto/sha256.h"
#include "evidence/io.h"
#include "evidence/keys.h"
#include "evidence/log_proof.h"
#include "evidence/package.h"
#include "ledger/merkle.h"
#include "node/auth.h"
#include "node/handler.h"
#include "node/secrets.h"
#include "node/signing.h"
#include "workflow/machine.h"

namespace evidex::node {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxCustodyDetail = 500;
constexpr std::size_t kMaxPackageId = 128;

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string Base64(std::string_view bytes) {
  return crypto::Base64Encode(Bytes(bytes));
}

// Who uploads, to which case, once they may.
struct Uploader {
  Principal principal;
  store::Case c;
  std::vector<store::CaseParty> parties;
};

// An organisation that answers the case, with scope `write` and role
// `responder`, while the case is not terminal; another organisation's case is
// not found.
Result<Uploader> CheckUploader(store::Transaction& txn, const api::Request& req,
                               Instant now) {
  const std::string& case_id = req.params.at("id");
  EVIDEX_ASSIGN_OR_RETURN(Principal p, Authenticate(req, txn, now));
  auto c = txn.GetCase(case_id);
  if (!c && c.error().code() != StatusCode::kNotFound) return Err(c.error());
  std::vector<store::CaseParty> parties;
  if (c) {
    EVIDEX_ASSIGN_OR_RETURN(parties, txn.ListCaseParties(case_id));
  }
  if (!IsParty(parties, p.organisation.id)) {
    return Err(NotFoundError("no such case"));
  }
  if (!p.HasScope("write") || !p.HasRole("responder") ||
      !Responds(parties, p.organisation.id)) {
    return Err(Status(StatusCode::kPermissionDenied,
                      "uploading packages needs the `write` scope, the "
                      "`responder` role and an organisation that answers the "
                      "case"));
  }
  const workflow::Machine* machine = workflow::FindMachine(c->procedure);
  if (machine == nullptr) return Err(DataLossError("no machine for the case"));
  if (machine->IsTerminal(c->state)) {
    return Err(Status(
        StatusCode::kFailedPrecondition,
        "the case is `" + c->state + "`: it takes no further responses"));
  }
  return Uploader{std::move(p), std::move(*c), std::move(parties)};
}

// A party of the case with `scope`; another organisation's case is not found.
Result<std::pair<Principal, std::vector<store::CaseParty>>> CheckParty(
    store::Transaction& txn, const api::Request& req, Instant now,
    std::string_view scope) {
  const std::string& case_id = req.params.at("id");
  EVIDEX_ASSIGN_OR_RETURN(Principal p, Authenticate(req, txn, now));
  auto parties = txn.ListCaseParties(case_id);
  if (!parties && parties.error().code() != StatusCode::kNotFound) {
    return Err(parties.error());
  }
  if (!parties || !IsParty(*parties, p.organisation.id)) {
    return Err(NotFoundError("no such case"));
  }
  if (!p.HasScope(scope)) {
    return Err(Status(StatusCode::kPermissionDenied,
                      "needs scope `" + std::string(scope) + "`"));
  }
  return std::pair(std::move(p), std::move(*parties));
}

// What the `package_uploaded` event of a package says.
struct PackageRecord {
  store::CaseEvent event;
  std::string sha256;
  std::int64_t size = 0;
  std::int64_t items = 0;
  std::string signer;
};

// The package `package_id` of `case_id`, from its upload event; kNotFound
// when the case has none of that id.
Result<PackageRecord> FindPackage(store::Transaction& txn,
                                  const std::string& case_id,
                                  std::string_view package_id) {
  if (package_id.empty() || package_id.size() > kMaxPackageId) {
    return Err(NotFoundError("no such package"));
  }
  EVIDEX_ASSIGN_OR_RETURN(std::vector<store::CaseEvent> events,
                          txn.ListEvents(case_id));
  for (store::CaseEvent& e : events) {
    if (e.type != kPackageUploadedEvent) continue;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(e.payload_json, ec);
    const boost::json::object* o = ec ? nullptr : v.if_object();
    if (o == nullptr) return Err(DataLossError("a package event is not JSON"));
    const auto* id = o->if_contains("package_id");
    if (id == nullptr || !id->is_string() || id->get_string() != package_id) {
      continue;
    }
    const auto* sha = o->if_contains("package_sha256");
    const auto* size = o->if_contains("size");
    const auto* items = o->if_contains("items");
    const auto* signer = o->if_contains("signer");
    if (sha == nullptr || !sha->is_string() || size == nullptr ||
        !size->is_int64() || items == nullptr || !items->is_int64() ||
        signer == nullptr || !signer->is_string()) {
      return Err(DataLossError("package event " + std::to_string(e.seq) +
                               " of case " + case_id + " is incomplete"));
    }
    PackageRecord r;
    r.sha256 = std::string(sha->get_string());
    r.size = size->get_int64();
    r.items = items->get_int64();
    r.signer = std::string(signer->get_string());
    r.event = std::move(e);
    return r;
  }
  return Err(NotFoundError("no such package"));
}

std::array<std::uint8_t, 32> KeyBytes(const std::string& public_key) {
  std::array<std::uint8_t, 32> out{};
  std::copy_n(public_key.begin(), out.size(), out.begin());
  return out;
}

// The organisation's unrevoked package keys of `use` (`sign` or `encrypt`).
Result<std::vector<store::PackageKey>> ActiveKeys(
    store::Transaction& txn, const std::string& organisation_id,
    std::string_view use) {
  EVIDEX_ASSIGN_OR_RETURN(std::vector<store::PackageKey> keys,
                          txn.ListPackageKeys(organisation_id));
  std::erase_if(keys, [&](const store::PackageKey& k) {
    return k.use != use || k.revoked_at.has_value();
  });
  return keys;
}

std::string OrganisationOf(const std::vector<store::CaseParty>& parties,
                           std::string_view role) {
  for (const store::CaseParty& p : parties) {
    if (p.role == role) return p.organisation_id;
  }
  return {};
}

void WriteKey(JsonWriter& w, const store::PackageKey& k) {
  w.BeginObject();
  w.Key("id");
  w.String(k.id);
  w.Key("organisation_id");
  w.String(k.organisation_id);
  w.Key("use");
  w.String(k.use);
  w.Key("algorithm");
  w.String(k.use == "sign" ? "ed25519" : "x25519");
  w.Key("name");
  w.String(k.name);
  w.Key("public_key");
  w.String(Base64(k.public_key));
  w.Key("created_at");
  w.String(FormatInstant(k.created_at));
  w.Key("revoked_at");
  if (k.revoked_at) {
    w.String(FormatInstant(*k.revoked_at));
  } else {
    w.Null();
  }
  w.EndObject();
}

std::string KeyJson(const store::PackageKey& k) {
  std::string out;
  JsonWriter w(out);
  WriteKey(w, k);
  return out;
}

// Only the organisation's own administrators, with the admin scope; another
// organisation's package keys are not managed here.
Status CheckKeyAdmin(const Principal& p, const std::string& organisation_id) {
  if (p.organisation.id != organisation_id) {
    return NotFoundError("no such organisation");
  }
  if (!p.HasScope("admin") || !p.HasRole("admin")) {
    return Status(
        StatusCode::kPermissionDenied,
        "managing package keys needs an administrator with scope `admin`");
  }
  return OkStatus();
}

// A kept package before its log proof is attached; named with its case, so
// that FinishPending finds its event.
fs::path Unlogged(const fs::path& dir, const std::string& case_id,
                  const std::string& package_id) {
  return dir / (case_id + "." + package_id + ".unlogged");
}

fs::path Logged(const fs::path& dir, const std::string& package_id) {
  return dir / (package_id + ".evx");
}

}  // namespace

Packages::Packages(store::Store& store, NodeLedger& ledger, const Clock& clock,
                   Logger& log, PackagesOptions options)
    : store_(store),
      ledger_(ledger),
      clock_(clock),
      log_(log),
      options_(std::move(options)) {}

void Packages::RegisterRoutes(api::Router& router) {
  auto bind = [this](api::Response (Packages::*fn)(const api::Request&)) {
    return [this, fn](const api::Request& req) { return (this->*fn)(req); };
  };
  router.AddUpload(
      "POST", "/api/v1/cases/{id}/packages", bind(&Packages::Upload),
      options_.max_package_bytes,
      [this](const api::Request& req) { return AdmitUpload(req); });
  // Downloads, trust files and custody write access records or events: they
  // run on workers.
  router.Add("GET", "/api/v1/cases/{id}/packages/{package_id}",
             bind(&Packages::Download));
  router.Add("POST", "/api/v1/cases/{id}/packages/{package_id}/custody",
             bind(&Packages::Custody));
  router.Add("GET", "/api/v1/cases/{id}/trust", bind(&Packages::Trust));
  router.Add("GET", "/api/v1/organisations/{id}/package-keys",
             bind(&Packages::ListKeys), api::Threading::kInline);
  router.Add("POST", "/api/v1/organisations/{id}/package-keys",
             bind(&Packages::RegisterKey));
  router.Add("POST", "/api/v1/organisations/{id}/package-keys/{key_id}/revoke",
             bind(&Packages::RevokeKey));
}

std::optional<api::Response> Packages::AdmitUpload(const api::Request& req) {
  {
    auto txn = store_.BeginRead();
    if (!txn) return Problem(txn.error(), req);
    auto uploader = CheckUploader(**txn, req, clock_.Now());
    if (!uploader) return Problem(uploader.error(), req);
  }
  auto key = IdempotencyKey(req, "uploading a package");
  if (!key) return Problem(key.error(), req);
  return std::nullopt;
}

api::Response Packages::Upload(const api::Request& req) {
  const Instant now = clock_.Now();
  auto idempotency_key = IdempotencyKey(req, "uploading a package");
  if (!idempotency_key) return Problem(idempotency_key.error(), req);
  const std::string key(*idempotency_key);
  const std::string& case_id = req.params.at("id");

  // Whom to trust: the uploader's `sign` keys; whom the package may be sealed
  // to: the issuing organisation's `encrypt` keys.
  Uploader uploader;
  evidence::KeyFile trust;
  std::set<std::array<std::uint8_t, 32>> recipients;
  {
    auto txn = store_.BeginRead();
    if (!txn) return Problem(txn.error(), req);
    auto checked = CheckUploader(**txn, req, now);
    if (!checked) return Problem(checked.error(), req);
    uploader = std::move(*checked);
    auto signers =
        ActiveKeys(**txn, uploader.principal.organisation.id, "sign");
    if (!signers) return Problem(signers.error(), req);
    for (const store::PackageKey& k : *signers) {
      trust.keys.push_back({k.name, evidence::KeyUse::kSign,
                            KeyBytes(k.public_key), std::nullopt});
    }
    auto sealed_to = ActiveKeys(
        **txn, OrganisationOf(uploader.parties, "issuer"), "encrypt");
    if (!sealed_to) return Problem(sealed_to.error(), req);
    for (const store::PackageKey& k : *sealed_to) {
      recipients.insert(KeyBytes(k.public_key));
    }
  }
  const std::string& org_id = uploader.principal.organisation.id;

  std::string reason, message;
  evidence::VerifyReport report;
  auto source = evidence::OpenPackageFile(req.body_file);
  if (!source) return Problem(source.error(), req);
  evidence::VerifyOptions verify;
  verify.trust = &trust;
  auto verified = evidence::VerifyPackage(**source, verify);
  source->reset();
  if (!verified) {
    switch (verified.error().code()) {
      case StatusCode::kUnauthenticated:
        reason = "untrusted_signer";
        break;
      case StatusCode::kDataLoss:
      case StatusCode::kInvalidArgument:
        reason = "malformed_package";
        break;
      default:
        return Problem(verified.error(), req);
    }
    message = verified.error().message();
  } else if (verified->manifest.order != case_id) {
    reason = "wrong_order";
    message = "the package is for order `" +
              verified->manifest.order.substr(0, 128) + "`, not this case";
  } else if (!recipients.contains(verified->recipient)) {
    reason = "wrong_recipient";
    message = "the package is sealed to x25519 key " +
              crypto::Base64Encode(verified->recipient) +
              ", which is not a registered encrypt key of the case's issuing "
              "organisation";
  } else {
    report = std::move(*verified);
  }
  if (!reason.empty()) {
    RecordRefusal(store_, log_, now, "package_refused", reason, org_id, case_id,
                  req.request_id, message);
    return api::ProblemResponse(422, "unprocessable package",
                                reason + ": " + message, req.request_id,
                                {{"reason", reason, ""}});
  }

  const std::string sha256 = crypto::HexEncode(report.package_sha256);
  const std::string request_hash = crypto::HexEncode(
      crypto::Sha256(Bytes(req.method + " " + req.path + "\n" + sha256)));
  const std::string package_id = NewId("pkg");
  const fs::path kept = Unlogged(options_.dir, case_id, package_id);
  if (Status s = MoveFileDurably(req.body_file, kept); !s.ok()) {
    return Problem(s, req);
  }
  api::Response response;
  bool replayed = false;
  Status status = store_.Write([&](store::Transaction& txn) -> Status {
    EVIDEX_ASSIGN_OR_RETURN(Uploader u, CheckUploader(txn, req, now));
    EVIDEX_ASSIGN_OR_RETURN(replayed,
                            ReplayIdempotent(txn, u.principal.person.id, key,
                                             request_hash, response));
    if (replayed) return OkStatus();
    store::CaseEvent event;
    event.case_id = case_id;
    event.type = std::string(kPackageUploadedEvent);
    event.actor_person_id = u.principal.person.id;
    event.actor_organisation_id = u.principal.organisation.id;
    event.at = now;
    {
      JsonWriter w(event.payload_json);
      w.BeginObject();
      w.Key("package_id");
      w.String(package_id);
      w.Key("package_sha256");
      w.String(sha256);
      w.Key("size");
      w.Int(static_cast<std::int64_t>(req.body_size));
      w.Key("items");
      w.Int(static_cast<std::int64_t>(report.manifest.items.size()));
      w.Key("signer");
      w.String(report.manifest.signer_name);
      w.EndObject();
    }
    EVIDEX_ASSIGN_OR_RETURN(auto appended, txn.AppendEvent(event));
    static_cast<void>(appended);
    // What a retry needs to find the package again.
    std::string stored;
    JsonWriter w(stored);
    w.BeginObject();
    w.Key("id");
    w.String(package_id);
    w.EndObject();
    return txn.PutIdempotency({key, u.principal.person.id, request_hash, 201,
                               std::move(stored), now});
  });
  if (!status.ok() || replayed) {
    std::error_code ignored;
    fs::remove(kept, ignored);
  }
  if (!status.ok()) return Problem(status, req);
  std::string id = package_id;
  if (replayed) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(response.body, ec);
    const boost::json::object* o = ec ? nullptr : v.if_object();
    const boost::json::value* stored_id =
        o == nullptr ? nullptr : o->if_contains("id");
    if (stored_id == nullptr || !stored_id->is_string()) {
      return Problem(DataLossError("an idempotency record without the package"),
                     req);
    }
    id = std::string(stored_id->get_string());
  } else {
    log_.Info("package uploaded",
              {{"request_id", req.request_id},
               {"case_id", case_id},
               {"package_id", package_id},
               {"size", static_cast<std::int64_t>(req.body_size)}});
  }
  api::Response finished = FinishUpload(req, case_id, id);
  if (replayed && finished.status == 201) {
    finished.headers.emplace_back("Idempotent-Replayed", "true");
  }
  return finished;
}

Result<Packages::Finished> Packages::Finish(const std::string& case_id,
                                            const std::string& package_id) {
  std::lock_guard lock(finish_mu_);
  EVIDEX_ASSIGN_OR_RETURN(std::int64_t caught_up, ledger_.CatchUp());
  static_cast<void>(caught_up);
  Finished f;
  std::string salt;
  {
    EVIDEX_ASSIGN_OR_RETURN(auto txn, store_.BeginRead());
    EVIDEX_ASSIGN_OR_RETURN(PackageRecord record,
                            FindPackage(*txn, case_id, package_id));
    f.sha256 = record.sha256;
    f.size = record.size;
    f.items = record.items;
    f.signer = record.signer;
    f.event = std::move(record.event);
    EVIDEX_ASSIGN_OR_RETURN(auto stored_salt, txn->GetCaseSalt(case_id));
    if (!stored_salt) return Err(InternalError("the case has no ledger salt"));
    salt = std::move(*stored_salt);
  }
  if (!f.event.leaf_index) {
    return Err(UnavailableError("the package is not logged yet; retry"));
  }
  const auto leaf_index = static_cast<std::uint64_t>(*f.event.leaf_index);
  const ledger::SignedCheckpoint latest = ledger_.log().Latest();
  if (latest.checkpoint.size <= leaf_index) {
    return Err(InternalError("the checkpoint does not hold the package"));
  }
  f.checkpoint = latest.note;
  const fs::path unlogged = Unlogged(options_.dir, case_id, package_id);
  const fs::path logged = Logged(options_.dir, package_id);
  std::error_code ec;
  if (fs::exists(unlogged, ec)) {
    evidence::LogProof proof;
    proof.checkpoint = latest.note;
    EVIDEX_ASSIGN_OR_RETURN(std::string leaf, EventLeaf(f.event, Bytes(salt)));
    proof.entry.assign(leaf.begin(), leaf.end());
    proof.leaf_index = leaf_index;
    EVIDEX_ASSIGN_OR_RETURN(
        proof.proof, ledger::InclusionProof(
                         ledger_.log(), latest.checkpoint.size, leaf_index));
    EVIDEX_RETURN_IF_ERROR(evidence::AttachLogProof(unlogged.string(), proof));
    EVIDEX_RETURN_IF_ERROR(MoveFileDurably(unlogged, logged));
  } else if (!fs::exists(logged, ec)) {
    return Err(
        DataLossError("the file of package " + package_id + " is missing"));
  }
  return f;
}

Result<int> Packages::FinishPending() {
  constexpr std::string_view kSuffix = ".unlogged";
  std::vector<std::pair<std::string, std::string>> pending;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options_.dir, ec)) {
    const std::string name = entry.path().filename().string();
    const std::size_t dot = name.find('.');
    if (!name.ends_with(kSuffix) || dot == std::string::npos ||
        dot + 1 >= name.size() - kSuffix.size()) {
      continue;
    }
    pending.emplace_back(
        name.substr(0, dot),
        name.substr(dot + 1, name.size() - kSuffix.size() - dot - 1));
  }
  if (ec) {
    return Err(UnavailableError("cannot list `" + options_.dir.string() +
                                "`: " + ec.message()));
  }
  int finished = 0;
  for (const auto& [case_id, package_id] : pending) {
    auto done = Finish(case_id, package_id);
    if (!done && done.error().code() == StatusCode::kNotFound) {
      // Kept, but its event never committed: the upload was not answered.
      std::error_code ignored;
      fs::remove(Unlogged(options_.dir, case_id, package_id), ignored);
      log_.Warning("unrecorded package removed",
                   {{"case_id", case_id}, {"package_id", package_id}});
      continue;
    }
    if (!done) return Err(done.error());
    ++finished;
  }
  return finished;
}

api::Response Packages::FinishUpload(const api::Request& req,
                                     const std::string& case_id,
                                     const std::string& package_id) {
  auto f = Finish(case_id, package_id);
  if (!f) return Problem(f.error(), req);
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("id");
  w.String(package_id);
  w.Key("case_id");
  w.String(case_id);
  w.Key("package_sha256");
  w.String(f->sha256);
  w.Key("size");
  w.Int(f->size);
  w.Key("items");
  w.Int(f->items);
  w.Key("signer");
  w.String(f->signer);
  w.Key("leaf_index");
  w.Int(*f->event.leaf_index);
  w.Key("checkpoint");
  w.String(f->checkpoint);
  w.EndObject();
  api::Response r = JsonResponse(201, std::move(out));
  r.headers.emplace_back(
      "Location", "/api/v1/cases/" + case_id + "/packages/" + package_id);
  return r;
}

api::Response Packages::Download(const api::Request& req) {
  const Instant now = clock_.Now();
  const std::string& case_id = req.params.at("id");
  const std::string& package_id = req.params.at("package_id");
  store::AccessRecord access;
  store::CaseEvent event;
  PackageRecord record;
  {
    auto txn = store_.BeginRead();
    if (!txn) return Problem(txn.error(), req);
    auto party = CheckParty(**txn, req, now, "read");
    if (!party) return Problem(party.error(), req);
    auto found = FindPackage(**txn, case_id, package_id);
    if (!found) return Problem(found.error(), req);
    record = std::move(*found);
    const Principal& p = party->first;
    access = {p.person.id,        p.organisation.id, case_id,
              "download_package", Purpose(req),      now};
    event.case_id = case_id;
    event.type = "package_downloaded";
    event.actor_person_id = p.person.id;
    event.actor_organisation_id = p.organisation.id;
    event.at = now;
  }
  const fs::path path = Logged(options_.dir, package_id);
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) {
    return Problem(UnavailableError("the package is being logged; retry"), req);
  }
  auto range = api::ParseRange(req.Header("range"), size);
  if (!range) {
    api::Response r = api::ProblemResponse(
        416, "range not satisfiable", range.error().message(), req.request_id);
    r.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
    return r;
  }
  const api::ByteRange slice =
      range->value_or(api::ByteRange{0, static_cast<std::uint64_t>(size)});
  {
    JsonWriter w(event.payload_json);
    w.BeginObject();
    w.Key("package_id");
    w.String(package_id);
    w.Key("package_sha256");
    w.String(record.sha256);
    w.Key("range");
    if (*range) {
      w.String(api::ContentRange(slice, size));
    } else {
      w.Null();
    }
    w.EndObject();
  }
  // No byte leaves without its access record and custody event being durable.
  Status s = store_.Write([&](store::Transaction& t) -> Status {
    EVIDEX_RETURN_IF_ERROR(t.RecordAccess(access));
    auto appended = t.AppendEvent(event);
    return appended ? OkStatus() : appended.error();
  });
  if (!s.ok()) return Problem(s, req);
  api::Response r;
  r.status = *range ? 206 : 200;
  r.content_type = "application/vnd.evidex.evx";
  r.headers.emplace_back("Accept-Ranges", "bytes");
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"" + package_id + ".evx\"");
  r.headers.emplace_back("X-Package-SHA256", record.sha256);
  if (*range) {
    r.headers.emplace_back("Content-Range", api::ContentRange(slice, size));
  }
  r.file = api::Response::FileSlice{path.string(), slice.offset, slice.length};
  return r;
}

api::Response Packages::Trust(const api::Request& req) {
  const Instant now = clock_.Now();
  const std::string& case_id = req.params.at("id");
  evidence::KeyFile file;
  store::AccessRecord access;
  {
    auto txn = store_.BeginRead();
    if (!txn) return Problem(txn.error(), req);
    auto party = CheckParty(**txn, req, now, "read");
    if (!party) return Problem(party.error(), req);
    std::set<std::string> organisations;
    for (const store::CaseParty& cp : party->second) {
      organisations.insert(cp.organisation_id);
    }
    for (const std::string& org : organisations) {
      auto keys = ActiveKeys(**txn, org, "sign");
      if (!keys) return Problem(keys.error(), req);
      for (const store::PackageKey& k : *keys) {
        file.keys.push_back({k.name, evidence::KeyUse::kSign,
                             KeyBytes(k.public_key), std::nullopt});
      }
    }
    const Principal& p = party->first;
    access = {p.person.id,  p.organisation.id, case_id,
              "read_trust", Purpose(req),      now};
  }
  const ledger::NoteVerifier& log_key = ledger_.log().verifier();
  file.keys.push_back({log_key.name(), evidence::KeyUse::kLog,
                       log_key.public_key(), std::nullopt});
  auto text = evidence::SerializeKeyFile(file, false);
  if (!text) return Problem(text.error(), req);
  Status s = store_.Write(
      [&](store::Transaction& t) { return t.RecordAccess(access); });
  if (!s.ok()) return Problem(s, req);
  return JsonResponse(200, std::move(*text));
}

api::Response Packages::Custody(const api::Request& req) {
  const Instant now = clock_.Now();
  const std::string& case_id = req.params.at("id");
  const std::string& package_id = req.params.at("package_id");
  auto body = api::ParseBody(req.body);
  if (!body) return Problem(body.error(), req);
  api::FieldReader r(body->as_object());
  const std::string action =
      r.Word("action", {"decrypted", "exported", "transferred"});
  const std::string detail = r.String("detail", true, kMaxCustodyDetail);
  r.CheckKnown({"action", "detail"});
  if (!r.ok()) return Problem(r.status(), req);
  store::CaseEvent stored;
  Status status = store_.Write([&](store::Transaction& txn) -> Status {
    EVIDEX_ASSIGN_OR_RETURN(auto party, CheckParty(txn, req, now, "write"));
    EVIDEX_ASSIGN_OR_RETURN(PackageRecord record,
                            FindPackage(txn, case_id, package_id));
    store::CaseEvent event;
    event.case_id = case_id;
    event.type = "package_" + action;
    event.actor_person_id = party.first.person.id;
    event.actor_organisation_id = party.first.organisation.id;
    event.at = now;
    JsonWriter w(event.payload_json);
    w.BeginObject();
    w.Key("package_id");
    w.String(package_id);
    w.Key("package_sha256");
    w.String(record.sha256);
    w.Key("detail");
    w.String(detail);
    w.EndObject();
    EVIDEX_ASSIGN_OR_RETURN(stored, txn.AppendEvent(event));
    return OkStatus();
  });
  if (!status.ok()) return Problem(status, req);
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("case_id");
  w.String(case_id);
  w.Key("package_id");
  w.String(package_id);
  w.Key("type");
  w.String(stored.type);
  w.Key("seq");
  w.Int(stored.seq);
  w.Key("at");
  w.String(FormatInstant(stored.at));
  w.EndObject();
  return JsonResponse(201, std::move(out));
}

api::Response Packages::ListKeys(const api::Request& req) {
  const std::string& org_id = req.params.at("id");
  auto txn = store_.BeginRead();
  if (!txn) return Problem(txn.error(), req);
  auto p = Authenticate(req, **txn, clock_.Now());
  if (!p) return Problem(p.error(), req);
  if (!p->HasScope("read")) {
    return Problem(Status(StatusCode::kPermissionDenied, "needs scope `read`"),
                   req);
  }
  if (auto org = (*txn)->GetOrganisation(org_id); !org) {
    return Problem(org.error(), req);
  }
  auto keys = (*txn)->ListPackageKeys(org_id);
  if (!keys) return Problem(keys.error(), req);
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("keys");
  w.BeginArray();
  for (const store::PackageKey& k : *keys) WriteKey(w, k);
  w.EndArray();
  w.EndObject();
  return JsonResponse(200, std::move(out));
}

api::Response Packages::RegisterKey(const api::Request& req) {
  const Instant now = clock_.Now();
  auto idempotency_key = IdempotencyKey(req, "registering a package key");
  if (!idempotency_key) return Problem(idempotency_key.error(), req);
  const std::string key(*idempotency_key);
  auto body = api::ParseBody(req.body);
  if (!body) return Problem(body.error(), req);
  api::FieldReader r(body->as_object());
  const std::string use = r.Word("use", {"sign", "encrypt"});
  const std::string name = r.String("name", true, 128);
  const std::string public_key = r.String("public_key", true, 64);
  r.CheckKnown({"use", "name", "public_key"});
  if (!r.ok()) return Problem(r.status(), req);
  if (!evidence::IsKeyName(name)) {
    return Problem(InvalidArgumentError(
                       "field `name`: 1 to 128 printable ASCII characters "
                       "without space or `+`, as in key files"),
                   req);
  }
  auto decoded = crypto::Base64Decode(public_key);
  if (!decoded || decoded->size() != 32) {
    return Problem(
        InvalidArgumentError(
            "field `public_key`: the base64 of 32 bytes is required"),
        req);
  }
  const std::string raw(decoded->begin(), decoded->end());
  const std::string& org_id = req.params.at("id");
  const std::string request_hash = crypto::HexEncode(
      crypto::Sha256(Bytes(req.method + " " + req.path + "\n" + req.body)));
  api::Response response;
  Status status = store_.Write([&](store::Transaction& txn) -> Status {
    EVIDEX_ASSIGN_OR_RETURN(Principal p, Authenticate(req, txn, now));
    EVIDEX_RETURN_IF_ERROR(CheckKeyAdmin(p, org_id));
    EVIDEX_ASSIGN_OR_RETURN(
        bool replayed,
        ReplayIdempotent(txn, p.person.id, key, request_hash, response));
    if (replayed) return OkStatus();
    // A name means one key to a verifier: an unrevoked key of that use and
    // name is revoked first.
    EVIDEX_ASSIGN_OR_RETURN(auto active, ActiveKeys(txn, org_id, use));
    for (const store::PackageKey& k : active) {
      if (k.name == name) {
        return Status(StatusCode::kConflict,
                      "the organisation has an unrevoked " + use +
                          " key named `" + name + "` (" + k.id +
                          "); revoke it first");
      }
    }
    store::PackageKey k{NewId("pkey"), org_id, use,         name,
                        raw,           now,    std::nullopt};
    EVIDEX_RETURN_IF_ERROR(txn.PutPackageKey(k));
    std::string out = KeyJson(k);
    EVIDEX_RETURN_IF_ERROR(
        txn.PutIdempotency({key, p.person.id, request_hash, 201, out, now}));
    response = JsonResponse(201, std::move(out));
    log_.Info("package key registered", {{"request_id", req.request_id},
                                         {"organisation_id", org_id},
                                         {"key_id", k.id},
                                         {"use", use}});
    return OkStatus();
  });
  if (!status.ok()) return Problem(status, req);
  return response;
}

api::Response Packages::RevokeKey(const api::Request& req) {
  const Instant now = clock_.Now();
  const std::string& org_id = req.params.at("id");
  const std::string& key_id = req.params.at("key_id");
  api::Response response;
  Status status = store_.Write([&](store::Transaction& txn) -> Status {
    EVIDEX_ASSIGN_OR_RETURN(Principal p, Authenticate(req, txn, now));
    EVIDEX_RETURN_IF_ERROR(CheckKeyAdmin(p, org_id));
    auto k = txn.GetPackageKey(key_id);
    if (!k || k->organisation_id != org_id) {
      return NotFoundError("no such package key");
    }
    EVIDEX_RETURN_IF_ERROR(txn.RevokePackageKey(key_id, now));
    EVIDEX_ASSIGN_OR_RETURN(store::PackageKey revoked,
                            txn.GetPackageKey(key_id));
    response = JsonResponse(200, KeyJson(revoked));
    log_.Warning("package key revoked", {{"request_id", req.request_id},
                                         {"organisation_id", org_id},
                                         {"key_id", key_id}});
    return OkStatus();
  });
  if (!status.ok()) return Problem(status, req);
  return response;
}

}  // namespace evidex::node
