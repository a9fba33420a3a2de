// `evidex ledger fsck DIR [--vkey KEY]`: checks a stored ledger (a directory
// written by ledger::StoredLog, e.g. DATA_DIR/ledger of a node) without
// changing it: re-derives the tree from the stored entries, checks every
// stored tree hash and every stored checkpoint (signature, size, root), and
// names the first bad leaf index (ledger/fsck.h says exactly what is checked).
//
// --vkey pins the log's verifier key (`name+id+base64`, see
// docs/formats/checkpoint.md); without it the key in DIR/vkey is used, which
// catches damage but not a forger who replaced the key too.
//
// Output: when sound, one line on standard output:
//   sound: N entries, M checkpoints; latest checkpoint: size S, root R
// otherwise one line on standard error:
//   not sound: first bad index I: what is wrong
// (or `not sound: what is wrong` when the problem has no leaf index).
//
// Exit codes: 0 sound; 1 not sound, or a file cannot be read; 2 bad usage: DIR
// holds no ledger, or --vkey is not a verifier key.
#ifndef EVIDEX_CLI_LEDGER_H_
#define EVIDEX_CLI_LEDGER_H_

#include <iosfwd>
#include <string>

namespace evidex::cli {

struct LedgerFsckOptions {
  std::string dir;
  std::string vkey;  // empty: the key in DIR/vkey
};

int RunLedgerFsck(const LedgerFsckOptions& options, std::ostream& out,
                  std::ostream& err);

}  // namespace evidex::cli

#endif  // EVIDEX_CLI_LEDGER_H_
