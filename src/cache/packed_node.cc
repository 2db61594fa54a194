#include "cache/packed_node.h"

#include <array>
#include <stdexcept>

namespace capstan::cache {

using yaml::Node;

namespace {

// Tags stored as one byte; any other tag is written out.
constexpr std::array<std::string_view, 9> kTags = {yaml::kStrTag, yaml::kIntTag,  yaml::kFloatTag,
                                                   yaml::kBoolTag, yaml::kNullTag, yaml::kMapTag,
                                                   yaml::kSeqTag, yaml::kTimestampTag, yaml::kMergeTag};
constexpr uint8_t kOtherTag = 0x7f;
constexpr uint8_t kIrregular = 0x80;  // in the tag byte: value, items and fields all written

// Layout of one node:
// - A string scalar (tag !!str, not tagged, style any/plain/double/single,
//   no children): one byte 1 ss lllll (style, length; 31 = 31 + a size
//   follows), then the text. Most nodes of a Kubernetes object are these.
// - Anything else: a byte 0 T F ss s kk (tagged, flow, style, kind), a tag
//   byte (index in kTags or kOtherTag + the text; kIrregular when a scalar
//   has children or a collection a value), then the value (scalars), the
//   items (sequences) or the fields (mappings), each preceded by its count.
constexpr yaml::Style kShortStyles[4] = {yaml::Style::kAny, yaml::Style::kPlain, yaml::Style::kDoubleQuoted,
                                         yaml::Style::kSingleQuoted};

void PutSize(size_t n, std::string* out) {
  while (n >= 0x80) {
    out->push_back(static_cast<char>(0x80 | (n & 0x7f)));
    n >>= 7;
  }
  out->push_back(static_cast<char>(n));
}

void PutText(std::string_view s, std::string* out) {
  PutSize(s.size(), out);
  out->append(s);
}

int ShortStyle(const Node& n) {
  if (n.kind != yaml::Kind::kScalar || n.tag != yaml::kStrTag || n.tagged || n.flow || !n.items.empty() ||
      !n.fields.empty())
    return -1;
  for (int i = 0; i < 4; ++i)
    if (n.style == kShortStyles[i]) return i;
  return -1;
}

void PackInto(const Node& n, std::string* out) {
  if (int style = ShortStyle(n); style >= 0) {
    size_t len = n.value.size();
    out->push_back(static_cast<char>(0x80 | style << 5 | (len < 31 ? len : 31)));
    if (len >= 31) PutSize(len - 31, out);
    out->append(n.value);
    return;
  }
  out->push_back(static_cast<char>(static_cast<uint8_t>(n.kind) | static_cast<uint8_t>(n.style) << 2 |
                                   (n.flow ? 0x20 : 0) | (n.tagged ? 0x40 : 0)));
  uint8_t tag = kOtherTag;
  for (size_t i = 0; i < kTags.size(); ++i)
    if (n.tag == kTags[i]) tag = static_cast<uint8_t>(i);
  bool collection = n.kind == yaml::Kind::kSequence || n.kind == yaml::Kind::kMapping;
  bool irregular = collection ? !n.value.empty() || (n.kind == yaml::Kind::kSequence ? !n.fields.empty() : !n.items.empty())
                              : !n.items.empty() || !n.fields.empty();
  out->push_back(static_cast<char>(tag | (irregular ? kIrregular : 0)));
  if (tag == kOtherTag) PutText(n.tag, out);
  if (irregular || !collection) PutText(n.value, out);
  if (irregular || n.kind == yaml::Kind::kSequence) {
    PutSize(n.items.size(), out);
    for (const Node& i : n.items) PackInto(i, out);
  }
  if (irregular || n.kind == yaml::Kind::kMapping) {
    PutSize(n.fields.size(), out);
    for (const auto& f : n.fields) {
      PackInto(f.key, out);
      PackInto(f.value, out);
    }
  }
}

struct Reader {
  std::string_view in;
  size_t pos = 0;
  int depth = 0;

  [[noreturn]] static void Bad() { throw std::invalid_argument("cache::Unpack: not a packed node"); }
  uint8_t Byte() {
    if (pos >= in.size()) Bad();
    return static_cast<uint8_t>(in[pos++]);
  }
  size_t Size() {
    size_t n = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = Byte();
      n |= size_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return n;
    }
    Bad();
  }
  std::string_view Bytes(size_t n) {
    if (n > in.size() - pos) Bad();
    std::string_view s = in.substr(pos, n);
    pos += n;
    return s;
  }
  std::string_view Text() { return Bytes(Size()); }
  void Read(Node* n) {
    if (++depth > 10000) Bad();
    uint8_t head = Byte();
    if (head & 0x80) {
      n->kind = yaml::Kind::kScalar;
      n->style = kShortStyles[(head >> 5) & 3];
      n->tag = std::string(yaml::kStrTag);
      size_t len = head & 31;
      if (len == 31) len += Size();
      n->value = std::string(Bytes(len));
      --depth;
      return;
    }
    if (((head >> 2) & 7) > static_cast<uint8_t>(yaml::Style::kFolded)) Bad();
    n->kind = static_cast<yaml::Kind>(head & 3);
    n->style = static_cast<yaml::Style>((head >> 2) & 7);
    n->flow = head & 0x20;
    n->tagged = head & 0x40;
    uint8_t tag_byte = Byte();
    uint8_t tag = tag_byte & 0x7f;
    bool irregular = tag_byte & kIrregular;
    if (tag == kOtherTag) n->tag = std::string(Text());
    else if (tag < kTags.size()) n->tag = std::string(kTags[tag]);
    else Bad();
    bool collection = n->kind == yaml::Kind::kSequence || n->kind == yaml::Kind::kMapping;
    if (irregular || !collection) n->value = std::string(Text());
    if (irregular || n->kind == yaml::Kind::kSequence) {
      size_t items = Size();
      if (items > in.size() - pos) Bad();  // each child takes at least one byte
      n->items.resize(items);
      for (Node& i : n->items) Read(&i);
    }
    if (irregular || n->kind == yaml::Kind::kMapping) {
      size_t fields = Size();
      if (fields > (in.size() - pos) / 2) Bad();
      n->fields.resize(fields);
      for (auto& f : n->fields) {
        Read(&f.key);
        Read(&f.value);
      }
    }
    --depth;
  }
};

}  // namespace

std::string Pack(const Node& node) {
  std::string out;
  PackInto(node, &out);
  out.shrink_to_fit();
  return out;
}

Node Unpack(std::string_view packed) {
  Reader r{packed};
  Node n;
  r.Read(&n);
  if (r.pos != packed.size()) Reader::Bad();
  return n;
}

}  // namespace capstan::cache
