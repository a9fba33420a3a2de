#include "workflow/deadline.h"

#include "core/json.h"
#include "workflow/rfc3339.h"

namespace evidex::workflow {

Instant WarnAt(Instant due_at, std::int64_t period_seconds) {
  return due_at - std::chrono::seconds(period_seconds / 5);
}

Deadline Start(std::string_view case_id, const DeadlineTerm& term,
               Instant from) {
  Deadline d;
  d.case_id = std::string(case_id);
  d.name = term.name;
  d.rule_id = term.rule_id;
  d.due_at = from + std::chrono::seconds(term.seconds);
  d.warn_at = WarnAt(d.due_at, term.seconds);
  d.status = DeadlineStatus::kPending;
  return d;
}

std::vector<DeadlineEvent> CheckDeadlines(std::span<const Deadline> deadlines,
                                          Instant now) {
  std::vector<DeadlineEvent> out;
  for (const Deadline& d : deadlines) {
    if (!IsRunning(d.status)) continue;
    DeadlineStatus next;
    if (d.due_at <= now) {
      next = DeadlineStatus::kMissed;
    } else if (d.status == DeadlineStatus::kPending && d.warn_at &&
               *d.warn_at <= now) {
      next = DeadlineStatus::kApproaching;
    } else {
      continue;
    }
    DeadlineEvent e;
    e.deadline = d;
    e.deadline.status = next;
    e.type = next == DeadlineStatus::kMissed ? "deadline_missed"
                                             : "deadline_approaching";
    JsonWriter w(e.payload_json);
    w.BeginObject();
    w.Key("deadline");
    w.String(d.name);
    w.Key("rule");
    w.String(d.rule_id);
    w.Key("due_at");
    w.String(FormatRfc3339(d.due_at));
    w.Key("status");
    w.String(kDeadlineStatuses.Name(next));
    w.EndObject();
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace evidex::workflow
