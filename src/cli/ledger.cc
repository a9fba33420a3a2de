#include "cli/ledger.h"

#include <optional>
#include <ostream>

#include "crypto/encoding.h"
#include "crypto/sodium.h"
#include "ledger/fsck.h"
#include "ledger/note.h"

namespace evidex::cli {

int RunLedgerFsck(const LedgerFsckOptions& options, std::ostream& out,
                  std::ostream& err) {
  if (Status s = crypto::InitSodium(); !s.ok()) {
    err << "error: " << s.message() << "\n";
    return 1;
  }
  std::optional<ledger::NoteVerifier> pinned;
  if (!options.vkey.empty()) {
    auto key = ledger::NoteVerifier::Parse(options.vkey);
    if (!key.has_value()) {
      err << "error: --vkey: " << key.error().message() << "\n";
      return 2;
    }
    pinned = std::move(*key);
  }
  auto report = ledger::Fsck(options.dir, pinned ? &*pinned : nullptr);
  if (!report.has_value()) {
    err << "error: " << report.error().message() << "\n";
    return report.error().code() == StatusCode::kNotFound ? 2 : 1;
  }
  if (!report->sound) {
    err << "not sound: " << report->problem << "\n";
    return 1;
  }
  out << "sound: " << report->entries << " entries, " << report->checkpoints
      << " checkpoints";
  if (report->latest) {
    out << "; latest checkpoint: size " << report->latest->size << ", root "
        << crypto::Base64Encode(report->latest->root);
  }
  out << "\n";
  return out ? 0 : 1;
}

}  // namespace evidex::cli
