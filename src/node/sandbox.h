// The sandbox: a demonstration node with organisations in several States and a
// demo person in each, so that every procedure can be tried end to end.
//
// France (a prosecutor's office, an investigating judge, a 24/7 point of
// contact, a data-protection authority), Ireland (the enforcing authority, a
// provider's designated establishment), the United States (a provider, the
// central authority, a 24/7 point of contact). The sandbox treats France and
// the United States as Parties to CETS 224 in force from 2026-01-01 (the
// Protocol is not in force for anyone in reality), so that Art. 7-10 channels
// open between them; SandboxOverrides gives these records to the node.
//
// Each demo organisation has one person, so its four-eyes setting for
// emergency orders starts off (a real organisation's starts on).
//
// SeedSandbox is idempotent: the first call creates everything and returns
// every demo person with a fresh API token; later calls create nothing and
// return an empty list, unless `reissue_tokens` is set, when they issue new
// tokens (earlier ones stay valid).
#ifndef EVIDEX_NODE_SANDBOX_H_
#define EVIDEX_NODE_SANDBOX_H_

#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "law/law.h"
#include "store/store.h"

namespace evidex::node {

struct SandboxPerson {
  std::string name;
  std::string email;
  std::string organisation;
  std::string organisation_id;
  std::string state;
  std::vector<std::string> roles;
  std::string token;  // the API token's secret
};

Result<std::vector<SandboxPerson>> SeedSandbox(store::Store& store,
                                               const Clock& clock,
                                               bool reissue_tokens);

// The registry records the sandbox overrides (France and the United States with
// CETS 224).
std::vector<law::StateRecord> SandboxOverrides(const law::Law& law);

// `{"people": [...]}` as DIR/sandbox.json holds it.
std::string SandboxJson(const std::vector<SandboxPerson>& people);

}  // namespace evidex::node

#endif  // EVIDEX_NODE_SANDBOX_H_
