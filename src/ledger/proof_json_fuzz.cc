// libFuzzer target: the proof message parsers (what `evidex merkle
// verify-inclusion` and `verify-consistency` read) must never crash on any
// input; what they accept must survive a write and re-parse unchanged, and must
// go through verification without crashing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/merkle.h"
#include "ledger/proof_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace evidex::ledger;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto m = ParseInclusionProofJson(text)) {
    std::string out;
    AppendInclusionProofJson(*m, out);
    auto again = ParseInclusionProofJson(out);
    if (!again.has_value() || !(*again == *m)) __builtin_trap();
    (void)VerifyInclusion(m->leaf_index, m->tree_size, m->leaf_hash, m->proof,
                          m->root);
  }
  if (auto m = ParseConsistencyProofJson(text)) {
    std::string out;
    AppendConsistencyProofJson(*m, out);
    auto again = ParseConsistencyProofJson(out);
    if (!again.has_value() || !(*again == *m)) __builtin_trap();
    (void)VerifyConsistency(m->old_size, m->new_size, m->old_root, m->new_root,
                            m->proof);
  }
  return 0;
}
