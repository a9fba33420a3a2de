#include "evidence/manifest.h"

#include <boost/json.hpp>
#include <cstring>
#include <set>
#include <string>

#include "core/canonical_json.h"
#include "core/json.h"
#include "crypto/encoding.h"
#include "evidence/format.h"
#include "evidence/keys.h"
#include "law/vocabulary.h"

namespace evidex::evidence {

namespace json = boost::json;

namespace {

constexpr std::uint64_t kMaxExactInteger = (std::uint64_t{1} << 53) - 1;
constexpr std::string_view kSignatureContext = "evidex evx/1 manifest\n";

bool IsDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int Number(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool HasControl(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// `order`: an id as the node writes them.
bool IsOrderId(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
              c == ':';
    if (!ok) return false;
  }
  return true;
}

// RFC 6838 restricted-name characters.
bool IsMediaTypeName(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '!' || c == '#' || c == '$' ||
              c == '&' || c == '-' || c == '^' || c == '_' || c == '.' ||
              c == '+';
    if (!ok) return false;
  }
  return true;
}

bool IsMediaType(std::string_view s) {
  std::size_t slash = s.find('/');
  return slash != std::string_view::npos &&
         IsMediaTypeName(s.substr(0, slash)) &&
         IsMediaTypeName(s.substr(slash + 1));
}

// A file name that is safe to create in a directory on any common system.
bool IsItemName(std::string_view s) {
  if (s.empty() || s.size() > 255 || s.front() == '.') return false;
  if (HasControl(s)) return false;
  return s.find('/') == std::string_view::npos &&
         s.find('\\') == std::string_view::npos;
}

bool IsLowerHexDigest(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status Check(bool ok, StatusCode code, const std::string& field,
             std::string_view rule) {
  if (ok) return OkStatus();
  return Status(code, "manifest: `" + field + "` " + std::string(rule));
}

Status ValidateWith(const Manifest& m, StatusCode code) {
  EVIDEX_RETURN_IF_ERROR(
      Check(IsOrderId(m.order), code, "order",
            "must be 1 to 128 letters, digits, `_`, `-`, `.` or `:`"));
  EVIDEX_RETURN_IF_ERROR(Check(IsUtcTimestamp(m.created_at), code, "created_at",
                               "must be a UTC RFC 3339 time ending in `Z`"));
  EVIDEX_RETURN_IF_ERROR(Check(IsKeyName(m.signer_name), code, "signer.name",
                               "must be 1 to 128 printable ASCII characters "
                               "without space or `+`"));
  EVIDEX_RETURN_IF_ERROR(
      Check(m.chunk_size >= kMinChunkSize && m.chunk_size <= kMaxChunkSize,
            code, "chunk_size", "must be between 256 and 16777216"));
  EVIDEX_RETURN_IF_ERROR(Check(!m.items.empty() && m.items.size() <= kMaxItems,
                               code, "items", "must hold 1 to 100000 items"));
  std::set<std::string_view> names;
  std::uint64_t chunks = 0;
  for (std::size_t i = 0; i < m.items.size(); ++i) {
    const ManifestItem& item = m.items[i];
    const std::string at = "items[" + std::to_string(i) + "].";
    EVIDEX_RETURN_IF_ERROR(
        Check(IsItemName(item.name), code, at + "name",
              "must be 1 to 255 bytes without `/`, `\\` or control characters, "
              "not starting with `.`"));
    EVIDEX_RETURN_IF_ERROR(Check(names.insert(item.name).second, code,
                                 at + "name",
                                 "repeats the name of an earlier item"));
    EVIDEX_RETURN_IF_ERROR(Check(item.size <= kMaxExactInteger, code,
                                 at + "size", "must be below 2^53"));
    EVIDEX_RETURN_IF_ERROR(Check(IsMediaType(item.media_type), code,
                                 at + "media_type",
                                 "must be a media type `type/subtype` "
                                 "without parameters"));
    EVIDEX_RETURN_IF_ERROR(
        Check(law::kDataCategories.Parse(item.data_category).has_value(), code,
              at + "data_category", "must be " + law::kDataCategories.List()));
    EVIDEX_RETURN_IF_ERROR(Check(IsUtcTimestamp(item.produced_at), code,
                                 at + "produced_at",
                                 "must be a UTC RFC 3339 time ending in `Z`"));
    EVIDEX_RETURN_IF_ERROR(
        Check(!item.producer.empty() && item.producer.size() <= 256 &&
                  !HasControl(item.producer),
              code, at + "producer",
              "must be 1 to 256 bytes without control characters"));
    chunks += ChunkCount(item.size, m.chunk_size);
    EVIDEX_RETURN_IF_ERROR(Check(chunks <= kMaxChunkCount, code, "items",
                                 "need more than 16777216 chunks"));
  }
  return OkStatus();
}

json::value ToJson(const Manifest& m) {
  json::array items;
  for (const ManifestItem& item : m.items) {
    items.push_back(json::object{
        {"data_category", item.data_category},
        {"media_type", item.media_type},
        {"name", item.name},
        {"produced_at", item.produced_at},
        {"producer", item.producer},
        {"sha256", crypto::HexEncode(item.sha256)},
        {"size", item.size},
    });
  }
  return json::object{
      {"chunk_size", m.chunk_size},
      {"chunk_table_sha256", crypto::HexEncode(m.chunk_table_sha256)},
      {"created_at", m.created_at},
      {"format", kManifestFormat},
      {"header_sha256", crypto::HexEncode(m.header_sha256)},
      {"items", std::move(items)},
      {"order", m.order},
      {"signer",
       json::object{{"name", m.signer_name},
                    {"public_key", crypto::Base64Encode(m.signer_public_key)}}},
  };
}

// Reads the members of one JSON object, refusing missing, extra or mistyped
// ones, and naming them by path.
class Fields {
 public:
  Fields(const json::object& object, std::string path,
         std::initializer_list<std::string_view> expected)
      : object_(object), path_(std::move(path)) {
    for (const auto& member : object) {
      bool known = false;
      for (std::string_view key : expected) known |= member.key() == key;
      if (!known && status_.ok()) {
        status_ = Bad(std::string(member.key()), "is not a manifest field");
      }
    }
  }

  const Status& status() const { return status_; }

  std::string String(std::string_view key) {
    const json::value* v = Get(key);
    if (v == nullptr) return {};
    if (!v->is_string()) {
      Fail(key, "must be a string");
      return {};
    }
    return std::string(v->get_string());
  }

  std::uint64_t Integer(std::string_view key) {
    const json::value* v = Get(key);
    if (v == nullptr) return 0;
    if (v->is_int64() && v->get_int64() >= 0) {
      return static_cast<std::uint64_t>(v->get_int64());
    }
    if (v->is_uint64()) return v->get_uint64();
    Fail(key, "must be a non-negative integer");
    return 0;
  }

  crypto::Sha256Digest Digest(std::string_view key) {
    std::string hex = String(key);
    crypto::Sha256Digest digest{};
    if (!status_.ok()) return digest;
    if (!IsLowerHexDigest(hex)) {
      Fail(key, "must be 64 lowercase hex digits");
      return digest;
    }
    auto bytes = crypto::HexDecode(hex);
    std::copy(bytes->begin(), bytes->end(), digest.begin());
    return digest;
  }

  const json::value* Get(std::string_view key) {
    if (!status_.ok()) return nullptr;
    const json::value* v = object_.if_contains(key);
    if (v == nullptr) Fail(key, "is missing");
    return v;
  }

  void Fail(std::string_view key, std::string_view rule) {
    if (status_.ok()) status_ = Bad(std::string(key), rule);
  }

 private:
  Status Bad(const std::string& key, std::string_view rule) const {
    return DataLossError("manifest: `" + path_ + key + "` " +
                         std::string(rule));
  }

  const json::object& object_;
  std::string path_;
  Status status_;
};

}  // namespace

bool IsUtcTimestamp(std::string_view t) {
  if (t.size() < 20 || t.back() != 'Z') return false;
  if (t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' ||
      t[16] != ':') {
    return false;
  }
  std::string_view year = t.substr(0, 4), month = t.substr(5, 2),
                   day = t.substr(8, 2), hour = t.substr(11, 2),
                   minute = t.substr(14, 2), second = t.substr(17, 2);
  for (std::string_view part : {year, month, day, hour, minute, second}) {
    if (!IsDigits(part)) return false;
  }
  std::string_view rest = t.substr(19, t.size() - 20);
  if (!rest.empty()) {
    if (rest.size() < 2 || rest.size() > 10 || rest[0] != '.' ||
        !IsDigits(rest.substr(1))) {
      return false;
    }
  }
  const int y = Number(year), mo = Number(month), d = Number(day);
  if (mo < 1 || mo > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int days_in_month = kDays[mo - 1] + (mo == 2 && leap ? 1 : 0);
  return d <= days_in_month && Number(hour) < 24 && Number(minute) < 60 &&
         Number(second) < 60;
}

Status ValidateManifest(const Manifest& manifest) {
  return ValidateWith(manifest, StatusCode::kInvalidArgument);
}

Result<std::string> SerializeManifest(const Manifest& manifest) {
  EVIDEX_RETURN_IF_ERROR(ValidateManifest(manifest));
  return CanonicalJson(ToJson(manifest));
}

Result<Manifest> ParseManifest(std::string_view bytes) {
  auto parsed = ParseJson(bytes);
  if (!parsed.has_value()) {
    return Err(
        DataLossError("manifest: not JSON: " + parsed.error().message()));
  }
  auto canonical = CanonicalJson(*parsed);
  if (!canonical.has_value() || *canonical != bytes) {
    return Err(DataLossError(
        "manifest: not in canonical form (RFC 8785): the signed bytes must "
        "have one spelling"));
  }
  if (!parsed->is_object()) {
    return Err(DataLossError("manifest: must be a JSON object"));
  }
  Fields top(parsed->get_object(), "",
             {"chunk_size", "chunk_table_sha256", "created_at", "format",
              "header_sha256", "items", "order", "signer"});
  Manifest m;
  if (top.String("format") != kManifestFormat && top.status().ok()) {
    top.Fail("format", "must be `evx/1`");
  }
  const std::uint64_t chunk_size = top.Integer("chunk_size");
  m.chunk_size =
      chunk_size > kMaxChunkSize ? 0 : static_cast<std::uint32_t>(chunk_size);
  m.chunk_table_sha256 = top.Digest("chunk_table_sha256");
  m.created_at = top.String("created_at");
  m.header_sha256 = top.Digest("header_sha256");
  m.order = top.String("order");
  const json::value* signer = top.Get("signer");
  if (signer != nullptr && !signer->is_object()) {
    top.Fail("signer", "must be an object");
  }
  const json::value* items = top.Get("items");
  if (items != nullptr && !items->is_array()) {
    top.Fail("items", "must be an array");
  }
  EVIDEX_RETURN_IF_ERROR(top.status());
  Fields signer_fields(signer->get_object(), "signer.", {"name", "public_key"});
  m.signer_name = signer_fields.String("name");
  std::string key = signer_fields.String("public_key");
  EVIDEX_RETURN_IF_ERROR(signer_fields.status());
  auto key_bytes = crypto::Base64Decode(key);
  if (!key_bytes.has_value() ||
      key_bytes->size() != m.signer_public_key.size()) {
    return Err(DataLossError(
        "manifest: `signer.public_key` must be 32 bytes in base64"));
  }
  std::copy(key_bytes->begin(), key_bytes->end(), m.signer_public_key.begin());
  const json::array& array = items->get_array();
  if (array.size() > kMaxItems) {
    return Err(DataLossError("manifest: `items` must hold 1 to 100000 items"));
  }
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string path = "items[" + std::to_string(i) + "].";
    if (!array[i].is_object()) {
      return Err(DataLossError("manifest: `" + path.substr(0, path.size() - 1) +
                               "` must be an object"));
    }
    Fields f(array[i].get_object(), path,
             {"data_category", "media_type", "name", "produced_at", "producer",
              "sha256", "size"});
    ManifestItem item;
    item.data_category = f.String("data_category");
    item.media_type = f.String("media_type");
    item.name = f.String("name");
    item.produced_at = f.String("produced_at");
    item.producer = f.String("producer");
    item.sha256 = f.Digest("sha256");
    item.size = f.Integer("size");
    EVIDEX_RETURN_IF_ERROR(f.status());
    m.items.push_back(std::move(item));
  }
  EVIDEX_RETURN_IF_ERROR(ValidateWith(m, StatusCode::kDataLoss));
  return m;
}

std::vector<std::uint8_t> SignedBytes(std::string_view manifest_bytes) {
  // Sized once and filled with memcpy: g++ 12 at -O3 misreads an insert into
  // a vector built from the context as out of bounds (-Warray-bounds).
  std::vector<std::uint8_t> out(kSignatureContext.size() +
                                manifest_bytes.size());
  std::memcpy(out.data(), kSignatureContext.data(), kSignatureContext.size());
  if (!manifest_bytes.empty()) {
    std::memcpy(out.data() + kSignatureContext.size(), manifest_bytes.data(),
                manifest_bytes.size());
  }
  return out;
}

}  // namespace evidex::evidence
