#include "cli/ledger.h"

#include <fstream>
#include <istream>
#include <optional>
#include <ostream>
#include <string>

#include "core/json.h"
#include "crypto/encoding.h"
#include "crypto/sodium.h"
#include "ledger/checkpoint.h"
#include "ledger/fsck.h"
#include "ledger/note.h"
#include "ledger/proof_json.h"

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

int RunLedgerCheckpoint(const LedgerCheckpointOptions& options,
                        std::istream& in, std::ostream& out,
                        std::ostream& err) {
  if (Status s = crypto::InitSodium(); !s.ok()) {
    err << "error: " << s.message() << "\n";
    return 1;
  }
  auto key = ledger::NoteVerifier::Parse(options.vkey);
  if (!key.has_value()) {
    err << "error: --vkey: " << key.error().message() << "\n";
    return 2;
  }
  std::ifstream file;
  if (options.path != "-") {
    file.open(options.path, std::ios::binary);
    if (!file) {
      err << "error: cannot read `" << options.path << "`\n";
      return 2;
    }
  }
  std::istream& source = options.path == "-" ? in : file;
  std::string text(ledger::kMaxNoteBytes + 1, '\0');
  source.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(source.gcount()));
  if (text.size() > ledger::kMaxNoteBytes) {
    err << "error: the checkpoint is longer than " << ledger::kMaxNoteBytes
        << " bytes\n";
    return 2;
  }
  auto checkpoint = ledger::OpenCheckpoint(text, *key);
  if (!checkpoint.has_value()) {
    err << "error: " << checkpoint.error().message() << "\n";
    return checkpoint.error().code() == StatusCode::kUnauthenticated ? 1 : 2;
  }
  if (checkpoint->size > ledger::kMaxMessageInteger) {
    // As `evidex merkle` messages: sizes are JSON integers up to 2^63 - 1.
    err << "error: tree size " << checkpoint->size << " is above 2^63 - 1\n";
    return 2;
  }
  std::string json;
  JsonWriter w(json);
  w.BeginObject();
  w.Key("origin");
  w.String(checkpoint->origin);
  w.Key("tree_size");
  w.Int(static_cast<std::int64_t>(checkpoint->size));
  w.Key("root");
  w.String(crypto::HexEncode(checkpoint->root));
  w.EndObject();
  out << json << "\n";
  return out ? 0 : 1;
}

}  // namespace evidex::cli
