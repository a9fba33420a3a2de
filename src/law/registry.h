// The registry of States: for each State, the date from which each instrument
// binds it, and the declarations and reservations it has made, with the dates
// from which they take effect. Loaded from `law/registry/states.json` (format:
// docs/formats/law-registry.md) and the ISO 3166-1 list.
//
// The registry is read by date: a State is bound by an instrument on a date if
// the instrument's `in_force` date for that State is on or before it; a
// declaration counts from its `from` date. Loading is strict: a wrong type, an
// unknown key, an unknown instrument or declaration id fails with an error
// naming the file and the JSON path of the problem.
//
// A Registry is immutable after loading and safe to share between threads.
#ifndef EVIDEX_LAW_REGISTRY_H_
#define EVIDEX_LAW_REGISTRY_H_

#include <array>
#include <bitset>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "law/lawbook.h"
#include "law/vocabulary.h"

namespace evidex::law {

inline constexpr std::size_t kInstrumentCount = 4;

struct MadeEntry {
  std::uint8_t declaration = 0;  // index into LawBook::declarations
  std::optional<Date>
      from;  // absent: effective whenever the instrument binds the State
};

struct StateRecord {
  StateCode code = 0;
  std::string name;
  std::array<std::optional<Date>, kInstrumentCount> in_force;
  std::vector<MadeEntry> made;

  bool BoundOn(Instrument i, Date d) const {
    const auto& f = in_force[static_cast<std::size_t>(i)];
    return f.has_value() && *f <= d;
  }
};

class Registry {
 public:
  // The State's record, or nullptr for a State the registry does not list
  // (bound by nothing).
  const StateRecord* Find(StateCode code) const {
    int i = index_[code];
    return i < 0 ? nullptr : &states_[static_cast<std::size_t>(i)];
  }
  // Whether `code` is an ISO 3166-1 alpha-2 code.
  bool IsIsoCode(StateCode code) const { return iso_[code]; }
  const std::vector<StateRecord>& states() const { return states_; }
  const std::string& as_of() const { return as_of_; }

 private:
  friend Result<Registry> LoadRegistry(const SourceFile&, const SourceFile&,
                                       const LawBook&);
  std::vector<StateRecord> states_;
  std::array<int, kStateCodeSpace> index_{};
  std::bitset<kStateCodeSpace> iso_;
  std::string as_of_;
};

// Loads the registry. `iso_codes` has one line per code ("AD Andorra"); `#`
// starts a comment.
Result<Registry> LoadRegistry(const SourceFile& states_json,
                              const SourceFile& iso_codes, const LawBook& book);

}  // namespace evidex::law

#endif  // EVIDEX_LAW_REGISTRY_H_
