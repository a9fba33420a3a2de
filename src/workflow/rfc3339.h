// RFC 3339 times, as the wire carries them (`2026-11-29T09:30:00Z`,
// `2026-11-29T10:30:00+01:00`).
//
// FormatRfc3339 writes UTC with a `Z`, and milliseconds only when there are
// some. ParseRfc3339 accepts exactly `YYYY-MM-DDTHH:MM:SS[.fraction]` followed
// by `Z` or an offset `+HH:MM` / `-HH:MM` (the letters `T` and `Z` in either
// case); a time without a zone is refused, because the same wall-clock time
// names different instants in different zones. Pure functions; thread-safe.
#ifndef EVIDEX_WORKFLOW_RFC3339_H_
#define EVIDEX_WORKFLOW_RFC3339_H_

#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"

namespace evidex::workflow {

std::string FormatRfc3339(Instant instant);

// Fails with kInvalidArgument: "is not an RFC 3339 date and time" for anything
// malformed, "has no time zone" for a well-formed time without `Z` or offset.
// Fractions finer than a millisecond are truncated.
Result<Instant> ParseRfc3339(std::string_view text);

}  // namespace evidex::workflow

#endif  // EVIDEX_WORKFLOW_RFC3339_H_
