// YAML stream -> Node, through libyaml's event API.
//
// libyaml only tokenizes; tags are resolved here as go-yaml v3 (kyaml)
// resolves them, aliases are expanded into copies (bounded by
// ParseLimits), and `<<` merge keys are applied the way kyaml's DeAnchor
// does before kustomize sees a resource.
#include <yaml.h>

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "yaml/yaml.h"

namespace capstan::yaml {
namespace {

constexpr std::string_view kCorePrefix = "tag:yaml.org,2002:";

std::string ShortTag(const unsigned char* tag) {
  std::string_view t(reinterpret_cast<const char*>(tag));
  if (t.substr(0, kCorePrefix.size()) == kCorePrefix)
    return "!!" + std::string(t.substr(kCorePrefix.size()));
  return std::string(t);
}

size_t CountNodes(const Node& n) {
  size_t c = 1;
  for (const Node& i : n.items) c += CountNodes(i);
  for (const Field& f : n.fields) c += CountNodes(f.key) + CountNodes(f.value);
  return c;
}

struct Anchor {
  Node node;
  size_t count;
};

class Builder {
 public:
  Builder(std::string_view text, std::string_view source, const ParseLimits& limits)
      : text_(text), source_(source), limits_(limits) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~Builder() { yaml_parser_delete(&parser_); }

  // Parses documents; stops after the first one when `one` is set.
  std::vector<Node> Run(bool one) {
    if (text_.size() > limits_.max_bytes) Fail(0, 0, "input exceeds the size limit");
    std::vector<Node> docs;
    yaml_event_t ev;
    for (;;) {
      if (!yaml_parser_parse(&parser_, &ev)) FailParser();
      std::unique_ptr<yaml_event_t, void (*)(yaml_event_t*)> guard(&ev, yaml_event_delete);
      switch (ev.type) {
        case YAML_STREAM_END_EVENT:
          return docs;
        case YAML_DOCUMENT_START_EVENT:
          anchors_.clear();
          have_root_ = false;
          break;
        case YAML_DOCUMENT_END_EVENT:
          if (have_root_) {
            // Like kyaml's ByteReader: a document that is null (empty,
            // only comments, `---` alone, or `null`) is no resource.
            if (!root_.IsNull() || one) docs.push_back(std::move(root_));
            if (one) return docs;
          }
          break;
        case YAML_SCALAR_EVENT:
          Scalar(ev);
          break;
        case YAML_ALIAS_EVENT:
          Alias(ev);
          break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
          Start(ev);
          break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
          End(ev);
          break;
        default:
          break;
      }
    }
  }

 private:
  // An open collection. Its children wait in scratch_ from `start` on
  // (keys and values alternating for a mapping) and are moved into an
  // exactly sized vector when it ends: no vector regrowth per child.
  struct Frame {
    Node node;
    std::string anchor;
    size_t start = 0;
    bool has_merge = false;
  };

  [[noreturn]] void Fail(size_t line0, size_t col0, std::string_view why,
                         std::string go_message = "") {
    int line = static_cast<int>(line0) + 1, col = static_cast<int>(col0) + 1;
    if (go_message.empty()) go_message = "yaml: " + std::string(why);
    throw ParseError(std::string(source_) + ": line " + std::to_string(line) + " column " +
                         std::to_string(col) + ": " + std::string(why),
                     line, col, std::move(go_message));
  }

  [[noreturn]] void FailParser() {
    std::string problem = parser_.problem ? parser_.problem : "unknown problem parsing YAML content";
    if (parser_.error == YAML_READER_ERROR) {
      // Reader errors (invalid UTF-8, control characters) carry a byte
      // offset, not a mark: count lines up to it.
      size_t off = std::min(parser_.problem_offset, text_.size());
      size_t line = 0, line_start = 0;
      for (size_t i = 0; i < off; ++i)
        if (text_[i] == '\n') ++line, line_start = i + 1;
      Fail(line, off - line_start, problem, "yaml: " + problem);  // go-yaml gives no line here
    }
    std::string why = problem;
    if (parser_.context) why = std::string(parser_.context) + ": " + why;
    // go-yaml's parser.fail(): the context line if any, else the problem
    // line; both 0-based, plus one for scanner errors.
    size_t go_line = parser_.context_mark.line ? parser_.context_mark.line : parser_.problem_mark.line;
    if (go_line && parser_.error == YAML_SCANNER_ERROR) ++go_line;
    std::string go = "yaml: ";
    if (go_line) go += "line " + std::to_string(go_line) + ": ";
    go += problem;
    Fail(parser_.problem_mark.line, parser_.problem_mark.column, why, go);
  }

  void Scalar(const yaml_event_t& ev) {
    const auto& s = ev.data.scalar;
    Node n;
    n.value.assign(reinterpret_cast<const char*>(s.value), s.length);
    switch (s.style) {
      case YAML_PLAIN_SCALAR_STYLE: n.style = Style::kPlain; break;
      case YAML_SINGLE_QUOTED_SCALAR_STYLE: n.style = Style::kSingleQuoted; break;
      case YAML_DOUBLE_QUOTED_SCALAR_STYLE: n.style = Style::kDoubleQuoted; break;
      case YAML_LITERAL_SCALAR_STYLE: n.style = Style::kLiteral; break;
      case YAML_FOLDED_SCALAR_STYLE: n.style = Style::kFolded; break;
      default: n.style = Style::kAny; break;
    }
    bool explicit_tag = s.tag && !(s.tag[0] == '!' && s.tag[1] == '\0');
    if (explicit_tag) {
      n.tag = ShortTag(s.tag);
      n.tagged = true;
    } else if (n.style == Style::kPlain) {
      n.tag = std::string(ResolvePlainTag(n.value));
    } else {
      n.tag = std::string(kStrTag);
    }
    n.kind = n.tag == kNullTag ? Kind::kNull : Kind::kScalar;
    if (s.anchor) Remember(reinterpret_cast<const char*>(s.anchor), n, 1, ev);
    Add(std::move(n), ev);
  }

  void Alias(const yaml_event_t& ev) {
    auto it = anchors_.find(reinterpret_cast<const char*>(ev.data.alias.anchor));
    if (it == anchors_.end())
      Fail(ev.start_mark.line, ev.start_mark.column,
           "unknown anchor '" + std::string(reinterpret_cast<const char*>(ev.data.alias.anchor)) +
               "' referenced");
    expanded_ += it->second.count;
    if (expanded_ > limits_.max_alias_expansion)
      Fail(ev.start_mark.line, ev.start_mark.column,
           "document expands aliases beyond the limit (" +
               std::to_string(limits_.max_alias_expansion) + " nodes)");
    Add(Node(it->second.node), ev);
  }

  void Start(const yaml_event_t& ev) {
    if (stack_.size() >= limits_.max_depth)
      Fail(ev.start_mark.line, ev.start_mark.column,
           "document nests deeper than " + std::to_string(limits_.max_depth) + " levels");
    Frame f;
    const unsigned char* tag;
    const unsigned char* anchor;
    if (ev.type == YAML_MAPPING_START_EVENT) {
      f.node = Node::Map();
      f.node.flow = ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
      tag = ev.data.mapping_start.tag;
      anchor = ev.data.mapping_start.anchor;
    } else {
      f.node = Node::Seq();
      f.node.flow = ev.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
      tag = ev.data.sequence_start.tag;
      anchor = ev.data.sequence_start.anchor;
    }
    if (tag && !(tag[0] == '!' && tag[1] == '\0')) {
      f.node.tag = ShortTag(tag);
      f.node.tagged = true;
    }
    if (anchor) f.anchor = reinterpret_cast<const char*>(anchor);
    f.start = scratch_.size();
    stack_.push_back(std::move(f));
  }

  void End(const yaml_event_t& ev) {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    size_t n = scratch_.size() - f.start;
    if (f.node.kind == Kind::kSequence) {
      f.node.items.reserve(n);
      for (size_t i = f.start; i < scratch_.size(); ++i) f.node.items.push_back(std::move(scratch_[i]));
    } else {
      f.node.fields.reserve(n / 2);
      for (size_t i = f.start; i + 1 < scratch_.size(); i += 2)
        f.node.fields.push_back(Field{std::move(scratch_[i]), std::move(scratch_[i + 1])});
    }
    scratch_.resize(f.start);
    if (f.has_merge) Merge(f.node, ev);
    if (!f.anchor.empty()) Remember(f.anchor, f.node, CountNodes(f.node), ev);
    Add(std::move(f.node), ev);
  }

  void Remember(const std::string& name, const Node& n, size_t count, const yaml_event_t& ev) {
    anchors_[name] = Anchor{n, count};
  }

  void Add(Node n, const yaml_event_t& ev) {
    if (stack_.empty()) {
      root_ = std::move(n);
      have_root_ = true;
      return;
    }
    Frame& top = stack_.back();
    if (top.node.kind == Kind::kMapping && (scratch_.size() - top.start) % 2 == 0 &&
        n.tag == kMergeTag)
      top.has_merge = true;
    scratch_.push_back(std::move(n));
  }

  // kyaml DeAnchor: take the `<<` value (a mapping, or a sequence of
  // mappings where earlier ones win), then set the merged fields and
  // finally the mapping's own fields: own keys keep their place, merged-only
  // keys are appended.
  void Merge(Node& map, const yaml_event_t& ev) {
    const Node* merge_value = nullptr;
    std::vector<Field> own;
    Node merged_src;
    for (Field& f : map.fields) {
      if (f.key.tag == kMergeTag) {
        if (merge_value) Fail(ev.start_mark.line, ev.start_mark.column, "duplicate merge key");
        merged_src = std::move(f.value);
        merge_value = &merged_src;
      } else {
        own.push_back(std::move(f));
      }
    }
    std::vector<const Node*> to_merge;
    if (merge_value->IsMap()) {
      to_merge.push_back(merge_value);
    } else if (merge_value->IsSeq()) {
      for (const Node& item : merge_value->items) {
        if (!item.IsMap())
          Fail(ev.start_mark.line, ev.start_mark.column,
               "invalid map merge: sequence items must be mappings");
        to_merge.insert(to_merge.begin(), &item);
      }
    } else {
      Fail(ev.start_mark.line, ev.start_mark.column,
           "map merge requires a mapping or a sequence of mappings as the value");
    }
    Node result = Node::Map();
    result.tag = map.tag;
    result.tagged = map.tagged;
    result.flow = map.flow;
    result.fields = own;
    auto set = [&](const Field& f) {
      for (Field& r : result.fields) {
        if (r.key == f.key) {
          r.value = f.value;
          return;
        }
      }
      result.fields.push_back(f);
    };
    for (const Node* m : to_merge)
      for (const Field& f : m->fields) set(f);
    for (const Field& f : own) set(f);
    map = std::move(result);
  }

  std::string_view text_, source_;
  ParseLimits limits_;
  yaml_parser_t parser_;
  std::vector<Frame> stack_;
  std::vector<Node> scratch_;
  std::unordered_map<std::string, Anchor> anchors_;
  size_t expanded_ = 0;
  Node root_;
  bool have_root_ = false;
};

}  // namespace

std::vector<Node> ParseAll(std::string_view text, std::string_view source,
                           const ParseLimits& limits) {
  Builder b(text, source, limits);
  return b.Run(false);
}

Node ParseOne(std::string_view text, std::string_view source, const ParseLimits& limits) {
  Builder b(text, source, limits);
  std::vector<Node> docs = b.Run(true);
  if (docs.empty()) return Node::Null();
  return std::move(docs.front());
}

}  // namespace capstan::yaml
