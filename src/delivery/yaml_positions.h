// A YAML document tree that remembers where each node is in the text, for
// editing a file in place (libyaml events and their marks).
#ifndef CAPSTAN_DELIVERY_YAML_POSITIONS_H_
#define CAPSTAN_DELIVERY_YAML_POSITIONS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace capstan::delivery {

struct PosNode {
  enum Kind { kScalar, kSequence, kMapping, kAlias } kind = kScalar;
  size_t start = 0, end = 0;      // byte offsets [start, end)
  size_t line = 0, column = 0;    // of start, 0-based (column in characters)
  bool flow = false;
  bool plain = true;              // scalar written plain (no quotes, no block)
  char quote = 0;                 // '\'' or '"' for a quoted scalar
  std::string value;              // scalar text
  std::vector<PosNode> items;     // sequence items; mapping: key, value, key, value...

  // Mapping lookup by key text; nullptr when absent.
  const PosNode* Get(std::string_view key) const;
  // Largest end offset of this node and its descendants (a block mapping's
  // own end mark lies at the next token).
  size_t LastEnd() const;
};

// Every document of the text. Throws Error("<file>: line L column C: ...").
std::vector<PosNode> ParsePositions(std::string_view text, const std::string& file);

}  // namespace capstan::delivery

#endif  // CAPSTAN_DELIVERY_YAML_POSITIONS_H_
