// Base64 (RFC 4648), the one copy: Secret data, kubeconfig *-data fields,
// YAML !!binary scalars, list continue tokens.
#ifndef CAPSTAN_BASE_BASE64_H_
#define CAPSTAN_BASE_BASE64_H_

#include <string>
#include <string_view>

namespace capstan::base {

enum class Base64Alphabet {
  kStd,  // A-Z a-z 0-9 + /   (Go's base64.StdEncoding)
  kUrl,  // A-Z a-z 0-9 - _   (Go's base64.URLEncoding)
};

// Padded with '='.
std::string Base64Encode(std::string_view in, Base64Alphabet alphabet = Base64Alphabet::kStd);

// Go's Encoding.DecodeString for the padded encodings (what encoding/json
// does to a []byte field): '\r' and '\n' are skipped; a character outside
// the alphabet, data after '=', or a length that is not a multiple of 4 is
// an error (returns false, `out` then unspecified).
bool Base64Decode(std::string_view in, std::string* out, Base64Alphabet alphabet = Base64Alphabet::kStd);

// Standard alphabet, forgiving: also skips spaces and tabs and accepts
// missing padding (certificate data pasted into kubeconfig files).
bool Base64DecodeLenient(std::string_view in, std::string* out);

}  // namespace capstan::base

#endif  // CAPSTAN_BASE_BASE64_H_
