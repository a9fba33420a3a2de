#include "node/sandbox.h"

#include "core/json.h"
#include "node/auth.h"
#include "node/secrets.h"

namespace evidex::node {
namespace {

struct DemoOrg {
  const char* id;
  const char* name;
  const char* kind;
  const char* state;
  std::vector<std::string> authorities;
  const char* person;
  const char* email;
  std::vector<std::string> roles;
};

const std::vector<DemoOrg>& Demo() {
  static const std::vector<DemoOrg> kDemo = {
      {"org_fr_parquet",
       "Parquet de Paris, section cybercriminalite",
       "issuing_authority",
       "FR",
       {"prosecutor"},
       "Camille Martin",
       "camille.martin@parquet.example",
       {"issuer"}},
      {"org_fr_instruction",
       "Tribunal judiciaire de Paris, juge d'instruction",
       "validating_authority",
       "FR",
       {"investigating_judge", "judge"},
       "Julien Bernard",
       "julien.bernard@tj-paris.example",
       {"issuer", "validator"}},
      {"org_fr_247",
       "Point de contact 24/7 (France)",
       "point_of_contact_24_7",
       "FR",
       {"point_of_contact_24_7"},
       "Luc Petit",
       "luc.petit@247.example",
       {"issuer", "responder"}},
      {"org_fr_cnil",
       "Autorite de protection des donnees (France)",
       "oversight",
       "FR",
       {},
       "Nadia Haddad",
       "nadia.haddad@dpa.example",
       {"auditor", "admin"}},
      {"org_ie_enforcing",
       "Irish enforcing authority for e-evidence",
       "enforcing_authority",
       "IE",
       {"other_competent_authority"},
       "Aoife Byrne",
       "aoife.byrne@enforcing.example",
       {"objector"}},
      {"org_ie_nimbus",
       "Nimbus Mail Ireland Ltd (designated establishment)",
       "service_provider",
       "IE",
       {},
       "Sean Murphy",
       "sean.murphy@nimbus.example",
       {"responder"}},
      {"org_us_cloudmail",
       "Cloudmail Inc.",
       "service_provider",
       "US",
       {},
       "Jordan Lee",
       "jordan.lee@cloudmail.example",
       {"responder"}},
      {"org_us_oia",
       "U.S. Department of Justice, Office of International Affairs",
       "central_authority",
       "US",
       {"central_authority"},
       "Morgan Davis",
       "morgan.davis@oia.example",
       {"issuer", "responder"}},
      {"org_us_247",
       "24/7 point of contact (United States)",
       "point_of_contact_24_7",
       "US",
       {"point_of_contact_24_7"},
       "Riley Chen",
       "riley.chen@247-us.example",
       {"issuer", "responder"}},
  };
  return kDemo;
}

}  // namespace

Result<std::vector<SandboxPerson>> SeedSandbox(store::Store& store,
                                               const Clock& clock,
                                               bool reissue_tokens) {
  EVIDEX_ASSIGN_OR_RETURN(auto txn, store.Begin());
  bool seeded = txn->GetOrganisation(Demo().front().id).has_value();
  if (seeded && !reissue_tokens) return std::vector<SandboxPerson>();
  Instant now = clock.Now();
  std::vector<SandboxPerson> people;
  for (const DemoOrg& d : Demo()) {
    std::string person_id = std::string("person_") + (d.id + 4);
    if (!seeded) {
      store::Organisation org{d.id,    d.name,        d.kind,
                              d.state, d.authorities, now};
      // One demo person per organisation: no second person could approve an
      // emergency order, so four eyes starts off here (an administrator
      // turns it on: PUT /api/v1/organisations/{id}/settings).
      org.four_eyes_emergency = false;
      EVIDEX_RETURN_IF_ERROR(txn->PutOrganisation(org));
      store::Person person;
      person.id = person_id;
      person.organisation_id = d.id;
      person.name = d.person;
      person.email = d.email;
      person.roles = d.roles;
      person.created_at = now;
      EVIDEX_RETURN_IF_ERROR(txn->PutPerson(person));
    }
    Secret secret = NewSecret(kTokenPrefix);
    store::ApiToken token;
    token.id = NewId("tok");
    token.person_id = person_id;
    token.token_hash = secret.hash;
    token.scopes = {"read", "write"};
    for (const std::string& r : d.roles) {
      if (r == "admin") token.scopes.push_back("admin");
    }
    token.created_at = now;
    token.expires_at = now + std::chrono::days(365);
    EVIDEX_RETURN_IF_ERROR(txn->PutApiToken(token));
    people.push_back(
        {d.person, d.email, d.name, d.id, d.state, d.roles, secret.value});
  }
  EVIDEX_RETURN_IF_ERROR(txn->Commit());
  return people;
}

std::vector<law::StateRecord> SandboxOverrides(const law::Law& law) {
  std::vector<law::StateRecord> out;
  for (const char* code : {"FR", "US"}) {
    law::StateCode c = *law::ParseStateCode(code);
    law::StateRecord r;
    if (const law::StateRecord* known = law.registry.Find(c)) r = *known;
    r.code = c;
    r.in_force[static_cast<std::size_t>(law::Instrument::kCets224)] =
        *ParseDate("2026-01-01");
    out.push_back(std::move(r));
  }
  return out;
}

std::string SandboxJson(const std::vector<SandboxPerson>& people) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("people");
  w.BeginArray();
  for (const SandboxPerson& p : people) {
    w.BeginObject();
    w.Key("name");
    w.String(p.name);
    w.Key("email");
    w.String(p.email);
    w.Key("organisation");
    w.String(p.organisation);
    w.Key("organisation_id");
    w.String(p.organisation_id);
    w.Key("state");
    w.String(p.state);
    w.Key("roles");
    w.BeginArray();
    for (const std::string& r : p.roles) w.String(r);
    w.EndArray();
    w.Key("token");
    w.String(p.token);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  out.push_back('\n');
  return out;
}

}  // namespace evidex::node
