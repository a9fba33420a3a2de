#include "workflow/facts.h"

#include <algorithm>
#include <cassert>

#include "core/json.h"
#include "workflow/machine.h"

namespace evidex::workflow {
namespace {

namespace bj = boost::json;

// The authority words that may act as "another competent authority" whose
// order a judge, court, investigating judge or prosecutor validates (EU
// 2023/1543 Art. 4(1)(b), 4(2)(b), 4(3)(b)).
bool MayBeValidated(law::Authority a) {
  return a == law::Authority::kProsecutor ||
         a == law::Authority::kOtherCompetentAuthority;
}

bool Lists(const law::Rule* rule, std::string_view word) {
  return rule != nullptr && !rule->removes &&
         std::find(rule->authorities.begin(), rule->authorities.end(), word) !=
             rule->authorities.end();
}

std::string Listing(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += "`" + words[i] + "`";
  }
  return out;
}

// Durations of rules are checked when the law book loads (LoadLawBook).
std::int64_t Seconds(const std::string& duration) {
  auto seconds = ParseDurationSeconds(duration);
  assert(seconds.has_value());
  return *seconds;
}

DeadlineTerm TermOf(std::string_view name, const law::Rule& rule,
                    const std::string& duration) {
  return DeadlineTerm{std::string(name), rule.id, rule.cite, duration,
                      Seconds(duration)};
}

// The notification rules that apply to the channel (a special rule that takes
// the notification away is not one).
std::vector<const law::Rule*> Notifications(const law::LawBook& book,
                                            const law::ChannelOutcome& c) {
  std::vector<const law::Rule*> out;
  c.rules.ForEach([&](law::RuleIndex i) {
    const law::Rule& r = book.rules[i];
    if (r.decides == law::Decides::kNotification && !r.removes) {
      out.push_back(&r);
    }
  });
  return out;
}

Status DataLoss(std::string_view field, std::string_view problem) {
  return DataLossError("stored case facts: field `" + std::string(field) +
                       "`: " + std::string(problem));
}

Result<const bj::value*> Get(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  if (v == nullptr) return Err(DataLoss(key, "missing"));
  return v;
}

Result<std::string> GetString(const bj::object& o, std::string_view key) {
  EVIDEX_ASSIGN_OR_RETURN(const bj::value* v, Get(o, key));
  if (!v->is_string()) return Err(DataLoss(key, "expected a string"));
  return std::string(v->get_string());
}

Result<bool> GetBool(const bj::object& o, std::string_view key) {
  EVIDEX_ASSIGN_OR_RETURN(const bj::value* v, Get(o, key));
  if (!v->is_bool()) return Err(DataLoss(key, "expected true or false"));
  return v->get_bool();
}

Result<std::vector<std::string>> GetStrings(const bj::object& o,
                                            std::string_view key) {
  EVIDEX_ASSIGN_OR_RETURN(const bj::value* v, Get(o, key));
  if (!v->is_array()) return Err(DataLoss(key, "expected an array"));
  std::vector<std::string> out;
  for (const bj::value& e : v->get_array()) {
    if (!e.is_string()) return Err(DataLoss(key, "expected strings"));
    out.emplace_back(e.get_string());
  }
  return out;
}

}  // namespace

const DeadlineTerm* CaseFacts::Term(std::string_view name) const {
  for (const DeadlineTerm& t : terms) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Result<const law::ChannelOutcome*> OpenChannel(const law::LawBook& book,
                                               const law::Decision& decision,
                                               std::string_view procedure) {
  if (FindMachine(procedure) == nullptr) {
    return Err(InvalidArgumentError("no workflow for procedure `" +
                                    std::string(procedure) + "`"));
  }
  const int p = book.FindProcedure(procedure);
  for (const law::Conflict& c : decision.conflicts) {
    if (c.procedure == p) {
      return Err(FailedPreconditionError(
          "the law gives conflicting values for `" + std::string(procedure) +
          "`: rules `" + book.rules[c.first].id + "` and `" +
          book.rules[c.second].id + "`"));
    }
  }
  for (const law::ChannelOutcome& c : decision.channels) {
    if (c.procedure == p) return &c;
  }
  std::string reasons;
  for (const law::ChannelOutcome& c : decision.excluded) {
    if (c.procedure != p) continue;
    c.rules.ForEach([&](law::RuleIndex i) {
      const law::Rule& r = book.rules[i];
      if (!reasons.empty()) reasons += "; ";
      reasons += r.cite + " (" + r.id + "): " + r.explain;
    });
  }
  return Err(FailedPreconditionError(
      "channel `" + std::string(procedure) + "` is closed" +
      (reasons.empty() ? std::string() : ": " + reasons)));
}

Result<CaseFacts> FactsFromDecision(const law::LawBook& book,
                                    const law::Query& query,
                                    const law::Decision& decision,
                                    std::string_view procedure,
                                    std::string_view issuing_authority) {
  EVIDEX_ASSIGN_OR_RETURN(const law::ChannelOutcome* open,
                          OpenChannel(book, decision, procedure));
  const Machine* machine = FindMachine(procedure);
  auto authority = law::kAuthorities.Parse(issuing_authority);
  if (!authority) {
    return Err(InvalidArgumentError("`" + std::string(issuing_authority) +
                                    "` is not an authority, expected " +
                                    law::kAuthorities.List()));
  }
  const auto value = [&](law::Decides d) -> const law::Rule* {
    const law::Rule* r = open->values[static_cast<std::size_t>(d)];
    return r != nullptr && !r->removes ? r : nullptr;
  };

  CaseFacts f;
  f.procedure = std::string(procedure);
  f.emergency = decision.emergency;
  f.issuing_state = law::StateCodeName(query.issuing_state);
  f.issuing_authority = std::string(issuing_authority);
  f.data = query.data;
  if (open->addressee != nullptr) {
    f.addressee_role =
        std::string(law::kAddresseeRoles.Name(open->addressee->addressee_role));
  }
  if (open->addressee_state) {
    f.addressee_state = law::StateCodeName(*open->addressee_state);
  }

  const law::Rule* issuers = value(law::Decides::kIssuingAuthorities);
  const law::Rule* validators = value(law::Decides::kValidatingAuthorities);
  if (validators != nullptr) f.validating_authorities = validators->authorities;
  if (!Lists(issuers, issuing_authority)) {
    if (validators == nullptr || !MayBeValidated(*authority)) {
      std::string who = issuers == nullptr
                            ? std::string("no authority")
                            : "only " + Listing(issuers->authorities);
      return Err(Status(StatusCode::kPermissionDenied,
                        "`" + std::string(issuing_authority) +
                            "` may not issue `" + std::string(procedure) +
                            "` here: " + who + " may" +
                            (issuers == nullptr ? std::string()
                                                : " (" + issuers->cite + ")")));
    }
    f.validation_required = true;
  }

  std::vector<const law::Rule*> notifications = Notifications(book, *open);
  const law::Rule* window = nullptr;
  std::int64_t window_seconds = -1;
  for (const law::Rule* n : notifications) {
    f.notification_required = true;
    f.notification_suspensive |= n->notification.suspensive;
    f.notified_role =
        std::string(law::kNotifiedRoles.Name(n->notification.role));
    if (n->notification.objection_window.empty()) continue;
    std::int64_t seconds = Seconds(n->notification.objection_window);
    if (seconds > window_seconds) {
      window = n;
      window_seconds = seconds;
    }
  }
  // The Art. 9(5) declaration reaches the channel as the precondition rule
  // that implements it (law/rules/cets224.toml); Art9Test pins the id.
  open->rules.ForEach([&](law::RuleIndex i) {
    if (book.rules[i].id == "cets224.9.5") f.formalisation_required = true;
  });

  for (const DeadlineSpec& spec : machine->deadlines) {
    std::string_view name = kDeadlineNames.Name(spec.name);
    if (spec.source == law::Decides::kNotification) {
      if (window == nullptr) continue;
      f.terms.push_back(
          TermOf(name, *window, window->notification.objection_window));
      continue;
    }
    const law::Rule* r = value(spec.source);
    if (r == nullptr) continue;
    DeadlineTerm t = TermOf(name, *r, r->duration);
    if (spec.name == DeadlineName::kValidation) {
      // Ex-post validation: only for an issuer who needs validation, in the
      // emergency the rule was made for.
      f.ex_post_validation = f.validation_required && f.emergency;
      if (!f.ex_post_validation) continue;
    }
    f.terms.push_back(std::move(t));
    if (spec.name == DeadlineName::kPreservation) {
      if (const law::Rule* e = value(law::Decides::kPreservationExtension)) {
        f.terms.push_back(TermOf(kPreservationExtensionTerm, *e, e->duration));
      }
    }
  }
  return f;
}

std::string FactsJson(const CaseFacts& f) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("procedure");
  w.String(f.procedure);
  w.Key("emergency");
  w.Bool(f.emergency);
  w.Key("issuing_state");
  w.String(f.issuing_state);
  w.Key("issuing_authority");
  w.String(f.issuing_authority);
  w.Key("validation_required");
  w.Bool(f.validation_required);
  w.Key("ex_post_validation");
  w.Bool(f.ex_post_validation);
  w.Key("validating_authorities");
  w.BeginArray();
  for (const std::string& a : f.validating_authorities) w.String(a);
  w.EndArray();
  w.Key("notification_required");
  w.Bool(f.notification_required);
  w.Key("notification_suspensive");
  w.Bool(f.notification_suspensive);
  w.Key("notified_role");
  w.String(f.notified_role);
  w.Key("formalisation_required");
  w.Bool(f.formalisation_required);
  w.Key("data");
  w.BeginArray();
  for (std::size_t i = 0; i < law::kDataCategories.names.size(); ++i) {
    if ((f.data >> i) & 1) {
      w.String(law::kDataCategories.Name(static_cast<law::DataCategory>(i)));
    }
  }
  w.EndArray();
  w.Key("addressee_role");
  w.String(f.addressee_role);
  w.Key("addressee_state");
  w.String(f.addressee_state);
  w.Key("terms");
  w.BeginArray();
  for (const DeadlineTerm& t : f.terms) {
    w.BeginObject();
    w.Key("name");
    w.String(t.name);
    w.Key("rule");
    w.String(t.rule_id);
    w.Key("cite");
    w.String(t.cite);
    w.Key("duration");
    w.String(t.duration);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

Result<CaseFacts> ParseFactsJson(std::string_view json) {
  auto parsed = ParseJson(json);
  if (!parsed) {
    return Err(DataLossError("stored case facts do not parse: " +
                             parsed.error().message()));
  }
  return ParseFacts(*parsed);
}

Result<CaseFacts> ParseFacts(const bj::value& facts) {
  if (!facts.is_object()) return Err(DataLoss("", "expected an object"));
  const bj::object& o = facts.get_object();
  CaseFacts f;
  EVIDEX_ASSIGN_OR_RETURN(f.procedure, GetString(o, "procedure"));
  EVIDEX_ASSIGN_OR_RETURN(f.emergency, GetBool(o, "emergency"));
  EVIDEX_ASSIGN_OR_RETURN(f.issuing_state, GetString(o, "issuing_state"));
  EVIDEX_ASSIGN_OR_RETURN(f.issuing_authority,
                          GetString(o, "issuing_authority"));
  EVIDEX_ASSIGN_OR_RETURN(f.validation_required,
                          GetBool(o, "validation_required"));
  EVIDEX_ASSIGN_OR_RETURN(f.ex_post_validation,
                          GetBool(o, "ex_post_validation"));
  EVIDEX_ASSIGN_OR_RETURN(f.validating_authorities,
                          GetStrings(o, "validating_authorities"));
  EVIDEX_ASSIGN_OR_RETURN(f.notification_required,
                          GetBool(o, "notification_required"));
  EVIDEX_ASSIGN_OR_RETURN(f.notification_suspensive,
                          GetBool(o, "notification_suspensive"));
  EVIDEX_ASSIGN_OR_RETURN(f.notified_role, GetString(o, "notified_role"));
  EVIDEX_ASSIGN_OR_RETURN(f.formalisation_required,
                          GetBool(o, "formalisation_required"));
  EVIDEX_ASSIGN_OR_RETURN(std::vector<std::string> data, GetStrings(o, "data"));
  for (const std::string& d : data) {
    auto c = law::kDataCategories.Parse(d);
    if (!c) return Err(DataLoss("data", "unknown category `" + d + "`"));
    f.data |= static_cast<std::uint8_t>(1u << static_cast<unsigned>(*c));
  }
  EVIDEX_ASSIGN_OR_RETURN(f.addressee_role, GetString(o, "addressee_role"));
  EVIDEX_ASSIGN_OR_RETURN(f.addressee_state, GetString(o, "addressee_state"));
  EVIDEX_ASSIGN_OR_RETURN(const bj::value* terms, Get(o, "terms"));
  if (!terms->is_array()) return Err(DataLoss("terms", "expected an array"));
  for (const bj::value& t : terms->get_array()) {
    if (!t.is_object()) return Err(DataLoss("terms", "expected objects"));
    const bj::object& to = t.get_object();
    DeadlineTerm term;
    EVIDEX_ASSIGN_OR_RETURN(term.name, GetString(to, "name"));
    EVIDEX_ASSIGN_OR_RETURN(term.rule_id, GetString(to, "rule"));
    EVIDEX_ASSIGN_OR_RETURN(term.cite, GetString(to, "cite"));
    EVIDEX_ASSIGN_OR_RETURN(term.duration, GetString(to, "duration"));
    auto seconds = ParseDurationSeconds(term.duration);
    if (!seconds) return Err(DataLoss("terms", seconds.error().message()));
    term.seconds = *seconds;
    f.terms.push_back(std::move(term));
  }
  if (FindMachine(f.procedure) == nullptr) {
    return Err(DataLoss("procedure", "no workflow for `" + f.procedure + "`"));
  }
  return f;
}

}  // namespace evidex::workflow
