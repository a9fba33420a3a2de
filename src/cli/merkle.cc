#include "cli/merkle.h"

#include <algorithm>
#include <charconv>
#include <istream>
#include <ostream>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/encoding.h"
#include "ledger/merkle.h"
#include "ledger/proof_json.h"

namespace evidex::cli {
namespace {

using ledger::Hash;

std::string_view CommandName(MerkleCommand command) {
  switch (command) {
    case MerkleCommand::kRoot:
      return "root";
    case MerkleCommand::kInclusion:
      return "inclusion";
    case MerkleCommand::kConsistency:
      return "consistency";
    case MerkleCommand::kVerifyInclusion:
      return "verify-inclusion";
    case MerkleCommand::kVerifyConsistency:
      return "verify-consistency";
  }
  return "?";
}

// Reads all of `in`, or fails with kInvalidArgument once it exceeds `limit`
// bytes.
Result<std::string> ReadAll(std::istream& in, std::size_t limit) {
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > limit) {
      return Err(InvalidArgumentError("standard input is larger than " +
                                      std::to_string(limit) + " bytes"));
    }
  }
  if (in.bad()) return Err(InvalidArgumentError("cannot read standard input"));
  return text;
}

// The leaf hashes of the leaves in `text` (format in merkle.h).
Result<std::vector<Hash>> ParseLeaves(std::string_view text) {
  // One leaf a line; a final "\n" ends the last line rather than starting
  // another.
  const std::size_t count =
      static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) +
      (!text.empty() && !text.ends_with('\n') ? 1 : 0);
  if (count > kMaxLeaves) {
    return Err(InvalidArgumentError("more than " + std::to_string(kMaxLeaves) +
                                    " leaves"));
  }
  std::vector<Hash> leaves;
  leaves.reserve(count);
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    // A `\r` ends a line only before its `\n` (CRLF line endings).
    if (end < text.size() && line.ends_with('\r')) line.remove_suffix(1);
    pos = end + 1;
    auto bytes = crypto::HexDecode(line);
    if (!bytes) {
      return Err(InvalidArgumentError("line " +
                                      std::to_string(leaves.size() + 1) + ": " +
                                      bytes.error().message()));
    }
    leaves.push_back(ledger::LeafHash(*bytes));
  }
  return leaves;
}

Result<std::vector<Hash>> ReadLeaves(std::istream& in) {
  EVIDEX_ASSIGN_OR_RETURN(std::string text, ReadAll(in, kMaxLeafInputBytes));
  return ParseLeaves(text);
}

// A command-line count or index: decimal digits only.
Result<std::uint64_t> ParseCount(std::string_view name, std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) {
    return value;
  }
  // At most 32 bytes of the argument, printable ASCII only, in the message.
  std::string shown(text.substr(0, 32));
  for (char& ch : shown) {
    if (ch < 0x20 || ch > 0x7e) ch = '?';
  }
  if (shown.size() < text.size()) shown += "...";
  const std::string problem = ec == std::errc::result_out_of_range
                                  ? "is larger than 2^64 - 1"
                                  : "is not a non-negative integer";
  return Err(
      InvalidArgumentError(std::string(name) + " `" + shown + "` " + problem));
}

Result<std::string> Root(std::istream& in) {
  EVIDEX_ASSIGN_OR_RETURN(std::vector<Hash> leaves, ReadLeaves(in));
  return crypto::HexEncode(ledger::Root(leaves));
}

Result<std::string> Inclusion(std::string_view argument, std::istream& in) {
  EVIDEX_ASSIGN_OR_RETURN(std::uint64_t index, ParseCount("INDEX", argument));
  EVIDEX_ASSIGN_OR_RETURN(std::vector<Hash> leaves, ReadLeaves(in));
  const std::uint64_t size = leaves.size();
  const ledger::MemoryTree tree(std::move(leaves));
  ledger::InclusionProofMessage m;
  m.tree_size = size;
  m.leaf_index = index;
  EVIDEX_ASSIGN_OR_RETURN(m.proof, ledger::InclusionProof(tree, size, index));
  EVIDEX_ASSIGN_OR_RETURN(m.root, ledger::Root(tree, size));
  EVIDEX_ASSIGN_OR_RETURN(m.leaf_hash, tree.CompleteSubtreeHash(0, index));
  std::string json;
  ledger::AppendInclusionProofJson(m, json);
  return json;
}

Result<std::string> Consistency(std::string_view argument, std::istream& in) {
  EVIDEX_ASSIGN_OR_RETURN(std::uint64_t old_size,
                          ParseCount("OLD_SIZE", argument));
  EVIDEX_ASSIGN_OR_RETURN(std::vector<Hash> leaves, ReadLeaves(in));
  const std::uint64_t size = leaves.size();
  const ledger::MemoryTree tree(std::move(leaves));
  ledger::ConsistencyProofMessage m;
  m.old_size = old_size;
  m.new_size = size;
  EVIDEX_ASSIGN_OR_RETURN(m.proof,
                          ledger::ConsistencyProof(tree, old_size, size));
  EVIDEX_ASSIGN_OR_RETURN(m.old_root, ledger::Root(tree, old_size));
  EVIDEX_ASSIGN_OR_RETURN(m.new_root, ledger::Root(tree, size));
  std::string json;
  ledger::AppendConsistencyProofJson(m, json);
  return json;
}

Status Verify(const ledger::InclusionProofMessage& m) {
  return ledger::VerifyInclusion(m.leaf_index, m.tree_size, m.leaf_hash,
                                 m.proof, m.root);
}

Status Verify(const ledger::ConsistencyProofMessage& m) {
  return ledger::VerifyConsistency(m.old_size, m.new_size, m.old_root,
                                   m.new_root, m.proof);
}

// Reads a message with `parse` and verifies it; returns the exit code.
template <typename Message>
int ReadAndVerify(Result<Message> (*parse)(std::string_view), std::istream& in,
                  std::ostream& err, std::string_view prefix) {
  Result<std::string> text = ReadAll(in, kMaxProofInputBytes);
  Result<Message> m = text ? parse(*text) : Err(text.error());
  if (!m) {
    err << prefix << "invalid input: " << m.error().message() << "\n";
    return 2;
  }
  Status verdict = Verify(*m);
  if (!verdict.ok()) {
    err << prefix << "the proof does not verify: " << verdict.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int RunMerkle(const MerkleOptions& options, std::istream& in, std::ostream& out,
              std::ostream& err) {
  const std::string prefix =
      "evidex merkle " + std::string(CommandName(options.command)) + ": ";
  Result<std::string> text;
  switch (options.command) {
    case MerkleCommand::kRoot:
      text = Root(in);
      break;
    case MerkleCommand::kInclusion:
      text = Inclusion(options.argument, in);
      break;
    case MerkleCommand::kConsistency:
      text = Consistency(options.argument, in);
      break;
    case MerkleCommand::kVerifyInclusion:
      return ReadAndVerify(&ledger::ParseInclusionProofJson, in, err, prefix);
    case MerkleCommand::kVerifyConsistency:
      return ReadAndVerify(&ledger::ParseConsistencyProofJson, in, err, prefix);
  }
  if (!text) {
    // kInvalidArgument is the input's fault; anything else (which the in-memory
    // tree does not produce) would be ours.
    err << prefix << text.error().message() << "\n";
    return text.error().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  out << *text << "\n";
  out.flush();
  return out ? 0 : 1;
}

}  // namespace evidex::cli
