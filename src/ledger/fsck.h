// An independent check of a stored log (stored_log.h), reading its files
// without changing them: what `evidex ledger fsck DIR` runs.
//
// It re-derives the whole tree from the entries alone and checks, in order of
// leaf index:
//   - every entry record: the index it holds, its length, and that its data
//     gives its stored leaf hash (a record the end of the file cuts short is
//     bad too: Open would drop it, fsck reports it);
//   - every stored tree hash within the latest checkpoint against the
//     re-derived one;
//   - every stored checkpoint: its record's checksum, its signature by the
//     log's key (the `vkey` file, or the key the caller pins), sizes that never
//     go back, and its root against the re-derived tree's root at its size
//     (every checkpoint that matches is thereby consistent with every other);
//     a checkpoint larger than the entries the file holds is bad.
// The first bad index is the smallest leaf index at which the entries, the
// tree files or a checkpoint disagree with the re-derivation. When only a
// checkpoint's root disagrees (entries and hashes rewritten together), the bad
// entry lies between the previous matching checkpoint and it; the report names
// that range and its first index.
//
// Thread safety: Fsck may run concurrently with itself; run it on a log that no
// process is writing, or its view of the tail may be torn.
#ifndef EVIDEX_LEDGER_FSCK_H_
#define EVIDEX_LEDGER_FSCK_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/status.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"

namespace evidex::ledger {

struct FsckReport {
  bool sound = false;
  std::uint64_t entries = 0;      // entry records that checked out
  std::uint64_t checkpoints = 0;  // checkpoints that checked out
  // The smallest bad leaf index, when the problem has one.
  std::optional<std::uint64_t> first_bad_index;
  // What is wrong (the problem at first_bad_index, else the first one found);
  // empty when sound.
  std::string problem;
  // The latest checkpoint that checked out.
  std::optional<Checkpoint> latest;
};

// Checks the log in `dir`. `pinned_key`, when given, is the key the log must
// be signed with. Fails with kNotFound when `dir` holds no log (no `vkey`
// file), kUnavailable when a file cannot be read; damage is a report, not a
// failure.
Result<FsckReport> Fsck(const std::filesystem::path& dir,
                        const NoteVerifier* pinned_key);

}  // namespace evidex::ledger

#endif  // EVIDEX_LEDGER_FSCK_H_
