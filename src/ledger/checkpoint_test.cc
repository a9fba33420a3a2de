// Checkpoints: the text format line by line, signing and opening, and the
// property that any flipped bit of a signed checkpoint is refused.
#include "ledger/checkpoint.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "crypto/encoding.h"
#include "crypto/sodium.h"

namespace evidex::ledger {
namespace {

constexpr char kOrigin[] = "evidex.example/test-log";

class CheckpointTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(crypto::InitSodium().ok()); }

  static NoteSigner Signer(const std::string& name = kOrigin,
                           std::uint8_t seed_byte = 7) {
    const std::vector<std::uint8_t> seed(32, seed_byte);
    return NoteSigner::Create(name,
                              crypto::Ed25519KeyPairFromSeed(seed).value())
        .value();
  }

  static Checkpoint Example() {
    const std::string leaf = "leaf";
    return Checkpoint{
        kOrigin,
        20852163,
        LeafHash(
            {reinterpret_cast<const std::uint8_t*>(leaf.data()), leaf.size()}),
        {}};
  }
};

TEST_F(CheckpointTest, TextOfTheSpecificationExample) {
  // The example checkpoint of c2sp.org/tlog-checkpoint (its text; its
  // signature is by a key the specification does not publish).
  const std::string text =
      "example.com/behind-the-sofa\n20852163\n"
      "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  auto c = ParseCheckpointText(text);
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(c->size, 20852163u);
  EXPECT_EQ(crypto::HexEncode(c->root),
            "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62");
  EXPECT_TRUE(c->extensions.empty());
  EXPECT_EQ(FormatCheckpointText(*c).value(), text);
}

// Signed tree heads of the Go checksum database (sum.golang.org), a log in
// production that writes C2SP checkpoints, checked with its published verifier
// key (cmd/go's default GOSUMDB). Its origin line is not its key name, so the
// note is opened and the text parsed separately. The two heads were published
// by the log; they are copied from public test files that pin them.
TEST_F(CheckpointTest, GoChecksumDatabaseSignedTreeHeads) {
  const auto sumdb = NoteVerifier::Parse(
      "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8");
  ASSERT_TRUE(sumdb.has_value()) << sumdb.error().ToString();
  const std::vector<NoteVerifier> keys = {*sumdb};
  const struct {
    std::string note;
    std::uint64_t size;
    std::string root;
  } heads[] = {
      {"go.sum database tree\n65209736\n"
       "5+uGFjx6xBZG8ip1+wi77v+grwbhhukIrxEUS8PXvRo=\n\n"
       "\xE2\x80\x94 sum.golang.org "
       "Az3grnbssgK7ubgFX36gVETtNv0U23qxyAhAMai2QUfeGa3nB/akvkMdlUErfcZz7l/"
       "R3cVtYspg3dxXABkGZZKdsQ8=\n",
       65209736, "5+uGFjx6xBZG8ip1+wi77v+grwbhhukIrxEUS8PXvRo="},
      {"go.sum database tree\n31700353\n"
       "qINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n\n"
       "\xE2\x80\x94 sum.golang.org "
       "Az3grnmrIUEDFqHzAElIQCPNoRFRAAdFo47fooyWKMHb89k11GJh5zHIfNCOBmwn/"
       "C3YI8oW9/C8DJ87F61QqspBYwM=\n",
       31700353, "qINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs="},
  };
  for (const auto& head : heads) {
    auto opened = OpenNote(head.note, keys);
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    auto c = ParseCheckpointText(opened->note.text);
    ASSERT_TRUE(c.has_value()) << c.error().ToString();
    EXPECT_EQ(c->origin, "go.sum database tree");
    EXPECT_EQ(c->size, head.size);
    EXPECT_EQ(crypto::Base64Encode(c->root), head.root);
    // The size changed by one: the signature no longer holds.
    std::string forged = head.note;
    const std::string size = std::to_string(head.size);
    forged.replace(forged.find(size), size.size(),
                   std::to_string(head.size + 1));
    EXPECT_EQ(OpenNote(forged, keys).error().code(),
              StatusCode::kUnauthenticated);
    // Not the log's own key name: OpenCheckpoint refuses it as another log's.
    EXPECT_EQ(OpenCheckpoint(head.note, *sumdb).error(),
              InvalidArgumentError("checkpoint origin `go.sum database tree` "
                                   "is not the log `sum.golang.org`"));
  }
}

// tessera's test log key (transparency-dev/tessera: "PRIVATE+KEY+example.com/
// log/testdata+33d7b496+AeymY/..." and its vkey) and a checkpoint it signed,
// copied from a public test that pins it: it opens, and our signer makes the
// same signature byte for byte (Ed25519 is deterministic).
TEST_F(CheckpointTest, TesseraTestLogCheckpoint) {
  const auto key = NoteVerifier::Parse(
      "example.com/log/testdata+33d7b496+"
      "AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx");
  ASSERT_TRUE(key.has_value()) << key.error().ToString();
  const std::string note =
      "example.com/log/testdata\n100270\n"
      "GRV1O0dCqmjjPvYi7CtOT79zb/fPwLNsMFWsynwU8Ac=\n\n"
      "\xE2\x80\x94 example.com/log/testdata "
      "M9e0lkcvy5bAe7rrC8tCyAP+my+CLzswA91zOpBNWVU7qCojkUOHnfdQzDImoYeYH8G8PJSw"
      "Oqsx0RkSa261OmKVwwM=\n";
  auto c = OpenCheckpoint(note, *key);
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->origin, "example.com/log/testdata");
  EXPECT_EQ(c->size, 100270u);
  const auto skey =
      crypto::Base64Decode("AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg")
          .value();
  ASSERT_EQ(skey.front(), kNoteEd25519Type);
  const NoteSigner signer =
      NoteSigner::Create(
          "example.com/log/testdata",
          crypto::Ed25519KeyPairFromSeed(std::span(skey).subspan(1)).value())
          .value();
  EXPECT_EQ(signer.verifier().VerifierKey(), key->VerifierKey());
  EXPECT_EQ(SignCheckpoint(*c, signer).value(), note);
}

TEST_F(CheckpointTest, ExtensionsAndEmptyTree) {
  Checkpoint c{kOrigin, 0, EmptyRoot(), {"ext one", "two"}};
  const std::string text = FormatCheckpointText(c).value();
  EXPECT_EQ(text, std::string(kOrigin) +
                      "\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
                      "ext one\ntwo\n");
  EXPECT_EQ(ParseCheckpointText(text).value(), c);
}

TEST_F(CheckpointTest, MalformedTexts) {
  const std::string root = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  const std::pair<std::string, std::string> cases[] = {
      {"", "checkpoint does not end in a newline"},
      {"o\n1\n" + root, "checkpoint does not end in a newline"},
      {"o\n1\n", "checkpoint has 2 lines, expected at least 3"},
      {"\n1\n" + root + "\n", "line 1 of the checkpoint is empty"},
      {"o\n1\n" + root + "\n\n", "line 4 of the checkpoint is empty"},
      {"o\n01\n" + root + "\n",
       "line 2: tree size `01` is not a decimal number without leading zeros"},
      {"o\n+1\n" + root + "\n",
       "line 2: tree size `+1` is not a decimal number without leading zeros"},
      {"o\n18446744073709551616\n" + root + "\n",
       "line 2: tree size `18446744073709551616` is not a decimal number "
       "without leading zeros"},
      {"o\n1\n" + root.substr(0, 43) + "\n",
       "line 3: root hash is not the base64 of 32 bytes"},
      {"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n",
       "line 3: root hash is not the base64 of 32 bytes"},
      // 44 characters without padding are 33 bytes (found by checkpoint_fuzz).
      {"o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU/\n",
       "line 3: root hash is not the base64 of 32 bytes"},
      {"o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=\n",
       "line 3: root hash: base64 has non-zero bits before the padding at "
       "offset 43"},
  };
  for (const auto& [text, want] : cases) {
    EXPECT_EQ(ParseCheckpointText(text).error(), InvalidArgumentError(want))
        << text;
  }
  EXPECT_EQ(
      ParseCheckpointText("o\n18446744073709551615\n" + root + "\n")->size,
      UINT64_MAX);
  std::string many = "o\n1\n" + root + "\n";
  for (std::size_t i = 0; i < kMaxCheckpointExtensions; ++i) many += "x\n";
  EXPECT_TRUE(ParseCheckpointText(many).has_value());
  EXPECT_EQ(
      ParseCheckpointText(many + "x\n").error(),
      InvalidArgumentError("checkpoint has more than 16 extension lines"));
}

TEST_F(CheckpointTest, FormatRefusesBadLines) {
  Checkpoint c = Example();
  c.origin = "";
  EXPECT_EQ(FormatCheckpointText(c).error(),
            InvalidArgumentError("origin is empty"));
  c = Example();
  c.extensions = {"a\nb"};
  EXPECT_EQ(FormatCheckpointText(c).error(),
            InvalidArgumentError("extension line holds a newline"));
  c.extensions = {""};
  EXPECT_EQ(FormatCheckpointText(c).error(),
            InvalidArgumentError("extension line is empty"));
}

TEST_F(CheckpointTest, SignAndOpen) {
  const NoteSigner signer = Signer();
  const std::string note = SignCheckpoint(Example(), signer).value();
  EXPECT_TRUE(note.starts_with(FormatCheckpointText(Example()).value() +
                               "\n\xE2\x80\x94 " + kOrigin + " "));
  auto opened = OpenCheckpoint(note, signer.verifier());
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  EXPECT_EQ(*opened, Example());

  // Another key of the same name: the log's signature is missing.
  EXPECT_EQ(OpenCheckpoint(note, Signer(kOrigin, 8).verifier()).error().code(),
            StatusCode::kUnauthenticated);
  // A witness's extra signature is ignored.
  const NoteSigner witness = Signer("witness.example/w1", 9);
  Note n = ParseNote(note).value();
  n.signatures.push_back(witness.Sign(n.text));
  EXPECT_TRUE(
      OpenCheckpoint(FormatNote(n).value(), signer.verifier()).has_value());
  // Signed by a key not named as the origin.
  EXPECT_EQ(SignCheckpoint(Example(), witness).error().code(),
            StatusCode::kInvalidArgument);
  const std::string foreign =
      SignNote(FormatCheckpointText(Example()).value(), witness).value();
  EXPECT_EQ(OpenCheckpoint(foreign, witness.verifier()).error(),
            InvalidArgumentError("checkpoint origin `" + std::string(kOrigin) +
                                 "` is not the log `witness.example/w1`"));
}

// Any flipped bit anywhere in a signed checkpoint is refused (it no longer
// parses, or no longer verifies), except in the base64 of the signature where
// it may land in the key ID, which makes the signature unknown: refused too.
RC_GTEST_FIXTURE_PROP(CheckpointTest, FlippedBitIsRefused, ()) {
  const NoteSigner signer = Signer();
  Checkpoint c = Example();
  c.size = *rc::gen::arbitrary<std::uint64_t>();
  const std::string note = SignCheckpoint(c, signer).value();
  std::string bad = note;
  const std::size_t byte = *rc::gen::inRange<std::size_t>(0, bad.size());
  bad[byte] ^= static_cast<char>(1 << *rc::gen::inRange(0, 8));
  RC_ASSERT_FALSE(OpenCheckpoint(bad, signer.verifier()));
}

}  // namespace
}  // namespace evidex::ledger
