// PCRE2 loads with the first regex built-in a policy calls, not with every
// capstan command (see base/lazy_library.h).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "base/lazy_library.h"

// Every PCRE2 function regex.cc calls.
//   nm -u libcapstan_policy.a | grep pcre2_
#define CAPSTAN_PCRE2_FUNCTIONS(X)                                                             \
  X(pcre2_compile_8) X(pcre2_code_free_8) X(pcre2_get_error_message_8)                         \
  X(pcre2_match_8) X(pcre2_match_data_create_from_pattern_8) X(pcre2_match_data_free_8)        \
  X(pcre2_get_ovector_pointer_8) X(pcre2_get_ovector_count_8) X(pcre2_match_context_create_8)  \
  X(pcre2_match_context_free_8) X(pcre2_set_match_limit_8) X(pcre2_set_depth_limit_8)          \
  X(pcre2_pattern_info_8)

#define CAPSTAN_PCRE2_STUB(name) CAPSTAN_LAZY_STUB(pcre2, name)
CAPSTAN_PCRE2_FUNCTIONS(CAPSTAN_PCRE2_STUB)

namespace capstan::policy {
namespace {

void LoadPcre2() {
  static base::LazyLibrary lib("libpcre2-8.so.0", {CAPSTAN_PCRE2_FUNCTIONS(CAPSTAN_LAZY_SLOT)},
                               "install the PCRE2 runtime package libpcre2-8-0");
  lib.Load();
}

}  // namespace

void LoadRegexLibrary() { LoadPcre2(); }

}  // namespace capstan::policy

CAPSTAN_LAZY_RESOLVER(pcre2, capstan::policy::LoadPcre2)
