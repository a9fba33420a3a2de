// libFuzzer target: the parsers of a stored log's records (log_files.h), which
// read whatever is on disk, must never crash; a record they accept must be
// exactly what the writer makes of its fields.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "ledger/log_files.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace evidex::ledger::internal;
  const std::span<const std::uint8_t> bytes(data, size);
  // The index the record must hold: the low byte of its own index field, so
  // that the fuzzer reaches records that pass the index check.
  const std::uint64_t want = size > 7 ? data[7] : 0;
  const EntryRecord entry = ParseEntryRecord(bytes, want, 1 << 16);
  if (entry.state == RecordState::kOk) {
    if (entry.size > size) __builtin_trap();
    std::string again;
    AppendEntryRecord(entry.index,
                      bytes.subspan(kEntryHeaderSize,
                                    entry.size - kEntryHeaderSize - kHashSize),
                      entry.leaf_hash, again);
    if (again != std::string(reinterpret_cast<const char*>(data), entry.size)) {
      __builtin_trap();
    }
  }
  const CheckpointRecord checkpoint = ParseCheckpointRecord(bytes);
  if (checkpoint.state == RecordState::kOk) {
    std::string again;
    AppendCheckpointRecord(checkpoint.tree_size, checkpoint.entries_end,
                           checkpoint.note, again);
    if (again !=
        std::string(reinterpret_cast<const char*>(data), checkpoint.size)) {
      __builtin_trap();
    }
  }
  return 0;
}
