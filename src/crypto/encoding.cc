#include "crypto/encoding.h"

namespace evidex::crypto {
namespace {

// The value of a hex digit, or -1.
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The value of a base64 digit of the standard alphabet, or -1.
int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// `c` for a message: printable ASCII as itself, anything else as its byte
// value.
std::string Describe(char c) {
  if (c >= 0x21 && c <= 0x7e) return "`" + std::string(1, c) + "`";
  return "byte " + std::to_string(static_cast<unsigned char>(c));
}

}  // namespace

std::string HexEncode(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 0x0f]);
  }
  return hex;
}

Result<std::vector<std::uint8_t>> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return Err(InvalidArgumentError("odd number of hex digits (" +
                                    std::to_string(hex.size()) + ")"));
  }
  std::vector<std::uint8_t> bytes;
  bytes.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexValue(hex[i]);
    int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      std::size_t at = hi < 0 ? i : i + 1;
      return Err(InvalidArgumentError("invalid hex digit " + Describe(hex[at]) +
                                      " at offset " + std::to_string(at)));
    }
    bytes.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return bytes;
}

std::string Base64Encode(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string text;
  text.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = std::uint32_t{bytes[i]} << 16 |
                                std::uint32_t{bytes[i + 1]} << 8 | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) {
      text.push_back(kDigits[group >> shift & 0x3f]);
    }
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t group = std::uint32_t{bytes[i]} << 16;
    if (rest == 2) group |= std::uint32_t{bytes[i + 1]} << 8;
    text.push_back(kDigits[group >> 18 & 0x3f]);
    text.push_back(kDigits[group >> 12 & 0x3f]);
    text.push_back(rest == 2 ? kDigits[group >> 6 & 0x3f] : '=');
    text.push_back('=');
  }
  return text;
}

Result<std::vector<std::uint8_t>> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return Err(InvalidArgumentError("base64 length " +
                                    std::to_string(text.size()) +
                                    " is not a multiple of 4"));
  }
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=')
    padding = text[text.size() - 2] == '=' ? 2 : 1;
  const std::size_t digits = text.size() - padding;
  std::vector<std::uint8_t> bytes;
  bytes.reserve(text.size() / 4 * 3);
  std::uint32_t acc = 0;  // the bits not yet emitted, in its low `bits` bits
  int bits = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    int v = Base64Value(text[i]);
    if (v < 0) {
      return Err(InvalidArgumentError("invalid base64 character " +
                                      Describe(text[i]) + " at offset " +
                                      std::to_string(i)));
    }
    acc = (acc << 6 | static_cast<std::uint32_t>(v)) & 0xfff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<std::uint8_t>(acc >> bits));
    }
  }
  // What is left over are the bits of a partial last group: 2 bits before "==",
  // 4 before "=".
  if ((acc & ((1u << bits) - 1)) != 0) {
    return Err(InvalidArgumentError(
        "base64 has non-zero bits before the padding at offset " +
        std::to_string(digits)));
  }
  return bytes;
}

}  // namespace evidex::crypto
