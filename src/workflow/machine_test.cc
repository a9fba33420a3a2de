// The machine tables, checked exhaustively: their shape, every transition,
// every action refused in every state, and every refusal for the wrong party
// or person. The legal scenarios are in procedures_test.cc.
#include "workflow/machine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "law/law_testing.h"
#include "workflow/workflow_testing.h"

namespace evidex::workflow {
namespace {

using testing::T0;
using namespace std::chrono_literals;

// A combination of case facts and deadline records, to find for each
// transition a case in which its guards hold.
struct Context {
  CaseFacts facts;
  std::vector<Deadline> deadlines;
};

constexpr DeadlineName kGuardedDeadlines[] = {
    DeadlineName::kValidation, DeadlineName::kObjectionWindow,
    DeadlineName::kPreservation, DeadlineName::kArt7Fallback};

// Every combination of the facts the guards read (6 flags) and of the states
// of the four deadlines they read (absent, open, due, met).
std::vector<Context> AllContexts(std::string_view procedure) {
  std::vector<Context> out;
  for (unsigned flags = 0; flags < 64; ++flags) {
    CaseFacts f;
    f.procedure = std::string(procedure);
    f.validation_required = flags & 1;
    f.ex_post_validation = flags & 2;
    f.notification_required = flags & 4;
    f.notification_suspensive = flags & 8;
    f.formalisation_required = flags & 16;
    for (std::size_t i = 0; i < kDeadlineNameCount; ++i) {
      f.terms.push_back({std::string(kDeadlineNames.names[i]), "rule.x",
                         "Art. X", "P10D", 10 * 86400});
    }
    if (flags & 32) {
      f.terms.push_back({std::string(kPreservationExtensionTerm), "rule.ext",
                         "Annex VI", "P30D", 30 * 86400});
    }
    for (unsigned dl = 0; dl < 256; ++dl) {
      Context c{f, {}};
      for (std::size_t k = 0; k < 4; ++k) {
        unsigned s = (dl >> (2 * k)) & 3;
        if (s == 0) continue;
        Deadline d;
        d.case_id = "case-1";
        d.name = std::string(kDeadlineNames.Name(kGuardedDeadlines[k]));
        d.rule_id = "rule.x";
        d.due_at = s == 2 ? T0() - 1h : T0() + 24h;
        d.warn_at = d.due_at - 2h;
        d.status = s == 3 ? DeadlineStatus::kMet : DeadlineStatus::kPending;
        c.deadlines.push_back(d);
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

const Context* Witness(const std::vector<Context>& contexts,
                       const Transition& t) {
  for (const Context& c : contexts) {
    CaseView v{"case-1", t.from, c.deadlines};
    if (GuardsHold(t.guards, c.facts, v, T0())) return &c;
  }
  return nullptr;
}

const std::vector<std::string>& AllPersonRoles() {
  static const std::vector<std::string> roles = {"issuer", "validator",
                                                 "responder", "objector"};
  return roles;
}

std::string MachineName(const ::testing::TestParamInfo<const Machine*>& info) {
  std::string s(info.param->procedure);
  std::replace_if(
      s.begin(), s.end(), [](char c) { return !std::isalnum(c); }, '_');
  return s;
}

class MachineTest : public ::testing::TestWithParam<const Machine*> {
 protected:
  const Machine& m() const { return *GetParam(); }
};

std::vector<const Machine*> AllMachines() {
  std::vector<const Machine*> out;
  for (const Machine& m : Machines()) out.push_back(&m);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Machines, MachineTest,
                         ::testing::ValuesIn(AllMachines()), MachineName);

TEST(MachinesTest, EveryRequiredProcedureHasAMachineNamedAsTheLawNamesIt) {
  const law::LawBook& book = law::testing::BuiltInLaw().book;
  for (const char* id :
       {"eu2023-1543.epoc", "eu2023-1543.epoc-pr", "cets224.7", "cets224.8",
        "cets224.9", "cets185.29", "cets185.31"}) {
    ASSERT_NE(FindMachine(id), nullptr) << id;
  }
  for (const Machine& m : Machines()) {
    EXPECT_GE(book.FindProcedure(m.procedure), 0) << m.procedure;
  }
  EXPECT_EQ(FindMachine("cets185.18"), nullptr);
}

TEST_P(MachineTest, StatesAreDeclaredOnceAndTerminalStatesAreStates) {
  std::set<std::string_view> seen;
  for (std::string_view s : m().states) {
    EXPECT_TRUE(seen.insert(s).second) << s;
  }
  EXPECT_TRUE(m().IsState(m().initial));
  EXPECT_FALSE(m().IsTerminal(m().initial));
  EXPECT_FALSE(m().terminal.empty());
  for (std::string_view s : m().terminal) EXPECT_TRUE(m().IsState(s)) << s;
}

TEST_P(MachineTest, TransitionsJoinDeclaredStatesAndCiteTheirArticle) {
  for (const Transition& t : m().transitions) {
    SCOPED_TRACE(std::string(t.from) + " --" + std::string(t.action) + "--> " +
                 std::string(t.to));
    EXPECT_TRUE(m().IsState(t.from));
    EXPECT_TRUE(m().IsState(t.to));
    EXPECT_FALSE(m().IsTerminal(t.from));
    EXPECT_FALSE(t.event.empty());
    EXPECT_TRUE(t.cite.starts_with("EU 2023/1543 ") ||
                t.cite.starts_with("CETS 224 ") ||
                t.cite.starts_with("CETS 185 "))
        << t.cite;
    // The system acts without a person; everyone else through one.
    EXPECT_EQ(t.party == PartyRole::kSystem, t.person == PersonRole::kNone);
  }
}

// DeadlineEffects relies on it: only preservation is extended, and only while
// it runs and the law sets an extension.
TEST_P(MachineTest, RowsThatExtendAreGuardedByTheRunningPeriodAndTheLaw) {
  for (const Transition& t : m().transitions) {
    if (t.extend == 0) continue;
    EXPECT_EQ(t.extend, Bit(DeadlineName::kPreservation)) << t.from;
    EXPECT_NE(t.guards & G(Guard::kExtensionAllowed), 0u) << t.from;
    EXPECT_NE(t.guards & G(Guard::kPreservationRunning), 0u) << t.from;
  }
}

TEST_P(MachineTest, EveryStateIsReachableAndCanReachAnEnd) {
  std::set<std::string_view> reached = {m().initial};
  for (bool grew = true; grew;) {
    grew = false;
    for (const Transition& t : m().transitions) {
      if (reached.count(t.from) && reached.insert(t.to).second) grew = true;
    }
  }
  std::set<std::string_view> ending(m().terminal.begin(), m().terminal.end());
  for (bool grew = true; grew;) {
    grew = false;
    for (const Transition& t : m().transitions) {
      if (ending.count(t.to) && ending.insert(t.from).second) grew = true;
    }
  }
  for (std::string_view s : m().states) {
    EXPECT_TRUE(reached.count(s)) << s << " is unreachable";
    EXPECT_TRUE(ending.count(s)) << s << " cannot reach a terminal state";
  }
}

TEST_P(MachineTest, ExpiryActionsAreSystemTransitionsOfTheMachine) {
  for (const DeadlineSpec& d : m().deadlines) {
    if (d.expiry_action.empty()) continue;
    bool found = false;
    for (const Transition& t : m().transitions) {
      if (t.action == d.expiry_action) {
        found = true;
        EXPECT_EQ(t.party, PartyRole::kSystem) << t.from;
      }
    }
    EXPECT_TRUE(found) << d.expiry_action;
    EXPECT_EQ(m().ExpiryAction(kDeadlineNames.Name(d.name)), d.expiry_action);
  }
}

// For any case, at most one transition from a state by an action is open to a
// party: the table never leaves the choice to row order.
TEST_P(MachineTest, GuardsOfRowsSharingStateActionAndPartyExcludeEachOther) {
  std::map<std::tuple<std::string_view, std::string_view, PartyRole>,
           std::vector<const Transition*>>
      rows;
  for (const Transition& t : m().transitions) {
    rows[{t.from, t.action, t.party}].push_back(&t);
  }
  for (const Context& c : AllContexts(m().procedure)) {
    for (const auto& [key, group] : rows) {
      if (group.size() < 2) continue;
      int open = 0;
      for (const Transition* t : group) {
        CaseView v{"case-1", t->from, c.deadlines};
        if (GuardsHold(t->guards, c.facts, v, T0())) ++open;
      }
      ASSERT_LE(open, 1) << std::get<0>(key) << " " << std::get<1>(key);
    }
  }
}

TEST_P(MachineTest, EveryTransitionMovesToItsStateWithItsEffects) {
  std::vector<Context> contexts = AllContexts(m().procedure);
  for (const Transition& t : m().transitions) {
    SCOPED_TRACE(std::string(t.from) + " --" + std::string(t.action) + "--> " +
                 std::string(t.to));
    const Context* c = Witness(contexts, t);
    ASSERT_NE(c, nullptr) << "no case satisfies the guards";
    std::vector<std::string> person;
    if (t.person != PersonRole::kNone) {
      person.emplace_back(kPersonRoles.Name(t.person));
    }
    Actor actor{kPartyRoles.Name(t.party), person};
    CaseView v{"case-1", t.from, c->deadlines};
    auto step = Apply(m(), c->facts, v, t.action, actor, T0());
    ASSERT_TRUE(step.has_value()) << step.error().message();
    EXPECT_EQ(step->from, t.from);
    EXPECT_EQ(step->to, t.to);
    EXPECT_EQ(step->action, t.action);
    EXPECT_EQ(step->event_type, t.event);
    EXPECT_EQ(step->cite, t.cite);
    EXPECT_EQ(step->at, T0());
    auto written = [&](std::string_view name) -> const Deadline* {
      for (const Deadline& d : step->deadlines) {
        if (d.name == name) return &d;
      }
      return nullptr;
    };
    for (std::size_t i = 0; i < kDeadlineNameCount; ++i) {
      auto name = static_cast<DeadlineName>(i);
      std::string_view n = kDeadlineNames.Name(name);
      const Deadline* before = nullptr;
      for (const Deadline& d : c->deadlines) {
        if (d.name == n) before = &d;
      }
      bool running = before != nullptr && IsRunning(before->status);
      const Deadline* after = written(n);
      if (t.start & Bit(name)) {
        ASSERT_NE(after, nullptr) << n;
        EXPECT_EQ(after->status, DeadlineStatus::kPending);
        EXPECT_EQ(after->due_at, T0() + 240h) << n;
        EXPECT_EQ(after->warn_at, T0() + 192h) << n;
      } else if (t.extend & Bit(name)) {
        ASSERT_NE(after, nullptr) << n;
        EXPECT_EQ(after->due_at, before->due_at + 720h);
        EXPECT_EQ(after->rule_id, "rule.ext");
      } else if (running && (t.meet & Bit(name))) {
        ASSERT_NE(after, nullptr) << n;
        EXPECT_EQ(after->status, DeadlineStatus::kMet);
      } else if (running && (t.cancel & Bit(name))) {
        ASSERT_NE(after, nullptr) << n;
        EXPECT_EQ(after->status, DeadlineStatus::kCancelled);
      } else {
        EXPECT_EQ(after, nullptr) << n << " changed";
      }
    }
  }
}

TEST_P(MachineTest, EveryActionNotInTheTableIsRefusedInEveryState) {
  CaseFacts f;
  f.procedure = std::string(m().procedure);
  Actor actor{"issuer", AllPersonRoles()};
  for (std::string_view state : m().states) {
    for (std::string_view action : m().Actions()) {
      bool listed = std::any_of(m().transitions.begin(), m().transitions.end(),
                                [&](const Transition& t) {
                                  return t.from == state && t.action == action;
                                });
      if (listed) continue;
      auto step =
          Apply(m(), f, CaseView{"case-1", state, {}}, action, actor, T0());
      ASSERT_FALSE(step.has_value()) << state << " " << action;
      EXPECT_EQ(step.error().code(), StatusCode::kFailedPrecondition);
      EXPECT_NE(step.error().message().find("action `" + std::string(action) +
                                            "` in state `" +
                                            std::string(state) + "`"),
                std::string::npos)
          << step.error().message();
      if (m().IsTerminal(state)) {
        EXPECT_NE(step.error().message().find("terminal"), std::string::npos);
      }
    }
  }
}

TEST_P(MachineTest, EveryTransitionRefusesOtherPartiesAndPeopleWithoutTheRole) {
  std::vector<Context> contexts = AllContexts(m().procedure);
  for (const Transition& t : m().transitions) {
    const Context* c = Witness(contexts, t);
    ASSERT_NE(c, nullptr);
    CaseView v{"case-1", t.from, c->deadlines};
    for (std::string_view party : kPartyRoles.names) {
      bool has_row = std::any_of(m().transitions.begin(), m().transitions.end(),
                                 [&](const Transition& o) {
                                   return o.from == t.from &&
                                          o.action == t.action &&
                                          kPartyRoles.Name(o.party) == party;
                                 });
      if (has_row) continue;
      auto step = Apply(m(), c->facts, v, t.action,
                        Actor{party, AllPersonRoles()}, T0());
      ASSERT_FALSE(step.has_value()) << t.from << " " << t.action << party;
      EXPECT_EQ(step.error().code(), StatusCode::kPermissionDenied);
      EXPECT_NE(step.error().message().find(
                    "`" + std::string(kPartyRoles.Name(t.party)) + "`"),
                std::string::npos)
          << step.error().message();
    }
    if (t.person == PersonRole::kNone) continue;
    std::vector<std::string> others;
    for (const std::string& r : AllPersonRoles()) {
      if (r != kPersonRoles.Name(t.person)) others.push_back(r);
    }
    auto step = Apply(m(), c->facts, v, t.action,
                      Actor{kPartyRoles.Name(t.party), others}, T0());
    ASSERT_FALSE(step.has_value());
    EXPECT_EQ(step.error().code(), StatusCode::kPermissionDenied);
    EXPECT_NE(step.error().message().find(
                  "needs a person with the `" +
                  std::string(kPersonRoles.Name(t.person)) + "` role"),
              std::string::npos);
  }
}

TEST(ApplyTest, RefusesAnUnknownActionAStoredStateItDoesNotKnowAndOtherFacts) {
  const Machine& m = *FindMachine("eu2023-1543.epoc");
  CaseFacts f;
  f.procedure = "eu2023-1543.epoc";
  std::vector<std::string> roles = {"issuer"};
  Actor issuer{"issuer", roles};

  auto unknown = Apply(m, f, {"c", "draft", {}}, "preserve", issuer, T0());
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.error().message(),
            "unknown action `preserve` for `eu2023-1543.epoc`");

  auto bad_state = Apply(m, f, {"c", "limbo", {}}, "issue", issuer, T0());
  ASSERT_FALSE(bad_state.has_value());
  EXPECT_EQ(bad_state.error().code(), StatusCode::kDataLoss);

  CaseFacts other = f;
  other.procedure = "cets224.7";
  auto wrong = Apply(m, other, {"c", "draft", {}}, "issue", issuer, T0());
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), StatusCode::kInvalidArgument);
}

TEST(ApplyTest, NamesTheStateAndActionOfAnInvalidTransition) {
  const Machine& m = *FindMachine("eu2023-1543.epoc");
  CaseFacts f;
  f.procedure = "eu2023-1543.epoc";
  std::vector<std::string> roles = {"responder"};
  auto step = Apply(m, f, {"c", "draft", {}}, "produce",
                    Actor{"addressee", roles}, T0());
  ASSERT_FALSE(step.has_value());
  EXPECT_EQ(step.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(step.error().message(),
            "action `produce` in state `draft` of `eu2023-1543.epoc` is not "
            "allowed");
}

TEST(ApplyTest, SaysWhichGuardFails) {
  const Machine& m = *FindMachine("eu2023-1543.epoc");
  CaseFacts f;
  f.procedure = "eu2023-1543.epoc";
  f.validation_required = true;
  std::vector<std::string> roles = {"issuer"};
  auto step =
      Apply(m, f, {"c", "draft", {}}, "issue", Actor{"issuer", roles}, T0());
  ASSERT_FALSE(step.has_value());
  EXPECT_EQ(step.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(step.error().message(),
            "action `issue` in state `draft` of `eu2023-1543.epoc` is not "
            "allowed: the order must first be validated (EU 2023/1543 Art. 4)");
}

TEST(ApplyTest, AvailableActionsAreThoseApplyAccepts) {
  const Machine& m = *FindMachine("eu2023-1543.epoc");
  CaseFacts f;
  f.procedure = "eu2023-1543.epoc";
  std::vector<std::string> roles = {"issuer"};
  EXPECT_EQ(
      AvailableActions(m, f, {"c", "draft", {}}, Actor{"issuer", roles}, T0()),
      (std::vector<std::string_view>{"issue", "withdraw"}));
  f.validation_required = true;
  EXPECT_EQ(
      AvailableActions(m, f, {"c", "draft", {}}, Actor{"issuer", roles}, T0()),
      (std::vector<std::string_view>{"submit_for_validation", "withdraw"}));
  EXPECT_TRUE(AvailableActions(m, f, {"c", "draft", {}},
                               Actor{"addressee", roles}, T0())
                  .empty());
}

TEST(StepJsonTest, CarriesTheTransitionAndItsDeadlines) {
  Step s;
  s.from = "issued";
  s.action = "receive";
  s.to = "received";
  s.event_type = "received";
  s.cite = "EU 2023/1543 Art. 10(1)";
  s.at = T0();
  s.deadlines.push_back({"c", "response", "eu2023-1543.10.3", T0() + 240h,
                         T0() + 192h, DeadlineStatus::kPending});
  EXPECT_EQ(StepJson(s),
            R"({"from":"issued","to":"received","action":"receive",)"
            R"j("cite":"EU 2023/1543 Art. 10(1)","at":"2026-12-01T09:30:00Z",)j"
            R"("deadlines":[{"name":"response","rule":"eu2023-1543.10.3",)"
            R"("status":"pending","due_at":"2026-12-11T09:30:00Z"}]})");
}

}  // namespace
}  // namespace evidex::workflow
