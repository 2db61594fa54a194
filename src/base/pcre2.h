// PCRE2 (libpcre2-8) is loaded on first use (see lazy_library.h), not with
// every capstan command. LoadPcre2() loads it or throws std::runtime_error;
// on x86-64 the first call of any PCRE2 function loads it too. Used by the
// Rego regex.* built-ins (policy) and CRD `pattern`s (validate).
#ifndef CAPSTAN_BASE_PCRE2_H_
#define CAPSTAN_BASE_PCRE2_H_

namespace capstan::base {
void LoadPcre2();
}

#endif  // CAPSTAN_BASE_PCRE2_H_
