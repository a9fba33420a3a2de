#include "ledger/checkpoint.h"

#include <algorithm>
#include <span>

#include "crypto/encoding.h"

namespace evidex::ledger {
namespace {

constexpr std::size_t kRootBase64Size = 44;  // 32 bytes, padded

// OK when `line` may be a line of a checkpoint: non-empty, no newline. (The
// note's own check refuses other control characters and invalid UTF-8.)
Status CheckLine(std::string_view what, std::string_view line) {
  if (line.empty())
    return InvalidArgumentError(std::string(what) + " is empty");
  if (line.find('\n') != std::string_view::npos) {
    return InvalidArgumentError(std::string(what) + " holds a newline");
  }
  return OkStatus();
}

Result<std::uint64_t> ParseSize(std::string_view s) {
  const auto bad = [&] {
    return Err(InvalidArgumentError("line 2: tree size `" + std::string(s) +
                                    "` is not a decimal number without "
                                    "leading zeros"));
  };
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return bad();
  std::uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return bad();
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (n > (UINT64_MAX - digit) / 10) return bad();
    n = n * 10 + digit;
  }
  return n;
}

}  // namespace

Result<std::string> FormatCheckpointText(const Checkpoint& checkpoint) {
  EVIDEX_RETURN_IF_ERROR(CheckLine("origin", checkpoint.origin));
  if (checkpoint.extensions.size() > kMaxCheckpointExtensions) {
    return Err(InvalidArgumentError("checkpoint has more than " +
                                    std::to_string(kMaxCheckpointExtensions) +
                                    " extension lines"));
  }
  std::string text = checkpoint.origin + "\n" +
                     std::to_string(checkpoint.size) + "\n" +
                     crypto::Base64Encode(checkpoint.root) + "\n";
  for (const std::string& line : checkpoint.extensions) {
    EVIDEX_RETURN_IF_ERROR(CheckLine("extension line", line));
    text += line;
    text += '\n';
  }
  // The note's rules (UTF-8, no control characters) are checked when signing.
  return text;
}

Result<Checkpoint> ParseCheckpointText(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return Err(InvalidArgumentError("checkpoint does not end in a newline"));
  }
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    if (lines.size() == 3 + kMaxCheckpointExtensions) {
      return Err(InvalidArgumentError("checkpoint has more than " +
                                      std::to_string(kMaxCheckpointExtensions) +
                                      " extension lines"));
    }
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  if (lines.size() < 3) {
    return Err(InvalidArgumentError("checkpoint has " +
                                    std::to_string(lines.size()) +
                                    " lines, expected at least 3"));
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return Err(InvalidArgumentError("line " + std::to_string(i + 1) +
                                      " of the checkpoint is empty"));
    }
  }
  Checkpoint checkpoint;
  checkpoint.origin = std::string(lines[0]);
  EVIDEX_ASSIGN_OR_RETURN(checkpoint.size, ParseSize(lines[1]));
  if (lines[2].size() != kRootBase64Size) {
    return Err(InvalidArgumentError(
        "line 3: root hash is not the base64 of 32 bytes"));
  }
  auto root = crypto::Base64Decode(lines[2]);
  if (!root.has_value()) {
    return Err(
        InvalidArgumentError("line 3: root hash: " + root.error().message()));
  }
  if (root->size() != checkpoint.root.size()) {
    return Err(InvalidArgumentError(
        "line 3: root hash is not the base64 of 32 bytes"));
  }
  std::copy(root->begin(), root->end(), checkpoint.root.begin());
  for (std::size_t i = 3; i < lines.size(); ++i) {
    checkpoint.extensions.emplace_back(lines[i]);
  }
  return checkpoint;
}

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint,
                                   const NoteSigner& signer) {
  if (signer.verifier().name() != checkpoint.origin) {
    return Err(InvalidArgumentError("signer `" + signer.verifier().name() +
                                    "` is not the checkpoint's origin `" +
                                    checkpoint.origin + "`"));
  }
  EVIDEX_ASSIGN_OR_RETURN(std::string text, FormatCheckpointText(checkpoint));
  return SignNote(text, signer);
}

Result<Checkpoint> OpenCheckpoint(std::string_view signed_note,
                                  const NoteVerifier& log_key) {
  EVIDEX_ASSIGN_OR_RETURN(OpenedNote opened,
                          OpenNote(signed_note, std::span(&log_key, 1)));
  EVIDEX_ASSIGN_OR_RETURN(Checkpoint checkpoint,
                          ParseCheckpointText(opened.note.text));
  if (checkpoint.origin != log_key.name()) {
    return Err(InvalidArgumentError("checkpoint origin `" + checkpoint.origin +
                                    "` is not the log `" + log_key.name() +
                                    "`"));
  }
  return checkpoint;
}

}  // namespace evidex::ledger
