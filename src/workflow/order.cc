#include "workflow/order.h"

#include <arpa/inet.h>

#include <algorithm>
#include <initializer_list>
#include <optional>

#include "law/vocabulary.h"
#include "workflow/rfc3339.h"

namespace evidex::workflow {
namespace {

namespace bj = boost::json;
using law::DataCategory;

// Bounds on strings, in Unicode code points.
constexpr std::size_t kShort = 200;    // names, references, provisions
constexpr std::size_t kMedium = 1000;  // addresses, penalties, manner
constexpr std::size_t kLong = 10000;   // descriptions, facts, grounds
constexpr std::size_t kMaxProvisions = 20;
constexpr std::size_t kMaxTargets = 100;

enum class Need { kRequired, kOptional };

enum class TargetType : std::uint8_t {
  kIpAddress,
  kPhoneNumber,
  kEmail,
  kImei,
  kMacAddress,
  kAccount,
  kOther
};
constexpr law::Words<TargetType, 7> kTargetTypes{
    {"ip_address", "phone_number", "email", "imei", "mac_address", "account",
     "other"}};

enum class AddresseeKind : std::uint8_t {
  kDesignatedEstablishment,
  kLegalRepresentative,
  kEmergencyAddressee
};
constexpr law::Words<AddresseeKind, 3> kAddresseeKinds{
    {"designated_establishment", "legal_representative",
     "emergency_addressee"}};

enum class EarlierOrder : std::uint8_t { kEpocPr, kEpoc, kEio, kMla, kOther };
constexpr law::Words<EarlierOrder, 5> kEarlierOrders{
    {"epoc-pr", "epoc", "eio", "mla", "other"}};

enum class ProductionRoute : std::uint8_t { kEpoc, kEio, kMla };
constexpr law::Words<ProductionRoute, 3> kProductionRoutes{
    {"epoc", "eio", "mla"}};

enum class NoNotificationReason : std::uint8_t { kDataCategory, kArt82 };
constexpr law::Words<NoNotificationReason, 2> kNoNotificationReasons{
    {"data_category", "art_8_2"}};

std::string Join(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return std::string(path) + "." + std::string(key);
}

std::string Index(std::string_view path, std::size_t i) {
  return std::string(path) + "[" + std::to_string(i) + "]";
}

std::string Shown(std::string_view s) {
  constexpr std::size_t kMax = 40;
  if (s.size() > kMax) return std::string(s.substr(0, kMax)) + "...";
  return std::string(s);
}

std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

bool IsIpAddress(std::string_view s) {
  if (s.size() > 45) return false;
  std::string z(s);
  unsigned char buf[16];
  return inet_pton(AF_INET, z.c_str(), buf) == 1 ||
         inet_pton(AF_INET6, z.c_str(), buf) == 1;
}

// E.164: `+`, then 7 to 15 digits, the first not 0.
bool IsPhoneNumber(std::string_view s) {
  return s.size() >= 8 && s.size() <= 16 && s[0] == '+' && s[1] != '0' &&
         IsDigits(s.substr(1));
}

bool IsEmail(std::string_view s) {
  std::size_t at = s.find('@');
  if (s.size() > 254 || at == std::string_view::npos || at == 0 || at > 64 ||
      s.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  auto printable = [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && c != 0x7F;
  };
  if (!std::all_of(local.begin(), local.end(), printable)) return false;
  if (domain.empty() || domain.front() == '.' || domain.back() == '.' ||
      domain.find('.') == std::string_view::npos ||
      domain.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(domain.begin(), domain.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

// The Luhn check digit of an IMEI is right.
bool LuhnValid(std::string_view digits) {
  int sum = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    int d = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

bool IsMacAddress(std::string_view s) {
  if (s.size() != 17) return false;
  char sep = s[2];
  if (sep != ':' && sep != '-') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i % 3 == 2 ? s[i] != sep : !IsHex(s[i])) return false;
  }
  return true;
}

std::string CategoryList(std::uint8_t mask) {
  std::string out;
  for (std::size_t i = 0; i < law::kDataCategories.names.size(); ++i) {
    if (((mask >> i) & 1) == 0) continue;
    if (!out.empty()) out += ", ";
    out += "`" + std::string(law::kDataCategories.names[i]) + "`";
  }
  return out;
}

constexpr std::uint8_t CategoryBit(DataCategory c) {
  return static_cast<std::uint8_t>(1u << static_cast<unsigned>(c));
}

// Collects the errors of one body. Every reader reports what is wrong with
// the field it reads and returns nothing then, so that validation continues
// and every problem is reported.
class Checker {
 public:
  explicit Checker(std::vector<FieldError>& errors) : errors_(errors) {}

  void Error(std::string field, std::string problem, std::string_view cite) {
    if (errors_.size() > kMaxFieldErrors) return;
    if (errors_.size() == kMaxFieldErrors) {
      errors_.push_back({"", "too many errors; the rest are not reported", ""});
      return;
    }
    errors_.push_back(
        {std::move(field), std::move(problem), std::string(cite)});
  }

  // Reports every key of `o` that is not in `allowed`.
  void Keys(const bj::object& o, std::string_view path,
            std::initializer_list<std::string_view> allowed) {
    for (const auto& kv : o) {
      if (std::find(allowed.begin(), allowed.end(), kv.key()) ==
          allowed.end()) {
        Error(Join(path, Shown(kv.key())), "unknown field", "");
      }
    }
  }

  // The member `key` of `o`, or nullptr when it is absent or null (then
  // reported as missing if required).
  const bj::value* Member(const bj::object& o, std::string_view path,
                          std::string_view key, Need need,
                          std::string_view cite) {
    const bj::value* v = o.if_contains(key);
    if (v != nullptr && !v->is_null()) return v;
    if (need == Need::kRequired) Error(Join(path, key), "required", cite);
    return nullptr;
  }

  // Reports `key` if it is present (and not null): the facts of the case
  // leave no room for it.
  void Forbid(const bj::object& o, std::string_view path, std::string_view key,
              std::string problem, std::string_view cite) {
    const bj::value* v = o.if_contains(key);
    if (v != nullptr && !v->is_null()) {
      Error(Join(path, key), std::move(problem), cite);
    }
  }

  const bj::object* Object(const bj::object& o, std::string_view path,
                           std::string_view key, Need need,
                           std::string_view cite,
                           std::initializer_list<std::string_view> allowed) {
    const bj::value* v = Member(o, path, key, need, cite);
    if (v == nullptr) return nullptr;
    if (!v->is_object()) {
      Error(Join(path, key), "expected an object", "");
      return nullptr;
    }
    Keys(v->get_object(), Join(path, key), allowed);
    return &v->get_object();
  }

  const bj::array* Array(const bj::object& o, std::string_view path,
                         std::string_view key, Need need, std::string_view cite,
                         std::size_t max) {
    const bj::value* v = Member(o, path, key, need, cite);
    if (v == nullptr) return nullptr;
    std::string field = Join(path, key);
    if (!v->is_array()) {
      Error(field, "expected an array", "");
      return nullptr;
    }
    const bj::array& a = v->get_array();
    if (a.empty()) {
      Error(field, "must not be empty", cite);
      return nullptr;
    }
    if (a.size() > max) {
      Error(field, "more than " + std::to_string(max) + " entries", "");
      return nullptr;
    }
    return &a;
  }

  // A string of at most `max` code points that is not blank; control
  // characters other than line breaks and tabs are refused (and those too in
  // short strings).
  std::optional<std::string_view> Text(const bj::value& v, std::string field,
                                       std::size_t max, std::string_view cite) {
    if (!v.is_string()) {
      Error(std::move(field), "expected a string", "");
      return std::nullopt;
    }
    std::string_view s = v.get_string();
    if (std::all_of(s.begin(), s.end(), [](char c) {
          return c == ' ' || c == '\n' || c == '\r' || c == '\t';
        })) {
      Error(std::move(field), "must not be blank", cite);
      return std::nullopt;
    }
    if (CodePoints(s) > max) {
      Error(std::move(field),
            "longer than " + std::to_string(max) + " characters", "");
      return std::nullopt;
    }
    bool multiline = max > kShort;
    for (char c : s) {
      auto u = static_cast<unsigned char>(c);
      bool control = u < 0x20 || u == 0x7F;
      if (control && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) {
        Error(std::move(field), "contains a control character", "");
        return std::nullopt;
      }
    }
    return s;
  }

  std::optional<std::string_view> Text(const bj::object& o,
                                       std::string_view path,
                                       std::string_view key, Need need,
                                       std::size_t max, std::string_view cite) {
    const bj::value* v = Member(o, path, key, need, cite);
    if (v == nullptr) return std::nullopt;
    return Text(*v, Join(path, key), max, cite);
  }

  // An e-mail address.
  void Email(const bj::object& o, std::string_view path, std::string_view key,
             Need need, std::string_view cite) {
    auto e = Text(o, path, key, need, kShort, cite);
    if (e && !IsEmail(*e)) {
      Error(Join(path, key), "`" + Shown(*e) + "` is not an e-mail address",
            cite);
    }
  }

  // An international telephone number.
  void Phone(const bj::object& o, std::string_view path, std::string_view key,
             Need need, std::string_view cite) {
    auto ph = Text(o, path, key, need, kShort, cite);
    if (ph && !IsPhoneNumber(*ph)) {
      Error(Join(path, key),
            "`" + Shown(*ph) +
                "` is not an international number such as `+33123456789`",
            cite);
    }
  }

  std::optional<bool> Bool(const bj::object& o, std::string_view path,
                           std::string_view key, Need need,
                           std::string_view cite) {
    const bj::value* v = Member(o, path, key, need, cite);
    if (v == nullptr) return std::nullopt;
    if (!v->is_bool()) {
      Error(Join(path, key), "expected true or false", "");
      return std::nullopt;
    }
    return v->get_bool();
  }

  // A statement the issuer must make: the value must be `true`.
  void Statement(const bj::object& o, std::string_view path,
                 std::string_view key, std::string_view what,
                 std::string_view cite) {
    std::optional<bool> b = Bool(o, path, key, Need::kRequired, cite);
    if (b && !*b) {
      Error(Join(path, key), "must be true: " + std::string(what), cite);
    }
  }

  template <typename E, std::size_t N>
  std::optional<E> Word(const bj::object& o, std::string_view path,
                        std::string_view key, Need need,
                        const law::Words<E, N>& words, std::string_view cite) {
    const bj::value* v = Member(o, path, key, need, cite);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) {
      Error(Join(path, key), "expected a string", "");
      return std::nullopt;
    }
    auto e = words.Parse(v->get_string());
    if (!e) {
      Error(Join(path, key),
            "unknown value `" + Shown(v->get_string()) + "`, expected " +
                words.List(),
            cite);
    }
    return e;
  }

  // Two capital letters: an ISO 3166-1 alpha-2 code (or a code the node
  // defines, e.g. `XA`).
  std::optional<std::string_view> StateCode(const bj::object& o,
                                            std::string_view path,
                                            std::string_view key, Need need,
                                            std::string_view cite) {
    const bj::value* v = Member(o, path, key, need, cite);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string() || !law::ParseStateCode(v->get_string())) {
      Error(Join(path, key), "expected a two-letter State code such as `FR`",
            cite);
      return std::nullopt;
    }
    return std::string_view(v->get_string());
  }

  std::optional<Date> DateField(const bj::object& o, std::string_view path,
                                std::string_view key, Need need,
                                std::string_view cite) {
    const bj::value* v = Member(o, path, key, need, cite);
    if (v == nullptr) return std::nullopt;
    auto d = v->is_string() ? ParseDate(v->get_string())
                            : Result<Date>(Err(InvalidArgumentError("")));
    if (!d) {
      Error(Join(path, key), "expected a date of the form YYYY-MM-DD", cite);
      return std::nullopt;
    }
    return *d;
  }

  std::optional<Instant> Time(const bj::object& o, std::string_view path,
                              std::string_view key, Need need,
                              std::string_view cite) {
    const bj::value* v = Member(o, path, key, need, cite);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) {
      Error(Join(path, key), "expected an RFC 3339 date and time", cite);
      return std::nullopt;
    }
    auto t = ParseRfc3339(v->get_string());
    if (!t) {
      Error(Join(path, key), t.error().message(), cite);
      return std::nullopt;
    }
    return *t;
  }

  // A list of 1 to kMaxProvisions short strings.
  void TextList(const bj::object& o, std::string_view path,
                std::string_view key, Need need, std::string_view cite) {
    const bj::array* a = Array(o, path, key, need, cite, kMaxProvisions);
    if (a == nullptr) return;
    for (std::size_t i = 0; i < a->size(); ++i) {
      Text((*a)[i], Index(Join(path, key), i), kShort, cite);
    }
  }

 private:
  std::vector<FieldError>& errors_;
};

// Cites of one procedure's required content.
struct Cites {
  std::string_view issuer;      // who issues, and when
  std::string_view validator;   // EU: the validating authority
  std::string_view addressee;   // provider or addressee
  std::string_view targets;     // identifiers
  std::string_view data;        // categories and description
  std::string_view time_range;  // EU: the period of the data
  std::string_view offence;     // offence and legal provisions
  std::string_view grounds;     // facts, necessity and proportionality
  std::string_view emergency;   // emergency justification
};

constexpr Cites kEpocCites = {
    "EU 2023/1543 Annex I Section A",
    "EU 2023/1543 Art. 4, Annex I Section A",
    "EU 2023/1543 Annex I Section B",
    "EU 2023/1543 Annex I Section E",
    "EU 2023/1543 Annex I Section F",
    "EU 2023/1543 Annex I Section F",
    "EU 2023/1543 Annex I Section G",
    "EU 2023/1543 Art. 5(2), Annex I Section G",
    "EU 2023/1543 Art. 3(18), Annex I Section G",
};

constexpr Cites kEpocPrCites = {
    "EU 2023/1543 Annex II Section A",
    "EU 2023/1543 Art. 4(3), Annex II Section A",
    "EU 2023/1543 Annex II Section B",
    "EU 2023/1543 Annex II",
    "EU 2023/1543 Annex II",
    "EU 2023/1543 Annex II",
    "EU 2023/1543 Annex II",
    "EU 2023/1543 Art. 6, Annex II",
    "EU 2023/1543 Art. 3(18), Annex II",
};

// `authority`: who issues, requests or validates.
void CheckAuthority(Checker& c, const bj::object& parent, std::string_view path,
                    std::string_view key, Need need, bool reference_required,
                    std::string_view cite,
                    const std::optional<std::string_view>& expected_state,
                    std::string* word_out) {
  const bj::object* o = c.Object(
      parent, path, key, need, cite,
      {"state", "authority", "name", "reference", "address", "email", "phone"});
  if (o == nullptr) return;
  std::string p = Join(path, key);
  auto state = c.StateCode(*o, p, "state", Need::kRequired, cite);
  if (state && expected_state && *state != *expected_state) {
    c.Error(Join(p, "state"),
            "`" + std::string(*state) + "` is not the issuing State `" +
                std::string(*expected_state) + "` the case was routed for",
            cite);
  }
  auto word =
      c.Word(*o, p, "authority", Need::kRequired, law::kAuthorities, cite);
  if (word && word_out != nullptr) {
    *word_out = std::string(law::kAuthorities.Name(*word));
  }
  c.Text(*o, p, "name", Need::kRequired, kShort, cite);
  c.Text(*o, p, "reference",
         reference_required ? Need::kRequired : Need::kOptional, kShort, cite);
  c.Text(*o, p, "address", Need::kRequired, kMedium, cite);
  c.Email(*o, p, "email", Need::kRequired, cite);
  c.Phone(*o, p, "phone", Need::kOptional, cite);
}

// A person or office to contact: CETS 224 Art. 7(4)(c), 8(3)(b)(vi).
void CheckContact(Checker& c, const bj::object& parent, std::string_view path,
                  std::string_view key, std::string_view cite) {
  const bj::object* o = c.Object(parent, path, key, Need::kRequired, cite,
                                 {"name", "email", "phone"});
  if (o == nullptr) return;
  std::string p = Join(path, key);
  c.Text(*o, p, "name", Need::kRequired, kShort, cite);
  c.Email(*o, p, "email", Need::kRequired, cite);
  c.Phone(*o, p, "phone", Need::kOptional, cite);
}

// The provider served or named: CETS 224 Art. 7(3)(c), 8(3)(a)(iii), 9(3)(c).
void CheckProvider(Checker& c, const bj::object& parent, std::string_view path,
                   std::string_view key, const CaseFacts& facts,
                   std::string_view cite) {
  const bj::object* o = c.Object(parent, path, key, Need::kRequired, cite,
                                 {"name", "address", "state"});
  if (o == nullptr) return;
  std::string p = Join(path, key);
  c.Text(*o, p, "name", Need::kRequired, kShort, cite);
  c.Text(*o, p, "address", Need::kRequired, kMedium, cite);
  auto state = c.StateCode(*o, p, "state", Need::kRequired, cite);
  if (state && !facts.addressee_state.empty() &&
      *state != facts.addressee_state) {
    c.Error(Join(p, "state"),
            "`" + std::string(*state) + "` is not `" + facts.addressee_state +
                "`, the State the case was routed to",
            cite);
  }
}

// Identifiers of the user or target: EU Annex I Section E (and Annex II);
// CETS 224 Art. 7(3)(f), 8(3)(a)(vi), 9(3)(f).
void CheckTargets(Checker& c, const bj::object& parent, Need need,
                  const CaseFacts& facts, std::string_view cite) {
  const bj::array* a = c.Array(parent, "", "targets", need, cite, kMaxTargets);
  if (a == nullptr) return;
  bool any_ip = false;
  for (std::size_t i = 0; i < a->size(); ++i) {
    std::string p = Index("targets", i);
    if (!(*a)[i].is_object()) {
      c.Error(p, "expected an object", "");
      continue;
    }
    const bj::object& o = (*a)[i].get_object();
    auto type = c.Word(o, p, "type", Need::kRequired, kTargetTypes, cite);
    if (!type) {
      c.Keys(o, p,
             {"type", "value", "timestamp", "port", "service", "description"});
      continue;
    }
    switch (*type) {
      case TargetType::kIpAddress:
        c.Keys(o, p, {"type", "value", "timestamp", "port"});
        break;
      case TargetType::kAccount:
        c.Keys(o, p, {"type", "value", "service"});
        break;
      case TargetType::kOther:
        c.Keys(o, p, {"type", "value", "description"});
        break;
      default:
        c.Keys(o, p, {"type", "value"});
        break;
    }
    auto value = c.Text(o, p, "value", Need::kRequired, kShort, cite);
    std::string vf = Join(p, "value");
    switch (*type) {
      case TargetType::kIpAddress: {
        any_ip = true;
        if (value && !IsIpAddress(*value)) {
          c.Error(vf, "`" + Shown(*value) + "` is not an IPv4 or IPv6 address",
                  cite);
        }
        // A dynamic address names a user only at a moment, in a zone.
        c.Time(o, p, "timestamp", Need::kRequired, cite);
        if (const bj::value* port =
                c.Member(o, p, "port", Need::kOptional, cite)) {
          if (!port->is_int64() || port->get_int64() < 0 ||
              port->get_int64() > 65535) {
            c.Error(Join(p, "port"), "expected a port number 0-65535", cite);
          }
        }
        break;
      }
      case TargetType::kPhoneNumber:
        if (value && !IsPhoneNumber(*value)) {
          c.Error(vf,
                  "`" + Shown(*value) +
                      "` is not an international number such as "
                      "`+33123456789`",
                  cite);
        }
        break;
      case TargetType::kEmail:
        if (value && !IsEmail(*value)) {
          c.Error(vf, "`" + Shown(*value) + "` is not an e-mail address", cite);
        }
        break;
      case TargetType::kImei:
        if (value) {
          if (!IsDigits(*value) ||
              (value->size() != 15 && value->size() != 16)) {
            c.Error(vf,
                    "`" + Shown(*value) +
                        "` is not an IMEI (15 digits) or IMEISV (16 digits)",
                    cite);
          } else if (value->size() == 15 && !LuhnValid(*value)) {
            c.Error(vf, "`" + Shown(*value) + "` has a wrong IMEI check digit",
                    cite);
          }
        }
        break;
      case TargetType::kMacAddress:
        if (value && !IsMacAddress(*value)) {
          c.Error(vf,
                  "`" + Shown(*value) +
                      "` is not a MAC address such as `00:1a:2b:3c:4d:5e`",
                  cite);
        }
        break;
      case TargetType::kAccount:
        c.Text(o, p, "service", Need::kOptional, kShort, cite);
        break;
      case TargetType::kOther:
        c.Text(o, p, "description", Need::kRequired, kMedium, cite);
        break;
    }
  }
  if ((facts.data & CategoryBit(DataCategory::kIdentification)) != 0 &&
      !any_ip) {
    c.Error(
        "targets",
        "data requested to identify the user need an `ip_address` target "
        "with its timestamp",
        facts.procedure.starts_with("eu") ? "EU 2023/1543 Art. 3(10)" : cite);
  }
}

// `data`: the categories must be those routed; `extra` names further
// required text fields (e.g. `relation_to_offence`).
void CheckData(Checker& c, const bj::object& parent, const CaseFacts& facts,
               Need description, Need time_range, std::string_view cite,
               std::string_view time_cite,
               std::initializer_list<std::string_view> extra_required) {
  std::vector<std::string_view> allowed = {"categories", "description",
                                           "time_range"};
  allowed.insert(allowed.end(), extra_required.begin(), extra_required.end());
  const bj::value* v = c.Member(parent, "", "data", Need::kRequired, cite);
  if (v == nullptr) return;
  if (!v->is_object()) {
    c.Error("data", "expected an object", "");
    return;
  }
  const bj::object& o = v->get_object();
  for (const auto& kv : o) {
    if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end()) {
      c.Error(Join("data", Shown(kv.key())), "unknown field", "");
    }
  }
  if (const bj::array* cats =
          c.Array(o, "data", "categories", Need::kRequired, cite, 4)) {
    std::uint8_t mask = 0;
    bool ok = true;
    for (std::size_t i = 0; i < cats->size(); ++i) {
      std::string f = Index("data.categories", i);
      const bj::value& e = (*cats)[i];
      auto cat = e.is_string() ? law::kDataCategories.Parse(e.get_string())
                               : std::nullopt;
      if (!cat) {
        c.Error(f, "expected one of " + law::kDataCategories.List(), cite);
        ok = false;
        continue;
      }
      std::uint8_t bit = CategoryBit(*cat);
      if ((mask & bit) != 0) {
        c.Error(f, "`" + std::string(e.get_string()) + "` is listed twice", "");
        ok = false;
      }
      mask |= bit;
    }
    if (ok && mask != facts.data) {
      c.Error("data.categories",
              "must be the categories the case was routed for: " +
                  CategoryList(facts.data),
              cite);
    }
  }
  c.Text(o, "data", "description", description, kLong, cite);
  for (std::string_view k : extra_required) {
    c.Text(o, "data", k, Need::kRequired, kLong, cite);
  }
  if (const bj::object* tr = c.Object(o, "data", "time_range", time_range,
                                      time_cite, {"from", "to"})) {
    auto from =
        c.Time(*tr, "data.time_range", "from", Need::kRequired, time_cite);
    auto to = c.Time(*tr, "data.time_range", "to", Need::kRequired, time_cite);
    if (from && to && !(*from < *to)) {
      c.Error("data.time_range.to", "must be later than `from`", time_cite);
    }
  }
}

// Whether the case asks for traffic or content data.
bool TrafficOrContent(const CaseFacts& f) {
  return (f.data & (CategoryBit(DataCategory::kTraffic) |
                    CategoryBit(DataCategory::kContent))) != 0;
}

void CheckEmergencyJustification(Checker& c, const bj::object& grounds,
                                 const CaseFacts& facts,
                                 std::string_view cite) {
  if (facts.emergency) {
    c.Text(grounds, "grounds", "emergency_justification", Need::kRequired,
           kLong, cite);
  } else {
    c.Forbid(grounds, "grounds", "emergency_justification",
             "the case is not an emergency", cite);
  }
}

// The issuer, with its State and authority word checked against the case.
void CheckIssuer(Checker& c, const bj::object& o, const CaseFacts& f,
                 std::string_view cite, bool reference_required) {
  std::string word;
  CheckAuthority(c, o, "", "issuing_authority", Need::kRequired,
                 reference_required, cite, f.issuing_state, &word);
  if (!word.empty() && word != f.issuing_authority) {
    c.Error("issuing_authority.authority",
            "`" + word + "` is not the authority the case was created for (`" +
                f.issuing_authority + "`)",
            cite);
  }
}

// Sections A and B of Annex I and II: issuing, validating authority,
// addressee.
void CheckEuAuthorities(Checker& c, const bj::object& o, const CaseFacts& f,
                        const Cites& k) {
  CheckIssuer(c, o, f, k.issuer, /*reference_required=*/true);
  // Validation: required before issuing, optional while ex-post validation
  // is still to come, absent when the issuer issues alone.
  if (!f.validation_required) {
    c.Forbid(o, "", "validating_authority",
             "`" + f.issuing_authority +
                 "` issues this order alone; it is not validated",
             k.validator);
  } else {
    std::string word;
    CheckAuthority(c, o, "", "validating_authority",
                   f.ex_post_validation ? Need::kOptional : Need::kRequired,
                   true, k.validator, f.issuing_state, &word);
    if (!word.empty() && std::find(f.validating_authorities.begin(),
                                   f.validating_authorities.end(),
                                   word) == f.validating_authorities.end()) {
      std::string list;
      for (const std::string& a : f.validating_authorities) {
        if (!list.empty()) list += ", ";
        list += "`" + a + "`";
      }
      c.Error("validating_authority.authority",
              "`" + word + "` may not validate this order; expected " + list,
              k.validator);
    }
  }
  const bj::object* a =
      c.Object(o, "", "addressee", Need::kRequired, k.addressee,
               {"kind", "name", "address", "state", "emergency_reason"});
  if (a == nullptr) return;
  auto kind = c.Word(*a, "addressee", "kind", Need::kRequired, kAddresseeKinds,
                     k.addressee);
  c.Text(*a, "addressee", "name", Need::kRequired, kShort, k.addressee);
  c.Text(*a, "addressee", "address", Need::kRequired, kMedium, k.addressee);
  auto state =
      c.StateCode(*a, "addressee", "state", Need::kRequired, k.addressee);
  if (!kind) return;
  if (*kind == AddresseeKind::kEmergencyAddressee) {
    if (!f.emergency) {
      c.Error("addressee.kind",
              "an emergency addressee only in an emergency, when the "
              "designated establishment or legal representative did not react "
              "or was not designated",
              k.addressee);
    }
    c.Text(*a, "addressee", "emergency_reason", Need::kRequired, kMedium,
           k.addressee);
    return;
  }
  c.Forbid(*a, "addressee", "emergency_reason",
           "only for an emergency addressee", k.addressee);
  std::string_view routed = f.addressee_role;
  if (kAddresseeKinds.Name(*kind) != routed) {
    c.Error("addressee.kind",
            "`" + std::string(kAddresseeKinds.Name(*kind)) + "` is not `" +
                std::string(routed) + "`, the addressee the case was routed to",
            k.addressee);
  }
  if (state && *state != f.addressee_state) {
    c.Error("addressee.state",
            "`" + std::string(*state) + "` is not `" + f.addressee_state +
                "`, the State the case was routed to",
            k.addressee);
  }
}

void CheckEarlierOrder(Checker& c, const bj::object& o, std::string_view cite) {
  const bj::object* e = c.Object(o, "", "earlier_order", Need::kOptional, cite,
                                 {"type", "reference", "issued_on"});
  if (e == nullptr) return;
  c.Word(*e, "earlier_order", "type", Need::kRequired, kEarlierOrders, cite);
  c.Text(*e, "earlier_order", "reference", Need::kRequired, kShort, cite);
  c.DateField(*e, "earlier_order", "issued_on", Need::kOptional, cite);
}

// Section G: the offence. Traffic and content data need the sentence or the
// listed offences (Art. 5(4)).
void CheckEuOffence(Checker& c, const bj::object& o, const CaseFacts& f,
                    std::string_view cite, bool production) {
  const bj::object* off =
      c.Object(o, "", "offence", Need::kRequired, cite,
               {"description", "legal_provisions", "max_custodial_years",
                "categories", "annex_iv_category"});
  if (off == nullptr) return;
  c.Text(*off, "offence", "description", Need::kRequired, kLong, cite);
  c.TextList(*off, "offence", "legal_provisions", Need::kRequired, cite);
  bool sentence_known = false;
  if (const bj::value* y = off->if_contains("max_custodial_years")) {
    if (!y->is_null()) {
      if (!y->is_number() || y->to_number<double>() < 0 ||
          y->to_number<double>() > 1000) {
        c.Error("offence.max_custodial_years", "expected a number 0-1000",
                cite);
      } else {
        sentence_known = true;
      }
    }
  } else if (production && TrafficOrContent(f)) {
    c.Error("offence.max_custodial_years",
            "required for traffic or content data (a number, or null when "
            "the offence is one of the listed categories)",
            "EU 2023/1543 Art. 5(4), Annex I Section G");
  }
  bool listed = false;
  if (const bj::value* cats = off->if_contains("categories");
      cats != nullptr && !cats->is_null()) {
    if (!cats->is_array()) {
      c.Error("offence.categories", "expected an array", "");
    } else {
      for (std::size_t i = 0; i < cats->get_array().size(); ++i) {
        const bj::value& e = cats->get_array()[i];
        if (!e.is_string() || !law::kOffenceCategories.Parse(e.get_string())) {
          c.Error(Index("offence.categories", i),
                  "expected one of " + law::kOffenceCategories.List(), cite);
        } else {
          listed = true;
        }
      }
    }
  }
  if (production && TrafficOrContent(f) && !sentence_known && !listed &&
      off->contains("max_custodial_years")) {
    c.Error("offence",
            "traffic or content data need the maximum sentence or one of the "
            "listed offence categories",
            "EU 2023/1543 Art. 5(4), Annex I Section G");
  }
  c.Text(*off, "offence", "annex_iv_category", Need::kOptional, kShort,
         "EU 2023/1543 Art. 12(1)(d), Annex IV");
}

void CheckEuGrounds(Checker& c, const bj::object& o, const CaseFacts& f,
                    const Cites& k) {
  const bj::object* g =
      c.Object(o, "", "grounds", Need::kRequired, k.grounds,
               {"summary_of_facts", "necessity_and_proportionality",
                "emergency_justification"});
  if (g == nullptr) return;
  c.Text(*g, "grounds", "summary_of_facts", Need::kRequired, kLong, k.offence);
  c.Text(*g, "grounds", "necessity_and_proportionality", Need::kRequired, kLong,
         k.grounds);
  CheckEmergencyJustification(c, *g, f, k.emergency);
}

// Section H: the notification of the enforcing authority, or why there is
// none.
void CheckNotification(Checker& c, const bj::object& o, const CaseFacts& f) {
  constexpr std::string_view kCite = "EU 2023/1543 Art. 8, Annex I Section H";
  const bj::object* n = c.Object(o, "", "notification", Need::kRequired, kCite,
                                 {"enforcing_authority_notified",
                                  "enforcing_authority", "reason_for_none"});
  if (n == nullptr) return;
  auto notified = c.Bool(*n, "notification", "enforcing_authority_notified",
                         Need::kRequired, kCite);
  if (!notified) return;
  if (f.notification_required) {
    if (!*notified) {
      c.Error("notification.enforcing_authority_notified",
              "must be true: the enforcing authority of `" + f.addressee_state +
                  "` is notified of this order",
              "EU 2023/1543 Art. 8(1)");
    }
    c.Forbid(*n, "notification", "reason_for_none",
             "the enforcing authority is notified", kCite);
    const bj::object* ea =
        c.Object(*n, "notification", "enforcing_authority", Need::kRequired,
                 kCite, {"name", "state", "address", "email"});
    if (ea == nullptr) return;
    std::string p = "notification.enforcing_authority";
    c.Text(*ea, p, "name", Need::kRequired, kShort, kCite);
    auto state = c.StateCode(*ea, p, "state", Need::kRequired, kCite);
    if (state && *state != f.addressee_state) {
      c.Error(Join(p, "state"),
              "the enforcing authority is that of `" + f.addressee_state +
                  "`, the addressee's State",
              "EU 2023/1543 Art. 8(1)");
    }
    c.Text(*ea, p, "address", Need::kOptional, kMedium, kCite);
    c.Email(*ea, p, "email", Need::kOptional, kCite);
    return;
  }
  if (*notified) {
    c.Error("notification.enforcing_authority_notified",
            "must be false: the law requires no notification for this order",
            "EU 2023/1543 Art. 8");
    return;
  }
  c.Forbid(*n, "notification", "enforcing_authority",
           "no enforcing authority is notified", kCite);
  auto reason = c.Word(*n, "notification", "reason_for_none", Need::kRequired,
                       kNoNotificationReasons, kCite);
  if (!reason) return;
  NoNotificationReason expected = TrafficOrContent(f)
                                      ? NoNotificationReason::kArt82
                                      : NoNotificationReason::kDataCategory;
  if (*reason != expected) {
    c.Error("notification.reason_for_none",
            expected == NoNotificationReason::kArt82
                ? "traffic or content data: the reason is `art_8_2` (offence "
                  "in the issuing State, person residing there)"
                : "subscriber or identification data are never notified: the "
                  "reason is `data_category`",
            expected == NoNotificationReason::kArt82
                ? "EU 2023/1543 Art. 8(2)"
                : "EU 2023/1543 Art. 8(1)");
  }
}

// Section L: where the data go; the issuing authority when absent.
void CheckRecipient(Checker& c, const bj::object& o) {
  constexpr std::string_view kCite = "EU 2023/1543 Annex I Section L";
  const bj::object* r = c.Object(o, "", "data_recipient", Need::kOptional,
                                 kCite, {"name", "address", "email", "phone"});
  if (r == nullptr) return;
  c.Text(*r, "data_recipient", "name", Need::kRequired, kShort, kCite);
  c.Text(*r, "data_recipient", "address", Need::kOptional, kMedium, kCite);
  c.Email(*r, "data_recipient", "email", Need::kRequired, kCite);
  c.Phone(*r, "data_recipient", "phone", Need::kOptional, kCite);
}

void ValidateEpoc(Checker& c, const bj::object& o, const CaseFacts& f) {
  c.Keys(o, "",
         {"issuing_authority", "validating_authority", "addressee",
          "earlier_order", "targets", "data", "offence", "grounds",
          "notification", "data_recipient", "further_information"});
  const Cites& k = kEpocCites;
  CheckEuAuthorities(c, o, f, k);
  CheckEarlierOrder(c, o, "EU 2023/1543 Annex I Section D");
  CheckTargets(c, o, Need::kRequired, f, k.targets);
  CheckData(c, o, f, Need::kOptional, Need::kRequired, k.data, k.time_range,
            {});
  CheckEuOffence(c, o, f, k.offence, /*production=*/true);
  CheckEuGrounds(c, o, f, k);
  CheckNotification(c, o, f);
  CheckRecipient(c, o);
  c.Text(o, "", "further_information", Need::kOptional, kLong,
         "EU 2023/1543 Annex I Section K");
}

void ValidateEpocPr(Checker& c, const bj::object& o, const CaseFacts& f) {
  c.Keys(o, "",
         {"issuing_authority", "validating_authority", "addressee",
          "earlier_order", "targets", "data", "offence", "grounds",
          "subsequent_request", "further_information"});
  const Cites& k = kEpocPrCites;
  CheckEuAuthorities(c, o, f, k);
  CheckEarlierOrder(c, o, "EU 2023/1543 Annex II");
  CheckTargets(c, o, Need::kRequired, f, k.targets);
  CheckData(c, o, f, Need::kOptional, Need::kRequired, k.data, k.time_range,
            {});
  CheckEuOffence(c, o, f, k.offence, /*production=*/false);
  CheckEuGrounds(c, o, f, k);
  constexpr std::string_view kRoute = "EU 2023/1543 Art. 6, Annex II";
  if (const bj::object* s = c.Object(o, "", "subsequent_request",
                                     Need::kRequired, kRoute, {"route"})) {
    c.Word(*s, "subsequent_request", "route", Need::kRequired,
           kProductionRoutes, kRoute);
  }
  c.Text(o, "", "further_information", Need::kOptional, kLong,
         "EU 2023/1543 Annex II");
}

// `preservation`: whether preservation was already sought, and under which
// reference (CETS 224 Art. 7(4)(e), 8(3)(b)(vii); CETS 185 Art. 31(1)).
void CheckPreservation(Checker& c, const bj::object& parent,
                       std::string_view path, Need need,
                       std::string_view cite) {
  const bj::object* o = c.Object(parent, path, "preservation", need, cite,
                                 {"sought", "date", "reference"});
  if (o == nullptr) return;
  std::string p = Join(path, "preservation");
  auto sought = c.Bool(*o, p, "sought", Need::kRequired, cite);
  if (!sought) return;
  if (*sought) {
    c.DateField(*o, p, "date", Need::kRequired, cite);
    c.Text(*o, p, "reference", Need::kRequired, kShort, cite);
  } else {
    c.Forbid(*o, p, "date", "preservation was not sought", cite);
    c.Forbid(*o, p, "reference", "preservation was not sought", cite);
  }
}

void ValidateArt7(Checker& c, const bj::object& o, const CaseFacts& f) {
  c.Keys(o, "",
         {"issuing_authority", "issued_on", "issued_pursuant_to_protocol",
          "service_provider", "offence", "requesting_authority", "data",
          "targets", "legal_grounds", "return", "preservation",
          "special_instructions", "notification_made", "other_information"});
  CheckIssuer(c, o, f, "CETS 224 Art. 7(3)(a)", false);
  c.DateField(o, "", "issued_on", Need::kRequired, "CETS 224 Art. 7(3)(a)");
  c.Statement(o, "", "issued_pursuant_to_protocol",
              "the order is issued under the Protocol",
              "CETS 224 Art. 7(3)(b)");
  CheckProvider(c, o, "", "service_provider", f, "CETS 224 Art. 7(3)(c)");
  if (const bj::object* off =
          c.Object(o, "", "offence", Need::kRequired, "CETS 224 Art. 7(3)(d)",
                   {"description", "legal_provisions", "penalties"})) {
    c.Text(*off, "offence", "description", Need::kRequired, kLong,
           "CETS 224 Art. 7(3)(d)");
    c.TextList(*off, "offence", "legal_provisions", Need::kRequired,
               "CETS 224 Art. 7(4)(b)");
    c.Text(*off, "offence", "penalties", Need::kRequired, kMedium,
           "CETS 224 Art. 7(4)(b)");
  }
  CheckAuthority(c, o, "", "requesting_authority", Need::kOptional, false,
                 "CETS 224 Art. 7(3)(e)", f.issuing_state, nullptr);
  CheckData(c, o, f, Need::kRequired, Need::kOptional, "CETS 224 Art. 7(3)(f)",
            "CETS 224 Art. 7(3)(f)", {});
  CheckTargets(c, o, Need::kRequired, f, "CETS 224 Art. 7(3)(f)");
  c.Text(o, "", "legal_grounds", Need::kRequired, kLong,
         "CETS 224 Art. 7(4)(a)");
  if (const bj::object* r = c.Object(o, "", "return", Need::kRequired,
                                     "CETS 224 Art. 7(4)(c)-(d)",
                                     {"contact", "time_frame", "manner"})) {
    CheckContact(c, *r, "return", "contact", "CETS 224 Art. 7(4)(c)");
    if (auto tf = c.Text(*r, "return", "time_frame", Need::kOptional, kShort,
                         "CETS 224 Art. 7(4)(d)")) {
      auto s = ParseDurationSeconds(*tf);
      if (!s || *s <= 0) {
        c.Error("return.time_frame",
                "expected an ISO 8601 duration such as `P45D`",
                "CETS 224 Art. 7(4)(d)");
      }
    }
    c.Text(*r, "return", "manner", Need::kRequired, kMedium,
           "CETS 224 Art. 7(4)(d)");
  }
  CheckPreservation(c, o, "", Need::kRequired, "CETS 224 Art. 7(4)(e)");
  c.Text(o, "", "special_instructions", Need::kOptional, kLong,
         "CETS 224 Art. 7(4)(f)");
  if (f.notification_required) {
    c.Statement(o, "", "notification_made",
                "the provider's State requires simultaneous notification",
                "CETS 224 Art. 7(4)(g), 7(5)(a)");
  } else {
    c.Bool(o, "", "notification_made", Need::kOptional,
           "CETS 224 Art. 7(4)(g)");
  }
  c.Text(o, "", "other_information", Need::kOptional, kLong,
         "CETS 224 Art. 7(4)(h)");
}

void ValidateArt8(Checker& c, const bj::object& o, const CaseFacts& f) {
  c.Keys(o, "",
         {"issuing_authority", "issued_on", "issued_pursuant_to_protocol",
          "service_provider", "offence", "requesting_authority", "data",
          "targets", "supporting_information", "special_instructions"});
  CheckIssuer(c, o, f, "CETS 224 Art. 8(3)(a)(i)", false);
  c.DateField(o, "", "issued_on", Need::kRequired, "CETS 224 Art. 8(3)(a)(i)");
  c.Statement(o, "", "issued_pursuant_to_protocol",
              "the order is submitted under the Protocol",
              "CETS 224 Art. 8(3)(a)(ii)");
  CheckProvider(c, o, "", "service_provider", f, "CETS 224 Art. 8(3)(a)(iii)");
  if (const bj::object* off =
          c.Object(o, "", "offence", Need::kRequired,
                   "CETS 224 Art. 8(3)(a)(iv)", {"description"})) {
    c.Text(*off, "offence", "description", Need::kRequired, kLong,
           "CETS 224 Art. 8(3)(a)(iv)");
  }
  CheckAuthority(c, o, "", "requesting_authority", Need::kOptional, false,
                 "CETS 224 Art. 8(3)(a)(v)", f.issuing_state, nullptr);
  CheckData(c, o, f, Need::kRequired, Need::kOptional,
            "CETS 224 Art. 8(3)(a)(vi)", "CETS 224 Art. 8(3)(a)(vi)", {});
  CheckTargets(c, o, Need::kRequired, f, "CETS 224 Art. 8(3)(a)(vi)");
  constexpr std::string_view kB = "CETS 224 Art. 8(3)(b)";
  const bj::object* s = c.Object(
      o, "", "supporting_information", Need::kRequired, kB,
      {"legal_grounds", "offence", "possession_reason", "summary_of_facts",
       "relevance", "contact", "preservation", "other_means"});
  if (s != nullptr) {
    std::string_view p = "supporting_information";
    c.Text(*s, p, "legal_grounds", Need::kRequired, kLong,
           "CETS 224 Art. 8(3)(b)(i)");
    if (const bj::object* off = c.Object(*s, p, "offence", Need::kRequired,
                                         "CETS 224 Art. 8(3)(b)(ii)",
                                         {"legal_provisions", "penalties"})) {
      c.TextList(*off, "supporting_information.offence", "legal_provisions",
                 Need::kRequired, "CETS 224 Art. 8(3)(b)(ii)");
      c.Text(*off, "supporting_information.offence", "penalties",
             Need::kRequired, kMedium, "CETS 224 Art. 8(3)(b)(ii)");
    }
    c.Text(*s, p, "possession_reason", Need::kRequired, kLong,
           "CETS 224 Art. 8(3)(b)(iii)");
    c.Text(*s, p, "summary_of_facts", Need::kRequired, kLong,
           "CETS 224 Art. 8(3)(b)(iv)");
    c.Text(*s, p, "relevance", Need::kRequired, kLong,
           "CETS 224 Art. 8(3)(b)(v)");
    CheckContact(c, *s, p, "contact", "CETS 224 Art. 8(3)(b)(vi)");
    CheckPreservation(c, *s, p, Need::kRequired, "CETS 224 Art. 8(3)(b)(vii)");
    constexpr std::string_view kViii = "CETS 224 Art. 8(3)(b)(viii)";
    if (const bj::object* m = c.Object(*s, p, "other_means", Need::kRequired,
                                       kViii, {"sought", "description"})) {
      std::string mp = "supporting_information.other_means";
      auto sought = c.Bool(*m, mp, "sought", Need::kRequired, kViii);
      if (sought && *sought) {
        c.Text(*m, mp, "description", Need::kRequired, kLong, kViii);
      } else if (sought) {
        c.Forbid(*m, mp, "description", "the data were not sought otherwise",
                 kViii);
      }
    }
  }
  c.Text(o, "", "special_instructions", Need::kOptional, kLong,
         "CETS 224 Art. 8(3)(c)");
}

void ValidateArt9(Checker& c, const bj::object& o, const CaseFacts& f) {
  c.Keys(o, "",
         {"issuing_authority", "requesting_authority", "issued_on",
          "issued_pursuant_to_protocol", "service_provider", "offence",
          "emergency", "data", "targets", "special_instructions",
          "other_information"});
  CheckIssuer(c, o, f, "CETS 224 Art. 9(1)(a)", false);
  CheckAuthority(c, o, "", "requesting_authority", Need::kRequired, false,
                 "CETS 224 Art. 9(3)(a)", f.issuing_state, nullptr);
  c.DateField(o, "", "issued_on", Need::kRequired, "CETS 224 Art. 9(3)(a)");
  c.Statement(o, "", "issued_pursuant_to_protocol",
              "the request is issued under the Protocol",
              "CETS 224 Art. 9(3)(b)");
  CheckProvider(c, o, "", "service_provider", f, "CETS 224 Art. 9(3)(c)");
  constexpr std::string_view kD = "CETS 224 Art. 9(3)(d)";
  if (const bj::object* off =
          c.Object(o, "", "offence", Need::kRequired, kD,
                   {"description", "legal_provisions", "penalties"})) {
    c.Text(*off, "offence", "description", Need::kRequired, kLong, kD);
    c.TextList(*off, "offence", "legal_provisions", Need::kRequired, kD);
    c.Text(*off, "offence", "penalties", Need::kRequired, kMedium, kD);
  }
  constexpr std::string_view kE = "CETS 224 Art. 9(3)(e)";
  if (const bj::object* e = c.Object(o, "", "emergency", Need::kRequired, kE,
                                     {"facts", "relation_to_data"})) {
    c.Text(*e, "emergency", "facts", Need::kRequired, kLong, kE);
    c.Text(*e, "emergency", "relation_to_data", Need::kRequired, kLong, kE);
  }
  CheckData(c, o, f, Need::kRequired, Need::kOptional, "CETS 224 Art. 9(3)(f)",
            "CETS 224 Art. 9(3)(f)", {});
  CheckTargets(c, o, Need::kOptional, f, "CETS 224 Art. 9(3)(f)");
  c.Text(o, "", "special_instructions", Need::kOptional, kLong,
         "CETS 224 Art. 9(3)(g)");
  c.Text(o, "", "other_information", Need::kOptional, kLong,
         "CETS 224 Art. 9(3)(h)");
}

void ValidateArt29(Checker& c, const bj::object& o, const CaseFacts& f) {
  c.Keys(o, "",
         {"issuing_authority", "requesting_authority", "offence", "data",
          "custodian", "targets", "necessity", "mla_intended"});
  CheckIssuer(c, o, f, "CETS 185 Art. 35(1)(b)", false);
  CheckAuthority(c, o, "", "requesting_authority", Need::kRequired, false,
                 "CETS 185 Art. 29(2)(a)", f.issuing_state, nullptr);
  constexpr std::string_view kB = "CETS 185 Art. 29(2)(b)";
  if (const bj::object* off = c.Object(o, "", "offence", Need::kRequired, kB,
                                       {"description", "summary_of_facts"})) {
    c.Text(*off, "offence", "description", Need::kRequired, kLong, kB);
    c.Text(*off, "offence", "summary_of_facts", Need::kRequired, kLong, kB);
  }
  CheckData(c, o, f, Need::kRequired, Need::kOptional, "CETS 185 Art. 29(2)(c)",
            "CETS 185 Art. 29(2)(c)", {"relation_to_offence"});
  constexpr std::string_view kD = "CETS 185 Art. 29(2)(d)";
  if (const bj::object* cu =
          c.Object(o, "", "custodian", Need::kRequired, kD,
                   {"name", "address", "location", "state"})) {
    auto name = c.Text(*cu, "custodian", "name", Need::kOptional, kShort, kD);
    c.Text(*cu, "custodian", "address", Need::kOptional, kMedium, kD);
    auto loc =
        c.Text(*cu, "custodian", "location", Need::kOptional, kMedium, kD);
    auto state = c.StateCode(*cu, "custodian", "state", Need::kOptional, kD);
    if (!name && !loc && !cu->contains("name") && !cu->contains("location")) {
      c.Error("custodian",
              "name the custodian or the location of the computer system", kD);
    }
    if (state && *state != f.addressee_state) {
      c.Error("custodian.state",
              "`" + std::string(*state) + "` is not `" + f.addressee_state +
                  "`, the requested Party",
              "CETS 185 Art. 29(1)");
    }
  }
  CheckTargets(c, o, Need::kOptional, f, "CETS 185 Art. 29(2)(c)");
  c.Text(o, "", "necessity", Need::kRequired, kLong, "CETS 185 Art. 29(2)(e)");
  c.Statement(o, "", "mla_intended",
              "the requesting Party intends to submit a request for mutual "
              "assistance",
              "CETS 185 Art. 29(2)(f)");
}

void ValidateArt31(Checker& c, const bj::object& o, const CaseFacts& f) {
  c.Keys(
      o, "",
      {"issuing_authority", "requesting_authority", "offence", "data",
       "service_provider", "targets", "preservation", "special_instructions"});
  CheckIssuer(c, o, f, "CETS 185 Art. 27(2)", false);
  CheckAuthority(c, o, "", "requesting_authority", Need::kRequired, false,
                 "CETS 185 Art. 31(1)", f.issuing_state, nullptr);
  constexpr std::string_view kOff = "CETS 185 Art. 25(4), 27(4)";
  if (const bj::object* off =
          c.Object(o, "", "offence", Need::kRequired, kOff,
                   {"description", "legal_provisions", "summary_of_facts"})) {
    c.Text(*off, "offence", "description", Need::kRequired, kLong, kOff);
    c.TextList(*off, "offence", "legal_provisions", Need::kRequired, kOff);
    c.Text(*off, "offence", "summary_of_facts", Need::kRequired, kLong, kOff);
  }
  CheckData(c, o, f, Need::kRequired, Need::kOptional, "CETS 185 Art. 31(1)",
            "CETS 185 Art. 31(1)", {});
  CheckProvider(c, o, "", "service_provider", f, "CETS 185 Art. 31(1)");
  CheckTargets(c, o, Need::kOptional, f, "CETS 185 Art. 31(1)");
  CheckPreservation(c, o, "", Need::kOptional, "CETS 185 Art. 29, 31(1)");
  c.Text(o, "", "special_instructions", Need::kOptional, kLong,
         "CETS 185 Art. 31(1)");
}

}  // namespace

std::vector<FieldError> ValidateOrder(const CaseFacts& facts,
                                      const bj::value& order) {
  std::vector<FieldError> errors;
  Checker c(errors);
  if (!order.is_object()) {
    c.Error("", "expected an object", "");
    return errors;
  }
  const bj::object& o = order.get_object();
  const std::string& p = facts.procedure;
  if (p == "eu2023-1543.epoc") {
    ValidateEpoc(c, o, facts);
  } else if (p == "eu2023-1543.epoc-pr") {
    ValidateEpocPr(c, o, facts);
  } else if (p == "cets224.7") {
    ValidateArt7(c, o, facts);
  } else if (p == "cets224.8") {
    ValidateArt8(c, o, facts);
  } else if (p == "cets224.9") {
    ValidateArt9(c, o, facts);
  } else if (p == "cets185.29") {
    ValidateArt29(c, o, facts);
  } else if (p == "cets185.31") {
    ValidateArt31(c, o, facts);
  } else {
    c.Error("", "no content rules for procedure `" + p + "`", "");
  }
  return errors;
}

}  // namespace evidex::workflow
