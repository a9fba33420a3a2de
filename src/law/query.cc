#include "law/query.h"

#include <algorithm>
#include <cmath>

#include "core/json.h"

namespace evidex::law {
namespace {

namespace bj = boost::json;

Status FieldError(std::string_view field, const std::string& problem) {
  return InvalidArgumentError("field `" + std::string(field) + "`: " + problem);
}

std::string Shown(std::string_view s) {
  constexpr std::size_t kMax = 40;
  if (s.size() > kMax) return std::string(s.substr(0, kMax)) + "...";
  return std::string(s);
}

class QueryParser {
 public:
  QueryParser(const LawBook& book, const Registry& registry)
      : book_(book), registry_(registry) {}

  Status Keys(const bj::object& o, std::string_view prefix,
              std::initializer_list<std::string_view> allowed,
              std::initializer_list<std::string_view> required) {
    for (const auto& kv : o) {
      if (std::find(allowed.begin(), allowed.end(), kv.key()) ==
          allowed.end()) {
        return InvalidArgumentError("unknown field `" + std::string(prefix) +
                                    Shown(kv.key()) + "`");
      }
    }
    for (std::string_view k : required) {
      if (!o.contains(k)) {
        return InvalidArgumentError("missing field `" + std::string(prefix) +
                                    std::string(k) + "`");
      }
    }
    return OkStatus();
  }

  Result<const bj::object*> Object(const bj::value& v, std::string_view field) {
    if (!v.is_object()) return Err(FieldError(field, "expected an object"));
    return &v.get_object();
  }

  Result<bool> Bool(const bj::value& v, std::string_view field) {
    if (!v.is_bool()) return Err(FieldError(field, "expected true or false"));
    return v.get_bool();
  }

  Result<std::string_view> String(const bj::value& v, std::string_view field) {
    if (!v.is_string()) return Err(FieldError(field, "expected a string"));
    return std::string_view(v.get_string());
  }

  // A State code: ISO 3166-1 alpha-2, or one the query's `parties` define.
  Result<StateCode> State(const bj::value& v, std::string_view field) {
    EVIDEX_ASSIGN_OR_RETURN(std::string_view s, String(v, field));
    auto code = ParseStateCode(s);
    if (!code || !(registry_.IsIsoCode(*code) || Defined(*code))) {
      return Err(FieldError(
          field, "`" + Shown(s) + "` is not an ISO 3166-1 alpha-2 code"));
    }
    return *code;
  }

  Result<std::optional<StateCode>> OptionalState(const bj::object& o,
                                                 std::string_view key,
                                                 std::string_view field) {
    const bj::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return std::optional<StateCode>();
    EVIDEX_ASSIGN_OR_RETURN(StateCode c, State(*v, field));
    return std::optional<StateCode>(c);
  }

  template <typename E, std::size_t N>
  Result<std::uint8_t> WordSet(const bj::value& v, const Words<E, N>& words,
                               std::string_view field, bool non_empty) {
    if (!v.is_array()) return Err(FieldError(field, "expected an array"));
    const bj::array& a = v.get_array();
    if (non_empty && a.empty())
      return Err(
          FieldError(field, "must name at least one of " + words.List()));
    std::uint8_t mask = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      std::string f = std::string(field) + "[" + std::to_string(i) + "]";
      EVIDEX_ASSIGN_OR_RETURN(std::string_view s, String(a[i], f));
      auto e = words.Parse(s);
      if (!e)
        return Err(FieldError(
            f, "unknown value `" + Shown(s) + "`, expected " + words.List()));
      auto bit = static_cast<std::uint8_t>(1u << static_cast<unsigned>(*e));
      if (mask & bit)
        return Err(FieldError(f, "`" + std::string(s) + "` is listed twice"));
      mask |= bit;
    }
    return mask;
  }

  template <typename E, std::size_t N>
  Result<E> Word(const bj::value& v, const Words<E, N>& words,
                 std::string_view field) {
    EVIDEX_ASSIGN_OR_RETURN(std::string_view s, String(v, field));
    auto e = words.Parse(s);
    if (!e)
      return Err(FieldError(
          field, "unknown value `" + Shown(s) + "`, expected " + words.List()));
    return *e;
  }

  Result<Date> DateField(const bj::value& v, std::string_view field) {
    EVIDEX_ASSIGN_OR_RETURN(std::string_view s, String(v, field));
    auto d = ParseDate(s);
    if (!d)
      return Err(FieldError(
          field, "`" + Shown(s) + "` is not a date of the form YYYY-MM-DD"));
    return *d;
  }

  Status Parties(const bj::value& v, Query& q) {
    EVIDEX_ASSIGN_OR_RETURN(const bj::object* o, Object(v, "parties"));
    // First the codes, so that States may name each other in any order.
    for (const auto& kv : *o) {
      auto code = ParseStateCode(kv.key());
      if (!code) {
        return FieldError("parties", "`" + Shown(kv.key()) +
                                         "` is not a two-letter State code");
      }
      StateRecord rec;
      rec.code = *code;
      rec.name = std::string(kv.key());
      q.parties.push_back(std::move(rec));
    }
    std::size_t i = 0;
    for (const auto& kv : *o) {
      StateRecord& rec = q.parties[i++];
      std::string prefix = "parties." + std::string(kv.key());
      EVIDEX_ASSIGN_OR_RETURN(const bj::object* p, Object(kv.value(), prefix));
      EVIDEX_RETURN_IF_ERROR(
          Keys(*p, prefix + ".",
               {"instruments", "declarations", "reservations"}, {}));
      if (const bj::value* inst = p->if_contains("instruments")) {
        std::string f = prefix + ".instruments";
        EVIDEX_ASSIGN_OR_RETURN(const bj::object* io, Object(*inst, f));
        for (const auto& ikv : *io) {
          std::string fi = f + "." + Shown(ikv.key());
          auto id = kInstruments.Parse(ikv.key());
          if (!id)
            return InvalidArgumentError("unknown field `" + fi +
                                        "`, expected " + kInstruments.List());
          if (ikv.value().is_null()) continue;
          EVIDEX_ASSIGN_OR_RETURN(Date d, DateField(ikv.value(), fi));
          rec.in_force[static_cast<std::size_t>(*id)] = d;
        }
      }
      for (bool reservation : {false, true}) {
        const char* key = reservation ? "reservations" : "declarations";
        const bj::value* list = p->if_contains(key);
        if (list == nullptr) continue;
        std::string f = prefix + "." + key;
        if (!list->is_array()) return FieldError(f, "expected an array");
        const bj::array& a = list->get_array();
        for (std::size_t j = 0; j < a.size(); ++j) {
          std::string fj = f + "[" + std::to_string(j) + "]";
          EVIDEX_ASSIGN_OR_RETURN(std::string_view id, String(a[j], fj));
          int d = book_.FindDeclaration(id);
          if (d < 0 ||
              book_.declarations[static_cast<std::size_t>(d)].reservation !=
                  reservation) {
            return FieldError(
                fj, "`" + Shown(id) + "` is not a known " +
                        (reservation ? "reservation" : "declaration"));
          }
          for (const MadeEntry& m : rec.made) {
            if (m.declaration == d)
              return FieldError(fj,
                                "`" + std::string(id) + "` is listed twice");
          }
          rec.made.push_back(
              MadeEntry{static_cast<std::uint8_t>(d), std::nullopt});
        }
      }
    }
    defined_ = &q.parties;
    return OkStatus();
  }

  Result<Query> Parse(std::string_view json, Date today) {
    if (json.size() > kMaxQueryBytes) {
      return Err(InvalidArgumentError("the query is larger than " +
                                      std::to_string(kMaxQueryBytes) +
                                      " bytes"));
    }
    auto parsed = ParseJson(json);
    if (!parsed) return Err(parsed.error());
    if (!parsed->is_object())
      return Err(InvalidArgumentError("the query must be a JSON object"));
    const bj::object& o = parsed->get_object();
    EVIDEX_RETURN_IF_ERROR(
        Keys(o, "",
             {"as_of", "issuing_state", "addressee", "data", "measure",
              "emergency", "offence", "committed_in_issuing_state",
              "person_resides_in", "parties"},
             {"issuing_state", "addressee", "data", "measure", "emergency",
              "offence"}));
    Query q;
    if (const bj::value* p = o.if_contains("parties"))
      EVIDEX_RETURN_IF_ERROR(Parties(*p, q));
    q.as_of = today;
    if (const bj::value* v = o.if_contains("as_of")) {
      EVIDEX_ASSIGN_OR_RETURN(q.as_of, DateField(*v, "as_of"));
    }
    EVIDEX_ASSIGN_OR_RETURN(q.issuing_state,
                            State(o.at("issuing_state"), "issuing_state"));

    EVIDEX_ASSIGN_OR_RETURN(const bj::object* a,
                            Object(o.at("addressee"), "addressee"));
    EVIDEX_RETURN_IF_ERROR(
        Keys(*a, "addressee.",
             {"kind", "established_in", "designated_establishment_in",
              "legal_representative_in", "offers_services_in"},
             {"kind", "established_in"}));
    EVIDEX_ASSIGN_OR_RETURN(
        q.addressee_kind,
        Word(a->at("kind"), kAddresseeKinds, "addressee.kind"));
    EVIDEX_ASSIGN_OR_RETURN(
        q.established_in,
        State(a->at("established_in"), "addressee.established_in"));
    EVIDEX_ASSIGN_OR_RETURN(
        q.designated_establishment_in,
        OptionalState(*a, "designated_establishment_in",
                      "addressee.designated_establishment_in"));
    EVIDEX_ASSIGN_OR_RETURN(q.legal_representative_in,
                            OptionalState(*a, "legal_representative_in",
                                          "addressee.legal_representative_in"));
    if (const bj::value* v = a->if_contains("offers_services_in");
        v != nullptr && !v->is_null()) {
      if (!v->is_array())
        return Err(
            FieldError("addressee.offers_services_in", "expected an array"));
      const bj::array& arr = v->get_array();
      if (arr.size() > kStateCodeSpace) {
        return Err(FieldError("addressee.offers_services_in",
                              "lists too many States"));
      }
      for (std::size_t i = 0; i < arr.size(); ++i) {
        EVIDEX_ASSIGN_OR_RETURN(StateCode c,
                                State(arr[i], "addressee.offers_services_in[" +
                                                  std::to_string(i) + "]"));
        q.offers_services_in.push_back(c);
      }
    }

    EVIDEX_ASSIGN_OR_RETURN(
        q.data, WordSet(o.at("data"), kDataCategories, "data", true));
    EVIDEX_ASSIGN_OR_RETURN(q.measure,
                            Word(o.at("measure"), kMeasures, "measure"));
    EVIDEX_ASSIGN_OR_RETURN(q.emergency, Bool(o.at("emergency"), "emergency"));

    EVIDEX_ASSIGN_OR_RETURN(const bj::object* off,
                            Object(o.at("offence"), "offence"));
    EVIDEX_RETURN_IF_ERROR(
        Keys(*off, "offence.",
             {"max_custodial_years", "categories", "via_information_system"},
             {"max_custodial_years", "categories", "via_information_system"}));
    const bj::value& years = off->at("max_custodial_years");
    if (!years.is_null()) {
      if (!years.is_number()) {
        return Err(FieldError("offence.max_custodial_years",
                              "expected a number of years or null"));
      }
      double y = years.to_number<double>();
      if (!std::isfinite(y) || y < 0 || y > 1000) {
        return Err(FieldError("offence.max_custodial_years",
                              "must be between 0 and 1000 years"));
      }
      q.max_custodial_years = y;
    }
    EVIDEX_ASSIGN_OR_RETURN(q.offence_categories,
                            WordSet(off->at("categories"), kOffenceCategories,
                                    "offence.categories", false));
    EVIDEX_ASSIGN_OR_RETURN(q.via_information_system,
                            Bool(off->at("via_information_system"),
                                 "offence.via_information_system"));

    if (const bj::value* v = o.if_contains("committed_in_issuing_state");
        v != nullptr && !v->is_null()) {
      EVIDEX_ASSIGN_OR_RETURN(bool b, Bool(*v, "committed_in_issuing_state"));
      q.committed_in_issuing_state = b;
    }
    EVIDEX_ASSIGN_OR_RETURN(
        q.person_resides_in,
        OptionalState(o, "person_resides_in", "person_resides_in"));
    return q;
  }

 private:
  bool Defined(StateCode code) const {
    if (defined_ == nullptr) return false;
    return std::any_of(defined_->begin(), defined_->end(),
                       [&](const StateRecord& r) { return r.code == code; });
  }

  const LawBook& book_;
  const Registry& registry_;
  const std::vector<StateRecord>* defined_ = nullptr;
};

}  // namespace

Result<Query> ParseQuery(std::string_view json, const LawBook& book,
                         const Registry& registry, Date today) {
  return QueryParser(book, registry).Parse(json, today);
}

}  // namespace evidex::law
