// Pattern: a CRD `pattern` compiled with PCRE2 (loaded on first use,
// base/pcre2.h), matched under base's bounded match context.
#include "validate/pattern.h"

#include <stdexcept>
#include <string>

namespace capstan::validate {

Pattern::Pattern(const std::string& regex) {
  base::LoadPcre2();
  int error = 0;
  PCRE2_SIZE offset = 0;
  code_.code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(regex.data()), regex.size(),
                             PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &error, &offset, nullptr);
  if (code_.code == nullptr) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(error, buf, sizeof buf);
    throw std::runtime_error("pattern " + regex + ": " + reinterpret_cast<const char*>(buf) +
                             " at offset " + std::to_string(offset));
  }
}

bool Pattern::Search(std::string_view text) const {
  base::Pcre2MatchData md(code_);
  return pcre2_match(code_.code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0, md.md,
                     base::Pcre2Limits()) >= 0;
}

}  // namespace capstan::validate
