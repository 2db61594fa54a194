// A yaml::Node packed into one byte string, for what is held in memory a
// long time (cached live objects, Applications, rendered manifests).
//
// Lossless: every member of every node (kind, style, tag, value, flow,
// tagged, children in order) is kept, so Unpack(Pack(n)) is n exactly. A
// packed object takes about a tenth of the memory of its Node tree (a Node
// is ~120 bytes before its strings, a mapping entry two of them); unpacking
// costs about what copying the tree costs.
#ifndef CAPSTAN_CACHE_PACKED_NODE_H_
#define CAPSTAN_CACHE_PACKED_NODE_H_

#include <string>
#include <string_view>

#include "yaml/node.h"

namespace capstan::cache {

std::string Pack(const yaml::Node& node);
// Throws std::invalid_argument when `packed` did not come from Pack.
yaml::Node Unpack(std::string_view packed);

}  // namespace capstan::cache

#endif  // CAPSTAN_CACHE_PACKED_NODE_H_
