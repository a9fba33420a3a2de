// Properties of Decide over random queries (rapidcheck).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "law/law_testing.h"

namespace evidex::law {
namespace {

using testing::BuiltInLaw;
using testing::Day;

const char* const kStates[] = {"FR", "IE", "DE", "DK", "US",
                               "JP", "AT", "XA", "XB"};

StateCode GenState() {
  return ParseStateCode(*rc::gen::elementOf(std::vector<std::string>(
                            std::begin(kStates), std::end(kStates))))
      .value();
}

std::optional<StateCode> GenOptionalState() {
  if (*rc::gen::inRange(0, 3) == 0) return std::nullopt;
  return GenState();
}

StateRecord GenParty(const char* code) {
  const LawBook& book = BuiltInLaw().book;
  StateRecord r;
  r.code = ParseStateCode(code).value();
  r.name = code;
  for (std::size_t i = 0; i < kInstrumentCount; ++i) {
    int pick = *rc::gen::inRange(0, 3);
    if (pick == 1) r.in_force[i] = Day("2020-01-01");
    if (pick == 2) r.in_force[i] = Day("2030-01-01");
  }
  for (std::size_t d = 0; d < book.declarations.size(); ++d) {
    if (*rc::gen::inRange(0, 4) == 0)
      r.made.push_back({static_cast<std::uint8_t>(d), {}});
  }
  return r;
}

Query GenQuery() {
  Query q;
  q.as_of = *rc::gen::element(Day("2026-01-01"), Day("2026-11-29"));
  q.issuing_state = GenState();
  q.addressee_kind = *rc::gen::element(AddresseeKind::kServiceProvider,
                                       AddresseeKind::kDomainRegistrar);
  q.established_in = GenState();
  q.designated_establishment_in = GenOptionalState();
  q.legal_representative_in = GenOptionalState();
  if (*rc::gen::arbitrary<bool>())
    q.offers_services_in = {GenState(), GenState()};
  q.data = static_cast<std::uint8_t>(*rc::gen::inRange(1, 16));
  q.measure =
      *rc::gen::element(Measure::kProduction, Measure::kPreservation,
                        Measure::kRealTimeCollection, Measure::kInterception);
  q.emergency = *rc::gen::arbitrary<bool>();
  if (*rc::gen::arbitrary<bool>())
    q.max_custodial_years = *rc::gen::inRange(0, 12);
  q.offence_categories = static_cast<std::uint8_t>(*rc::gen::inRange(0, 16));
  q.via_information_system = *rc::gen::arbitrary<bool>();
  if (*rc::gen::arbitrary<bool>())
    q.committed_in_issuing_state = *rc::gen::arbitrary<bool>();
  q.person_resides_in = GenOptionalState();
  q.parties = {GenParty("XA"), GenParty("XB")};
  return q;
}

std::set<std::string> Open(const Decision& d) {
  std::set<std::string> out;
  for (const ChannelOutcome& c : d.channels)
    out.insert(BuiltInLaw().book.procedures[c.procedure].id);
  return out;
}

std::optional<std::int64_t> Seconds(const ChannelOutcome& c, Decides kind) {
  const Rule* r = c.values[static_cast<std::size_t>(kind)];
  if (r == nullptr || r->removes) return std::nullopt;
  return ParseDurationSeconds(r->duration).value();
}

RC_GTEST_PROP(DecideProperty,
              EveryProcedureOnceEveryClosedOneWithAReasonNoConflict, ()) {
  const Law& law = BuiltInLaw();
  Query q = GenQuery();
  Decision d = Decide(law.book, law.registry, q);
  RC_ASSERT(d.channels.size() + d.excluded.size() ==
            law.book.procedures.size());
  std::set<std::uint8_t> seen;
  for (const auto& c : d.channels) RC_ASSERT(seen.insert(c.procedure).second);
  for (const auto& c : d.excluded) {
    RC_ASSERT(seen.insert(c.procedure).second);
    RC_ASSERT(!c.rules.Empty());
  }
  RC_ASSERT(d.conflicts.empty());
}

RC_GTEST_PROP(DecideProperty, IdenticalInputGivesIdenticalOutput, ()) {
  const Law& law = BuiltInLaw();
  Query q = GenQuery();
  std::string a, b;
  AppendDecisionJson(law.book, Decide(law.book, law.registry, q), a);
  Query copy = q;
  AppendDecisionJson(law.book, Decide(law.book, law.registry, copy), b);
  RC_ASSERT(a == b);
  RC_ASSERT(ParseJson(a).has_value());
}

RC_GTEST_PROP(DecideProperty, AddingAReservationNeverOpensAChannel, ()) {
  const Law& law = BuiltInLaw();
  Query q = GenQuery();
  std::vector<std::uint8_t> reservations;
  for (std::size_t d = 0; d < law.book.declarations.size(); ++d) {
    if (law.book.declarations[d].reservation)
      reservations.push_back(static_cast<std::uint8_t>(d));
  }
  Query reserved = q;
  StateRecord& party = reserved.parties[*rc::gen::inRange<std::size_t>(0, 2)];
  party.made.push_back({*rc::gen::elementOf(reservations), {}});
  std::set<std::string> before = Open(Decide(law.book, law.registry, q));
  std::set<std::string> after = Open(Decide(law.book, law.registry, reserved));
  for (const std::string& p : after) RC_ASSERT(before.contains(p));
}

RC_GTEST_PROP(DecideProperty, AnEmergencyNeverLengthensADeadline, ()) {
  const Law& law = BuiltInLaw();
  Query calm = GenQuery();
  calm.emergency = false;
  Query urgent = calm;
  urgent.emergency = true;
  Decision dc = Decide(law.book, law.registry, calm);
  Decision du = Decide(law.book, law.registry, urgent);
  for (const ChannelOutcome& u : du.channels) {
    for (const ChannelOutcome& c : dc.channels) {
      if (c.procedure != u.procedure) continue;
      for (Decides kind :
           {Decides::kResponseDeadline, Decides::kServiceDeadline}) {
        auto normal = Seconds(c, kind);
        auto fast = Seconds(u, kind);
        if (normal) {
          RC_ASSERT(fast.has_value());
          RC_ASSERT(*fast <= *normal);
        }
      }
    }
  }
}

}  // namespace
}  // namespace evidex::law
