// A routing query: who asks, whom, for what data, by which measure, for which
// offence; and the parser that turns the JSON of `evidex route` into one
// (contract: the law-engine issue and docs/formats/route-query.md).
//
// ParseQuery is strict: unknown fields, wrong types, unknown words, codes that
// are not ISO 3166-1 alpha-2 (or defined in the query's `parties`), and
// out-of-range numbers all fail with kInvalidArgument and a one-line message
// that names the offending field in backticks, e.g. "field
// `addressee.established_in`: `FRA` is not an ISO 3166-1 alpha-2 code".
#ifndef EVIDEX_LAW_QUERY_H_
#define EVIDEX_LAW_QUERY_H_

#include <optional>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "law/lawbook.h"
#include "law/registry.h"
#include "law/vocabulary.h"

namespace evidex::law {

inline constexpr std::size_t kMaxQueryBytes = 64 * 1024;

struct Query {
  Date as_of;
  StateCode issuing_state = 0;
  AddresseeKind addressee_kind = AddresseeKind::kServiceProvider;
  StateCode established_in = 0;
  std::optional<StateCode> designated_establishment_in;
  std::optional<StateCode> legal_representative_in;
  std::vector<StateCode> offers_services_in;
  std::uint8_t data = 0;  // bit per DataCategory, never 0
  Measure measure = Measure::kProduction;
  bool emergency = false;
  std::optional<double> max_custodial_years;
  std::uint8_t offence_categories = 0;  // bit per OffenceCategory
  bool via_information_system = false;
  std::optional<bool> committed_in_issuing_state;
  std::optional<StateCode> person_resides_in;
  // States described by the query itself; they replace the registry's records
  // for this query.
  std::vector<StateRecord> parties;
};

// Parses and checks a query. `today` is used when `as_of` is absent.
Result<Query> ParseQuery(std::string_view json, const LawBook& book,
                         const Registry& registry, Date today);

}  // namespace evidex::law

#endif  // EVIDEX_LAW_QUERY_H_
