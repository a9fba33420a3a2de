// The machine tables in src/workflow/README.md are generated from the code
// and kept true by this test: each machine's section between
// `<!-- machine: ID -->` and `<!-- end machine -->` must be exactly what
// Markdown() renders. On a difference the test prints the section to paste.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "workflow/machine.h"

namespace evidex::workflow {
namespace {

std::string Names(DeadlineSet set) {
  if (set == kEveryDeadline) return "all";
  std::string out;
  for (std::size_t i = 0; i < kDeadlineNameCount; ++i) {
    if ((set >> i) & 1) {
      if (!out.empty()) out += ", ";
      out += std::string(kDeadlineNames.names[i]);
    }
  }
  return out;
}

std::string Effects(const Transition& t) {
  std::string out;
  auto add = [&](const char* verb, DeadlineSet set) {
    if (set == 0) return;
    if (!out.empty()) out += "; ";
    out += std::string(verb) + " " + Names(set);
  };
  add("meets", t.meet);
  add("cancels", t.cancel);
  add("starts", t.start);
  add("extends", t.extend);
  return out;
}

std::string Guards(GuardSet guards) {
  std::string out;
  for (std::size_t i = 0; i < kGuardCount; ++i) {
    if ((guards >> i) & 1) {
      if (!out.empty()) out += ", ";
      out += std::string(kGuards.names[i]);
    }
  }
  return out;
}

std::string Markdown(const Machine& m) {
  std::ostringstream out;
  out << "States: ";
  for (std::size_t i = 0; i < m.states.size(); ++i) {
    out << (i > 0 ? ", " : "") << "`" << m.states[i] << "`";
  }
  out << ". Initial: `" << m.initial << "`. Terminal: ";
  for (std::size_t i = 0; i < m.terminal.size(); ++i) {
    out << (i > 0 ? ", " : "") << "`" << m.terminal[i] << "`";
  }
  out << ".\n\n";
  if (!m.deadlines.empty()) {
    out << "Deadlines: ";
    for (std::size_t i = 0; i < m.deadlines.size(); ++i) {
      const DeadlineSpec& d = m.deadlines[i];
      out << (i > 0 ? ", " : "") << "`" << kDeadlineNames.Name(d.name) << "` ("
          << law::kDecides.Name(d.source);
      if (!d.expiry_action.empty()) {
        out << "; when missed: `" << d.expiry_action << "`";
      }
      out << ")";
    }
    out << ".\n\n";
  }
  out << "| from | action | to | party | person | guards | deadlines | event "
         "| cite |\n";
  out << "|---|---|---|---|---|---|---|---|---|\n";
  for (const Transition& t : m.transitions) {
    out << "| " << t.from << " | " << t.action << " | " << t.to << " | "
        << kPartyRoles.Name(t.party) << " | "
        << (t.person == PersonRole::kNone ? "" : kPersonRoles.Name(t.person))
        << " | " << Guards(t.guards) << " | " << Effects(t) << " | " << t.event
        << " | " << t.cite << " |\n";
  }
  return out.str();
}

TEST(ReadmeTest, MachineTablesAreThoseOfTheCode) {
  std::ifstream in(std::string(EVIDEX_SOURCE_DIR) + "/src/workflow/README.md");
  ASSERT_TRUE(in) << "cannot read src/workflow/README.md";
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string readme = buf.str();
  for (const Machine& m : Machines()) {
    std::string open = "<!-- machine: " + std::string(m.procedure) + " -->\n";
    const std::string close = "<!-- end machine -->";
    std::size_t begin = readme.find(open);
    ASSERT_NE(begin, std::string::npos) << "README lacks " << open;
    begin += open.size();
    std::size_t end = readme.find(close, begin);
    ASSERT_NE(end, std::string::npos);
    std::string expected = Markdown(m);
    EXPECT_EQ(readme.substr(begin, end - begin), expected)
        << "paste into README.md for " << m.procedure << ":\n"
        << open << expected << close;
  }
}

}  // namespace
}  // namespace evidex::workflow
