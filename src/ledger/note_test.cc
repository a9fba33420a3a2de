// Signed notes: the reference vectors of the Go implementation, the syntax
// rules one by one, the verification rules of the specification, and
// properties (round trips; any flipped bit of text or signature is refused).
#include "ledger/note.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "crypto/encoding.h"
#include "crypto/sodium.h"

namespace evidex::ledger {
namespace {

// Test data from golang.org/x/mod/sumdb/note, note_test.go (the reference
// implementation of C2SP signed notes; BSD licence): a verifier key, the seed
// of its signer key "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALV..." (after the
// type byte 0x01), a text, and its signatures by PeterNeumann and EnochRoot.
constexpr char kPeterVkey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kPeterSkeyBlob[] =
    "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr char kEnochVkey[] =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr char kText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr char kPeterSig[] =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngot"
    "pRZb6KE6RyyBwJnAM=\n";
constexpr char kEnochSig[] =
    "\xE2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwn"
    "WLox33WWd1RvMc+QQ=\n";

class NoteTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(crypto::InitSodium().ok()); }

  static NoteSigner Peter() {
    auto blob = crypto::Base64Decode(kPeterSkeyBlob).value();
    EXPECT_EQ(blob.front(), kNoteEd25519Type);
    auto pair =
        crypto::Ed25519KeyPairFromSeed(std::span(blob).subspan(1)).value();
    return NoteSigner::Create("PeterNeumann", std::move(pair)).value();
  }
};

TEST_F(NoteTest, GoVectorsKeysAndIds) {
  const NoteSigner peter = Peter();
  EXPECT_EQ(peter.verifier().key_id(), 0xc74f20a3u);
  EXPECT_EQ(peter.verifier().VerifierKey(), kPeterVkey);
  auto parsed = NoteVerifier::Parse(kPeterVkey);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(parsed->name(), "PeterNeumann");
  EXPECT_EQ(parsed->public_key(), peter.verifier().public_key());
  auto enoch = NoteVerifier::Parse(kEnochVkey);
  ASSERT_TRUE(enoch.has_value());
  EXPECT_EQ(enoch->key_id(), 0xaf0cfe78u);
}

TEST_F(NoteTest, GoVectorSignsByteForByte) {
  EXPECT_EQ(SignNote(kText, Peter()).value(),
            std::string(kText) + "\n" + kPeterSig);
}

TEST_F(NoteTest, GoVectorsOpen) {
  const auto peter = NoteVerifier::Parse(kPeterVkey).value();
  const auto enoch = NoteVerifier::Parse(kEnochVkey).value();
  const std::string both = std::string(kText) + "\n" + kPeterSig + kEnochSig;

  // One known key: the other signature is ignored.
  auto opened = OpenNote(both, std::vector{peter});
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  EXPECT_EQ(opened->note.text, kText);
  EXPECT_EQ(opened->verified_by, std::vector<std::string>{kPeterVkey});
  ASSERT_EQ(opened->note.signatures.size(), 2u);
  EXPECT_EQ(opened->note.signatures[1].key_name, "EnochRoot");
  EXPECT_EQ(opened->note.signatures[1].key_id, 0xaf0cfe78u);

  opened = OpenNote(both, std::vector{peter, enoch});
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->verified_by,
            (std::vector<std::string>{kPeterVkey, kEnochVkey}));

  // No known key.
  EXPECT_EQ(OpenNote(both, std::vector<NoteVerifier>{}).error().code(),
            StatusCode::kUnauthenticated);
  // A key known twice, when it signed, is ambiguous.
  EXPECT_EQ(OpenNote(std::string(kText) + "\n" + kEnochSig,
                     std::vector{enoch, peter, enoch})
                .error(),
            InvalidArgumentError("ambiguous key `EnochRoot+af0cfe78`"));
  // Repeated signatures count once.
  opened =
      OpenNote(std::string(kText) + "\n" + kPeterSig + kPeterSig + kEnochSig,
               std::vector{peter});
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->verified_by.size(), 1u);
}

TEST_F(NoteTest, KnownKeyWithBadSignatureRefusesTheNote) {
  const auto peter = NoteVerifier::Parse(kPeterVkey).value();
  std::string sig = kPeterSig;
  sig.insert(60, "ABCD");
  EXPECT_EQ(
      OpenNote(std::string(kText) + "\n" + sig, std::vector{peter}).error(),
      Status(StatusCode::kUnauthenticated,
             "signature by `PeterNeumann+c74f20a3` does not verify"));
  // The text changed.
  std::string text = kText;
  text[12] = 'Y';
  EXPECT_EQ(
      OpenNote(text + "\n" + kPeterSig, std::vector{peter}).error().code(),
      StatusCode::kUnauthenticated);
}

TEST_F(NoteTest, GoMalformedMessages) {
  const std::string text = kText;
  const std::string sig = kPeterSig;
  const std::pair<std::string, std::string> cases[] = {
      {text, "note has no blank line between text and signatures"},
      {text + "\n", "note has no signature"},
      {text + "\n" + sig.substr(0, sig.size() - 1),
       "note does not end in a newline"},
      {"\x01" + text + "\n" + sig, "control character 1 at byte 0"},
      {"\xff" + text + "\n" + sig, "invalid UTF-8 at byte 0"},
      {text +
           "\n\xE2\x80\x94 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pA\n",
       "signature line 1 signature: base64 length 43 is not a multiple of 4"},
      {text + "\n" + sig + "Unexpected line.\n",
       "signature line 2 does not start with an em dash and a space"},
  };
  for (const auto& [message, want] : cases) {
    EXPECT_EQ(ParseNote(message).error(), InvalidArgumentError(want))
        << ParseNote(message).error().ToString();
  }
}

TEST_F(NoteTest, SyntaxLimits) {
  const std::string text = kText;
  std::string many = text + "\n";
  for (int i = 0; i < 100; ++i) many += kPeterSig;
  EXPECT_TRUE(ParseNote(many).has_value());
  EXPECT_EQ(ParseNote(many + kPeterSig).error(),
            InvalidArgumentError("note has more than 100 signatures"));
  EXPECT_EQ(ParseNote(std::string(kMaxNoteBytes + 1, 'a')).error(),
            InvalidArgumentError("note is longer than 65536 bytes"));
  // Short, non-canonical and unpadded signatures.
  EXPECT_EQ(ParseNote(text + "\n\xE2\x80\x94 k AAAA\n").error(),
            InvalidArgumentError(
                "signature line 1 signature is shorter than 5 bytes"));
  EXPECT_EQ(ParseNote(text + "\n\xE2\x80\x94 k AAAAAAA\n").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ParseNote(text + "\n\xE2\x80\x94 k AAAAAAA=\n")->signatures[0].signature,
      (std::vector<std::uint8_t>{0}));
  EXPECT_EQ(ParseNote(text + "\n\xE2\x80\x94 k  AAAAAAA=\n").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseNote(text + "\n\xE2\x80\x94 kAAAAAAA=\n").error(),
            InvalidArgumentError("signature line 1 has no space between key "
                                 "name and signature"));
  // CR is a control character: no CRLF notes.
  EXPECT_EQ(ParseNote("a\r\n\n" + std::string(kPeterSig)).error(),
            InvalidArgumentError("control character 13 at byte 1"));
  // The text may hold blank lines; the last one separates.
  auto n = ParseNote("a\n\nb\n\n" + std::string(kPeterSig));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->text, "a\n\nb\n");
}

TEST_F(NoteTest, KeyNames) {
  EXPECT_TRUE(IsValidKeyName("evidex.example/node-1"));
  EXPECT_TRUE(IsValidKeyName("caf\xC3\xA9"));
  EXPECT_FALSE(IsValidKeyName(""));
  EXPECT_FALSE(IsValidKeyName("a+b"));
  EXPECT_FALSE(IsValidKeyName("a b"));
  EXPECT_FALSE(
      IsValidKeyName("a\xC2\xA0"
                     "b"));  // U+00A0
  EXPECT_FALSE(
      IsValidKeyName("a\xE3\x80\x80"
                     "b"));                      // U+3000
  EXPECT_FALSE(IsValidKeyName("a\xC0\xAF"));     // overlong
  EXPECT_FALSE(IsValidKeyName("\xED\xA0\x80"));  // surrogate
}

TEST_F(NoteTest, VerifierKeyManglingsAreRefused) {
  // As the Go implementation's test: every proper substring and every
  // single-byte increment of a valid verifier key is refused.
  const std::string vkey = kPeterVkey;
  for (std::size_t i = 0; i <= vkey.size(); ++i) {
    for (std::size_t j = i + 1; j <= vkey.size(); ++j) {
      if (i == 0 && j == vkey.size()) continue;
      EXPECT_FALSE(NoteVerifier::Parse(vkey.substr(i, j - i)).has_value())
          << vkey.substr(i, j - i);
    }
  }
  for (std::size_t i = 0; i < vkey.size(); ++i) {
    std::string bad = vkey;
    ++bad[i];
    EXPECT_FALSE(NoteVerifier::Parse(bad).has_value()) << bad;
  }
  // Wrong key length and unknown algorithm, with matching key IDs (Go test).
  EXPECT_FALSE(NoteVerifier::Parse("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbz"
                                   "hKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
                   .has_value());
  EXPECT_EQ(NoteVerifier::Parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKq"
                                "iBfsVkmqq/LDE4izWy10TW")
                .error(),
            InvalidArgumentError("verifier key is not an Ed25519 key"));
  EXPECT_EQ(NoteVerifier::Parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKq"
                                "iBfsVkmqq/LDE4izWy10TW")
                .error(),
            InvalidArgumentError("verifier key id `c74f20a4` does not match "
                                 "its name and key (c74f20a3)"));
}

TEST_F(NoteTest, FormatRefusesWhatWouldNotParse) {
  const NoteSignature sig = Peter().Sign(kText);
  EXPECT_EQ(FormatNote(Note{"no newline", {sig}}).error(),
            InvalidArgumentError("note text does not end in a newline"));
  EXPECT_EQ(FormatNote(Note{kText, {}}).error(),
            InvalidArgumentError("note has no signature"));
  NoteSignature bad = sig;
  bad.key_name = "a b";
  EXPECT_EQ(FormatNote(Note{kText, {bad}}).error(),
            InvalidArgumentError("key name `a b` is invalid"));
  EXPECT_EQ(SignNote("tab\there\n", Peter()).error(),
            InvalidArgumentError("control character 9 at byte 3"));
  EXPECT_EQ(NoteSigner::Create("a+b", crypto::GenerateEd25519KeyPair())
                .error()
                .code(),
            StatusCode::kInvalidArgument);
}

// Any text, signed, parses back to itself and opens with the signer's key.
RC_GTEST_FIXTURE_PROP(NoteTest, SignedNotesRoundTrip, ()) {
  const auto lines = *rc::gen::container<std::vector<std::string>>(
      rc::gen::container<std::string>(rc::gen::inRange<char>(0x20, 0x7f)));
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  RC_PRE(!text.empty());
  const NoteSigner signer = Peter();
  const std::string message = SignNote(text, signer).value();
  const Note parsed = ParseNote(message).value();
  RC_ASSERT(parsed.text == text);
  RC_ASSERT(FormatNote(parsed).value() == message);
  RC_ASSERT(OpenNote(message, std::vector{signer.verifier()}).has_value());
}

// Flipping any bit of the text or of the signature bytes is refused: either
// the note no longer parses, or it no longer verifies.
RC_GTEST_FIXTURE_PROP(NoteTest, FlippedBitIsRefused, ()) {
  const NoteSigner signer = Peter();
  const std::string text = *rc::gen::nonEmpty(rc::gen::container<std::string>(
                               rc::gen::inRange<char>(0x20, 0x7f))) +
                           "\n";
  Note note{text, {signer.Sign(text)}};
  const bool in_text = *rc::gen::arbitrary<bool>();
  if (in_text) {
    const std::size_t byte =
        *rc::gen::inRange<std::size_t>(0, note.text.size());
    note.text[byte] ^= static_cast<char>(1 << *rc::gen::inRange(0, 8));
  } else {
    const std::size_t byte =
        *rc::gen::inRange<std::size_t>(0, note.signatures[0].signature.size());
    note.signatures[0].signature[byte] ^=
        static_cast<std::uint8_t>(1 << *rc::gen::inRange(0, 8));
  }
  auto message = FormatNote(note);
  if (!message.has_value()) return;  // refused already
  RC_ASSERT_FALSE(OpenNote(*message, std::vector{signer.verifier()}));
}

}  // namespace
}  // namespace evidex::ledger
