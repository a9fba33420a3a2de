// Properties of every machine under random use: whatever sequence of actions,
// parties and delays, a case is only ever in a declared state, a terminal
// state accepts no action, and a finished case has no running deadline.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "workflow/machine.h"
#include "workflow/workflow_testing.h"

namespace evidex::workflow {
namespace {

using testing::T0;

// Facts with every term the law can set, and random flags for the guards.
CaseFacts RandomFacts(const Machine& m) {
  CaseFacts f;
  f.procedure = std::string(m.procedure);
  f.emergency = *rc::gen::arbitrary<bool>();
  f.validation_required = *rc::gen::arbitrary<bool>();
  f.ex_post_validation = f.validation_required && f.emergency;
  f.notification_required = *rc::gen::arbitrary<bool>();
  f.notification_suspensive =
      f.notification_required && *rc::gen::arbitrary<bool>();
  f.formalisation_required = *rc::gen::arbitrary<bool>();
  for (std::string_view name : kDeadlineNames.names) {
    int hours = *rc::gen::inRange(1, 24 * 90);
    f.terms.push_back({std::string(name), "rule." + std::string(name), "Art. X",
                       "PT" + std::to_string(hours) + "H",
                       std::int64_t{hours} * 3600});
  }
  f.terms.push_back({std::string(kPreservationExtensionTerm), "rule.ext",
                     "Annex VI", "P30D", 30 * 86400});
  return f;
}

RC_GTEST_PROP(MachinePropertyTest, RandomUseOnlyEverReachesDeclaredStates, ()) {
  std::span<const Machine> machines = Machines();
  const Machine& m =
      machines[*rc::gen::inRange<std::size_t>(0, machines.size())];
  CaseFacts facts = RandomFacts(m);
  testing::Case c(facts);
  Instant now = T0();
  std::vector<std::string_view> actions = m.Actions();
  const int steps = *rc::gen::inRange(0, 80);
  for (int i = 0; i < steps; ++i) {
    now += std::chrono::minutes(*rc::gen::inRange(0, 60 * 24 * 20));
    for (const DeadlineEvent& e : c.Tick(now)) {
      // The node applies the expiry action of a missed deadline, if allowed.
      if (auto action = m.ExpiryAction(e.deadline.name)) {
        auto step = c.Do(*action, "system", now);
        RC_ASSERT(step.has_value() ||
                  step.error().code() == StatusCode::kFailedPrecondition);
      }
    }
    // Half the time an action the table lists from this state, by its party;
    // otherwise anything by anyone.
    std::vector<const Transition*> here;
    for (const Transition& t : m.transitions) {
      if (t.from == c.state()) here.push_back(&t);
    }
    std::string_view action, party;
    if (!here.empty() && *rc::gen::arbitrary<bool>()) {
      const Transition* t =
          here[*rc::gen::inRange<std::size_t>(0, here.size())];
      action = t->action;
      party = kPartyRoles.Name(t->party);
    } else {
      action = *rc::gen::elementOf(actions);
      party = *rc::gen::elementOf(kPartyRoles.names);
    }
    const bool was_terminal = m.IsTerminal(c.state());
    auto step = c.Do(action, party, now);
    if (was_terminal) {
      RC_ASSERT(!step.has_value());
      RC_ASSERT(step.error().code() == StatusCode::kFailedPrecondition);
    }
    if (step) {
      RC_ASSERT(m.IsState(step->to));
    } else {
      RC_ASSERT(step.error().code() == StatusCode::kFailedPrecondition ||
                step.error().code() == StatusCode::kPermissionDenied);
    }
    RC_ASSERT(m.IsState(c.state()));
    // One record per deadline name, each a name of the vocabulary.
    for (std::size_t a = 0; a < c.deadlines().size(); ++a) {
      RC_ASSERT(kDeadlineNames.Parse(c.deadlines()[a].name).has_value());
      for (std::size_t b = a + 1; b < c.deadlines().size(); ++b) {
        RC_ASSERT(c.deadlines()[a].name != c.deadlines()[b].name);
      }
    }
  }
  RC_TAG(m.procedure, m.IsTerminal(c.state()) ? "ended" : "running");
  if (m.IsTerminal(c.state())) {
    for (const Deadline& d : c.deadlines()) RC_ASSERT(!IsRunning(d.status));
    for (std::string_view action : actions) {
      for (std::string_view party : kPartyRoles.names) {
        auto step = c.Do(action, party, now);
        RC_ASSERT(!step.has_value());
        RC_ASSERT(step.error().code() == StatusCode::kFailedPrecondition);
      }
    }
  }
}

TEST(MachineTransitionsTest, EveryTransitionIntoATerminalStateCancelsAll) {
  for (const Machine& m : Machines()) {
    for (const Transition& t : m.transitions) {
      if (m.IsTerminal(t.to)) {
        EXPECT_EQ(t.cancel, kEveryDeadline)
            << m.procedure << ": " << t.from << " --" << t.action << "--> "
            << t.to;
      }
    }
  }
}

}  // namespace
}  // namespace evidex::workflow
