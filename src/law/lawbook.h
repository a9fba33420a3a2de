// The law as data: procedures, rules, declarations and reservations, loaded
// from the rule files in `law/rules/` (format: docs/formats/law-rules.md).
//
// A Rule implements one article paragraph. It names the procedures it concerns,
// what it decides (a closed vocabulary, see vocabulary.h), when it concerns a
// channel (`scope`), its test or condition (`when`), and, where it is a special
// rule, the general rules it overrides. Loading checks every file strictly: an
// unknown key, a wrong type, an unknown procedure or declaration, an override
// of a rule of another kind or of an unrelated procedure, or an override cycle
// fails with an error naming the file, the line and the problem.
//
// A LawBook is immutable after loading and safe to share between threads.
#ifndef EVIDEX_LAW_LAWBOOK_H_
#define EVIDEX_LAW_LAWBOOK_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "law/vocabulary.h"

namespace evidex::law {

// Rules are numbered in load order; a channel's rule sets are bitsets over
// these numbers.
inline constexpr std::size_t kMaxRules = 512;
// Declarations and reservations together, numbered in load order.
inline constexpr std::size_t kMaxDeclarations = 64;

using RuleIndex = std::uint16_t;

// A set of rule numbers.
class RuleSet {
 public:
  void Add(RuleIndex i) { words_[i / 64] |= std::uint64_t{1} << (i % 64); }
  bool Has(RuleIndex i) const { return (words_[i / 64] >> (i % 64)) & 1; }
  bool Empty() const {
    for (std::uint64_t w : words_) {
      if (w != 0) return false;
    }
    return true;
  }
  // Calls f(i) for each member in increasing order.
  template <typename F>
  void ForEach(F&& f) const {
    for (std::size_t w = 0; w < words_.size(); ++w) {
      std::uint64_t bits = words_[w];
      while (bits != 0) {
        int b = __builtin_ctzll(bits);
        f(static_cast<RuleIndex>(w * 64 + static_cast<std::size_t>(b)));
        bits &= bits - 1;
      }
    }
  }
  friend bool operator==(const RuleSet&, const RuleSet&) = default;

 private:
  std::array<std::uint64_t, kMaxRules / 64> words_{};
};

struct SlotInstrument {
  Slot slot;
  Instrument instrument;
};
struct SlotDeclaration {
  Slot slot;
  std::uint8_t declaration;  // index into LawBook::declarations
};

// A condition: every constraint present must hold. Absent constraints hold
// trivially.
struct Condition {
  std::uint8_t facts_true = 0;  // bit per Fact that must be true
  std::uint8_t facts_false =
      0;  // bit per Fact that must be false (unknown counts as false)
  std::uint8_t measure_any = 0;  // bit per Measure; 0: any measure
  std::uint8_t kind_any = 0;     // bit per AddresseeKind; 0: any kind
  std::uint8_t data_any = 0;     // the query asks for at least one of these
  std::uint8_t data_only =
      0;  // the query asks for nothing outside these (0: no constraint)
  std::uint8_t data_none = 0;  // the query asks for none of these
  std::uint8_t category_any =
      0;  // the offence is in at least one of these categories
  double min_custodial_years =
      -1;  // maximum sentence at least this (unknown fails); <0: none
  std::vector<SlotInstrument>
      bound;  // each slot's State is bound by the instrument
  std::vector<SlotDeclaration>
      made;  // each slot's State made the declaration/reservation
  std::vector<std::pair<Slot, Slot>> same;       // both known and equal
  std::vector<std::pair<Slot, Slot>> different;  // both known and different
  std::vector<Slot> present;                     // the slot has a State
  std::vector<Condition> any_of;   // at least one holds (if any are given)
  std::vector<Condition> none_of;  // none holds
  // Derived when loaded, so that the engine can skip or remember evaluations:
  bool trivial = true;          // no constraint at all: always holds
  bool uses_addressee = false;  // depends on the channel's addressee slot
};

struct Notification {
  Slot state = Slot::kAddressee;
  NotifiedRole role = NotifiedRole::kEnforcingAuthority;
  std::string
      objection_window;  // ISO 8601 duration, empty: none set by the law
  bool suspensive = false;
};

struct Rule {
  RuleIndex index = 0;
  std::string id;       // e.g. "cets224.7.7"
  std::string cite;     // e.g. "CETS 224 Art. 7(7)"
  std::string text;     // the article's words, quoted or closely paraphrased
  std::string explain;  // one line, shown in decisions
  bool verified = false;
  std::string source;  // where the text was checked, or what is uncertain
  std::string file;    // rule file, for diagnostics
  int line = 0;
  Decides decides = Decides::kRequires;
  std::vector<std::uint8_t> procedures;  // indexes into LawBook::procedures
  // The rule concerns a channel only when `scope` holds; then `when` is its
  // test (for `requires` and `excludes`) or the further condition of its effect
  // (for the other kinds).
  Condition scope;
  Condition when;
  std::vector<std::string>
      overrides;  // ids of the general rules this special rule overrides
  std::vector<RuleIndex> overrides_indices;
  int rank =
      0;  // 0 for general rules, 1 + the highest rank among those it overrides
  bool removes =
      false;  // `value = "none"`: the special rule takes the value away
  // The value, by kind:
  std::vector<std::string> authorities;  // issuing/validating_authorities
  std::string duration;                  // deadlines and periods
  AddresseeRole addressee_role = AddresseeRole::kServiceProvider;
  Slot addressee_state = Slot::kProvider;
  Notification notification;
};

struct Procedure {
  std::string id;  // e.g. "cets224.7"
  std::string title;
  Instrument instrument = Instrument::kCets185;
  int priority = 0;            // among open channels, lower comes first
  int emergency_priority = 0;  // the same, for an emergency
  // Rules that concern this procedure, addressee rules first, then in load
  // order.
  std::vector<RuleIndex> rules;
};

struct Declaration {
  std::string id;  // e.g. "cets224.7.5.a"
  Instrument instrument =
      Instrument::kCets185;  // takes effect only while it binds the State
  std::string cite;
  std::string text;
  bool reservation = false;
  bool verified = false;
};

// A rule file's name (for diagnostics) and text.
struct SourceFile {
  std::string name;
  std::string text;
};

class LawBook {
 public:
  std::vector<Procedure> procedures;
  std::vector<Rule> rules;
  std::vector<Declaration> declarations;
  // For each rule, the special rules that override it.
  std::vector<std::vector<RuleIndex>> overridden_by;

  // Index of the procedure with `id`, or -1.
  int FindProcedure(std::string_view id) const;
  // Index of the declaration or reservation with `id`, or -1.
  int FindDeclaration(std::string_view id) const;
  const Rule* FindRule(std::string_view id) const;
};

// Loads and checks the rule files. Fails with kInvalidArgument naming file,
// line and problem.
Result<LawBook> LoadLawBook(const std::vector<SourceFile>& files);

}  // namespace evidex::law

#endif  // EVIDEX_LAW_LAWBOOK_H_
