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
//
// `evidex ledger checkpoint --vkey KEY FILE|-`: checks a signed checkpoint
// offline (e.g. what GET /api/v1/ledger/checkpoint answered) against the log's
// pinned key, and prints what it commits to as one line of JSON:
//   {"origin":O,"tree_size":N,"root":"<hex>"}
// whose root is in the hex of `evidex merkle verify-inclusion` input, so that
// an inclusion proof can be tied to the signed checkpoint. Exit 0 when the
// log's key signed it; 1 when it does not verify (one line on standard error
// says why); 2 for bad usage (--vkey not a verifier key, an unreadable file,
// more than 64 KiB, or text that is not a checkpoint).
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

struct LedgerCheckpointOptions {
  std::string path;  // "-" for standard input
  std::string vkey;
};

int RunLedgerCheckpoint(const LedgerCheckpointOptions& options,
                        std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace evidex::cli

#endif  // EVIDEX_CLI_LEDGER_H_
