// C2SP tlog checkpoints (https://c2sp.org/tlog-checkpoint): a log's signed
// statement of its size and root, as a signed note (ledger/note.h).
//
// The note text is at least three non-empty lines, each ending in "\n":
//
//   <origin>                   the log's identity, e.g. evidex.example/node-1
//   <tree size>                ASCII decimal, no leading zero (0 for empty)
//   <root hash>                base64 of the 32-byte RFC 9162 root
//   <extension line>...        optional, opaque, non-empty
//
// evidex's logs sign with an Ed25519 key whose key name is the origin, and
// OpenCheckpoint requires that: a checkpoint is only accepted when the log's
// own key signed it (other signatures, e.g. witnesses', are ignored).
//
// Parsing is strict (exact newlines, canonical decimal and base64, at most
// kMaxCheckpointExtensions extension lines, the note bounds of note.h);
// failures are kInvalidArgument naming the line. The format page is
// docs/formats/checkpoint.md.
//
// All functions are pure and thread-safe.
#ifndef EVIDEX_LEDGER_CHECKPOINT_H_
#define EVIDEX_LEDGER_CHECKPOINT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ledger/merkle.h"
#include "ledger/note.h"

namespace evidex::ledger {

inline constexpr std::size_t kMaxCheckpointExtensions = 16;

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The note text of `checkpoint`. Fails with kInvalidArgument when a line would
// not parse back: an empty origin or extension line, a newline in one, too
// many extension lines. (Other control characters and invalid UTF-8 are the
// note's to refuse, when signing.)
Result<std::string> FormatCheckpointText(const Checkpoint& checkpoint);

// Parses a checkpoint's note text (not the signed note). Fails with
// kInvalidArgument naming the offending line.
Result<Checkpoint> ParseCheckpointText(std::string_view text);

// The signed note of `checkpoint`, signed by `signer`. Fails with
// kInvalidArgument when the text is invalid (FormatCheckpointText) or the
// signer's name is not the origin.
Result<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                   const NoteSigner& signer);

// Opens a signed checkpoint of the log whose key is `log_key`: the note must
// carry a valid signature by that key, and its origin must be the key's name.
// Fails with kInvalidArgument when the note or its text does not parse or the
// origin is another log's, and with kUnauthenticated when the log's signature
// is missing or does not verify.
Result<Checkpoint> OpenCheckpoint(std::string_view signed_note,
                                  const NoteVerifier& log_key);

}  // namespace evidex::ledger

#endif  // EVIDEX_LEDGER_CHECKPOINT_H_
