#include "law/lawbook.h"

#include <toml++/toml.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "core/time.h"

namespace evidex::law {

int LawBook::FindProcedure(std::string_view id) const {
  for (std::size_t i = 0; i < procedures.size(); ++i) {
    if (procedures[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

int LawBook::FindDeclaration(std::string_view id) const {
  for (std::size_t i = 0; i < declarations.size(); ++i) {
    if (declarations[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

const Rule* LawBook::FindRule(std::string_view id) const {
  for (const Rule& r : rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

namespace {

// Reads one rule file. Every accessor checks the type and reports file:line on
// failure.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  Status Fail(const toml::node& at, const std::string& problem) const {
    return InvalidArgumentError(
        file_ + ":" + std::to_string(at.source().begin.line) + ": " + problem);
  }
  Status Fail(int line, const std::string& problem) const {
    return InvalidArgumentError(file_ + ":" + std::to_string(line) + ": " +
                                problem);
  }
  const std::string& file() const { return file_; }

  // Fails if `table` has a key outside `allowed`.
  Status CheckKeys(const toml::table& table,
                   std::initializer_list<std::string_view> allowed,
                   std::string_view what) const {
    for (auto&& [key, value] : table) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) ==
          allowed.end()) {
        return Fail(value, std::string(what) + ": unknown key `" +
                               std::string(key.str()) + "`");
      }
    }
    return OkStatus();
  }

  Result<std::string> String(const toml::table& t, std::string_view key,
                             std::string_view what,
                             bool required = true) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (!required) return std::string();
      return Err(
          Fail(t, std::string(what) + ": missing `" + std::string(key) + "`"));
    }
    auto s = n->value<std::string>();
    if (!n->is_string() || !s) {
      return Err(Fail(*n, std::string(what) + ": `" + std::string(key) +
                              "` must be a string"));
    }
    if (required && s->empty()) {
      return Err(Fail(*n, std::string(what) + ": `" + std::string(key) +
                              "` must not be empty"));
    }
    return *s;
  }

  Result<bool> Bool(const toml::table& t, std::string_view key,
                    std::string_view what) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      return Err(
          Fail(t, std::string(what) + ": missing `" + std::string(key) + "`"));
    }
    if (!n->is_boolean()) {
      return Err(Fail(*n, std::string(what) + ": `" + std::string(key) +
                              "` must be true or false"));
    }
    return *n->value<bool>();
  }

  Result<int> Int(const toml::table& t, std::string_view key,
                  std::string_view what) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      return Err(
          Fail(t, std::string(what) + ": missing `" + std::string(key) + "`"));
    }
    if (!n->is_integer()) {
      return Err(Fail(*n, std::string(what) + ": `" + std::string(key) +
                              "` must be an integer"));
    }
    return static_cast<int>(*n->value<std::int64_t>());
  }

  // An array of strings (a single string is not accepted: lists stay lists).
  Result<std::vector<std::string>> Strings(const toml::node& n,
                                           std::string_view what) const {
    const toml::array* a = n.as_array();
    if (a == nullptr)
      return Err(Fail(n, std::string(what) + " must be a list of strings"));
    std::vector<std::string> out;
    for (const toml::node& e : *a) {
      if (!e.is_string())
        return Err(Fail(e, std::string(what) + " must be a list of strings"));
      out.push_back(*e.value<std::string>());
    }
    return out;
  }

  // A list of words from `words`, as a bitmask.
  template <typename E, std::size_t N>
  Result<std::uint8_t> Mask(const toml::node& n, const Words<E, N>& words,
                            std::string_view what) const {
    EVIDEX_ASSIGN_OR_RETURN(std::vector<std::string> items, Strings(n, what));
    if (items.empty())
      return Err(Fail(n, std::string(what) + " must not be empty"));
    std::uint8_t mask = 0;
    for (const std::string& s : items) {
      auto e = words.Parse(s);
      if (!e) {
        return Err(Fail(n, std::string(what) + ": unknown word `" + s +
                               "`, expected " + words.List()));
      }
      mask |= static_cast<std::uint8_t>(1u << static_cast<unsigned>(*e));
    }
    return mask;
  }

  Result<Slot> ParseSlot(const toml::node& at, std::string_view s) const {
    auto slot = kSlots.Parse(s);
    if (!slot) {
      return Err(Fail(at, "unknown State slot `" + std::string(s) +
                              "`, expected " + kSlots.List()));
    }
    return *slot;
  }

 private:
  std::string file_;
};

constexpr int kMaxConditionDepth = 8;

Result<Condition> ParseCondition(const Reader& r, const LawBook& book,
                                 const toml::table& t, int depth) {
  if (depth > kMaxConditionDepth)
    return Err(r.Fail(t, "condition nested too deeply"));
  Condition c;
  for (auto&& [key_node, value] : t) {
    std::string_view key = key_node.str();
    if (auto fact = kFacts.Parse(key)) {
      if (!value.is_boolean())
        return Err(
            r.Fail(value, "`" + std::string(key) + "` must be true or false"));
      auto bit = static_cast<std::uint8_t>(1u << static_cast<unsigned>(*fact));
      (*value.value<bool>() ? c.facts_true : c.facts_false) |= bit;
    } else if (key == "measure") {
      EVIDEX_ASSIGN_OR_RETURN(c.measure_any,
                              r.Mask(value, kMeasures, "`measure`"));
    } else if (key == "addressee_kind") {
      EVIDEX_ASSIGN_OR_RETURN(
          c.kind_any, r.Mask(value, kAddresseeKinds, "`addressee_kind`"));
    } else if (key == "data_any") {
      EVIDEX_ASSIGN_OR_RETURN(c.data_any,
                              r.Mask(value, kDataCategories, "`data_any`"));
    } else if (key == "data_only") {
      EVIDEX_ASSIGN_OR_RETURN(c.data_only,
                              r.Mask(value, kDataCategories, "`data_only`"));
    } else if (key == "data_none") {
      EVIDEX_ASSIGN_OR_RETURN(c.data_none,
                              r.Mask(value, kDataCategories, "`data_none`"));
    } else if (key == "offence_category_any") {
      EVIDEX_ASSIGN_OR_RETURN(c.category_any, r.Mask(value, kOffenceCategories,
                                                     "`offence_category_any`"));
    } else if (key == "min_custodial_years") {
      auto v = value.value<double>();
      if (!(value.is_integer() || value.is_floating_point()) || !v || *v < 0) {
        return Err(
            r.Fail(value, "`min_custodial_years` must be a number of years"));
      }
      c.min_custodial_years = *v;
    } else if (key == "bound") {
      EVIDEX_ASSIGN_OR_RETURN(auto items, r.Strings(value, "`bound`"));
      for (const std::string& s : items) {
        auto colon = s.find(':');
        auto inst = colon == std::string::npos
                        ? std::nullopt
                        : kInstruments.Parse(s.substr(colon + 1));
        if (!inst) {
          return Err(r.Fail(
              value, "`bound` entries are `slot:instrument`, got `" + s + "`"));
        }
        EVIDEX_ASSIGN_OR_RETURN(Slot slot,
                                r.ParseSlot(value, s.substr(0, colon)));
        c.bound.push_back({slot, *inst});
      }
    } else if (key == "declared" || key == "reserved") {
      EVIDEX_ASSIGN_OR_RETURN(auto items,
                              r.Strings(value, "`" + std::string(key) + "`"));
      for (const std::string& s : items) {
        auto colon = s.find(':');
        int d = colon == std::string::npos
                    ? -1
                    : book.FindDeclaration(s.substr(colon + 1));
        bool want_reservation = key == "reserved";
        if (d < 0 ||
            book.declarations[static_cast<std::size_t>(d)].reservation !=
                want_reservation) {
          return Err(r.Fail(
              value, "`" + std::string(key) + "` entries are `slot:" +
                         (want_reservation ? "reservation" : "declaration") +
                         "-id` of a known one, got `" + s + "`"));
        }
        EVIDEX_ASSIGN_OR_RETURN(Slot slot,
                                r.ParseSlot(value, s.substr(0, colon)));
        c.made.push_back({slot, static_cast<std::uint8_t>(d)});
      }
    } else if (key == "same" || key == "different") {
      const toml::array* a = value.as_array();
      if (a == nullptr)
        return Err(r.Fail(
            value, "`" + std::string(key) + "` must be a list of slot pairs"));
      for (const toml::node& pair : *a) {
        EVIDEX_ASSIGN_OR_RETURN(auto names, r.Strings(pair, "a slot pair"));
        if (names.size() != 2)
          return Err(r.Fail(pair, "a slot pair has two slots"));
        EVIDEX_ASSIGN_OR_RETURN(Slot a0, r.ParseSlot(pair, names[0]));
        EVIDEX_ASSIGN_OR_RETURN(Slot a1, r.ParseSlot(pair, names[1]));
        (key == "same" ? c.same : c.different).emplace_back(a0, a1);
      }
    } else if (key == "present") {
      EVIDEX_ASSIGN_OR_RETURN(auto items, r.Strings(value, "`present`"));
      for (const std::string& s : items) {
        EVIDEX_ASSIGN_OR_RETURN(Slot slot, r.ParseSlot(value, s));
        c.present.push_back(slot);
      }
    } else if (key == "any_of" || key == "none_of") {
      const toml::array* a = value.as_array();
      if (a == nullptr || a->empty()) {
        return Err(
            r.Fail(value, "`" + std::string(key) +
                              "` must be a non-empty list of conditions"));
      }
      for (const toml::node& sub : *a) {
        const toml::table* st = sub.as_table();
        if (st == nullptr)
          return Err(
              r.Fail(sub, "`" + std::string(key) + "` must list conditions"));
        EVIDEX_ASSIGN_OR_RETURN(Condition sc,
                                ParseCondition(r, book, *st, depth + 1));
        (key == "any_of" ? c.any_of : c.none_of).push_back(std::move(sc));
      }
    } else {
      return Err(r.Fail(value, "unknown condition `" + std::string(key) + "`"));
    }
  }
  if (c.facts_true & c.facts_false)
    return Err(r.Fail(t, "a fact is required both true and false"));
  c.trivial = t.empty();
  return c;
}

bool MentionsSlot(const Condition& c, Slot s) {
  for (const auto& b : c.bound) {
    if (b.slot == s) return true;
  }
  for (const auto& m : c.made) {
    if (m.slot == s) return true;
  }
  for (const auto& p : c.same) {
    if (p.first == s || p.second == s) return true;
  }
  for (const auto& p : c.different) {
    if (p.first == s || p.second == s) return true;
  }
  for (Slot p : c.present) {
    if (p == s) return true;
  }
  for (const Condition& sub : c.any_of) {
    if (MentionsSlot(sub, s)) return true;
  }
  for (const Condition& sub : c.none_of) {
    if (MentionsSlot(sub, s)) return true;
  }
  return false;
}

Status ParseValue(const Reader& r, const toml::table& t, Rule& rule) {
  const toml::node* v = t.get("value");
  bool needs_value = rule.decides != Decides::kRequires &&
                     rule.decides != Decides::kExcludes &&
                     rule.decides != Decides::kPrecondition &&
                     rule.decides != Decides::kDuty;
  if (!needs_value) {
    if (v != nullptr)
      return r.Fail(*v, "a `" + std::string(kDecides.Name(rule.decides)) +
                            "` rule takes no `value`");
    return OkStatus();
  }
  if (v == nullptr) return r.Fail(t, "rule `" + rule.id + "`: missing `value`");
  if (v->is_string() && *v->value<std::string>() == "none") {
    if (rule.overrides.empty()) {
      return r.Fail(
          *v,
          "rule `" + rule.id +
              "`: only a rule that overrides another may take its value away");
    }
    rule.removes = true;
    return OkStatus();
  }
  switch (rule.decides) {
    case Decides::kIssuingAuthorities:
    case Decides::kValidatingAuthorities: {
      EVIDEX_ASSIGN_OR_RETURN(rule.authorities, r.Strings(*v, "`value`"));
      for (const std::string& a : rule.authorities) {
        if (!kAuthorities.Parse(a)) {
          return r.Fail(*v, "unknown authority `" + a + "`, expected " +
                                kAuthorities.List());
        }
      }
      return OkStatus();
    }
    case Decides::kResponseDeadline:
    case Decides::kServiceDeadline:
    case Decides::kPreservationPeriod:
    case Decides::kPreservationExtension:
    case Decides::kValidationDeadline: {
      auto s = v->value<std::string>();
      if (!v->is_string() || !ParseDurationSeconds(*s).has_value()) {
        return r.Fail(
            *v, "rule `" + rule.id +
                    "`: `value` must be an ISO 8601 duration of days or hours");
      }
      rule.duration = *s;
      return OkStatus();
    }
    case Decides::kAddressee: {
      const toml::table* at = v->as_table();
      if (at == nullptr)
        return r.Fail(*v, "an addressee is `{ role = ..., state = ... }`");
      EVIDEX_RETURN_IF_ERROR(r.CheckKeys(*at, {"role", "state"}, "addressee"));
      EVIDEX_ASSIGN_OR_RETURN(std::string role,
                              r.String(*at, "role", "addressee"));
      EVIDEX_ASSIGN_OR_RETURN(std::string state,
                              r.String(*at, "state", "addressee"));
      auto parsed_role = kAddresseeRoles.Parse(role);
      if (!parsed_role)
        return r.Fail(*v, "unknown addressee role `" + role + "`, expected " +
                              kAddresseeRoles.List());
      EVIDEX_ASSIGN_OR_RETURN(rule.addressee_state, r.ParseSlot(*v, state));
      if (rule.addressee_state == Slot::kAddressee)
        return r.Fail(*v, "an addressee's State cannot be `addressee`");
      rule.addressee_role = *parsed_role;
      return OkStatus();
    }
    case Decides::kNotification: {
      const toml::table* nt = v->as_table();
      if (nt == nullptr)
        return r.Fail(*v,
                      "a notification is `{ state, role, objection_window, "
                      "suspensive }`");
      EVIDEX_RETURN_IF_ERROR(
          r.CheckKeys(*nt, {"state", "role", "objection_window", "suspensive"},
                      "notification"));
      EVIDEX_ASSIGN_OR_RETURN(std::string state,
                              r.String(*nt, "state", "notification"));
      EVIDEX_ASSIGN_OR_RETURN(std::string role,
                              r.String(*nt, "role", "notification"));
      EVIDEX_ASSIGN_OR_RETURN(
          std::string window,
          r.String(*nt, "objection_window", "notification", false));
      EVIDEX_ASSIGN_OR_RETURN(rule.notification.suspensive,
                              r.Bool(*nt, "suspensive", "notification"));
      EVIDEX_ASSIGN_OR_RETURN(rule.notification.state, r.ParseSlot(*v, state));
      auto parsed_role = kNotifiedRoles.Parse(role);
      if (!parsed_role)
        return r.Fail(*v, "unknown notified role `" + role + "`, expected " +
                              kNotifiedRoles.List());
      rule.notification.role = *parsed_role;
      if (!window.empty() && !ParseDurationSeconds(window).has_value()) {
        return r.Fail(
            *v,
            "`objection_window` must be an ISO 8601 duration of days or hours");
      }
      rule.notification.objection_window = window;
      return OkStatus();
    }
    default:
      return InternalError("unhandled rule kind");
  }
}

Status LoadDefinitions(const Reader& r, const toml::table& root,
                       LawBook& book) {
  EVIDEX_RETURN_IF_ERROR(
      r.CheckKeys(root,
                  {"instrument", "title", "source", "procedure", "declaration",
                   "reservation", "rule"},
                  "rule file"));
  EVIDEX_ASSIGN_OR_RETURN(std::string inst_name,
                          r.String(root, "instrument", "rule file"));
  auto instrument = kInstruments.Parse(inst_name);
  if (!instrument)
    return r.Fail(root, "unknown instrument `" + inst_name + "`, expected " +
                            kInstruments.List());
  EVIDEX_ASSIGN_OR_RETURN(std::string title,
                          r.String(root, "title", "rule file"));

  if (const toml::node* n = root.get("procedure")) {
    const toml::array* a = n->as_array();
    if (a == nullptr)
      return r.Fail(*n,
                    "`procedure` must be an array of tables ([[procedure]])");
    for (const toml::node& pn : *a) {
      const toml::table* pt = pn.as_table();
      if (pt == nullptr)
        return r.Fail(pn,
                      "`procedure` must be an array of tables ([[procedure]])");
      EVIDEX_RETURN_IF_ERROR(r.CheckKeys(
          *pt, {"id", "title", "priority", "emergency_priority"}, "procedure"));
      Procedure p;
      p.instrument = *instrument;
      EVIDEX_ASSIGN_OR_RETURN(p.id, r.String(*pt, "id", "procedure"));
      EVIDEX_ASSIGN_OR_RETURN(p.title, r.String(*pt, "title", "procedure"));
      EVIDEX_ASSIGN_OR_RETURN(p.priority, r.Int(*pt, "priority", "procedure"));
      EVIDEX_ASSIGN_OR_RETURN(p.emergency_priority,
                              r.Int(*pt, "emergency_priority", "procedure"));
      if (!p.id.starts_with(inst_name + ".")) {
        return r.Fail(pn, "procedure `" + p.id + "` must start with `" +
                              inst_name + ".`");
      }
      if (book.FindProcedure(p.id) >= 0)
        return r.Fail(pn, "procedure `" + p.id + "` is defined twice");
      book.procedures.push_back(std::move(p));
    }
  }
  for (const char* kind : {"declaration", "reservation"}) {
    const toml::node* n = root.get(kind);
    if (n == nullptr) continue;
    const toml::array* a = n->as_array();
    if (a == nullptr)
      return r.Fail(*n,
                    "`" + std::string(kind) + "` must be an array of tables");
    for (const toml::node& dn : *a) {
      const toml::table* dt = dn.as_table();
      if (dt == nullptr)
        return r.Fail(dn,
                      "`" + std::string(kind) + "` must be an array of tables");
      EVIDEX_RETURN_IF_ERROR(
          r.CheckKeys(*dt, {"id", "cite", "text", "verified", "source"}, kind));
      Declaration d;
      d.instrument = *instrument;
      d.reservation = std::string_view(kind) == "reservation";
      EVIDEX_ASSIGN_OR_RETURN(d.id, r.String(*dt, "id", kind));
      EVIDEX_ASSIGN_OR_RETURN(d.cite, r.String(*dt, "cite", kind));
      EVIDEX_ASSIGN_OR_RETURN(d.text, r.String(*dt, "text", kind));
      EVIDEX_ASSIGN_OR_RETURN(d.verified, r.Bool(*dt, "verified", kind));
      if (!d.id.starts_with(inst_name + ".")) {
        return r.Fail(dn, std::string(kind) + " `" + d.id +
                              "` must start with `" + inst_name + ".`");
      }
      if (book.FindDeclaration(d.id) >= 0)
        return r.Fail(dn, "`" + d.id + "` is defined twice");
      if (book.declarations.size() >= kMaxDeclarations)
        return r.Fail(dn, "too many declarations and reservations");
      book.declarations.push_back(std::move(d));
    }
  }
  return OkStatus();
}

Status LoadRules(const Reader& r, const toml::table& root, LawBook& book,
                 std::map<std::string, RuleIndex>& by_id) {
  const toml::node* n = root.get("rule");
  if (n == nullptr) return OkStatus();
  const toml::array* a = n->as_array();
  if (a == nullptr)
    return r.Fail(*n, "`rule` must be an array of tables ([[rule]])");
  for (const toml::node& rn : *a) {
    const toml::table* rt = rn.as_table();
    if (rt == nullptr)
      return r.Fail(rn, "`rule` must be an array of tables ([[rule]])");
    EVIDEX_RETURN_IF_ERROR(r.CheckKeys(
        *rt,
        {"id", "cite", "text", "explain", "verified", "source", "procedures",
         "decides", "scope", "when", "overrides", "value"},
        "rule"));
    Rule rule;
    rule.file = r.file();
    rule.line = static_cast<int>(rn.source().begin.line);
    EVIDEX_ASSIGN_OR_RETURN(rule.id, r.String(*rt, "id", "rule"));
    const std::string what = "rule `" + rule.id + "`";
    EVIDEX_ASSIGN_OR_RETURN(rule.cite, r.String(*rt, "cite", what));
    EVIDEX_ASSIGN_OR_RETURN(rule.text, r.String(*rt, "text", what));
    EVIDEX_ASSIGN_OR_RETURN(rule.explain, r.String(*rt, "explain", what));
    EVIDEX_ASSIGN_OR_RETURN(rule.verified, r.Bool(*rt, "verified", what));
    EVIDEX_ASSIGN_OR_RETURN(rule.source, r.String(*rt, "source", what, false));
    if (const toml::node* o = rt->get("overrides")) {
      if (o->is_string()) {
        rule.overrides.push_back(*o->value<std::string>());
      } else {
        EVIDEX_ASSIGN_OR_RETURN(rule.overrides, r.Strings(*o, "`overrides`"));
      }
    }
    if (rule.explain.find('\n') != std::string::npos) {
      return r.Fail(rn, what + ": `explain` is one line");
    }
    EVIDEX_ASSIGN_OR_RETURN(std::string decides,
                            r.String(*rt, "decides", what));
    auto kind = kDecides.Parse(decides);
    if (!kind)
      return r.Fail(rn, what + ": unknown `decides` `" + decides +
                            "`, expected " + kDecides.List());
    rule.decides = *kind;
    const toml::node* procs = rt->get("procedures");
    if (procs == nullptr) return r.Fail(rn, what + ": missing `procedures`");
    EVIDEX_ASSIGN_OR_RETURN(auto proc_ids, r.Strings(*procs, "`procedures`"));
    if (proc_ids.empty())
      return r.Fail(*procs, what + ": `procedures` must not be empty");
    for (const std::string& pid : proc_ids) {
      int p = book.FindProcedure(pid);
      if (p < 0)
        return r.Fail(*procs, what + ": unknown procedure `" + pid + "`");
      rule.procedures.push_back(static_cast<std::uint8_t>(p));
    }
    for (const char* key : {"scope", "when"}) {
      const toml::node* w = rt->get(key);
      if (w == nullptr) continue;
      const toml::table* wt = w->as_table();
      if (wt == nullptr)
        return r.Fail(*w, what + ": `" + key + "` must be a table");
      EVIDEX_ASSIGN_OR_RETURN(Condition c, ParseCondition(r, book, *wt, 0));
      c.uses_addressee = MentionsSlot(c, Slot::kAddressee);
      (std::string_view(key) == "scope" ? rule.scope : rule.when) =
          std::move(c);
    }
    if ((rule.decides == Decides::kRequires ||
         rule.decides == Decides::kExcludes) &&
        rt->get("when") == nullptr) {
      return r.Fail(rn, what + ": a `" + decides +
                            "` rule needs a `when` (`{}` for always)");
    }
    if (rule.decides == Decides::kAddressee &&
        (rule.when.uses_addressee || rule.scope.uses_addressee)) {
      return r.Fail(
          rn, what + ": an addressee rule cannot depend on the addressee");
    }
    if (!rule.overrides.empty() && (rule.decides == Decides::kRequires ||
                                    rule.decides == Decides::kExcludes)) {
      return r.Fail(rn, what +
                            ": `requires` and `excludes` rules do not "
                            "override; narrow their `when` instead");
    }
    EVIDEX_RETURN_IF_ERROR(ParseValue(r, *rt, rule));
    if (by_id.contains(rule.id))
      return r.Fail(rn, "rule `" + rule.id + "` is defined twice");
    if (book.rules.size() >= kMaxRules) return r.Fail(rn, "too many rules");
    rule.index = static_cast<RuleIndex>(book.rules.size());
    by_id[rule.id] = rule.index;
    book.rules.push_back(std::move(rule));
  }
  return OkStatus();
}

// Resolves overrides, computes ranks, and rejects cycles and overrides across
// kinds.
Status LinkOverrides(LawBook& book,
                     const std::map<std::string, RuleIndex>& by_id) {
  book.overridden_by.assign(book.rules.size(), {});
  for (Rule& rule : book.rules) {
    Reader r(rule.file);
    for (const std::string& id : rule.overrides) {
      auto it = by_id.find(id);
      if (it == by_id.end()) {
        return r.Fail(rule.line, "rule `" + rule.id +
                                     "` overrides unknown rule `" + id + "`");
      }
      const Rule& general = book.rules[it->second];
      if (general.decides != rule.decides) {
        return r.Fail(rule.line,
                      "rule `" + rule.id + "` decides `" +
                          std::string(kDecides.Name(rule.decides)) +
                          "` but overrides `" + general.id +
                          "`, which decides `" +
                          std::string(kDecides.Name(general.decides)) + "`");
      }
      for (std::uint8_t p : rule.procedures) {
        if (std::find(general.procedures.begin(), general.procedures.end(),
                      p) == general.procedures.end()) {
          return r.Fail(rule.line, "rule `" + rule.id + "` concerns `" +
                                       book.procedures[p].id + "`, which `" +
                                       general.id + "` does not");
        }
      }
      rule.overrides_indices.push_back(it->second);
      book.overridden_by[it->second].push_back(rule.index);
    }
  }
  // Ranks by depth-first search; a rule met again on the current path closes a
  // cycle.
  std::vector<int> state(book.rules.size(), 0);  // 0 new, 1 on the path, 2 done
  std::function<Status(RuleIndex)> visit = [&](RuleIndex i) -> Status {
    Rule& rule = book.rules[i];
    if (state[i] == 2) return OkStatus();
    if (state[i] == 1) {
      return Reader(rule.file).Fail(
          rule.line, "rule `" + rule.id + "` is part of an override cycle");
    }
    state[i] = 1;
    int rank = 0;
    for (RuleIndex g : rule.overrides_indices) {
      EVIDEX_RETURN_IF_ERROR(visit(g));
      rank = std::max(rank, book.rules[g].rank + 1);
    }
    rule.rank = rank;
    state[i] = 2;
    return OkStatus();
  };
  for (const Rule& rule : book.rules) EVIDEX_RETURN_IF_ERROR(visit(rule.index));
  return OkStatus();
}

}  // namespace

Result<LawBook> LoadLawBook(const std::vector<SourceFile>& files) {
  LawBook book;
  std::vector<toml::table> roots;
  roots.reserve(files.size());
  for (const SourceFile& f : files) {
    try {
      roots.push_back(toml::parse(f.text, f.name));
    } catch (const toml::parse_error& e) {
      return Err(InvalidArgumentError(f.name + ":" +
                                      std::to_string(e.source().begin.line) +
                                      ": " + std::string(e.description())));
    }
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    EVIDEX_RETURN_IF_ERROR(
        LoadDefinitions(Reader(files[i].name), roots[i], book));
  }
  std::map<std::string, RuleIndex> by_id;
  for (std::size_t i = 0; i < files.size(); ++i) {
    EVIDEX_RETURN_IF_ERROR(
        LoadRules(Reader(files[i].name), roots[i], book, by_id));
  }
  EVIDEX_RETURN_IF_ERROR(LinkOverrides(book, by_id));
  for (const Rule& rule : book.rules) {
    for (std::uint8_t p : rule.procedures) {
      book.procedures[p].rules.push_back(rule.index);
    }
  }
  for (Procedure& p : book.procedures) {
    std::stable_partition(p.rules.begin(), p.rules.end(), [&](RuleIndex i) {
      return book.rules[i].decides == Decides::kAddressee;
    });
  }
  return book;
}

}  // namespace evidex::law
