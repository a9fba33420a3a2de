// The closed vocabularies of the law engine: instruments, data categories,
// measures, authority words, addressee roles, offence categories, the State
// "slots" a rule can speak of, and what a rule decides. Each has one spelling
// on the wire and in the rule files; Parse* returns nullopt for anything else.
// These are plain values, thread-safe to read.
#ifndef EVIDEX_LAW_VOCABULARY_H_
#define EVIDEX_LAW_VOCABULARY_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evidex::law {

// A (name, value) table with lookups both ways.
template <typename E, std::size_t N>
struct Words {
  std::array<std::string_view, N> names;
  std::string_view Name(E e) const {
    return names[static_cast<std::size_t>(e)];
  }
  std::optional<E> Parse(std::string_view s) const {
    for (std::size_t i = 0; i < N; ++i) {
      if (names[i] == s) return static_cast<E>(i);
    }
    return std::nullopt;
  }
  // "`a`, `b` or `c`", for error messages.
  std::string List() const {
    std::string out;
    for (std::size_t i = 0; i < N; ++i) {
      if (i > 0) out += i + 1 == N ? " or " : ", ";
      out += "`" + std::string(names[i]) + "`";
    }
    return out;
  }
};

enum class Instrument : std::uint8_t {
  kCets185,
  kCets189,
  kCets224,
  kEu20231543
};
inline constexpr Words<Instrument, 4> kInstruments{
    {"cets185", "cets189", "cets224", "eu2023-1543"}};

enum class DataCategory : std::uint8_t {
  kSubscriber,
  kIdentification,
  kTraffic,
  kContent
};
inline constexpr Words<DataCategory, 4> kDataCategories{
    {"subscriber", "identification", "traffic", "content"}};

enum class Measure : std::uint8_t {
  kProduction,
  kPreservation,
  kRealTimeCollection,
  kInterception
};
inline constexpr Words<Measure, 4> kMeasures{
    {"production", "preservation", "real_time_collection", "interception"}};

enum class AddresseeKind : std::uint8_t { kServiceProvider, kDomainRegistrar };
inline constexpr Words<AddresseeKind, 2> kAddresseeKinds{
    {"service_provider", "domain_registrar"}};

enum class OffenceCategory : std::uint8_t {
  kNonCashPaymentFraud,
  kChildSexualAbuse,
  kAttackOnInformationSystems,
  kTerrorism
};
inline constexpr Words<OffenceCategory, 4> kOffenceCategories{
    {"non_cash_payment_fraud", "child_sexual_abuse",
     "attack_on_information_systems", "terrorism"}};

enum class Authority : std::uint8_t {
  kJudge,
  kCourt,
  kInvestigatingJudge,
  kProsecutor,
  kOtherCompetentAuthority,
  kCentralAuthority,
  kPointOfContact247
};
inline constexpr Words<Authority, 7> kAuthorities{
    {"judge", "court", "investigating_judge", "prosecutor",
     "other_competent_authority", "central_authority",
     "point_of_contact_24_7"}};

enum class AddresseeRole : std::uint8_t {
  kDesignatedEstablishment,
  kLegalRepresentative,
  kServiceProvider,
  kDomainRegistrar,
  kRequestedParty,
  kPointOfContact247,
  kCentralAuthority
};
inline constexpr Words<AddresseeRole, 7> kAddresseeRoles{
    {"designated_establishment", "legal_representative", "service_provider",
     "domain_registrar", "requested_party", "point_of_contact_24_7",
     "central_authority"}};

// Who receives a notification (the enforcing authority of EU 2023/1543 Art. 8,
// the authority notified under CETS 224 Art. 7(5)).
enum class NotifiedRole : std::uint8_t {
  kEnforcingAuthority,
  kNotifiedAuthority
};
inline constexpr Words<NotifiedRole, 2> kNotifiedRoles{
    {"enforcing_authority", "notified_authority"}};

// The States a rule can speak of, resolved per query (and, for `addressee`, per
// channel).
enum class Slot : std::uint8_t {
  kIssuing,              // issuing_state
  kProvider,             // addressee.established_in
  kDesignated,           // addressee.designated_establishment_in
  kLegalRepresentative,  // addressee.legal_representative_in
  kResidence,            // person_resides_in
  kAddressee,            // the State of the channel's addressee, once chosen
};
inline constexpr std::size_t kSlotCount = 6;
inline constexpr Words<Slot, kSlotCount> kSlots{
    {"issuing", "provider", "designated", "legal_representative", "residence",
     "addressee"}};

// Yes/no facts of a query that a condition can test.
enum class Fact : std::uint8_t {
  kEmergency,
  kViaInformationSystem,
  kCommittedInIssuingState,
  kOffersServicesInIssuingState,
  kOffersServicesListed,   // the query lists where the provider offers services
  kOffersServicesInUnion,  // one of them is bound by EU 2023/1543 on the date
};
inline constexpr Words<Fact, 6> kFacts{
    {"emergency", "via_information_system", "committed_in_issuing_state",
     "offers_services_in_issuing_state", "offers_services_listed",
     "offers_services_in_union"}};

// What a rule decides about the procedures it names.
enum class Decides : std::uint8_t {
  kRequires,               // the channel is closed unless `when` holds
  kExcludes,               // the channel is closed if `when` holds
  kAddressee,              // who receives the order, and in which State
  kIssuingAuthorities,     // who may issue
  kValidatingAuthorities,  // who validates
  kResponseDeadline,       // time for the addressee to answer, from receipt
  kServiceDeadline,        // time for a requested Party to serve the provider
  kPreservationPeriod,     // how long data must be kept
  kPreservationExtension,  // by how much the issuer may extend preservation
  kValidationDeadline,     // time for ex-post validation
  kNotification,           // a State's authority to notify, and its window
  kPrecondition,           // something that must be true or done first
  kDuty,                   // an obligation attached to the channel
};
inline constexpr std::size_t kDecidesCount = 13;
inline constexpr Words<Decides, kDecidesCount> kDecides{
    {"requires", "excludes", "addressee", "issuing_authorities",
     "validating_authorities", "response_deadline", "service_deadline",
     "preservation_period", "preservation_extension", "validation_deadline",
     "notification", "precondition", "duty"}};

// Kinds that set one value per channel: two unrelated rules setting different
// values conflict.
constexpr bool IsSingleValued(Decides d) {
  switch (d) {
    case Decides::kAddressee:
    case Decides::kIssuingAuthorities:
    case Decides::kValidatingAuthorities:
    case Decides::kResponseDeadline:
    case Decides::kServiceDeadline:
    case Decides::kPreservationPeriod:
    case Decides::kPreservationExtension:
    case Decides::kValidationDeadline:
      return true;
    default:
      return false;
  }
}

// A State as a compact code: two letters A-Z.
using StateCode = std::uint16_t;
inline constexpr std::size_t kStateCodeSpace = 26 * 26;
std::optional<StateCode> ParseStateCode(std::string_view s);
std::string StateCodeName(StateCode code);

}  // namespace evidex::law

#endif  // EVIDEX_LAW_VOCABULARY_H_
