// Test helpers for the workflow layer: a fake clock, routing with the real
// law, and cases driven through a machine with their deadlines kept the way
// the node keeps them.
#ifndef EVIDEX_WORKFLOW_WORKFLOW_TESTING_H_
#define EVIDEX_WORKFLOW_WORKFLOW_TESTING_H_

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "law/engine.h"
#include "law/law_testing.h"
#include "law/query.h"
#include "workflow/deadline.h"
#include "workflow/facts.h"
#include "workflow/machine.h"
#include "workflow/rfc3339.h"

namespace evidex::workflow::testing {

// A clock that stands still until told to move.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Instant start) : now_(start) {}
  Instant Now() const override { return now_; }
  void Advance(std::chrono::milliseconds d) { now_ += d; }

 private:
  Instant now_;
};

inline Instant At(const char* rfc3339) { return ParseRfc3339(rfc3339).value(); }

// The recorded moment of receipt most tests start from.
inline Instant T0() { return At("2026-12-01T09:30:00Z"); }

struct Routed {
  law::Query query;
  law::Decision decision;
};

// Parses `query_json` (which must be valid) and decides it with the built-in
// law.
inline Routed RouteQuery(const std::string& query_json) {
  const law::Law& law = law::testing::BuiltInLaw();
  auto q = law::ParseQuery(query_json, law.book, law.registry,
                           law::testing::Day("2026-11-29"));
  EXPECT_TRUE(q.has_value()) << q.error().message();
  Routed r{q.value_or(law::Query{}), {}};
  r.decision = law::Decide(law.book, law.registry, r.query);
  return r;
}

// The facts for `procedure` under the routed query; the channel must be
// open.
inline CaseFacts FactsFor(const std::string& query_json,
                          std::string_view procedure,
                          std::string_view issuing_authority) {
  Routed r = RouteQuery(query_json);
  auto f = FactsFromDecision(law::testing::BuiltInLaw().book, r.query,
                             r.decision, procedure, issuing_authority);
  EXPECT_TRUE(f.has_value()) << f.error().message();
  return f.value_or(CaseFacts{});
}

// An EU query: FR issues to a provider established, with its designated
// establishment, in IE. `data` is a JSON array, e.g. `["traffic"]`.
inline std::string EuQuery(const std::string& data, const std::string& measure,
                           bool emergency, bool domestic = false) {
  return R"({"as_of": "2026-11-29", "issuing_state": "FR",
    "addressee": {"kind": "service_provider", "established_in": "IE",
                  "designated_establishment_in": "IE"},
    "data": )" +
         data + R"(, "measure": ")" + measure + R"(", "emergency": )" +
         (emergency ? "true" : "false") + R"(,
    "offence": {"max_custodial_years": 5, "categories": [],
                "via_information_system": true},
    "committed_in_issuing_state": )" +
         (domestic ? "true" : "false") + R"(,
    "person_resides_in": )" +
         (domestic ? R"("FR")" : R"("DE")") + "}";
}

// A Council of Europe query between XA and XB, Parties to CETS 185 and 224;
// XB makes `declarations` (a JSON array of ids).
inline std::string CoeQuery(const std::string& data, const std::string& measure,
                            bool emergency,
                            const std::string& declarations = "[]") {
  return R"({"as_of": "2026-11-29", "issuing_state": "XA",
    "addressee": {"kind": "service_provider", "established_in": "XB"},
    "data": )" +
         data + R"(, "measure": ")" + measure + R"(", "emergency": )" +
         (emergency ? "true" : "false") + R"(,
    "offence": {"max_custodial_years": 4, "categories": [],
                "via_information_system": true},
    "parties": {
      "XA": {"instruments": {"cets185": "2005-01-01", "cets224": "2025-06-01"}},
      "XB": {"instruments": {"cets185": "2006-01-01", "cets224": "2025-06-01"},
             "declarations": )" +
         declarations + R"(}}})";
}

// Valid order bodies, each for the query named beside it.

// EPOC for EuQuery(R"(["traffic"])", "production", false), issued by a judge.
inline constexpr const char* kEpocBody = R"({
  "issuing_authority": {"state": "FR", "authority": "judge",
    "name": "Tribunal judiciaire de Paris, juge d'instruction",
    "reference": "JI-2026-0042", "address": "Parvis du Tribunal, 75017 Paris",
    "email": "ji.cyber@justice.example", "phone": "+33144325151"},
  "addressee": {"kind": "designated_establishment",
    "name": "Example Cloud Ireland Ltd", "address": "1 Dock Road, Dublin 2",
    "state": "IE"},
  "targets": [
    {"type": "ip_address", "value": "203.0.113.7",
     "timestamp": "2026-11-02T21:14:05+01:00", "port": 51234},
    {"type": "email", "value": "suspect@example.net"},
    {"type": "account", "value": "nightowl77", "service": "Example Mail"}],
  "data": {"categories": ["traffic"],
    "time_range": {"from": "2026-10-01T00:00:00Z",
                   "to": "2026-11-15T00:00:00Z"}},
  "offence": {"description": "intrusion into an information system",
    "legal_provisions": ["Code pénal, art. 323-1"],
    "max_custodial_years": 5, "categories": ["attack_on_information_systems"]},
  "grounds": {"summary_of_facts": "a hospital's servers were entered on 2 November",
    "necessity_and_proportionality": "the connection logs alone show the origin"},
  "notification": {"enforcing_authority_notified": true,
    "enforcing_authority": {"name": "Department of Justice", "state": "IE"}}
})";

// EPOC-PR for EuQuery(R"(["content"])", "preservation", false), issued by a
// prosecutor.
inline constexpr const char* kEpocPrBody = R"({
  "issuing_authority": {"state": "FR", "authority": "prosecutor",
    "name": "Parquet de Paris, section cyber", "reference": "P-26-1187",
    "address": "Parvis du Tribunal, 75017 Paris",
    "email": "parquet.cyber@justice.example"},
  "addressee": {"kind": "designated_establishment",
    "name": "Example Cloud Ireland Ltd", "address": "1 Dock Road, Dublin 2",
    "state": "IE"},
  "targets": [{"type": "account", "value": "nightowl77"}],
  "data": {"categories": ["content"],
    "time_range": {"from": "2026-10-01T00:00:00Z",
                   "to": "2026-11-15T00:00:00Z"}},
  "offence": {"description": "extortion by ransomware",
    "legal_provisions": ["Code pénal, art. 312-1"]},
  "grounds": {"summary_of_facts": "a ransom note named the account",
    "necessity_and_proportionality": "the mailbox may be deleted at any time"},
  "subsequent_request": {"route": "epoc"}
})";

// Art. 7 order for CoeQuery(R"(["subscriber"])", "production", false,
// R"(["cets224.7.5.a"])"), issued by a prosecutor.
inline constexpr const char* kArt7Body = R"({
  "issuing_authority": {"state": "XA", "authority": "prosecutor",
    "name": "Office of the Prosecutor", "address": "1 Court Street, Capital A",
    "email": "cyber@prosecutor.xa.example"},
  "issued_on": "2026-11-30",
  "issued_pursuant_to_protocol": true,
  "service_provider": {"name": "XB Hosting plc", "address": "2 Quay, Capital B",
    "state": "XB"},
  "offence": {"description": "online fraud",
    "legal_provisions": ["Penal Code s. 201"],
    "penalties": "up to 4 years' imprisonment"},
  "data": {"categories": ["subscriber"],
    "description": "name, address and payment details of the account holder"},
  "targets": [{"type": "account", "value": "seller-991"}],
  "legal_grounds": "Code of Criminal Procedure s. 77",
  "return": {"contact": {"name": "Desk officer", "email": "desk@prosecutor.xa.example"},
    "time_frame": "P45D", "manner": "through evidex"},
  "preservation": {"sought": false},
  "notification_made": true
})";

// Art. 8 order for CoeQuery(R"(["subscriber"])", "production", false),
// issued by a prosecutor.
inline constexpr const char* kArt8Body = R"({
  "issuing_authority": {"state": "XA", "authority": "prosecutor",
    "name": "Office of the Prosecutor", "address": "1 Court Street, Capital A",
    "email": "cyber@prosecutor.xa.example"},
  "issued_on": "2026-11-30",
  "issued_pursuant_to_protocol": true,
  "service_provider": {"name": "XB Hosting plc", "address": "2 Quay, Capital B",
    "state": "XB"},
  "offence": {"description": "online fraud"},
  "data": {"categories": ["subscriber"],
    "description": "name and address of the account holder"},
  "targets": [{"type": "phone_number", "value": "+15555550123"}],
  "supporting_information": {
    "legal_grounds": "Code of Criminal Procedure s. 77",
    "offence": {"legal_provisions": ["Penal Code s. 201"],
                "penalties": "up to 4 years' imprisonment"},
    "possession_reason": "the number is registered with XB Hosting",
    "summary_of_facts": "victims paid for goods never delivered",
    "relevance": "the holder of the number received the payments",
    "contact": {"name": "Desk officer", "email": "desk@prosecutor.xa.example"},
    "preservation": {"sought": true, "date": "2026-11-20",
                     "reference": "PRES-77"},
    "other_means": {"sought": false}}
})";

// Art. 9 request for CoeQuery(R"(["traffic"])", "production", true), sent by
// the 24/7 point of contact.
inline constexpr const char* kArt9Body = R"({
  "issuing_authority": {"state": "XA", "authority": "point_of_contact_24_7",
    "name": "XA 24/7 point of contact", "address": "Police HQ, Capital A",
    "email": "247@police.xa.example", "phone": "+15555550100"},
  "requesting_authority": {"state": "XA", "authority": "prosecutor",
    "name": "Office of the Prosecutor", "address": "1 Court Street, Capital A",
    "email": "cyber@prosecutor.xa.example"},
  "issued_on": "2026-11-30",
  "issued_pursuant_to_protocol": true,
  "service_provider": {"name": "XB Hosting plc", "address": "2 Quay, Capital B",
    "state": "XB"},
  "offence": {"description": "kidnapping", "legal_provisions": ["Penal Code s. 90"],
    "penalties": "up to 20 years' imprisonment"},
  "emergency": {"facts": "a child was taken this morning",
    "relation_to_data": "the kidnapper's phone logs in to the service"},
  "data": {"categories": ["traffic"],
    "description": "log-in IP addresses of the last 48 hours"}
})";

// Art. 29 request for CoeQuery(R"(["traffic"])", "preservation", false),
// sent by the 24/7 point of contact.
inline constexpr const char* kArt29Body = R"({
  "issuing_authority": {"state": "XA", "authority": "point_of_contact_24_7",
    "name": "XA 24/7 point of contact", "address": "Police HQ, Capital A",
    "email": "247@police.xa.example"},
  "requesting_authority": {"state": "XA", "authority": "prosecutor",
    "name": "Office of the Prosecutor", "address": "1 Court Street, Capital A",
    "email": "cyber@prosecutor.xa.example"},
  "offence": {"description": "online fraud",
    "summary_of_facts": "victims paid for goods never delivered"},
  "data": {"categories": ["traffic"],
    "description": "connection logs of the account seller-991",
    "relation_to_offence": "the account sold the goods"},
  "custodian": {"name": "XB Hosting plc", "state": "XB"},
  "necessity": "the provider deletes logs after 90 days",
  "mla_intended": true
})";

// Art. 31 request for CoeQuery(R"(["content"])", "production", false), sent
// by the central authority.
inline constexpr const char* kArt31Body = R"({
  "issuing_authority": {"state": "XA", "authority": "central_authority",
    "name": "Ministry of Justice, central authority",
    "address": "3 Ministry Road, Capital A", "email": "mla@justice.xa.example"},
  "requesting_authority": {"state": "XA", "authority": "prosecutor",
    "name": "Office of the Prosecutor", "address": "1 Court Street, Capital A",
    "email": "cyber@prosecutor.xa.example"},
  "offence": {"description": "online fraud",
    "legal_provisions": ["Penal Code s. 201"],
    "summary_of_facts": "victims paid for goods never delivered"},
  "data": {"categories": ["content"],
    "description": "messages of the account seller-991"},
  "service_provider": {"name": "XB Hosting plc", "address": "2 Quay, Capital B",
    "state": "XB"},
  "preservation": {"sought": true, "date": "2026-11-20", "reference": "PRES-77"}
})";

// A case driven through a machine as the node drives it: each step's state
// and deadline records are stored, and the scheduler's changes too.
class Case {
 public:
  explicit Case(const CaseFacts& facts, std::string id = "case-1")
      : facts_(facts),
        machine_(FindMachine(facts.procedure)),
        id_(std::move(id)),
        state_(machine_ != nullptr ? std::string(machine_->initial) : "") {}

  // Applies `action` for `party_role` (with every person role) at `now`;
  // stores the step when it succeeds.
  Result<Step> Do(std::string_view action, std::string_view party_role,
                  Instant now) {
    static const std::vector<std::string> kAllRoles = {"issuer", "validator",
                                                       "responder", "objector"};
    Actor actor{party_role, kAllRoles};
    auto step = Apply(*machine_, facts_, View(), action, actor, now);
    if (step) {
      state_ = step->to;
      for (const Deadline& d : step->deadlines) Store(d);
    }
    return step;
  }

  // Runs the scheduler at `now` and stores its changes; returns its events.
  std::vector<DeadlineEvent> Tick(Instant now) {
    auto events = CheckDeadlines(deadlines_, now);
    for (const DeadlineEvent& e : events) Store(e.deadline);
    return events;
  }

  CaseView View() const { return CaseView{id_, state_, deadlines_}; }
  const std::string& state() const { return state_; }
  const std::vector<Deadline>& deadlines() const { return deadlines_; }
  const Deadline* Find(std::string_view name) const {
    for (const Deadline& d : deadlines_) {
      if (d.name == name) return &d;
    }
    return nullptr;
  }
  const Machine& machine() const { return *machine_; }

 private:
  void Store(const Deadline& d) {
    for (Deadline& e : deadlines_) {
      if (e.name == d.name) {
        e = d;
        return;
      }
    }
    deadlines_.push_back(d);
  }

  CaseFacts facts_;
  const Machine* machine_;
  std::string id_;
  std::string state_;
  std::vector<Deadline> deadlines_;
};

}  // namespace evidex::workflow::testing

#endif  // EVIDEX_WORKFLOW_WORKFLOW_TESTING_H_
