// The procedures as explicit state machines, and Apply: the one function that
// moves a case from one state to the next.
//
// A Machine is a table, written to be read by a lawyer (machines.cc): its
// states, its initial state, its terminal states, and its transitions. A
// transition says from which state which action leads to which state, which
// party to the case may take it (PartyRole), which role the acting person must
// hold in that party's organisation (PersonRole), the guards that must hold,
// the event the node appends, the article it rests on, and the deadlines it
// starts, meets, cancels or extends. Machine ids are the law engine's
// procedure ids.
//
// Guards are the conditions the law puts on a transition. They read the case
// facts (emergency, validation required, notification and whether it is
// suspensive, CETS 224 declarations) and the case's stored deadlines at `now`
// (whether the objection window is still open, whether ex-post validation is
// still pending, whether a period has ended). Several transitions may share a
// state and an action: for different parties (either side may release), or
// for one party when their guards exclude each other (machine_test checks
// that they do). Apply takes the one of the actor's party whose guards hold.
//
// How the node uses Apply, inside one database transaction:
//   1. read the case (state, stored CaseFacts) and all its deadlines;
//   2. Apply(machine, facts, {case_id, state, deadlines}, action, actor, now);
//   3. on success store `step.to` as the case's state, write every record of
//      `step.deadlines` (insert or replace by case and name), and append one
//      event of type `step.event_type` (payload: StepJson plus what the actor
//      sent, e.g. Annex III reasons or the files of a response);
//   4. commit. A failure changes nothing; the caller maps the code to HTTP.
// Apply never reads a clock: `now` is the recorded moment of the action (for a
// receipt, the moment of receipt); deadlines started by the step run from it.
//
// Errors (each message names the procedure, the state and the action), in
// the order they are checked:
//   kInvalidArgument     the facts belong to another procedure, or the action
//                        is not a word of this machine;
//   kDataLoss            the stored state is not a state of this machine;
//   kFailedPrecondition  the state is terminal, or no transition leaves it by
//                        this action (-> HTTP 409);
//   kPermissionDenied    the action belongs to another party to the case
//                        (-> HTTP 403);
//   kFailedPrecondition  its guards do not hold: the message says which, with
//                        the article (-> HTTP 409);
//   kPermissionDenied    the person lacks the role the action needs.
// The party is checked before the guards, so that a party learns nothing about
// the conditions of actions that are not its own.
//
// Machines are immutable tables with static storage; everything here is safe
// to call from any thread.
#ifndef EVIDEX_WORKFLOW_MACHINE_H_
#define EVIDEX_WORKFLOW_MACHINE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "law/vocabulary.h"
#include "workflow/deadline.h"
#include "workflow/facts.h"

namespace evidex::workflow {

// A party's role in a case (store::CaseParty::role), and `system` for the
// scheduler.
enum class PartyRole : std::uint8_t {
  kIssuer,
  kValidator,
  kAddressee,
  kEnforcingAuthority,
  kNotifiedAuthority,
  kRequestedParty,
  kCentralAuthority,
  kPointOfContact247,
  kSystem,
};
inline constexpr law::Words<PartyRole, 9> kPartyRoles{
    {"issuer", "validator", "addressee", "enforcing_authority",
     "notified_authority", "requested_party", "central_authority",
     "point_of_contact_24_7", "system"}};

// The role a person must hold in their organisation (store::Person::roles) to
// take an action for it; kNone for the system.
enum class PersonRole : std::uint8_t {
  kNone,
  kIssuer,
  kValidator,
  kResponder,
  kObjector,
};
inline constexpr law::Words<PersonRole, 5> kPersonRoles{
    {"none", "issuer", "validator", "responder", "objector"}};

// The conditions a transition can require; a transition requires all of its
// guards (GuardSet). "Open" deadline: pending or approaching and not yet due
// at `now`.
enum class Guard : std::uint8_t {
  kValidationRequired,       // facts: the order must be validated
  kNoValidationRequired,     // facts: the issuing authority issues alone
  kExPostValidationAllowed,  // facts: emergency, issue now, validate after
  kValidationPending,        // deadline `validation` pending, approaching or
                             // missed
  kValidationSettled,        // no ex-post validation pending
  kNotified,                 // facts: an authority was notified
  kNotSuspended,  // production is not suspended: no notification, or not
                  // suspensive, or the objection window is no longer open
  kObjectionWindowOpen,    // deadline `objection_window` open
  kObjectionWindowClosed,  // deadline `objection_window` not open
  kConsultation,           // facts: CETS 224 Art. 7(5)(b) consultation
  kNoConsultation,         // facts: no consultation required
  kFormalisationRequired,  // facts: CETS 224 Art. 9(5) declared
  kNoFormalisationRequired,
  kExtensionAllowed,     // facts: the law sets a preservation extension term
  kPreservationRunning,  // deadline `preservation` open
  kPreservationEnded,    // deadline `preservation` due at or before `now`
  kArt7FallbackDue,      // deadline `art7_fallback` due at or before `now`
};
inline constexpr std::size_t kGuardCount = 17;
inline constexpr law::Words<Guard, kGuardCount> kGuards{
    {"validation_required", "no_validation_required",
     "ex_post_validation_allowed", "validation_pending", "validation_settled",
     "notified", "not_suspended", "objection_window_open",
     "objection_window_closed", "consultation", "no_consultation",
     "formalisation_required", "no_formalisation_required", "extension_allowed",
     "preservation_running", "preservation_ended", "art7_fallback_due"}};

using GuardSet = std::uint32_t;
constexpr GuardSet G(Guard g) {
  return GuardSet{1} << static_cast<unsigned>(g);
}

struct Transition {
  std::string_view from;
  std::string_view action;
  std::string_view to;
  PartyRole party = PartyRole::kIssuer;
  PersonRole person = PersonRole::kNone;
  GuardSet guards = 0;
  std::string_view event;  // the case event type to append
  std::string_view cite;   // the article the transition rests on
  // Deadline effects, applied in this order: meet and cancel the running
  // deadlines named, start the named deadlines whose term the law sets, move
  // the named deadlines by the extension term.
  DeadlineSet meet = 0;
  DeadlineSet cancel = 0;
  DeadlineSet start = 0;
  DeadlineSet extend = 0;
};

// A deadline a procedure knows: where its term comes from in the decision
// (the single-valued kind, or kNotification for the objection window), and
// the system action to apply when it is missed (empty: none).
struct DeadlineSpec {
  DeadlineName name;
  law::Decides source;
  std::string_view expiry_action;
};

struct Machine {
  std::string_view procedure;  // the law engine's procedure id
  std::span<const std::string_view> states;
  std::string_view initial;
  std::span<const std::string_view> terminal;
  std::span<const Transition> transitions;
  std::span<const DeadlineSpec> deadlines;

  bool IsState(std::string_view s) const;
  bool IsTerminal(std::string_view s) const;
  // Whether `action` appears in any transition.
  bool HasAction(std::string_view action) const;
  // Every action of the machine, each once, in table order.
  std::vector<std::string_view> Actions() const;
  // The system action to apply when deadline `name` is missed, if any.
  std::optional<std::string_view> ExpiryAction(std::string_view name) const;
};

// Every machine, in a fixed order.
std::span<const Machine> Machines();
// The machine for a procedure id, or nullptr.
const Machine* FindMachine(std::string_view procedure);

// Who acts: the party's role in the case and the person's roles in their
// organisation. The scheduler acts as {"system", {}}.
struct Actor {
  std::string_view party_role;
  std::span<const std::string> person_roles;
};

// What the node read about the case, inside its transaction.
struct CaseView {
  std::string_view case_id;
  std::string_view state;
  std::span<const Deadline> deadlines;  // all of the case's deadlines
};

// Whether every guard in `guards` holds for the case at `now`.
bool GuardsHold(GuardSet guards, const CaseFacts& facts, const CaseView& view,
                Instant now);

// The result of a transition: what the node stores and appends.
struct Step {
  std::string from;
  std::string action;
  std::string to;
  std::string event_type;
  std::string cite;
  Instant at;
  // Deadline records to write, each replacing the stored record of the same
  // case and name: started ones (pending), met or cancelled ones, extended
  // ones.
  std::vector<Deadline> deadlines;
};

// Takes `action` for `actor` on the case at `now`; see the header comment for
// the contract and the errors.
Result<Step> Apply(const Machine& machine, const CaseFacts& facts,
                   const CaseView& view, std::string_view action,
                   const Actor& actor, Instant now);

// The actions `actor` may take now (those for which Apply would succeed).
std::vector<std::string_view> AvailableActions(const Machine& machine,
                                               const CaseFacts& facts,
                                               const CaseView& view,
                                               const Actor& actor, Instant now);

// The step as a JSON object, the workflow's part of the event payload:
// {"from", "to", "action", "cite", "at", "deadlines": [{"name", "rule",
// "status", "due_at"}]}.
std::string StepJson(const Step& step);

}  // namespace evidex::workflow

#endif  // EVIDEX_WORKFLOW_MACHINE_H_
