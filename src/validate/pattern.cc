// Pattern: a CRD `pattern` compiled with PCRE2 (loaded on first use).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdexcept>
#include <string>

#include "base/pcre2.h"
#include "validate/pattern.h"

namespace capstan::validate {

Pattern::Pattern(const std::string& regex) {
  base::LoadPcre2();
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(regex.data()), regex.size(),
                                   PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &error, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(error, buf, sizeof buf);
    throw std::runtime_error("pattern " + regex + ": " + reinterpret_cast<const char*>(buf) +
                             " at offset " + std::to_string(offset));
  }
  code_ = code;
}

Pattern::~Pattern() {
  if (code_ != nullptr) pcre2_code_free(static_cast<pcre2_code*>(code_));
}

bool Pattern::Search(std::string_view text) const {
  auto* code = static_cast<pcre2_code*>(code_);
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code, nullptr);
  pcre2_match_context* mc = pcre2_match_context_create(nullptr);
  pcre2_set_match_limit(mc, 1000000);
  pcre2_set_depth_limit(mc, 10000);
  pcre2_set_heap_limit(mc, 20000);  // KiB
  int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0, md, mc);
  pcre2_match_context_free(mc);
  pcre2_match_data_free(md);
  return rc >= 0;
}

}  // namespace capstan::validate
