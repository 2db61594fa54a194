// Go regexp for Sprig's regex functions, on PCRE2 (RE2's syntax is, for what
// charts write, a subset of PCRE2's). PCRE2's match and depth limits bound
// backtracking, so a hostile pattern fails with an error instead of hanging.
#ifndef CAPSTAN_GOTEMPLATE_REGEX_H_
#define CAPSTAN_GOTEMPLATE_REGEX_H_

#include <string>
#include <utility>
#include <vector>

namespace capstan::gotemplate {

// Byte ranges of the match and its groups ({-1, -1} for an unset group).
using Groups = std::vector<std::pair<long, long>>;

// Throw FuncError("error parsing regexp: ...") for a bad pattern.
bool RegexMatch(const std::string& pattern, const std::string& s);
// Go's FindAll semantics (empty matches next to the previous match are
// skipped); at most n matches, all when n < 0.
std::vector<Groups> RegexFindAll(const std::string& pattern, const std::string& s, long n);

}  // namespace capstan::gotemplate

#endif  // CAPSTAN_GOTEMPLATE_REGEX_H_
