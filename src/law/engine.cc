#include "law/engine.h"

#include <algorithm>

namespace evidex::law {
namespace {

constexpr std::uint8_t Bit(auto e) {
  return static_cast<std::uint8_t>(1u << static_cast<unsigned>(e));
}

struct SlotFacts {
  bool present = false;
  StateCode code = 0;
  std::uint8_t bound = 0;  // bit per Instrument in force for the State on as_of
  std::uint64_t made =
      0;  // bit per declaration or reservation in effect on as_of
};

class Evaluator {
 public:
  Evaluator(const LawBook& book, const Registry& registry, const Query& query)
      : book_(book), registry_(registry), query_(query) {
    if (query.emergency) facts_ |= Bit(Fact::kEmergency);
    if (query.via_information_system)
      facts_ |= Bit(Fact::kViaInformationSystem);
    if (query.committed_in_issuing_state.value_or(false)) {
      facts_ |= Bit(Fact::kCommittedInIssuingState);
    }
    if (std::find(query.offers_services_in.begin(),
                  query.offers_services_in.end(),
                  query.issuing_state) != query.offers_services_in.end()) {
      facts_ |= Bit(Fact::kOffersServicesInIssuingState);
    }
    if (!query.offers_services_in.empty())
      facts_ |= Bit(Fact::kOffersServicesListed);
    for (StateCode s : query.offers_services_in) {
      const StateRecord* rec = Record(s);
      if (rec != nullptr &&
          rec->BoundOn(Instrument::kEu20231543, query.as_of)) {
        facts_ |= Bit(Fact::kOffersServicesInUnion);
        break;
      }
    }
    Resolve(Slot::kIssuing, query.issuing_state);
    Resolve(Slot::kProvider, query.established_in);
    Resolve(Slot::kDesignated, query.designated_establishment_in);
    Resolve(Slot::kLegalRepresentative, query.legal_representative_in);
    Resolve(Slot::kResidence, query.person_resides_in);
  }

  void Resolve(Slot slot, std::optional<StateCode> code) {
    SlotFacts& f = slots_[static_cast<std::size_t>(slot)];
    f = SlotFacts{};
    if (!code) return;
    f.present = true;
    f.code = *code;
    const StateRecord* rec = Record(*code);
    if (rec == nullptr) return;
    for (std::size_t i = 0; i < kInstrumentCount; ++i) {
      if (rec->BoundOn(static_cast<Instrument>(i), query_.as_of)) {
        f.bound |= static_cast<std::uint8_t>(1u << i);
      }
    }
    // A declaration or reservation takes effect with the instrument, not
    // before.
    for (const MadeEntry& m : rec->made) {
      if ((!m.from || *m.from <= query_.as_of) &&
          rec->BoundOn(book_.declarations[m.declaration].instrument,
                       query_.as_of)) {
        f.made |= std::uint64_t{1} << m.declaration;
      }
    }
  }

  // Whether the rule's scope (or its `when`) holds. Results that do not depend
  // on the channel's addressee are remembered for the rest of the decision:
  // many rules concern several channels.
  bool Scope(const Rule& rule) const {
    return Remembered(rule.scope, rule.index * 2);
  }
  bool When(const Rule& rule) const {
    return Remembered(rule.when, rule.index * 2 + 1);
  }

  std::optional<StateCode> StateIn(Slot slot) const {
    const SlotFacts& f = slots_[static_cast<std::size_t>(slot)];
    return f.present ? std::optional<StateCode>(f.code) : std::nullopt;
  }

  bool Holds(const Condition& c) const {
    if ((facts_ & c.facts_true) != c.facts_true ||
        (facts_ & c.facts_false) != 0)
      return false;
    if (c.measure_any != 0 && (c.measure_any & Bit(query_.measure)) == 0)
      return false;
    if (c.kind_any != 0 && (c.kind_any & Bit(query_.addressee_kind)) == 0)
      return false;
    if (c.data_any != 0 && (c.data_any & query_.data) == 0) return false;
    if (c.data_only != 0 && (query_.data & ~c.data_only) != 0) return false;
    if ((query_.data & c.data_none) != 0) return false;
    if (c.category_any != 0 &&
        (c.category_any & query_.offence_categories) == 0)
      return false;
    if (c.min_custodial_years >= 0 &&
        !(query_.max_custodial_years &&
          *query_.max_custodial_years >= c.min_custodial_years)) {
      return false;
    }
    for (const SlotInstrument& b : c.bound) {
      const SlotFacts& f = Facts(b.slot);
      if (!f.present || (f.bound & Bit(b.instrument)) == 0) return false;
    }
    for (const SlotDeclaration& m : c.made) {
      const SlotFacts& f = Facts(m.slot);
      if (!f.present || ((f.made >> m.declaration) & 1) == 0) return false;
    }
    for (const auto& [a, b] : c.same) {
      const SlotFacts &fa = Facts(a), &fb = Facts(b);
      if (!fa.present || !fb.present || fa.code != fb.code) return false;
    }
    for (const auto& [a, b] : c.different) {
      const SlotFacts &fa = Facts(a), &fb = Facts(b);
      if (!fa.present || !fb.present || fa.code == fb.code) return false;
    }
    for (Slot s : c.present) {
      if (!Facts(s).present) return false;
    }
    if (!c.any_of.empty() &&
        std::none_of(c.any_of.begin(), c.any_of.end(),
                     [&](const Condition& sub) { return Holds(sub); })) {
      return false;
    }
    return std::none_of(c.none_of.begin(), c.none_of.end(),
                        [&](const Condition& sub) { return Holds(sub); });
  }

 private:
  // The query's own record of a State, else the registry's, else nullptr.
  const StateRecord* Record(StateCode code) const {
    for (const StateRecord& r : query_.parties) {
      if (r.code == code) return &r;
    }
    return registry_.Find(code);
  }

  const SlotFacts& Facts(Slot s) const {
    return slots_[static_cast<std::size_t>(s)];
  }

  bool Remembered(const Condition& c, std::size_t key) const {
    if (c.trivial) return true;
    if (c.uses_addressee) return Holds(c);
    std::int8_t& m = memo_[key];
    if (m == 0) m = Holds(c) ? 1 : -1;
    return m > 0;
  }

  const LawBook& book_;
  const Registry& registry_;
  const Query& query_;
  std::uint8_t facts_ = 0;
  std::array<SlotFacts, kSlotCount> slots_{};
  mutable std::array<std::int8_t, 2 * kMaxRules>
      memo_{};  // 0 unknown, 1 holds, -1 fails
};

bool SameValue(const Rule& a, const Rule& b) {
  if (a.removes || b.removes) return a.removes == b.removes;
  switch (a.decides) {
    case Decides::kAddressee:
      return a.addressee_role == b.addressee_role &&
             a.addressee_state == b.addressee_state;
    case Decides::kIssuingAuthorities:
    case Decides::kValidatingAuthorities:
      return a.authorities == b.authorities;
    default:
      return a.duration == b.duration;
  }
}

bool Concerns(const Rule& rule, std::uint8_t procedure) {
  return std::find(rule.procedures.begin(), rule.procedures.end(), procedure) !=
         rule.procedures.end();
}

// A rule applies to a procedure when its condition holds and no special rule
// that concerns the same procedure and whose condition holds overrides it.
bool Applies(const LawBook& book, const Evaluator& ev, const Rule& rule,
             std::uint8_t procedure) {
  if (!ev.Scope(rule) || !ev.When(rule)) return false;
  for (RuleIndex o : book.overridden_by[rule.index]) {
    const Rule& special = book.rules[o];
    if (Concerns(special, procedure) && ev.Scope(special) && ev.When(special)) {
      return false;
    }
  }
  return true;
}

}  // namespace

Decision Decide(const LawBook& book, const Registry& registry,
                const Query& query) {
  Decision d;
  d.as_of = query.as_of;
  d.emergency = query.emergency;
  d.channels.reserve(book.procedures.size());
  d.excluded.reserve(book.procedures.size());
  Evaluator ev(book, registry, query);

  for (std::size_t pi = 0; pi < book.procedures.size(); ++pi) {
    const auto p = static_cast<std::uint8_t>(pi);
    const std::vector<RuleIndex>& rules = book.procedures[pi].rules;
    ChannelOutcome out;
    out.procedure = p;

    std::size_t k = 0;
    for (; k < rules.size() &&
           book.rules[rules[k]].decides == Decides::kAddressee;
         ++k) {
      const Rule& rule = book.rules[rules[k]];
      if (!Applies(book, ev, rule, p)) continue;
      if (out.addressee == nullptr) {
        out.addressee = &rule;
      } else if (!SameValue(*out.addressee, rule)) {
        d.conflicts.push_back({p, out.addressee->index, rule.index});
      }
    }
    ev.Resolve(Slot::kAddressee,
               out.addressee == nullptr
                   ? std::nullopt
                   : ev.StateIn(out.addressee->addressee_state));

    RuleSet reasons;
    for (std::size_t i = k; i < rules.size(); ++i) {
      const Rule& rule = book.rules[rules[i]];
      if (!ev.Scope(rule)) continue;
      if ((rule.decides == Decides::kRequires && !ev.When(rule)) ||
          (rule.decides == Decides::kExcludes && ev.When(rule))) {
        reasons.Add(rule.index);
      }
    }
    if (!reasons.Empty()) {
      out.rules = reasons;
      d.excluded.push_back(out);
      continue;
    }

    out.open = true;
    if (out.addressee != nullptr) {
      out.rules.Add(out.addressee->index);
      out.addressee_state = ev.StateIn(Slot::kAddressee);
    }
    for (std::size_t s = 0; s < kSlotCount; ++s)
      out.slot_states[s] = ev.StateIn(static_cast<Slot>(s));
    for (std::size_t i = k; i < rules.size(); ++i) {
      const Rule& rule = book.rules[rules[i]];
      if (rule.decides == Decides::kExcludes) continue;
      if (rule.decides == Decides::kRequires) {
        if (ev.Scope(rule)) out.rules.Add(rule.index);
        continue;
      }
      if (!Applies(book, ev, rule, p)) continue;
      out.rules.Add(rule.index);
      if (!IsSingleValued(rule.decides)) continue;
      const Rule*& slot = out.values[static_cast<std::size_t>(rule.decides)];
      if (slot == nullptr) {
        slot = &rule;
      } else if (!SameValue(*slot, rule)) {
        d.conflicts.push_back({p, slot->index, rule.index});
      }
    }
    d.channels.push_back(out);
  }

  std::stable_sort(d.channels.begin(), d.channels.end(),
                   [&](const ChannelOutcome& a, const ChannelOutcome& b) {
                     const Procedure& pa = book.procedures[a.procedure];
                     const Procedure& pb = book.procedures[b.procedure];
                     return query.emergency
                                ? pa.emergency_priority < pb.emergency_priority
                                : pa.priority < pb.priority;
                   });
  return d;
}

}  // namespace evidex::law
