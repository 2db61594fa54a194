// Test helpers: print yaml::Node values readably in GoogleTest messages.
#ifndef CAPSTAN_RESOURCE_TEST_UTIL_H_
#define CAPSTAN_RESOURCE_TEST_UTIL_H_

#include <ostream>

#include "yaml/node.h"
#include "yaml/yaml.h"

namespace capstan::yaml {
inline void PrintTo(const Node& n, std::ostream* os) { *os << EmitJson(n); }
}  // namespace capstan::yaml

#endif  // CAPSTAN_RESOURCE_TEST_UTIL_H_
