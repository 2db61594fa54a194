// PCRE2 (libpcre2-8) is loaded on first use (see lazy_library.h), not with
// every capstan command. LoadPcre2() loads it or throws std::runtime_error;
// on x86-64 the first call of any PCRE2 function loads it too. Used by the
// Rego regex.* built-ins (policy), Sprig's regex functions (gotemplate) and
// CRD `pattern`s (validate).
#ifndef CAPSTAN_BASE_PCRE2_H_
#define CAPSTAN_BASE_PCRE2_H_

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

namespace capstan::base {

void LoadPcre2();

// A compiled pattern, freed with its owner.
struct Pcre2Code {
  pcre2_code* code = nullptr;
  ~Pcre2Code() {
    if (code) pcre2_code_free(code);
  }
};

// Match data sized for one pattern, freed with its owner.
struct Pcre2MatchData {
  pcre2_match_data* md;
  explicit Pcre2MatchData(const Pcre2Code& re) : md(pcre2_match_data_create_from_pattern(re.code, nullptr)) {}
  ~Pcre2MatchData() { pcre2_match_data_free(md); }
};

// The shared match context that bounds backtracking of untrusted patterns
// (match limit 1,000,000, depth limit 10,000, heap limit 20 MiB).
pcre2_match_context* Pcre2Limits();

}  // namespace capstan::base

#endif  // CAPSTAN_BASE_PCRE2_H_
