#include "law/vocabulary.h"

namespace evidex::law {

std::optional<StateCode> ParseStateCode(std::string_view s) {
  if (s.size() != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z') {
    return std::nullopt;
  }
  return static_cast<StateCode>((s[0] - 'A') * 26 + (s[1] - 'A'));
}

std::string StateCodeName(StateCode code) {
  return {static_cast<char>('A' + code / 26),
          static_cast<char>('A' + code % 26)};
}

}  // namespace evidex::law
