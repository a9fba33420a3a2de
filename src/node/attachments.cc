// The attachment endpoints of the node: a responding party attaches the files
// of its response to a case, and the parties to the case download them. Every
// upload and every download is a case event (chain of custody); a download is
// also an access record. See node.h for the authorization rules.
#include <algorithm>
#include <cctype>
#include <span>

#include "api/problem.h"
#include "core/json.h"
#include "crypto/encoding.h"
#include "crypto/sha256.h"
#include "node/auth.h"
#include "node/handler.h"
#include "node/node.h"
#include "node/secrets.h"
#include "workflow/machine.h"

namespace evidex::node {
namespace {

constexpr std::size_t kMaxFilename = 200;
constexpr std::size_t kMaxMediaType = 127;

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// RFC 9110 token characters.
bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// `Content-Type` as `type/subtype`, lowercased; parameters are refused.
Result<std::string> MediaType(std::string_view header) {
  std::size_t slash = header.find('/');
  bool tokens =
      slash != std::string_view::npos && slash > 0 &&
      slash + 1 < header.size() &&
      std::all_of(header.begin(), header.begin() + slash, IsTokenChar) &&
      std::all_of(header.begin() + slash + 1, header.end(), IsTokenChar);
  if (!tokens || header.size() > kMaxMediaType) {
    return Err(InvalidArgumentError(
        "header `Content-Type`: the file's media type, `type/subtype` "
        "(without parameters), at most 127 bytes, is required"));
  }
  std::string out(header);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Whether `name` is well-formed UTF-8 (no overlong forms, surrogates or code
// points beyond U+10FFFF) without control characters (C0, DEL, C1) or path
// separators.
bool IsPlainName(std::string_view name) {
  std::size_t i = 0;
  while (i < name.size()) {
    auto b = static_cast<unsigned char>(name[i]);
    std::size_t n = b < 0x80                 ? 0
                    : b >= 0xC2 && b <= 0xDF ? 1
                    : b >= 0xE0 && b <= 0xEF ? 2
                    : b >= 0xF0 && b <= 0xF4 ? 3
                                             : 4;
    if (n == 4 || i + n >= name.size()) return false;
    std::uint32_t cp = n == 0 ? b : b & (0x7Fu >> (n + 1));
    for (std::size_t k = 1; k <= n; ++k) {
      auto c = static_cast<unsigned char>(name[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    bool overlong = (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000);
    bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
    bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    if (overlong || control || surrogate || cp > 0x10FFFF || cp == '/' ||
        cp == '\\') {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// `X-Filename`: 1 to 200 bytes of UTF-8, without path separators or control
// characters, and not `.` or `..`.
Status CheckFilename(std::string_view name) {
  if (!name.empty() && name.size() <= kMaxFilename && name != "." &&
      name != ".." && IsPlainName(name)) {
    return OkStatus();
  }
  return InvalidArgumentError(
      "header `X-Filename`: the file's name, 1 to 200 bytes of UTF-8 without "
      "path separators or control characters, is required");
}

// `Content-Disposition` for a download: the name as a quoted string (non-ASCII
// characters replaced by `_`) and, when it is not ASCII, also in full as
// RFC 8187 `filename*`. Stored names hold no control characters (see
// CheckFilename).
std::string ContentDisposition(std::string_view name) {
  std::string quoted = "attachment; filename=\"";
  std::string extended;
  bool ascii = true;
  for (char c : name) {
    auto b = static_cast<unsigned char>(c);
    if (b >= 0x80) {
      ascii = false;
      if ((b & 0xC0) != 0x80) quoted += '_';
    } else {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    if (std::isalnum(b) ||
        std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos) {
      extended += c;
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      extended += '%';
      extended += kHex[b >> 4];
      extended += kHex[b & 0x0F];
    }
  }
  quoted += '"';
  if (!ascii) quoted += "; filename*=UTF-8''" + extended;
  return quoted;
}

// What identifies an upload for its `Idempotency-Key`: where it goes, what it
// is called and what it holds.
std::string UploadHash(const api::Request& req, std::string_view media_type,
                       std::string_view name) {
  crypto::Sha256Hasher h;
  std::string head = req.method + " " + req.path + "\n" +
                     std::string(media_type) + "\n" + std::string(name) + "\n";
  h.Update(Bytes(head));
  h.Update(Bytes(req.body));
  return crypto::HexEncode(h.Finish());
}

std::string AttachmentJson(const store::Attachment& a) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("id");
  w.String(a.id);
  w.Key("case_id");
  w.String(a.case_id);
  w.Key("name");
  w.String(a.name);
  w.Key("media_type");
  w.String(a.media_type);
  w.Key("size");
  w.Int(static_cast<std::int64_t>(a.bytes.size()));
  w.Key("sha256");
  w.String(a.sha256);
  w.Key("created_at");
  w.String(FormatInstant(a.created_at));
  w.EndObject();
  return out;
}

}  // namespace

api::Response Node::AttachFile(const api::Request& req) {
  Instant now = clock_.Now();
  if (auto r = ReadAs(req, now, ""); !r) return Problem(r.error(), req);
  auto idempotency_key = IdempotencyKey(req, "attaching");
  if (!idempotency_key) return Problem(idempotency_key.error(), req);
  std::string_view key = *idempotency_key;
  auto media_type = MediaType(req.Header("content-type"));
  if (!media_type) return Problem(media_type.error(), req);
  std::string_view name = req.Header("x-filename");
  if (Status s = CheckFilename(name); !s.ok()) return Problem(s, req);
  if (req.body.size() > options_.max_attachment_bytes) {
    return Problem(
        Status(StatusCode::kResourceExhausted,
               "the file is larger than the node's limit of " +
                   std::to_string(options_.max_attachment_bytes) + " bytes"),
        req);
  }
  std::string request_hash = UploadHash(req, *media_type, name);
  const std::string& case_id = req.params.at("id");

  api::Response response;
  Status status = store_.Write([&](store::Transaction& txn) -> Status {
    EVIDEX_ASSIGN_OR_RETURN(Principal p, Authenticate(req, txn, now));
    auto c = txn.GetCase(case_id);
    if (!c && c.error().code() != StatusCode::kNotFound) return c.error();
    std::vector<store::CaseParty> parties;
    if (c) {
      EVIDEX_ASSIGN_OR_RETURN(parties, txn.ListCaseParties(case_id));
    }
    if (!IsParty(parties, p.organisation.id))
      return NotFoundError("no such case");
    if (!p.HasScope("write") || !p.HasRole("responder") ||
        !Responds(parties, p.organisation.id)) {
      return Status(StatusCode::kPermissionDenied,
                    "attaching files needs the `write` scope, the `responder` "
                    "role and an organisation that answers the case");
    }
    EVIDEX_ASSIGN_OR_RETURN(
        bool replayed,
        ReplayIdempotent(txn, p.person.id, key, request_hash, response));
    if (replayed) return OkStatus();
    const workflow::Machine* machine = workflow::FindMachine(c->procedure);
    if (machine == nullptr) return DataLossError("no machine for the case");
    if (machine->IsTerminal(c->state)) {
      return Status(
          StatusCode::kFailedPrecondition,
          "the case is `" + c->state + "`: it takes no further responses");
    }
    store::Attachment a;
    a.id = NewId("att");
    a.case_id = case_id;
    a.name = std::string(name);
    a.media_type = *media_type;
    a.sha256 = crypto::HexEncode(crypto::Sha256(Bytes(req.body)));
    a.bytes = req.body;
    a.created_at = now;
    EVIDEX_RETURN_IF_ERROR(txn.PutAttachment(a));
    store::CaseEvent event;
    event.case_id = case_id;
    event.type = "attachment_added";
    event.actor_person_id = p.person.id;
    event.actor_organisation_id = p.organisation.id;
    event.at = now;
    {
      JsonWriter w(event.payload_json);
      w.BeginObject();
      w.Key("attachment_id");
      w.String(a.id);
      w.Key("name");
      w.String(a.name);
      w.Key("media_type");
      w.String(a.media_type);
      w.Key("size");
      w.Int(static_cast<std::int64_t>(a.bytes.size()));
      w.Key("sha256");
      w.String(a.sha256);
      w.EndObject();
    }
    EVIDEX_ASSIGN_OR_RETURN(auto appended, txn.AppendEvent(event));
    static_cast<void>(appended);
    std::string out = AttachmentJson(a);
    EVIDEX_RETURN_IF_ERROR(txn.PutIdempotency(
        {std::string(key), p.person.id, request_hash, 201, out, now}));
    response = JsonResponse(201, std::move(out));
    response.headers.emplace_back("Location", "/api/v1/attachments/" + a.id);
    log_.Info("attachment added",
              {{"request_id", req.request_id},
               {"case_id", case_id},
               {"attachment_id", a.id},
               {"size", static_cast<std::int64_t>(a.bytes.size())}});
    return OkStatus();
  });
  if (!status.ok()) return Problem(status, req);
  return response;
}

api::Response Node::DownloadAttachment(const api::Request& req) {
  Instant now = clock_.Now();
  store::Attachment a;
  store::AccessRecord access;
  store::CaseEvent event;
  {
    auto txn = store_.BeginRead();
    if (!txn) return Problem(txn.error(), req);
    auto p = Authenticate(req, **txn, now);
    if (!p) return Problem(p.error(), req);
    auto found = (*txn)->GetAttachment(req.params.at("id"));
    if (!found && found.error().code() != StatusCode::kNotFound) {
      return Problem(found.error(), req);
    }
    // An attachment of a case the organisation is not party to does not exist
    // for it.
    std::vector<store::CaseParty> parties;
    if (found) {
      auto listed = (*txn)->ListCaseParties(found->case_id);
      if (!listed) return Problem(listed.error(), req);
      parties = std::move(*listed);
    }
    if (!IsParty(parties, p->organisation.id)) {
      return Problem(NotFoundError("no such attachment"), req);
    }
    if (!p->HasScope("read")) {
      return Problem(
          Status(StatusCode::kPermissionDenied, "needs scope `read`"), req);
    }
    a = std::move(*found);
    access = {p->person.id,          p->organisation.id, a.case_id,
              "download_attachment", Purpose(req),       now};
    event.case_id = a.case_id;
    event.type = "attachment_downloaded";
    event.actor_person_id = p->person.id;
    event.actor_organisation_id = p->organisation.id;
    event.at = now;
    JsonWriter w(event.payload_json);
    w.BeginObject();
    w.Key("attachment_id");
    w.String(a.id);
    w.Key("sha256");
    w.String(a.sha256);
    w.EndObject();
  }
  // No file leaves without its access record and its custody event being
  // durable.
  Status s = store_.Write([&](store::Transaction& t) -> Status {
    EVIDEX_RETURN_IF_ERROR(t.RecordAccess(access));
    auto appended = t.AppendEvent(event);
    return appended ? OkStatus() : appended.error();
  });
  if (!s.ok()) return Problem(s, req);
  api::Response r;
  r.content_type = a.media_type;
  r.headers.emplace_back("Content-Disposition", ContentDisposition(a.name));
  r.headers.emplace_back("X-Content-SHA256", a.sha256);
  r.body = std::move(a.bytes);
  return r;
}

}  // namespace evidex::node
