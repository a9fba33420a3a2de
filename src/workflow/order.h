// The content of an order or request: what each article requires it to say,
// checked field by field.
//
// The body of an order is a JSON object whose shape depends on the procedure;
// docs/formats/order.md specifies every field. ValidateOrder checks a body
// against the procedure's required content and against the case facts (the
// data categories, the issuing State and authority, the addressee, the
// emergency and the notification must be those the law engine routed), and
// returns every problem it finds as a FieldError: the JSON path of the field
// (`targets[0].timestamp`), a one-line lowercase problem, and the article that
// requires the content (empty for problems of form, such as an unknown field
// or a string too long). An empty list means the body may be stored.
//
// Required content, by procedure:
//   eu2023-1543.epoc     Annex I sections A, B, D, E, F, G, H, K, L
//                        (section C, the time limits, follows from the law
//                        and is not written by the issuer)
//   eu2023-1543.epoc-pr  Annex II: the same sections without H, with the
//                        production route intended
//   cets224.7            Art. 7(3) and the supplemental information of 7(4)
//   cets224.8            Art. 8(3)(a), with the supporting information of
//                        8(3)(b) in `supporting_information`
//   cets224.9            Art. 9(3)
//   cets185.29           Art. 29(2)
//   cets185.31           the request for stored data of Art. 31(1)
//
// Pure function of its arguments; thread-safe.
#ifndef EVIDEX_WORKFLOW_ORDER_H_
#define EVIDEX_WORKFLOW_ORDER_H_

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/facts.h"

namespace evidex::workflow {

struct FieldError {
  std::string field;    // JSON path, e.g. "offence.legal_provisions[0]"
  std::string problem;  // lowercase, one line; user input in backticks
  std::string cite;     // e.g. "EU 2023/1543 Annex I Section E"; may be empty

  friend bool operator==(const FieldError&, const FieldError&) = default;
};

// At most this many errors are reported; the last one then says so.
inline constexpr std::size_t kMaxFieldErrors = 100;

// The problems of `order` as the body of a `facts.procedure` order, in
// document order; empty when there is none.
std::vector<FieldError> ValidateOrder(const CaseFacts& facts,
                                      const boost::json::value& order);

}  // namespace evidex::workflow

#endif  // EVIDEX_WORKFLOW_ORDER_H_
