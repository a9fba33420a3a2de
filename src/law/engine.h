// Decide: which lawful channels are open for a query, and why each other one is
// closed.
//
// Decide is a pure function of the law book, the registry and the query: no
// I/O, no clock, no global state; equal inputs give equal decisions. For every
// procedure the law book defines it evaluates the rules that concern it (see
// docs/formats/law-rules.md):
//   1. addressee rules choose who receives the order and in which State (the
//   `addressee` slot);
//   2. every `requires` rule whose condition fails, and every `excludes` rule
//   whose condition
//      holds, is a reason to close the channel; a closed channel lists all of
//      its reasons;
//   3. for an open channel, every other rule whose condition holds and that no
//   applicable special
//      rule overrides contributes its value: authorities, deadlines,
//      notifications, preconditions, duties. Two applicable rules of equal
//      standing that set one value differently are a conflict, reported in
//      Decision::conflicts (never resolved silently).
// Open channels are ordered by the procedure's priority (its emergency priority
// in an emergency); closed ones follow the law book's order.
//
// Thread-safe: Decide only reads its arguments.
#ifndef EVIDEX_LAW_ENGINE_H_
#define EVIDEX_LAW_ENGINE_H_

#include <array>
#include <optional>
#include <vector>

#include "core/time.h"
#include "law/lawbook.h"
#include "law/query.h"
#include "law/registry.h"

namespace evidex::law {

struct ChannelOutcome {
  std::uint8_t procedure = 0;  // index into LawBook::procedures
  bool open = false;
  // The rule that chose the addressee, if any; the addressee's State.
  const Rule* addressee = nullptr;
  std::optional<StateCode> addressee_state;
  // For each single-valued kind, the rule whose value holds (nullptr: none).
  std::array<const Rule*, kDecidesCount> values{};
  // Open: the rules the channel rests on. Closed: the rules that close it.
  RuleSet rules;
  // The State in each slot for this channel, to name the States that rules
  // refer to.
  std::array<std::optional<StateCode>, kSlotCount> slot_states{};
};

struct Conflict {
  std::uint8_t procedure = 0;
  RuleIndex first = 0;
  RuleIndex second = 0;
};

struct Decision {
  Date as_of;
  bool emergency = false;
  std::vector<ChannelOutcome> channels;  // open, best first
  std::vector<ChannelOutcome> excluded;  // closed, in law-book order
  std::vector<Conflict> conflicts;
};

Decision Decide(const LawBook& book, const Registry& registry,
                const Query& query);

}  // namespace evidex::law

#endif  // EVIDEX_LAW_ENGINE_H_
