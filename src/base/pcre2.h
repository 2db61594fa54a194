// PCRE2 (8-bit), loaded on first use: the one set of stubs for the modules
// that match regular expressions (validate: CRD `pattern`s; policy: Rego
// regex.* built-ins). Include <pcre2.h> with PCRE2_CODE_UNIT_WIDTH 8 and
// call the library as usual; functions not listed in pcre2.cc fail to link.
#ifndef CAPSTAN_BASE_PCRE2_H_
#define CAPSTAN_BASE_PCRE2_H_

namespace capstan::base {

// Loads libpcre2-8 (throws std::runtime_error with an install hint when it
// cannot); call it where such a failure can be reported.
void LoadPcre2();

}  // namespace capstan::base

#endif  // CAPSTAN_BASE_PCRE2_H_
