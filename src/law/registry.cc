#include "law/registry.h"

#include <algorithm>

#include "core/json.h"

namespace evidex::law {
namespace {

namespace bj = boost::json;

// Walks the registry JSON, naming the path of any problem.
class Checker {
 public:
  explicit Checker(std::string file) : file_(std::move(file)) {}

  Status Fail(const std::string& path, const std::string& problem) const {
    return InvalidArgumentError(file_ + ": `" + path + "`: " + problem);
  }

  Status Keys(const bj::object& o, const std::string& path,
              std::initializer_list<std::string_view> allowed,
              std::initializer_list<std::string_view> required) const {
    for (const auto& kv : o) {
      if (std::find(allowed.begin(), allowed.end(), kv.key()) ==
          allowed.end()) {
        return Fail(path, "unknown key `" + std::string(kv.key()) + "`");
      }
    }
    for (std::string_view k : required) {
      if (!o.contains(k)) return Fail(path, "missing `" + std::string(k) + "`");
    }
    return OkStatus();
  }

  Result<const bj::object*> Object(const bj::value& v,
                                   const std::string& path) const {
    if (!v.is_object()) return Err(Fail(path, "must be an object"));
    return &v.get_object();
  }
  Result<const bj::array*> Array(const bj::value& v,
                                 const std::string& path) const {
    if (!v.is_array()) return Err(Fail(path, "must be an array"));
    return &v.get_array();
  }
  Result<std::string> String(const bj::value& v,
                             const std::string& path) const {
    if (!v.is_string()) return Err(Fail(path, "must be a string"));
    return std::string(v.get_string());
  }
  Result<std::optional<Date>> OptDate(const bj::object& o, std::string_view key,
                                      const std::string& path) const {
    const bj::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return std::optional<Date>();
    std::string p = path + "." + std::string(key);
    EVIDEX_ASSIGN_OR_RETURN(std::string s, String(*v, p));
    auto d = ParseDate(s);
    if (!d) return Err(Fail(p, d.error().message()));
    return std::optional<Date>(*d);
  }
  Status Confidence(const bj::object& o, const std::string& path) const {
    const bj::value* v = o.if_contains("confidence");
    if (v == nullptr) return OkStatus();
    EVIDEX_ASSIGN_OR_RETURN(std::string c, String(*v, path + ".confidence"));
    if (c != "verified" && c != "secondary" && c != "memory") {
      return Fail(path + ".confidence",
                  "must be `verified`, `secondary` or `memory`");
    }
    return OkStatus();
  }

 private:
  std::string file_;
};

Status LoadInstrument(const Checker& c, const bj::value& v,
                      const std::string& path, Instrument inst,
                      StateRecord& rec) {
  EVIDEX_ASSIGN_OR_RETURN(const bj::object* o, c.Object(v, path));
  EVIDEX_RETURN_IF_ERROR(c.Keys(
      *o, path,
      {"status", "method", "signed", "ratified", "in_force", "invited",
       "confidence", "verified_fields", "sources", "note", "in_force_derived",
       "coe_chart_2015_flags", "reservations_declarations_seen", "basis"},
      {"status", "in_force"}));
  EVIDEX_ASSIGN_OR_RETURN(std::string status,
                          c.String(o->at("status"), path + ".status"));
  static constexpr std::string_view kTreatyStatuses[] = {"party", "signatory",
                                                         "invited", "ratified"};
  static constexpr std::string_view kEuStatuses[] = {"bound", "not_bound"};
  bool ok =
      inst == Instrument::kEu20231543
          ? std::find(std::begin(kEuStatuses), std::end(kEuStatuses), status) !=
                std::end(kEuStatuses)
          : std::find(std::begin(kTreatyStatuses), std::end(kTreatyStatuses),
                      status) != std::end(kTreatyStatuses);
  if (!ok) return c.Fail(path + ".status", "unknown status `" + status + "`");
  EVIDEX_RETURN_IF_ERROR(c.Confidence(*o, path));
  for (std::string_view k : {"signed", "ratified", "invited"}) {
    EVIDEX_ASSIGN_OR_RETURN(auto d, c.OptDate(*o, k, path));
    (void)d;
  }
  EVIDEX_ASSIGN_OR_RETURN(rec.in_force[static_cast<std::size_t>(inst)],
                          c.OptDate(*o, "in_force", path));
  if (rec.in_force[static_cast<std::size_t>(inst)] && status != "party" &&
      status != "bound" && status != "ratified") {
    return c.Fail(path + ".in_force",
                  "a State with status `" + status + "` is not bound");
  }
  return OkStatus();
}

Status LoadMade(const Checker& c, const bj::value& v, const std::string& path,
                bool reservation, const LawBook& book, StateRecord& rec) {
  EVIDEX_ASSIGN_OR_RETURN(const bj::array* a, c.Array(v, path));
  for (std::size_t i = 0; i < a->size(); ++i) {
    std::string p = path + "[" + std::to_string(i) + "]";
    EVIDEX_ASSIGN_OR_RETURN(const bj::object* o, c.Object((*a)[i], p));
    EVIDEX_RETURN_IF_ERROR(
        c.Keys(*o, p, {"id", "from", "confidence", "sources", "text"}, {"id"}));
    EVIDEX_ASSIGN_OR_RETURN(std::string id, c.String(o->at("id"), p + ".id"));
    int d = book.FindDeclaration(id);
    if (d < 0 || book.declarations[static_cast<std::size_t>(d)].reservation !=
                     reservation) {
      return c.Fail(p + ".id",
                    "`" + id + "` is not a known " +
                        (reservation ? "reservation" : "declaration"));
    }
    EVIDEX_RETURN_IF_ERROR(c.Confidence(*o, p));
    MadeEntry e;
    e.declaration = static_cast<std::uint8_t>(d);
    EVIDEX_ASSIGN_OR_RETURN(e.from, c.OptDate(*o, "from", p));
    rec.made.push_back(e);
  }
  return OkStatus();
}

}  // namespace

Result<Registry> LoadRegistry(const SourceFile& states_json,
                              const SourceFile& iso_codes,
                              const LawBook& book) {
  Registry reg;
  reg.index_.fill(-1);
  // The ISO list: "XX Name" per line.
  std::size_t line_no = 0, start = 0;
  const std::string& iso = iso_codes.text;
  while (start < iso.size()) {
    std::size_t end = iso.find('\n', start);
    if (end == std::string::npos) end = iso.size();
    std::string_view line(iso.data() + start, end - start);
    ++line_no;
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    auto code = ParseStateCode(line.substr(0, 2));
    if (!code || (line.size() > 2 && line[2] != ' ')) {
      return Err(
          InvalidArgumentError(iso_codes.name + ":" + std::to_string(line_no) +
                               ": expected a two-letter code and a name"));
    }
    reg.iso_[*code] = true;
  }

  Checker c(states_json.name);
  auto parsed = ParseJson(states_json.text);
  if (!parsed)
    return Err(InvalidArgumentError(states_json.name + ": " +
                                    parsed.error().message()));
  EVIDEX_ASSIGN_OR_RETURN(const bj::object* root, c.Object(*parsed, "(root)"));
  EVIDEX_RETURN_IF_ERROR(c.Keys(
      *root, "(root)",
      {"as_of", "about", "as_of_note", "sources", "confidence_scale", "states"},
      {"as_of", "states"}));
  EVIDEX_ASSIGN_OR_RETURN(reg.as_of_, c.String(root->at("as_of"), "as_of"));
  if (!ParseDate(reg.as_of_))
    return Err(c.Fail("as_of", "must be a date YYYY-MM-DD"));
  EVIDEX_ASSIGN_OR_RETURN(const bj::object* states,
                          c.Object(root->at("states"), "states"));
  for (const auto& kv : *states) {
    std::string path = "states." + std::string(kv.key());
    auto code = ParseStateCode(kv.key());
    if (!code || !reg.iso_[*code])
      return Err(c.Fail(path, "not an ISO 3166-1 alpha-2 code"));
    EVIDEX_ASSIGN_OR_RETURN(const bj::object* o, c.Object(kv.value(), path));
    EVIDEX_RETURN_IF_ERROR(
        c.Keys(*o, path,
               {"name", "eu_member", "confidence", "instruments",
                "declarations", "reservations", "authorities"},
               {"name", "instruments"}));
    EVIDEX_RETURN_IF_ERROR(c.Confidence(*o, path));
    StateRecord rec;
    rec.code = *code;
    EVIDEX_ASSIGN_OR_RETURN(rec.name, c.String(o->at("name"), path + ".name"));
    EVIDEX_ASSIGN_OR_RETURN(
        const bj::object* insts,
        c.Object(o->at("instruments"), path + ".instruments"));
    for (const auto& ikv : *insts) {
      auto inst = kInstruments.Parse(ikv.key());
      std::string ipath = path + ".instruments." + std::string(ikv.key());
      if (!inst)
        return Err(c.Fail(
            ipath, "unknown instrument, expected " + kInstruments.List()));
      EVIDEX_RETURN_IF_ERROR(LoadInstrument(c, ikv.value(), ipath, *inst, rec));
    }
    if (const bj::value* d = o->if_contains("declarations")) {
      EVIDEX_RETURN_IF_ERROR(
          LoadMade(c, *d, path + ".declarations", false, book, rec));
    }
    if (const bj::value* r = o->if_contains("reservations")) {
      EVIDEX_RETURN_IF_ERROR(
          LoadMade(c, *r, path + ".reservations", true, book, rec));
    }
    if (const bj::value* a = o->if_contains("authorities")) {
      EVIDEX_ASSIGN_OR_RETURN(const bj::array* arr,
                              c.Array(*a, path + ".authorities"));
      for (std::size_t i = 0; i < arr->size(); ++i) {
        std::string p = path + ".authorities[" + std::to_string(i) + "]";
        EVIDEX_ASSIGN_OR_RETURN(const bj::object* ao, c.Object((*arr)[i], p));
        EVIDEX_RETURN_IF_ERROR(c.Keys(
            *ao, p, {"instrument", "article", "name", "confidence", "sources"},
            {"instrument", "article", "name"}));
        EVIDEX_ASSIGN_OR_RETURN(std::string inst, c.String(ao->at("instrument"),
                                                           p + ".instrument"));
        if (!kInstruments.Parse(inst))
          return Err(c.Fail(p + ".instrument", "unknown instrument"));
      }
    }
    reg.index_[*code] = static_cast<int>(reg.states_.size());
    reg.states_.push_back(std::move(rec));
  }
  return reg;
}

}  // namespace evidex::law
