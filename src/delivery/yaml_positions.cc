#include "delivery/yaml_positions.h"

#include <yaml.h>

#include <algorithm>
#include <memory>

#include "delivery/error.h"

namespace capstan::delivery {
namespace {

constexpr size_t kMaxDepth = 256;

// Byte offsets of line starts; marks give (line, column in characters).
class Offsets {
 public:
  explicit Offsets(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
  }
  size_t Of(const yaml_mark_t& m) const {
    if (m.line >= starts_.size()) return text_.size();
    size_t off = starts_[m.line];
    for (size_t col = 0; col < m.column && off < text_.size() && text_[off] != '\n'; ++col) {
      unsigned char c = static_cast<unsigned char>(text_[off]);
      off += c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    }
    return std::min(off, text_.size());
  }

 private:
  std::string_view text_;
  std::vector<size_t> starts_;
};

struct Parser {
  yaml_parser_t parser;
  yaml_event_t event;
  bool has_event = false;
  std::string file;
  const Offsets* offsets;

  ~Parser() {
    if (has_event) yaml_event_delete(&event);
    yaml_parser_delete(&parser);
  }
  void Next() {
    if (has_event) yaml_event_delete(&event);
    has_event = false;
    if (!yaml_parser_parse(&parser, &event)) {
      throw Error(file + ": line " + std::to_string(parser.problem_mark.line + 1) + " column " +
                  std::to_string(parser.problem_mark.column + 1) + ": " +
                  (parser.problem ? parser.problem : "invalid YAML"));
    }
    has_event = true;
  }
  PosNode Node(size_t depth) {
    if (depth > kMaxDepth) throw Error(file + ": nesting too deep");
    PosNode n;
    n.start = offsets->Of(event.start_mark);
    n.end = offsets->Of(event.end_mark);
    n.line = event.start_mark.line;
    n.column = event.start_mark.column;
    switch (event.type) {
      case YAML_SCALAR_EVENT:
        n.kind = PosNode::kScalar;
        n.value.assign(reinterpret_cast<const char*>(event.data.scalar.value), event.data.scalar.length);
        n.plain = event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (event.data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE) n.quote = '\'';
        if (event.data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) n.quote = '"';
        return n;
      case YAML_ALIAS_EVENT:
        n.kind = PosNode::kAlias;
        return n;
      case YAML_SEQUENCE_START_EVENT:
        n.kind = PosNode::kSequence;
        n.flow = event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
        for (Next(); event.type != YAML_SEQUENCE_END_EVENT; Next()) n.items.push_back(Node(depth + 1));
        n.end = offsets->Of(event.end_mark);
        return n;
      case YAML_MAPPING_START_EVENT:
        n.kind = PosNode::kMapping;
        n.flow = event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
        for (Next(); event.type != YAML_MAPPING_END_EVENT; Next()) n.items.push_back(Node(depth + 1));
        n.end = offsets->Of(event.end_mark);
        return n;
      default:
        throw Error(file + ": unexpected YAML event");
    }
  }
};

}  // namespace

const PosNode* PosNode::Get(std::string_view key) const {
  if (kind != kMapping) return nullptr;
  for (size_t i = 0; i + 1 < items.size(); i += 2) {
    if (items[i].kind == kScalar && items[i].value == key) return &items[i + 1];
  }
  return nullptr;
}

size_t PosNode::LastEnd() const {
  if (kind == kScalar || kind == kAlias || flow || items.empty()) return end;
  size_t e = start;
  for (const PosNode& c : items) e = std::max(e, c.LastEnd());
  return e;
}

std::vector<PosNode> ParsePositions(std::string_view text, const std::string& file) {
  Offsets offsets(text);
  auto p = std::make_unique<Parser>();
  yaml_parser_initialize(&p->parser);
  yaml_parser_set_input_string(&p->parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  p->file = file;
  p->offsets = &offsets;
  std::vector<PosNode> docs;
  for (p->Next(); p->event.type != YAML_STREAM_END_EVENT; p->Next()) {
    if (p->event.type != YAML_DOCUMENT_START_EVENT) continue;
    p->Next();
    docs.push_back(p->Node(0));
    p->Next();  // DOCUMENT_END
  }
  return docs;
}

}  // namespace capstan::delivery
