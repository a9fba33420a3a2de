// The evidence package commands (docs/formats/evx.md):
//
//   evidex keygen NAME --secret FILE --public FILE [--log]
//       makes an organisation's keys: an Ed25519 `sign` key and an X25519
//       `encrypt` key (or, with --log, one Ed25519 `log` key for a log's
//       checkpoints); the secret key file is created with mode 0600, the
//       public one (a trust file for others) with 0644.
//   evidex pack --order ID --key SECRET --to PUBLIC --category C -o OUT
//               [--media-type T] [--producer P] [--produced-at TIME]
//               [--created-at TIME] [--chunk-size N] FILE...
//       packs FILEs, named by their base names, for the order ID, signed with
//       the `sign` key of SECRET and sealed to the `encrypt` key of PUBLIC.
//       --media-type defaults to application/octet-stream, --producer to the
//       signing key's name, --produced-at to each file's modification time,
//       --created-at to now. Prints {"package":OUT,"package_sha256":H,
//       "chunks":N,"content_bytes":N}.
//   evidex verify PACKAGE [--trust FILE]... [--key SECRET]
//       checks the package: structure, the manifest's signature (against the
//       `sign` keys of the trust files), every chunk against the signed chunk
//       table, and the log proof against the checkpoint (signed by a `log`
//       key of the trust files). With --key (the recipient's secret key file)
//       it also decrypts every chunk and checks every item's SHA-256. Prints
//       what was checked, one line each.
//   evidex unpack PACKAGE --key SECRET -o DIR [--trust FILE]...
//       verifies as `verify --key` does and writes the items into DIR
//       (created if missing; no item may exist there yet). A failed unpack
//       leaves no item behind.
//   evidex attach-proof PACKAGE PROOF
//       appends the log proof in file PROOF (the JSON of
//       evidence/log_proof.h) to PACKAGE, replacing any earlier one.
//
// Exit codes: 0 when everything holds; 1 when the package fails a check
// (corrupt, altered, untrusted signer or log, wrong recipient), with one line
// on standard error naming what failed (which item, which chunk, which
// check); 2 for bad usage or unreadable input (missing file, malformed key
// file, output that exists), also one line on standard error.
#ifndef EVIDEX_CLI_EVIDENCE_H_
#define EVIDEX_CLI_EVIDENCE_H_

#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "core/time.h"

namespace CLI {
class App;
}  // namespace CLI

namespace evidex::cli {

enum class EvidenceCommand { kKeygen, kPack, kVerify, kUnpack, kAttachProof };

struct EvidenceOptions {
  EvidenceCommand command = EvidenceCommand::kVerify;
  // keygen
  std::string name;
  std::string secret_out;
  std::string public_out;
  bool log_key = false;
  // pack
  std::string order;
  std::string recipient_file;  // --to
  std::string category;
  std::string media_type = "application/octet-stream";
  std::string producer;
  std::string produced_at;
  std::string created_at;
  std::uint32_t chunk_size = 0;
  std::vector<std::string> items;
  // pack, unpack: the output; verify, unpack, attach-proof: the package.
  std::string output;
  std::string package;
  // pack: the signer; verify, unpack: the recipient.
  std::string key_file;
  std::vector<std::string> trust_files;
  std::string proof_file;
};

// Registers keygen, pack, verify, unpack and attach-proof on `app`, filling
// `options` when parsed; returns each subcommand with its command.
std::vector<std::pair<CLI::App*, EvidenceCommand>> AddEvidenceCommands(
    CLI::App& app, EvidenceOptions& options);

int RunEvidence(const EvidenceOptions& options, std::ostream& out,
                std::ostream& err, const Clock& clock);

}  // namespace evidex::cli

#endif  // EVIDEX_CLI_EVIDENCE_H_
