// Internal: `pattern` keywords of CRD schemas, compiled with PCRE2 (loaded
// on first use, base/pcre2.h). Matching is bounded by base::Pcre2Limits()
// (match, depth and heap limits), so a hostile pattern or value cannot hang
// or overflow the stack.
#ifndef CAPSTAN_VALIDATE_PATTERN_H_
#define CAPSTAN_VALIDATE_PATTERN_H_

#include <string>
#include <string_view>

#include "base/pcre2.h"

namespace capstan::validate {

class Pattern {
 public:
  // Throws std::runtime_error naming the pattern when it does not compile.
  explicit Pattern(const std::string& regex);
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;
  // Unanchored search, as JSON Schema (and Go's regexp.MatchString) define
  // `pattern`. A match that exceeds the limits counts as no match.
  bool Search(std::string_view text) const;

 private:
  base::Pcre2Code code_;
};

}  // namespace capstan::validate

#endif  // CAPSTAN_VALIDATE_PATTERN_H_
