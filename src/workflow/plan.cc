#include "workflow/plan.h"

namespace evidex::workflow {
namespace {

namespace bj = boost::json;

// The string at `a.b` of `v`, or empty.
std::string_view StringAt(const bj::value& v, std::string_view a,
                          std::string_view b) {
  if (!v.is_object()) return {};
  const bj::value* o = v.get_object().if_contains(a);
  if (o == nullptr || !o->is_object()) return {};
  const bj::value* s = o->get_object().if_contains(b);
  if (s == nullptr || !s->is_string()) return {};
  return s->get_string();
}

}  // namespace

Result<CasePlan> PlanCase(const law::LawBook& book, const law::Query& query,
                          const law::Decision& decision,
                          std::string_view procedure, const bj::value& order) {
  // A closed channel is refused before anything else, with its reasons.
  if (auto open = OpenChannel(book, decision, procedure); !open) {
    return Err(std::move(open).error());
  }
  CasePlan plan;
  std::string_view authority =
      StringAt(order, "issuing_authority", "authority");
  if (!law::kAuthorities.Parse(authority)) {
    plan.errors.push_back({"issuing_authority.authority",
                           authority.empty()
                               ? "required"
                               : "unknown value `" +
                                     std::string(authority.substr(0, 40)) +
                                     "`, expected " + law::kAuthorities.List(),
                           ""});
    return plan;
  }
  EVIDEX_ASSIGN_OR_RETURN(plan.facts, FactsFromDecision(book, query, decision,
                                                        procedure, authority));
  plan.errors = ValidateOrder(plan.facts, order);
  if (!plan.errors.empty()) return plan;
  // CETS 224 Art. 7(7): 30 days or the order's time frame, whichever is
  // longer. ValidateOrder has checked the time frame.
  std::string_view frame = StringAt(order, "return", "time_frame");
  auto seconds = ParseDurationSeconds(frame);
  for (DeadlineTerm& t : plan.facts.terms) {
    if (t.name == kDeadlineNames.Name(DeadlineName::kArt7Fallback) && seconds &&
        *seconds > t.seconds) {
      t.duration = std::string(frame);
      t.seconds = *seconds;
    }
  }
  return plan;
}

}  // namespace evidex::workflow
