// Deadlines of a case, and the scheduler that watches them.
//
// A Deadline is a moment by which something must happen (the addressee's
// response, the requested Party's service of an order, ex-post validation) or
// at which a period ends (the enforcing authority's objection window, a
// preservation period, the 30 days after which CETS 224 Art. 7(7) opens the
// Art. 8 or MLA fallback). Each one is computed once, from the law's rule, at
// the recorded moment that starts it (Start), and then stored by the node: it
// survives a restart because it lives in the store, not in memory. Its
// `rule_id` names the rule that set its current due time.
//
// Status, and who changes it:
//   pending      started; set by Start (the workflow, inside Apply)
//   approaching  its warning time has passed; set by CheckDeadlines
//   missed       its due time passed while it was pending or approaching; set
//                by CheckDeadlines. For a period (objection window,
//                preservation) this means the period ran out.
//   met          the step it waited for happened in time; set by Apply
//   cancelled    it no longer runs (withdrawal, closing, a clarification that
//                suspends it); set by Apply
// met, missed and cancelled are final: nothing changes them, except that Apply
// may start a deadline of the same name afresh (a response deadline restarts
// when a requested clarification is given).
//
// Warning time: a deadline is approaching in the last fifth of its period
// (WarnAt): 2 days before a 10-day deadline, 96 minutes before an 8-hour one,
// 9.6 hours before 48 hours, 12 days before 60 days. One rule for all lengths,
// so that a short emergency deadline warns early enough to act and a long one
// does not warn weeks ahead.
//
// Everything here is a pure function of its arguments (time is passed in);
// thread-compatible.
#ifndef EVIDEX_WORKFLOW_DEADLINE_H_
#define EVIDEX_WORKFLOW_DEADLINE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "law/vocabulary.h"

namespace evidex::workflow {

// The deadlines a procedure can have. Names are stable: they are stored.
enum class DeadlineName : std::uint8_t {
  kResponse,         // the addressee's (or requested Party's) answer
  kService,          // the requested Party serves the provider (CETS 224
                     // Art. 8(6)(a))
  kObjectionWindow,  // the notified authority may object until then
  kPreservation,     // data are preserved until then
  kValidation,       // ex-post validation (EU 2023/1543 Art. 4(5))
  kArt7Fallback,     // CETS 224 Art. 7(7): Art. 8 or MLA from then on
};
inline constexpr std::size_t kDeadlineNameCount = 6;
inline constexpr law::Words<DeadlineName, kDeadlineNameCount> kDeadlineNames{
    {"response", "service", "objection_window", "preservation", "validation",
     "art7_fallback"}};

// The name of the law's term by which the issuer may extend preservation (EU
// 2023/1543 Annex VI). It is not a deadline of its own: it moves the due time
// of `preservation`.
inline constexpr std::string_view kPreservationExtensionTerm =
    "preservation_extension";

// A set of deadline names, one bit per DeadlineName.
using DeadlineSet = std::uint8_t;
constexpr DeadlineSet Bit(DeadlineName n) {
  return static_cast<DeadlineSet>(1u << static_cast<unsigned>(n));
}
// Every deadline of the case, whatever its name.
inline constexpr DeadlineSet kEveryDeadline = 0xFF;

enum class DeadlineStatus : std::uint8_t {
  kPending,
  kApproaching,
  kMissed,
  kMet,
  kCancelled
};
inline constexpr law::Words<DeadlineStatus, 5> kDeadlineStatuses{
    {"pending", "approaching", "missed", "met", "cancelled"}};

// Whether a deadline in this status still runs (pending or approaching).
constexpr bool IsRunning(DeadlineStatus s) {
  return s == DeadlineStatus::kPending || s == DeadlineStatus::kApproaching;
}

// A stored deadline; mirrors store::Deadline field for field (the status as a
// word of kDeadlineStatuses there). One per (case_id, name).
struct Deadline {
  std::string case_id;
  std::string name;     // a word of kDeadlineNames
  std::string rule_id;  // the rule that set the current due time
  Instant due_at;
  std::optional<Instant> warn_at;  // when it counts as approaching
  DeadlineStatus status = DeadlineStatus::kPending;

  friend bool operator==(const Deadline&, const Deadline&) = default;
};

// A deadline as the law sets it for a case: its length and the rule it comes
// from (see CaseFacts::terms).
struct DeadlineTerm {
  std::string name;      // a word of kDeadlineNames, or
                         // kPreservationExtensionTerm
  std::string rule_id;   // e.g. "eu2023-1543.10.3"
  std::string cite;      // e.g. "EU 2023/1543 Art. 10(3)"
  std::string duration;  // ISO 8601, as the rule (or the order) states it
  std::int64_t seconds = 0;

  friend bool operator==(const DeadlineTerm&, const DeadlineTerm&) = default;
};

// The moment a deadline of `period_seconds` ending at `due_at` starts to count
// as approaching: the last fifth of the period.
Instant WarnAt(Instant due_at, std::int64_t period_seconds);

// The pending deadline that `term` sets for `case_id` when started at `from`
// (the recorded moment of receipt, service, issue...): due at `from` plus the
// term, a day being 24 hours counted in UTC.
Deadline Start(std::string_view case_id, const DeadlineTerm& term,
               Instant from);

// A status change found by CheckDeadlines, with the case event to append.
struct DeadlineEvent {
  Deadline deadline;  // the record with its new status, to store
  std::string type;   // "deadline_approaching" or "deadline_missed"
  // {"deadline": name, "rule": rule_id, "due_at": RFC 3339, "status": status}
  std::string payload_json;
};

// The scheduler: compares each running deadline with `now` and returns the
// changes to store and the events to append, in the order of `deadlines`.
//   - due_at <= now: missed (deadline_missed), also when it was still pending:
//     a deadline whose warning was never seen goes straight to missed;
//   - otherwise warn_at <= now and pending: approaching (deadline_approaching).
// Deadlines that are met, missed or cancelled never change. Idempotent: run
// again on its own output at the same `now`, it returns nothing. The node runs
// it periodically on Transaction::ListDeadlinesToCheck(now) and, in the same
// transaction, stores each record, appends each event to its case and, for a
// missed deadline, applies the procedure's expiry action (Machine::
// ExpiryAction) with the system as actor.
std::vector<DeadlineEvent> CheckDeadlines(std::span<const Deadline> deadlines,
                                          Instant now);

}  // namespace evidex::workflow

#endif  // EVIDEX_WORKFLOW_DEADLINE_H_
