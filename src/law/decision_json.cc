#include "law/decision_json.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "core/json.h"

namespace evidex::law {
namespace {

void WriteStateOrNull(JsonWriter& w, std::optional<StateCode> code) {
  if (code) {
    w.String(StateCodeName(*code));
  } else {
    w.Null();
  }
}

// A rule as {"rule", "cite", "text"}: the form of reasons, preconditions and
// duties.
void WriteRuleRef(JsonWriter& w, const Rule& rule) {
  w.BeginObject();
  w.Key("rule");
  w.String(rule.id);
  w.Key("cite");
  w.String(rule.cite);
  w.Key("text");
  w.String(rule.explain);
  w.EndObject();
}

void WriteAuthorities(JsonWriter& w, const Rule* rule) {
  w.BeginArray();
  if (rule != nullptr && !rule->removes) {
    for (const std::string& a : rule->authorities) w.String(a);
  }
  w.EndArray();
}

void WriteDuration(JsonWriter& w, const Rule* rule) {
  if (rule == nullptr || rule->removes) {
    w.Null();
  } else {
    w.String(rule->duration);
  }
}

void WriteChannel(JsonWriter& w, const LawBook& book, const ChannelOutcome& c) {
  const auto value = [&](Decides d) {
    return c.values[static_cast<std::size_t>(d)];
  };
  w.BeginObject();
  w.Key("procedure");
  w.String(book.procedures[c.procedure].id);
  w.Key("addressee");
  if (c.addressee != nullptr) {
    w.BeginObject();
    w.Key("role");
    w.String(kAddresseeRoles.Name(c.addressee->addressee_role));
    w.Key("state");
    WriteStateOrNull(w, c.addressee_state);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("issuing_authorities");
  WriteAuthorities(w, value(Decides::kIssuingAuthorities));
  w.Key("validating_authorities");
  WriteAuthorities(w, value(Decides::kValidatingAuthorities));
  w.Key("response_deadline");
  WriteDuration(w, value(Decides::kResponseDeadline));
  w.Key("service_deadline");
  WriteDuration(w, value(Decides::kServiceDeadline));
  w.Key("preservation_period");
  WriteDuration(w, value(Decides::kPreservationPeriod));
  w.Key("preservation_extension");
  WriteDuration(w, value(Decides::kPreservationExtension));
  w.Key("validation_deadline");
  WriteDuration(w, value(Decides::kValidationDeadline));

  w.Key("notifications");
  w.BeginArray();
  c.rules.ForEach([&](RuleIndex i) {
    const Rule& r = book.rules[i];
    if (r.decides != Decides::kNotification || r.removes) return;
    w.BeginObject();
    w.Key("state");
    WriteStateOrNull(
        w, c.slot_states[static_cast<std::size_t>(r.notification.state)]);
    w.Key("role");
    w.String(kNotifiedRoles.Name(r.notification.role));
    w.Key("objection_window");
    w.StringOrNull(r.notification.objection_window);
    w.Key("suspensive");
    w.Bool(r.notification.suspensive);
    w.EndObject();
  });
  w.EndArray();
  for (Decides kind : {Decides::kPrecondition, Decides::kDuty}) {
    w.Key(kind == Decides::kPrecondition ? "preconditions" : "duties");
    w.BeginArray();
    c.rules.ForEach([&](RuleIndex i) {
      if (book.rules[i].decides == kind) WriteRuleRef(w, book.rules[i]);
    });
    w.EndArray();
  }
  w.Key("citations");
  w.BeginArray();
  std::vector<std::string_view> seen;
  c.rules.ForEach([&](RuleIndex i) {
    std::string_view cite = book.rules[i].cite;
    if (std::find(seen.begin(), seen.end(), cite) != seen.end()) return;
    seen.push_back(cite);
    w.String(cite);
  });
  w.EndArray();
  w.Key("rules");
  w.BeginArray();
  c.rules.ForEach([&](RuleIndex i) { w.String(book.rules[i].id); });
  w.EndArray();
  w.EndObject();
}

}  // namespace

void AppendDecisionJson(const LawBook& book, const Decision& decision,
                        std::string& out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Key("as_of");
  w.String(FormatDate(decision.as_of));
  w.Key("channels");
  w.BeginArray();
  for (const ChannelOutcome& c : decision.channels) WriteChannel(w, book, c);
  w.EndArray();
  w.Key("excluded");
  w.BeginArray();
  for (const ChannelOutcome& c : decision.excluded) {
    w.BeginObject();
    w.Key("procedure");
    w.String(book.procedures[c.procedure].id);
    w.Key("reasons");
    w.BeginArray();
    c.rules.ForEach([&](RuleIndex i) { WriteRuleRef(w, book.rules[i]); });
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("conflicts");
  w.BeginArray();
  for (const Conflict& conflict : decision.conflicts) {
    w.BeginObject();
    w.Key("procedure");
    w.String(book.procedures[conflict.procedure].id);
    w.Key("rules");
    w.BeginArray();
    w.String(book.rules[conflict.first].id);
    w.String(book.rules[conflict.second].id);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace evidex::law
