// Tokens of Rego source text.
#ifndef CAPSTAN_POLICY_LEXER_H_
#define CAPSTAN_POLICY_LEXER_H_

#include <string>
#include <string_view>
#include <vector>

namespace capstan::policy {

enum class Tok : uint8_t { kEnd, kIdent, kString, kNumber, kPunct };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;      // identifier, punctuation, number text, decoded string
  int line = 0;
  bool newline_before = false;  // a line break since the previous token
  bool space_before = false;    // any white space since the previous token
  bool raw = false;             // `raw string`
};

// Throws std::runtime_error("<file>:<line>: rego_parse_error: ...").
std::vector<Token> Lex(std::string_view src, const std::string& file);

}  // namespace capstan::policy

#endif  // CAPSTAN_POLICY_LEXER_H_
