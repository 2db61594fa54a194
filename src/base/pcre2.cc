// The PCRE2 functions capstan calls, as lazy stubs (see lazy_library.h).
//   nm -u src/policy/libcapstan_policy.a src/validate/libcapstan_validate.a | grep pcre2_
#define PCRE2_CODE_UNIT_WIDTH 8
#include "base/pcre2.h"

#include <pcre2.h>

#include "base/lazy_library.h"

#define CAPSTAN_PCRE2_FUNCTIONS(X)                                                             \
  X(pcre2_compile_8) X(pcre2_code_free_8) X(pcre2_get_error_message_8)                         \
  X(pcre2_match_8) X(pcre2_match_data_create_from_pattern_8) X(pcre2_match_data_free_8)        \
  X(pcre2_get_ovector_pointer_8) X(pcre2_get_ovector_count_8) X(pcre2_match_context_create_8)  \
  X(pcre2_match_context_free_8) X(pcre2_set_match_limit_8) X(pcre2_set_depth_limit_8)          \
  X(pcre2_set_heap_limit_8) X(pcre2_pattern_info_8)

#define CAPSTAN_PCRE2_STUB(name) CAPSTAN_LAZY_STUB(pcre2, name)
CAPSTAN_PCRE2_FUNCTIONS(CAPSTAN_PCRE2_STUB)

namespace capstan::base {

void LoadPcre2() {
  static LazyLibrary lib(CAPSTAN_PCRE2_SONAME, {CAPSTAN_PCRE2_FUNCTIONS(CAPSTAN_LAZY_SLOT)},
                         "install libpcre2-8-0");
  lib.Load();
}

pcre2_match_context* Pcre2Limits() {
  static pcre2_match_context* mc = [] {
    pcre2_match_context* c = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(c, 1000000);
    pcre2_set_depth_limit(c, 10000);
    pcre2_set_heap_limit(c, 20000);  // KiB
    return c;
  }();
  return mc;
}

}  // namespace capstan::base

CAPSTAN_LAZY_RESOLVER(pcre2, capstan::base::LoadPcre2)
