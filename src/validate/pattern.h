// Internal: `pattern` keywords of CRD schemas, compiled with PCRE2 (loaded
// on first use, pcre2_stubs.cc). Matching is bounded by PCRE2's match and
// heap limits, so a hostile pattern or value cannot hang or overflow the
// stack.
#ifndef CAPSTAN_VALIDATE_PATTERN_H_
#define CAPSTAN_VALIDATE_PATTERN_H_

#include <memory>
#include <string>
#include <string_view>

namespace capstan::validate {

class Pattern {
 public:
  // Throws std::runtime_error naming the pattern when it does not compile.
  explicit Pattern(const std::string& regex);
  ~Pattern();
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;
  // Unanchored search, as JSON Schema (and Go's regexp.MatchString) define
  // `pattern`. A match that exceeds the limits counts as no match.
  bool Search(std::string_view text) const;

 private:
  void* code_ = nullptr;  // pcre2_code_8*
};

}  // namespace capstan::validate

#endif  // CAPSTAN_VALIDATE_PATTERN_H_
