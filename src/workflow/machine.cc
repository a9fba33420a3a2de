#include "workflow/machine.h"

#include <algorithm>
#include <cassert>

#include "core/json.h"
#include "workflow/rfc3339.h"

namespace evidex::workflow {
namespace {

// Why a guard does not hold, for the error message.
constexpr std::string_view kGuardUnmet[] = {
    "the issuing authority may issue this order without validation (EU "
    "2023/1543 Art. 4)",
    "the order must first be validated (EU 2023/1543 Art. 4)",
    "issuing before validation needs an emergency in which the law allows "
    "ex-post validation (EU 2023/1543 Art. 4(5))",
    "no ex-post validation is pending",
    "ex-post validation is still pending (EU 2023/1543 Art. 4(5))",
    "no authority of the addressee's State was notified of this order",
    "the notification suspends production until the objection window ends or "
    "the enforcing authority confirms it raises no ground (EU 2023/1543 "
    "Art. 8(4), 10(2))",
    "the objection window is not open",
    "the objection window is still open (EU 2023/1543 Art. 10(4), 12(1))",
    "the provider's State requires no consultation (CETS 224 Art. 7(5)(b))",
    "the provider must first consult the authority of its State (CETS 224 "
    "Art. 7(5)(b))",
    "the requested Party requires no formalisation (CETS 224 Art. 9(5))",
    "the requested Party requires the request to be formalised first (CETS "
    "224 Art. 9(5))",
    "the law sets no extension of preservation for this order",
    "the preservation period is not running",
    "the preservation period has not ended",
    "the time of CETS 224 Art. 7(7) has not passed",
};
static_assert(std::size(kGuardUnmet) == kGuardCount, "one text per guard");

const Deadline* FindDeadline(const CaseView& view, DeadlineName name) {
  std::string_view n = kDeadlineNames.Name(name);
  for (const Deadline& d : view.deadlines) {
    if (d.name == n) return &d;
  }
  return nullptr;
}

// Running and not yet due.
bool Open(const Deadline* d, Instant now) {
  return d != nullptr && IsRunning(d->status) && now < d->due_at;
}

// Not met or cancelled (missed counts: nothing settled it).
bool Unsettled(const Deadline* d) {
  return d != nullptr &&
         (IsRunning(d->status) || d->status == DeadlineStatus::kMissed);
}

// Unsettled and due.
bool Due(const Deadline* d, Instant now) {
  return Unsettled(d) && d->due_at <= now;
}

bool GuardHolds(Guard g, const CaseFacts& f, const CaseView& v, Instant now) {
  // A suspensive notification: the EU objection window, or the consultation
  // of CETS 224 Art. 7(5)(b).
  const bool suspensive = f.notification_required && f.notification_suspensive;
  switch (g) {
    case Guard::kValidationRequired:
      return f.validation_required;
    case Guard::kNoValidationRequired:
      return !f.validation_required;
    case Guard::kExPostValidationAllowed:
      return f.ex_post_validation &&
             f.Term(kDeadlineNames.Name(DeadlineName::kValidation)) != nullptr;
    case Guard::kValidationPending:
      return Unsettled(FindDeadline(v, DeadlineName::kValidation));
    case Guard::kValidationSettled:
      return !Unsettled(FindDeadline(v, DeadlineName::kValidation));
    case Guard::kNotified:
      return f.notification_required;
    case Guard::kNotSuspended:
      return !(suspensive &&
               Open(FindDeadline(v, DeadlineName::kObjectionWindow), now));
    case Guard::kObjectionWindowOpen:
      return Open(FindDeadline(v, DeadlineName::kObjectionWindow), now);
    case Guard::kObjectionWindowClosed:
      return !Open(FindDeadline(v, DeadlineName::kObjectionWindow), now);
    case Guard::kConsultation:
      return suspensive;
    case Guard::kNoConsultation:
      return !suspensive;
    case Guard::kFormalisationRequired:
      return f.formalisation_required;
    case Guard::kNoFormalisationRequired:
      return !f.formalisation_required;
    case Guard::kExtensionAllowed:
      return f.Term(kPreservationExtensionTerm) != nullptr;
    case Guard::kPreservationRunning:
      return Open(FindDeadline(v, DeadlineName::kPreservation), now);
    case Guard::kPreservationEnded:
      return Due(FindDeadline(v, DeadlineName::kPreservation), now);
    case Guard::kArt7FallbackDue:
      return Due(FindDeadline(v, DeadlineName::kArt7Fallback), now);
  }
  return false;
}

// The first guard of `guards` that does not hold, if any.
std::optional<Guard> FirstUnmet(GuardSet guards, const CaseFacts& f,
                                const CaseView& v, Instant now) {
  for (std::size_t i = 0; i < kGuardCount; ++i) {
    auto g = static_cast<Guard>(i);
    if ((guards & G(g)) != 0 && !GuardHolds(g, f, v, now)) return g;
  }
  return std::nullopt;
}

std::string Where(const Machine& m, std::string_view state,
                  std::string_view action) {
  return "action `" + std::string(action) + "` in state `" +
         std::string(state) + "` of `" + std::string(m.procedure) + "`";
}

// Adds `d` to `out`, replacing a record of the same name.
void Put(std::vector<Deadline>& out, Deadline d) {
  for (Deadline& e : out) {
    if (e.name == d.name) {
      e = std::move(d);
      return;
    }
  }
  out.push_back(std::move(d));
}

std::vector<Deadline> DeadlineEffects(const Transition& t,
                                      const CaseFacts& facts,
                                      const CaseView& view, Instant now) {
  std::vector<Deadline> out;
  for (const Deadline& d : view.deadlines) {
    if (!IsRunning(d.status)) continue;
    auto name = kDeadlineNames.Parse(d.name);
    DeadlineSet bit = name ? Bit(*name) : 0;
    if (name && (t.meet & bit) != 0) {
      Deadline met = d;
      met.status = DeadlineStatus::kMet;
      Put(out, std::move(met));
    } else if (t.cancel == kEveryDeadline || (t.cancel & bit) != 0) {
      Deadline cancelled = d;
      cancelled.status = DeadlineStatus::kCancelled;
      Put(out, std::move(cancelled));
    }
  }
  for (std::size_t i = 0; i < kDeadlineNameCount; ++i) {
    auto name = static_cast<DeadlineName>(i);
    if ((t.start & Bit(name)) == 0) continue;
    // A deadline the law does not set for this case does not start.
    if (const DeadlineTerm* term = facts.Term(kDeadlineNames.Name(name))) {
      Put(out, Start(view.case_id, *term, now));
    }
  }
  for (std::size_t i = 0; i < kDeadlineNameCount; ++i) {
    auto name = static_cast<DeadlineName>(i);
    if ((t.extend & Bit(name)) == 0) continue;
    const Deadline* d = FindDeadline(view, name);
    const DeadlineTerm* term = facts.Term(kPreservationExtensionTerm);
    // Rows that extend are guarded by extension_allowed and
    // preservation_running (machine_test checks every table).
    assert(Open(d, now) && term != nullptr);
    Deadline extended = *d;
    extended.due_at += std::chrono::seconds(term->seconds);
    extended.warn_at = WarnAt(extended.due_at, term->seconds);
    extended.rule_id = term->rule_id;
    extended.status = DeadlineStatus::kPending;
    Put(out, std::move(extended));
  }
  return out;
}

}  // namespace

bool Machine::IsState(std::string_view s) const {
  return std::find(states.begin(), states.end(), s) != states.end();
}

bool Machine::IsTerminal(std::string_view s) const {
  return std::find(terminal.begin(), terminal.end(), s) != terminal.end();
}

bool Machine::HasAction(std::string_view action) const {
  return std::any_of(transitions.begin(), transitions.end(),
                     [&](const Transition& t) { return t.action == action; });
}

std::vector<std::string_view> Machine::Actions() const {
  std::vector<std::string_view> out;
  for (const Transition& t : transitions) {
    if (std::find(out.begin(), out.end(), t.action) == out.end()) {
      out.push_back(t.action);
    }
  }
  return out;
}

std::optional<std::string_view> Machine::ExpiryAction(
    std::string_view name) const {
  for (const DeadlineSpec& s : deadlines) {
    if (kDeadlineNames.Name(s.name) == name && !s.expiry_action.empty()) {
      return s.expiry_action;
    }
  }
  return std::nullopt;
}

bool GuardsHold(GuardSet guards, const CaseFacts& facts, const CaseView& view,
                Instant now) {
  return !FirstUnmet(guards, facts, view, now).has_value();
}

Result<Step> Apply(const Machine& machine, const CaseFacts& facts,
                   const CaseView& view, std::string_view action,
                   const Actor& actor, Instant now) {
  if (facts.procedure != machine.procedure) {
    return Err(InvalidArgumentError("the case facts are for `" +
                                    facts.procedure + "`, not `" +
                                    std::string(machine.procedure) + "`"));
  }
  if (!machine.HasAction(action)) {
    return Err(InvalidArgumentError("unknown action `" + std::string(action) +
                                    "` for `" + std::string(machine.procedure) +
                                    "`"));
  }
  if (!machine.IsState(view.state)) {
    return Err(DataLossError("stored state `" + std::string(view.state) +
                             "` is not a state of `" +
                             std::string(machine.procedure) + "`"));
  }
  if (machine.IsTerminal(view.state)) {
    return Err(FailedPreconditionError(
        Where(machine, view.state, action) + " is not allowed: `" +
        std::string(view.state) + "` is a terminal state"));
  }
  // First the transitions from this state by this action; then those that
  // belong to the actor's party (403 otherwise); then those whose guards hold
  // (409 otherwise, saying which guard fails).
  std::vector<const Transition*> mine;
  std::string parties;
  bool any = false;
  for (const Transition& t : machine.transitions) {
    if (t.from != view.state || t.action != action) continue;
    any = true;
    std::string_view p = kPartyRoles.Name(t.party);
    if (p == actor.party_role) {
      mine.push_back(&t);
    } else if (parties.find("`" + std::string(p) + "`") == std::string::npos) {
      if (!parties.empty()) parties += " or ";
      parties += "`" + std::string(p) + "`";
    }
  }
  if (!any) {
    return Err(FailedPreconditionError(Where(machine, view.state, action) +
                                       " is not allowed"));
  }
  if (mine.empty()) {
    return Err(Status(StatusCode::kPermissionDenied,
                      Where(machine, view.state, action) + " is for the " +
                          parties + ", not the `" +
                          std::string(actor.party_role) + "`"));
  }
  const Transition* chosen = nullptr;
  std::string unmet;
  for (const Transition* t : mine) {
    if (auto g = FirstUnmet(t->guards, facts, view, now)) {
      std::string_view why = kGuardUnmet[static_cast<std::size_t>(*g)];
      if (unmet.find(why) == std::string::npos) {
        if (!unmet.empty()) unmet += "; ";
        unmet += why;
      }
      continue;
    }
    chosen = t;
    break;
  }
  if (chosen == nullptr) {
    return Err(FailedPreconditionError(Where(machine, view.state, action) +
                                       " is not allowed: " + unmet));
  }
  if (chosen->person != PersonRole::kNone) {
    std::string_view needed = kPersonRoles.Name(chosen->person);
    if (std::find(actor.person_roles.begin(), actor.person_roles.end(),
                  needed) == actor.person_roles.end()) {
      return Err(Status(StatusCode::kPermissionDenied,
                        Where(machine, view.state, action) +
                            " needs a person with the `" + std::string(needed) +
                            "` role"));
    }
  }
  Step step;
  step.from = std::string(chosen->from);
  step.action = std::string(chosen->action);
  step.to = std::string(chosen->to);
  step.event_type = std::string(chosen->event);
  step.cite = std::string(chosen->cite);
  step.at = now;
  step.deadlines = DeadlineEffects(*chosen, facts, view, now);
  return step;
}

std::vector<std::string_view> AvailableActions(const Machine& machine,
                                               const CaseFacts& facts,
                                               const CaseView& view,
                                               const Actor& actor,
                                               Instant now) {
  std::vector<std::string_view> out;
  for (std::string_view action : machine.Actions()) {
    if (Apply(machine, facts, view, action, actor, now)) out.push_back(action);
  }
  return out;
}

std::string StepJson(const Step& step) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("from");
  w.String(step.from);
  w.Key("to");
  w.String(step.to);
  w.Key("action");
  w.String(step.action);
  w.Key("cite");
  w.String(step.cite);
  w.Key("at");
  w.String(FormatRfc3339(step.at));
  w.Key("deadlines");
  w.BeginArray();
  for (const Deadline& d : step.deadlines) {
    w.BeginObject();
    w.Key("name");
    w.String(d.name);
    w.Key("rule");
    w.String(d.rule_id);
    w.Key("status");
    w.String(kDeadlineStatuses.Name(d.status));
    w.Key("due_at");
    w.String(FormatRfc3339(d.due_at));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

}  // namespace evidex::workflow
