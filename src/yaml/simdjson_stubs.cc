// simdjson loads with the first JSON document, not with every capstan
// command (see base/lazy_library.h and docs/decisions.md, "start-up").
//
// libsimdjson.so is C++ and needs libstdc++.so; linked at exec it kept the
// binary from carrying its own libstdc++ (two runtimes initialised at every
// start). Loaded here on first use, a `capstan helm template` or `build` that
// never reads JSON maps neither.
//
// The On-Demand parser is inline code in <simdjson.h>; besides one function
// it reads three constant tables of the library. Linked normally those are
// copy-relocated into the binary at exec; here the binary holds hidden
// copies (this file does not include <simdjson.h>, whose declarations are
// const) that LoadSimdjson() fills from the library, as ld.so's copy
// relocation would. json_parse.cc calls LoadSimdjson() before any parse.
#include <dlfcn.h>
#include <link.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include "base/lazy_library.h"

// Every simdjson function the inline code calls; a missing one fails to link.
//   nm -u libcapstan_yaml.a | grep ' U _ZN8simdjson'
#define CAPSTAN_SIMDJSON_FUNCTIONS(X) X(_ZN8simdjson25get_active_implementationEv)
#define CAPSTAN_SIMDJSON_STUB(name) CAPSTAN_LAZY_STUB(simdjson, name)
CAPSTAN_SIMDJSON_FUNCTIONS(CAPSTAN_SIMDJSON_STUB)

// The tables' copies (bool[256], bool[256], error_code_info[NUM_ERROR_CODES]);
// json_parse.cc checks with static_assert that error_codes fits.
namespace simdjson::internal {
__attribute__((visibility("hidden"))) bool structural_or_whitespace[256];
__attribute__((visibility("hidden"))) bool structural_or_whitespace_negated[256];
__attribute__((visibility("hidden"), aligned(16))) unsigned char error_codes[64 * 16];
}  // namespace simdjson::internal

namespace capstan::yaml {
namespace {

void* table_structural = nullptr;
void* table_structural_negated = nullptr;
void* table_error_codes = nullptr;

// Copies one table, `size` bytes, or as many as the library's symbol says
// when size is 0 (error_codes has no size in the header).
void CopyTable(void* dst, size_t capacity, const void* src, size_t size, const char* name) {
  if (size == 0) {
    Dl_info info;
    ElfW(Sym)* sym = nullptr;
    if (!dladdr1(src, &info, reinterpret_cast<void**>(&sym), RTLD_DL_SYMENT) || !sym)
      throw std::runtime_error(std::string("libsimdjson: no size for ") + name);
    size = sym->st_size;
  }
  if (size == 0 || size > capacity)
    throw std::runtime_error(std::string("libsimdjson: unexpected size of ") + name);
  std::memcpy(dst, src, size);
}

}  // namespace

void LoadSimdjson() {
  static base::LazyLibrary lib(
      CAPSTAN_SIMDJSON_SONAME,
      {CAPSTAN_SIMDJSON_FUNCTIONS(CAPSTAN_LAZY_SLOT)
       {"_ZN8simdjson8internal24structural_or_whitespaceE", &table_structural},
       {"_ZN8simdjson8internal32structural_or_whitespace_negatedE", &table_structural_negated},
       {"_ZN8simdjson8internal11error_codesE", &table_error_codes}},
      "install the simdjson runtime package (libsimdjson14)");
  lib.Load([] {
    namespace si = simdjson::internal;
    CopyTable(si::structural_or_whitespace, sizeof si::structural_or_whitespace, table_structural, 256,
              "structural_or_whitespace");
    CopyTable(si::structural_or_whitespace_negated, sizeof si::structural_or_whitespace_negated,
              table_structural_negated, 256, "structural_or_whitespace_negated");
    CopyTable(si::error_codes, sizeof si::error_codes, table_error_codes, 0, "error_codes");
  });
}

}  // namespace capstan::yaml

CAPSTAN_LAZY_RESOLVER(simdjson, capstan::yaml::LoadSimdjson)
