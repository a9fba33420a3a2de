#include "cli/evidence.h"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ostream>

#include "core/json.h"
#include "crypto/encoding.h"
#include "crypto/sodium.h"
#include "evidence/format.h"
#include "evidence/io.h"
#include "evidence/keys.h"
#include "evidence/log_proof.h"
#include "evidence/package.h"
#include "workflow/rfc3339.h"

namespace evidex::cli {

namespace {

using evidence::KeyEntry;
using evidence::KeyFile;
using evidence::KeyUse;

constexpr std::size_t kMaxKeyFileBytes = 1 << 20;

// The package failed a check (1) or the input was unusable (2).
int ExitCodeOf(const Status& status) {
  switch (status.code()) {
    case StatusCode::kDataLoss:
    case StatusCode::kUnauthenticated:
    case StatusCode::kFailedPrecondition:
      return 1;
    default:
      return 2;
  }
}

int Fail(std::ostream& err, std::string_view command, const Status& status) {
  err << "evidex " << command << ": " << status.message() << "\n";
  return ExitCodeOf(status);
}

Result<KeyFile> LoadKeyFile(const std::string& path, bool secret) {
  if (secret) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      return Err(InvalidArgumentError(
          "secret key file `" + path +
          "` is readable or writable by others (chmod 600 it)"));
    }
  }
  EVIDEX_ASSIGN_OR_RETURN(std::string text,
                          evidence::ReadSmallFile(path, kMaxKeyFileBytes));
  auto file = evidence::ParseKeyFile(text);
  if (!file.has_value()) {
    return Err(
        InvalidArgumentError("`" + path + "`: " + file.error().message()));
  }
  return file;
}

Result<const KeyEntry*> FindIn(const KeyFile& file, const std::string& path,
                               KeyUse use, bool secret) {
  auto key = evidence::FindKey(file, use, secret);
  if (!key.has_value()) {
    return Err(
        InvalidArgumentError("`" + path + "`: " + key.error().message()));
  }
  return key;
}

Status WriteKeyFile(const std::string& path, const std::string& text,
                    unsigned mode) {
  EVIDEX_ASSIGN_OR_RETURN(
      evidence::OutputFile out,
      evidence::OutputFile::Create(path + ".partial", mode));
  EVIDEX_RETURN_IF_ERROR(out.Write(std::span(
      reinterpret_cast<const std::uint8_t*>(text.data()), text.size())));
  return out.Commit(path);
}

int RunKeygen(const EvidenceOptions& o, std::ostream& out, std::ostream& err) {
  KeyFile file;
  const std::vector<KeyUse> uses =
      o.log_key ? std::vector<KeyUse>{KeyUse::kLog}
                : std::vector<KeyUse>{KeyUse::kSign, KeyUse::kEncrypt};
  for (KeyUse use : uses) {
    auto key = evidence::GenerateKey(o.name, use);
    if (!key.has_value()) return Fail(err, "keygen", key.error());
    file.keys.push_back(std::move(*key));
  }
  for (const std::string& path : {o.secret_out, o.public_out}) {
    struct stat st;
    if (::lstat(path.c_str(), &st) == 0) {
      return Fail(
          err, "keygen",
          Status(StatusCode::kAlreadyExists, "`" + path + "` exists already"));
    }
  }
  auto secret_text = evidence::SerializeKeyFile(file, true);
  auto public_text = evidence::SerializeKeyFile(file, false);
  if (!secret_text.has_value()) return Fail(err, "keygen", secret_text.error());
  if (!public_text.has_value()) return Fail(err, "keygen", public_text.error());
  if (Status s = WriteKeyFile(o.secret_out, *secret_text, 0600); !s.ok()) {
    return Fail(err, "keygen", s);
  }
  if (Status s = WriteKeyFile(o.public_out, *public_text, 0644); !s.ok()) {
    return Fail(err, "keygen", s);
  }
  out << *public_text;
  return 0;
}

std::string BaseName(const std::string& path) {
  std::string_view p = path;
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  const std::size_t slash = p.rfind('/');
  return std::string(slash == std::string_view::npos ? p : p.substr(slash + 1));
}

Result<std::string> ModificationTime(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const std::string message =
        "cannot stat `" + path + "`: " + std::strerror(errno);
    return Err(errno == ENOENT ? NotFoundError(message)
                               : UnavailableError(message));
  }
  const auto since_epoch =
      std::chrono::seconds(st.st_mtim.tv_sec) +
      std::chrono::milliseconds(st.st_mtim.tv_nsec / 1000000);
  return workflow::FormatRfc3339(Instant(
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch)));
}

int RunPack(const EvidenceOptions& o, std::ostream& out, std::ostream& err,
            const Clock& clock) {
  auto signer_file = LoadKeyFile(o.key_file, true);
  if (!signer_file.has_value()) return Fail(err, "pack", signer_file.error());
  auto signer = FindIn(*signer_file, o.key_file, KeyUse::kSign, true);
  if (!signer.has_value()) return Fail(err, "pack", signer.error());
  auto recipient_file = LoadKeyFile(o.recipient_file, false);
  if (!recipient_file.has_value()) {
    return Fail(err, "pack", recipient_file.error());
  }
  auto recipient =
      FindIn(*recipient_file, o.recipient_file, KeyUse::kEncrypt, false);
  if (!recipient.has_value()) return Fail(err, "pack", recipient.error());

  evidence::PackOptions pack;
  pack.order = o.order;
  pack.created_at = o.created_at.empty() ? workflow::FormatRfc3339(clock.Now())
                                         : o.created_at;
  pack.signer = *signer;
  pack.recipient = (*recipient)->public_key;
  pack.chunk_size = o.chunk_size;
  pack.output = o.output;
  for (const std::string& path : o.items) {
    evidence::PackItem item;
    item.path = path;
    item.meta.name = BaseName(path);
    item.meta.media_type = o.media_type;
    item.meta.data_category = o.category;
    item.meta.producer = o.producer.empty() ? (*signer)->name : o.producer;
    if (o.produced_at.empty()) {
      auto mtime = ModificationTime(path);
      if (!mtime.has_value()) return Fail(err, "pack", mtime.error());
      item.meta.produced_at = *mtime;
    } else {
      item.meta.produced_at = o.produced_at;
    }
    pack.items.push_back(std::move(item));
  }
  auto summary = evidence::Pack(pack);
  if (!summary.has_value()) return Fail(err, "pack", summary.error());
  std::string line;
  JsonWriter w(line);
  w.BeginObject();
  w.Key("package");
  w.String(o.output);
  w.Key("package_sha256");
  w.String(crypto::HexEncode(summary->package_sha256));
  w.Key("chunks");
  w.Int(static_cast<std::int64_t>(summary->chunk_count));
  w.Key("content_bytes");
  w.Int(static_cast<std::int64_t>(summary->content_bytes));
  w.EndObject();
  out << line << "\n";
  return 0;
}

void PrintReport(const evidence::VerifyReport& r, bool trusted_log_checked,
                 std::ostream& out) {
  const evidence::Manifest& m = r.manifest;
  std::uint64_t bytes = 0;
  for (const auto& item : m.items) bytes += item.size;
  out << "package " << crypto::HexEncode(r.package_sha256) << "\n";
  out << "order `" << m.order << "`, created " << m.created_at << "\n";
  out << "signature: valid, by `" << m.signer_name << "` (ed25519 "
      << crypto::Base64Encode(m.signer_public_key) << "), "
      << (r.signer_trusted ? "trusted"
                           : "NOT checked against a trust file (no --trust)")
      << "\n";
  out << "sealed to: x25519 " << crypto::Base64Encode(r.recipient) << "\n";
  out << "chunks: " << r.chunk_count
      << " encrypted chunks match the signed chunk table\n";
  for (std::size_t i = 0; i < m.items.size(); ++i) {
    const auto& item = m.items[i];
    out << "item " << i << " `" << item.name << "`: " << item.size << " bytes, "
        << item.media_type << ", " << item.data_category << ", produced "
        << item.produced_at << " by `" << item.producer << "`, sha-256 "
        << crypto::HexEncode(item.sha256) << "\n";
  }
  out << "items: " << m.items.size() << " items, " << bytes << " bytes, "
      << (r.decrypted ? "decrypted and every sha-256 matches"
                      : "not decrypted (--key gives the recipient's key to "
                        "check their sha-256)")
      << "\n";
  if (!r.log.has_value()) {
    out << "log: no log proof attached\n";
    return;
  }
  out << "log: leaf " << r.log->leaf_index << " of " << r.log->tree_size
      << " in log `" << r.log->origin << "`, inclusion proof valid, ";
  if (trusted_log_checked) {
    out << "checkpoint signed by trusted `" << r.log->trusted_signers.front()
        << "`\n";
  } else {
    out << "checkpoint signature NOT checked (no --trust)\n";
  }
}

int RunVerify(const EvidenceOptions& o, std::string_view command,
              std::ostream& out, std::ostream& err) {
  KeyFile trust;
  for (const std::string& path : o.trust_files) {
    auto file = LoadKeyFile(path, false);
    if (!file.has_value()) return Fail(err, command, file.error());
    for (KeyEntry& key : file->keys) trust.keys.push_back(std::move(key));
  }
  std::optional<KeyFile> secret;
  const KeyEntry* recipient = nullptr;
  if (!o.key_file.empty()) {
    auto file = LoadKeyFile(o.key_file, true);
    if (!file.has_value()) return Fail(err, command, file.error());
    secret = std::move(*file);
    auto key = FindIn(*secret, o.key_file, KeyUse::kEncrypt, true);
    if (!key.has_value()) return Fail(err, command, key.error());
    recipient = *key;
  }
  if (!o.output.empty() && ::mkdir(o.output.c_str(), 0700) != 0 &&
      errno != EEXIST) {
    return Fail(err, command,
                UnavailableError("cannot create `" + o.output +
                                 "`: " + std::strerror(errno)));
  }
  auto source = evidence::OpenPackageFile(o.package);
  if (!source.has_value()) return Fail(err, command, source.error());
  evidence::VerifyOptions options{
      .trust = o.trust_files.empty() ? nullptr : &trust,
      .recipient = recipient,
      .output_dir = o.output};
  auto report = evidence::VerifyPackage(**source, options);
  if (!report.has_value()) return Fail(err, command, report.error());
  PrintReport(*report, !o.trust_files.empty(), out);
  if (!o.output.empty()) {
    out << "unpacked: " << report->manifest.items.size() << " items into `"
        << o.output << "`\n";
  }
  return 0;
}

int RunAttachProof(const EvidenceOptions& o, std::ostream& out,
                   std::ostream& err) {
  auto text = evidence::ReadSmallFile(o.proof_file, evidence::kMaxProofSize);
  if (!text.has_value()) return Fail(err, "attach-proof", text.error());
  auto proof = evidence::ParseLogProof(*text);
  if (!proof.has_value()) {
    return Fail(err, "attach-proof",
                InvalidArgumentError("`" + o.proof_file +
                                     "`: " + proof.error().message()));
  }
  Status s = evidence::AttachLogProof(o.package, *proof);
  if (!s.ok()) return Fail(err, "attach-proof", s);
  out << "attached the proof of leaf " << proof->leaf_index << " to `"
      << o.package << "`\n";
  return 0;
}

}  // namespace

std::vector<std::pair<CLI::App*, EvidenceCommand>> AddEvidenceCommands(
    CLI::App& app, EvidenceOptions& o) {
  const std::string group = "Evidence packages (docs/formats/evx.md)";
  CLI::App* keygen = app.add_subcommand(
      "keygen", "Make an organisation's signing and encryption keys");
  keygen->add_option("name", o.name, "Key name, e.g. provider.example")
      ->required();
  keygen->add_option("--secret", o.secret_out, "Secret key file to create")
      ->required();
  keygen->add_option("--public", o.public_out, "Public key file to create")
      ->required();
  keygen->add_flag("--log", o.log_key,
                   "Make one `log` key (a log's checkpoints) instead");

  CLI::App* pack = app.add_subcommand(
      "pack", "Pack files into a signed, encrypted evidence package");
  pack->add_option("files", o.items, "The files to pack")->required();
  pack->add_option("--order", o.order, "The order (case id) it answers")
      ->required();
  pack->add_option("--key", o.key_file,
                   "Your secret key file (its `sign` key signs)")
      ->required();
  pack->add_option("--to", o.recipient_file,
                   "The recipient's public key file (its `encrypt` key)")
      ->required();
  pack->add_option("--category", o.category,
                   "Data category: subscriber, identification, traffic or "
                   "content")
      ->required();
  pack->add_option("-o,--output", o.output, "The package to create")
      ->required();
  pack->add_option("--media-type", o.media_type,
                   "Media type of the files (default "
                   "application/octet-stream)");
  pack->add_option("--producer", o.producer,
                   "Who or what produced the files (default: the key name)");
  pack->add_option("--produced-at", o.produced_at,
                   "When they were produced, UTC RFC 3339 (default: each "
                   "file's modification time)");
  pack->add_option("--created-at", o.created_at,
                   "The package's time, UTC RFC 3339 (default: now)");
  pack->add_option("--chunk-size", o.chunk_size,
                   "Plaintext bytes per chunk (default 1048576)")
      ->check(CLI::Range(256, 16 << 20));

  CLI::App* verify = app.add_subcommand(
      "verify", "Check an evidence package offline; exit 0 if all holds");
  verify->add_option("package", o.package, "The package")->required();
  verify->add_option("--trust", o.trust_files,
                     "Public key file of trusted signers and logs "
                     "(repeatable)");
  verify->add_option("--key", o.key_file,
                     "The recipient's secret key file: also decrypt and "
                     "check every item");

  CLI::App* unpack = app.add_subcommand(
      "unpack", "Verify an evidence package and decrypt its items");
  unpack->add_option("package", o.package, "The package")->required();
  unpack
      ->add_option("--key", o.key_file,
                   "Your secret key file (its `encrypt` key)")
      ->required();
  unpack
      ->add_option("-o,--output", o.output,
                   "Directory for the items (created if missing)")
      ->required();
  unpack->add_option("--trust", o.trust_files,
                     "Public key file of trusted signers and logs "
                     "(repeatable)");

  CLI::App* attach = app.add_subcommand(
      "attach-proof", "Append a log proof to an evidence package");
  attach->add_option("package", o.package, "The package")->required();
  attach->add_option("proof", o.proof_file, "The log proof (JSON)")->required();

  for (CLI::App* cmd : {keygen, pack, verify, unpack, attach}) {
    cmd->group(group);
  }
  return {{keygen, EvidenceCommand::kKeygen},
          {pack, EvidenceCommand::kPack},
          {verify, EvidenceCommand::kVerify},
          {unpack, EvidenceCommand::kUnpack},
          {attach, EvidenceCommand::kAttachProof}};
}

int RunEvidence(const EvidenceOptions& options, std::ostream& out,
                std::ostream& err, const Clock& clock) {
  if (Status s = crypto::InitSodium(); !s.ok()) {
    err << "evidex: " << s.message() << "\n";
    return 2;
  }
  switch (options.command) {
    case EvidenceCommand::kKeygen:
      return RunKeygen(options, out, err);
    case EvidenceCommand::kPack:
      return RunPack(options, out, err, clock);
    case EvidenceCommand::kVerify:
      return RunVerify(options, "verify", out, err);
    case EvidenceCommand::kUnpack:
      return RunVerify(options, "unpack", out, err);
    case EvidenceCommand::kAttachProof:
      return RunAttachProof(options, out, err);
  }
  return 2;
}

}  // namespace evidex::cli
