// Line-based unified diff (diff -u format) between two texts.
#ifndef CAPSTAN_DIFF_UNIFIED_H_
#define CAPSTAN_DIFF_UNIFIED_H_

#include <string>
#include <string_view>

namespace capstan::diff {

// Empty when the texts are equal. Headers are "--- <from_name>" and
// "+++ <to_name>"; hunks carry `context` lines of context.
std::string UnifiedDiff(std::string_view from, std::string_view to, std::string_view from_name,
                        std::string_view to_name, int context = 3);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_UNIFIED_H_
