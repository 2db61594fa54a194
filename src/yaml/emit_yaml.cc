// Node -> YAML text, byte-compatible with `kustomize build`.
//
// kustomize prints through go-yaml v3's encoder (indent 2, compact
// sequences under mapping keys, best width 80: long plain and quoted
// scalars are folded at the first space past column 80, as the corpus shows). This is not a port of its
// event state machine; it reproduces the layout directly and copies the
// decisions that matter for bytes: the scalar analysis and style selection
// of yaml_emitter_analyze_scalar / yaml_emitter_select_scalar_style, the
// encoder's "quote a string that would read as another type" rule, and the
// writers for each scalar style.
#include <algorithm>
#include <string>
#include <vector>

#include "base/base64.h"
#include "yaml/canonical.h"
#include "yaml/yaml.h"

namespace capstan::yaml {
namespace {

int Utf8Width(unsigned char c) {
  if ((c & 0x80) == 0) return 1;
  if ((c & 0xE0) == 0xC0) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  if ((c & 0xF8) == 0xF0) return 4;
  return 1;  // invalid lead byte; treated as one byte
}

unsigned char At(std::string_view s, size_t i) { return i < s.size() ? s[i] : 0; }

// go-yaml's is_printable (byte-level, as in yamlprivateh.go).
bool IsPrintable(std::string_view s, size_t i) {
  unsigned char b = At(s, i), b1 = At(s, i + 1), b2 = At(s, i + 2);
  return b == 0x0A || (b >= 0x20 && b <= 0x7E) || (b == 0xC2 && b1 >= 0xA0) ||
         (b > 0xC2 && b < 0xED) || (b == 0xED && b1 < 0xA0) || b == 0xEE ||
         (b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)));
}

bool IsBreak(std::string_view s, size_t i) {
  unsigned char b = At(s, i);
  return b == '\r' || b == '\n' || (b == 0xC2 && At(s, i + 1) == 0x85) ||
         (b == 0xE2 && At(s, i + 1) == 0x80 && (At(s, i + 2) == 0xA8 || At(s, i + 2) == 0xA9));
}
bool IsSpace(std::string_view s, size_t i) { return At(s, i) == ' '; }
bool IsBlank(std::string_view s, size_t i) { return At(s, i) == ' ' || At(s, i) == '\t'; }
bool IsBlankZ(std::string_view s, size_t i) {
  return IsBlank(s, i) || IsBreak(s, i) || i >= s.size() || At(s, i) == 0;
}
// go-yaml's is_bom looks at the start of the value whatever `i` is, so a
// double-quoted value that starts with a BOM has every character escaped.
bool IsBom(std::string_view s, size_t /*i*/) {
  return At(s, 0) == 0xEF && At(s, 1) == 0xBB && At(s, 2) == 0xBF;
}

struct Analysis {
  bool multiline = false;
  bool flow_plain_allowed = false;
  bool block_plain_allowed = true;
  bool single_quoted_allowed = true;
  bool block_allowed = false;
};

// yaml_emitter_analyze_scalar, with unicode output enabled.
Analysis Analyze(std::string_view v) {
  Analysis a;
  if (v.empty()) return a;
  bool block_indicators = false, flow_indicators = false, line_breaks = false,
       special_characters = false, leading_space = false,
       leading_break = false, trailing_space = false, trailing_break = false,
       break_space = false, space_break = false, previous_space = false,
       previous_break = false;
  if (v.size() >= 3 && (v.substr(0, 3) == "---" || v.substr(0, 3) == "...")) {
    block_indicators = flow_indicators = true;
  }
  bool preceded_by_whitespace = true;
  for (size_t i = 0, w; i < v.size(); i += w) {
    char c = v[i];
    w = static_cast<unsigned char>(c) < 0x80 ? 1 : Utf8Width(c);
    bool followed_by_whitespace = i + w >= v.size() || v[i + w] == ' ' || v[i + w] == '\t';
    if (static_cast<unsigned char>(c) >= 0x21 && static_cast<unsigned char>(c) < 0x7F &&
        ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '.' || c == '/' || (c == '-' && i > 0))) {
      // Common characters: no indicator (except a leading "---"/"..."
      // handled above), printable, not a space or break.
      previous_space = previous_break = false;
      preceded_by_whitespace = false;
      continue;
    }
    if (i == 0) {
      switch (c) {
        case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*':
        case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
          flow_indicators = block_indicators = true;
          break;
        case '?': case ':':
          flow_indicators = true;
          if (followed_by_whitespace) block_indicators = true;
          break;
        case '-':
          if (followed_by_whitespace) flow_indicators = block_indicators = true;
          break;
      }
    } else {
      switch (c) {
        case ',': case '?': case '[': case ']': case '{': case '}':
          flow_indicators = true;
          break;
        case ':':
          flow_indicators = true;
          if (followed_by_whitespace) block_indicators = true;
          break;
        case '#':
          if (preceded_by_whitespace) flow_indicators = block_indicators = true;
          break;
      }
    }
    // go-yaml v2 (the encoder behind kustomize's output) has no separate
    // tab rule: a tab is a special character, so "a\tb" and multi-line text
    // with tabs are double-quoted.
    if (!IsPrintable(v, i)) special_characters = true;
    if (IsSpace(v, i)) {
      if (i == 0) leading_space = true;
      if (i + w == v.size()) trailing_space = true;
      if (previous_break) break_space = true;
      previous_space = true;
      previous_break = false;
    } else if (IsBreak(v, i)) {
      line_breaks = true;
      if (i == 0) leading_break = true;
      if (i + w == v.size()) trailing_break = true;
      if (previous_space) space_break = true;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = previous_break = false;
    }
    preceded_by_whitespace = IsBlankZ(v, i);
  }
  a.multiline = line_breaks;
  a.flow_plain_allowed = a.block_plain_allowed = a.single_quoted_allowed = a.block_allowed = true;
  if (leading_space || leading_break || trailing_space || trailing_break)
    a.flow_plain_allowed = a.block_plain_allowed = false;
  if (trailing_space) a.block_allowed = false;
  if (break_space) a.flow_plain_allowed = a.block_plain_allowed = a.single_quoted_allowed = false;
  if (space_break || special_characters)
    a.flow_plain_allowed = a.block_plain_allowed = a.single_quoted_allowed = false;
  if (space_break || special_characters) a.block_allowed = false;
  if (line_breaks) a.flow_plain_allowed = a.block_plain_allowed = false;
  if (flow_indicators) a.flow_plain_allowed = false;
  if (block_indicators) a.block_plain_allowed = false;
  return a;
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n && static_cast<unsigned char>(s[i]) < 0x80) ++i;  // ASCII prefix
  if (i == n) return true;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) { ++i; continue; }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
    else return false;
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      unsigned char d = s[i + k];
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

std::string ReplaceInvalidUtf8(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len > 0 && i + len <= s.size() && ValidUtf8(s.substr(i, len))) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

constexpr int kBestWidth = 80;

// Where a scalar is written.
struct Context {
  bool flow = false;        // inside a flow collection
  bool simple_key = false;  // as a simple mapping key
  bool key = false;         // a mapping key (simple or not)
};

class Emitter {
 public:
  // `canonical`: print as kustomize does (see canonical.h); otherwise keep
  // key order, scalar styles, tags and flow collections.
  Emitter(std::string& out, bool canonical) : out_(out), canonical_(canonical) {}

  void Document(const Node& n) {
    if (IsBlockCollection(n)) {
      if (!PrintedTag(n).empty()) {
        out_ += PrintedTag(n);
        out_ += '\n';
      }
      if (n.IsMap()) BlockMap(n, 0);
      else BlockSeq(n, 0);
      return;
    }
    // Scalars and flow/empty collections print their own tag.
    Inline(n, /*indent=*/2, Context{}, false);
    out_ += '\n';
  }

 private:
  bool IsBlockCollection(const Node& n) const {
    return (n.IsMap() || n.IsSeq()) && (canonical_ || !n.flow) && n.size() > 0;
  }

  // The tag go-yaml prints for a collection: only an explicit or a
  // non-default one.
  std::string CollectionTag(const Node& n) const {
    if (canonical_) return "";
    std::string_view def = n.IsMap() ? kMapTag : kSeqTag;
    if (n.tag.empty() || (n.tag == def && !n.tagged)) return "";
    return TagText(n.tag);
  }

  // A tag as libyaml's tag writer prints it: the handle ("!" or "!!") as
  // is, the rest %XX-escaped outside the URI characters it allows.
  static std::string TagText(std::string_view tag) {
    std::string out;
    size_t i = 0;
    bool verbatim = tag.empty() || tag[0] != '!';
    if (verbatim) {
      out = "!<";
    } else {
      i = tag.size() > 1 && tag[1] == '!' ? 2 : 1;
      out.assign(tag.substr(0, i));
    }
    static const char* hex = "0123456789ABCDEF";
    for (; i < tag.size(); ++i) {
      unsigned char c = tag[i];
      bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                std::string_view("-;/?:@&=+$,_.~*'()[]").find(static_cast<char>(c)) !=
                    std::string_view::npos;
      if (ok) {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    if (verbatim) out += '>';
    return out;
  }

  std::string PrintedTag(const Node& n) const {
    if (n.IsMap() || n.IsSeq()) return CollectionTag(n);
    return "";  // scalars print their tag in Scalar()
  }

  void Spaces(int n) { out_.append(static_cast<size_t>(n), ' '); }

  // Block mapping whose first key goes at the current position and whose
  // other keys start lines indented by `indent`.
  void BlockMap(const Node& m, int indent) {
    bool first = true;
    std::vector<const Field*> order;
    order.reserve(m.fields.size());
    for (const Field& f : m.fields) order.push_back(&f);
    if (canonical_) {
      // Sort by the text the key is printed with (a null key prints "",
      // NEL folds; see canonical.h).
      std::vector<std::string> folded;  // rare: only keys holding U+0085
      std::vector<std::pair<std::string_view, const Field*>> keyed;
      keyed.reserve(order.size());
      for (const Field* f : order) {
        std::string_view k = f->key.IsNull() ? std::string_view() : std::string_view(f->key.value);
        if (internal::HasNextLine(k)) {
          folded.reserve(order.size());
          folded.push_back(internal::FoldNextLine(k));
          k = folded.back();
        }
        keyed.emplace_back(k, f);
      }
      bool sorted = true;
      for (size_t i = 1; i < keyed.size() && sorted; ++i)
        sorted = !internal::KeyLess(keyed[i].first, keyed[i - 1].first);
      if (!sorted) {
        std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
          return internal::KeyLess(a.first, b.first);
        });
        for (size_t i = 0; i < keyed.size(); ++i) order[i] = keyed[i].second;
      }
    }
    for (const Field* fp : order) {
      const Field& f = *fp;
      if (!first) Spaces(indent);
      first = false;
      if (IsSimpleKey(f.key)) {
        Scalar(f.key, indent + 2, Context{false, true, true}, false);
        out_ += ':';
        Value(f.value, indent);
      } else {
        // Complex key: "? key\n: value".
        out_ += '?';
        key_context_ = true;
        ItemBody(f.key, indent + 2);
        key_context_ = false;
        Spaces(indent);
        out_ += ':';
        ItemBody(f.value, indent + 2);
      }
    }
  }

  // Block sequence whose first "- " goes at the current position.
  void BlockSeq(const Node& s, int indent) {
    bool first = true;
    for (const Node& item : s.items) {
      if (!first) Spaces(indent);
      first = false;
      out_ += '-';
      ItemBody(item, indent + 2);
    }
  }

  // Content after "-", "?" or a complex key's ":": a block collection
  // starts on the same line, indented to `indent`.
  void ItemBody(const Node& n, int indent) {
    if (IsBlockCollection(n)) {
      std::string tag = PrintedTag(n);
      if (!tag.empty()) {
        out_ += ' ';
        out_ += tag;
        out_ += '\n';
        Spaces(indent);
      } else {
        out_ += ' ';
      }
      if (n.IsMap()) BlockMap(n, indent);
      else BlockSeq(n, indent);
      return;
    }
    Inline(n, indent, Context{}, false);
    out_ += '\n';
  }

  // A mapping value after "key:"; `indent` is the mapping's indent.
  void Value(const Node& n, int indent) {
    if (IsBlockCollection(n)) {
      std::string tag = PrintedTag(n);
      if (!tag.empty()) {
        out_ += ' ';
        out_ += tag;
      }
      out_ += '\n';
      if (n.IsMap()) {
        Spaces(indent + 2);
        BlockMap(n, indent + 2);
      } else {
        // go-yaml with kyaml's compact sequence indent: "- " at the key's column.
        Spaces(indent);
        BlockSeq(n, indent);
      }
      return;
    }
    Inline(n, indent + 2, Context{}, false);
    out_ += '\n';
  }

  // A scalar or flow/empty collection written after an indicator (or at
  // document start). Writes the separating space itself when needed.
  // `indent` is where block scalar lines go.
  void Inline(const Node& n, int indent, Context ctx, bool after_tag) {
    if (n.IsMap() || n.IsSeq()) {
      std::string tag = CollectionTag(n);
      if (!tag.empty()) {
        if (!out_.empty() && out_.back() != '\n' && out_.back() != ' ') out_ += ' ';
        out_ += tag;
      }
      if (!out_.empty() && out_.back() != '\n' && out_.back() != '[' && out_.back() != '{' &&
          out_.back() != ' ')
        out_ += ' ';
      FlowCollection(n, indent);
      return;
    }
    Scalar(n, indent, ctx, after_tag);
  }

  // Flow collections (preserving mode only): go-yaml starts an item on a
  // new line at the collection's indent once the line is past column 80;
  // nested collections and scalar continuation lines indent 2 more.
  void FlowCollection(const Node& n, int indent) {
    Context ctx{true, false};
    auto separate = [&](bool first) {
      if (!first) out_ += ',';
      if (Column() > kBestWidth) {
        out_ += '\n';
        Spaces(indent);
      } else if (!first) {
        out_ += ' ';
      }
    };
    if (n.IsSeq()) {
      out_ += '[';
      bool first = true;
      for (const Node& item : n.items) {
        separate(first);
        first = false;
        FlowItem(item, indent, ctx);
      }
      out_ += ']';
    } else {
      out_ += '{';
      bool first = true;
      for (const Field& f : n.fields) {
        separate(first);
        first = false;
        if (IsSimpleKey(f.key) && (f.key.IsScalar() || f.key.IsNull() || f.key.size() == 0)) {
          FlowItem(f.key, indent, Context{true, true, true});
          out_ += ':';
        } else {
          // Complex key: "? key : value" (go-yaml breaks before ':' past
          // column 80).
          out_ += "? ";
          key_context_ = true;
          FlowItem(f.key, indent, Context{true, false, true});
          key_context_ = false;
          if (Column() > kBestWidth) {
            out_ += '\n';
            Spaces(indent);
          } else {
            out_ += ' ';
          }
          out_ += ':';
        }
        if (f.value.IsScalar() || f.value.IsNull()) {
          Scalar(f.value, indent + 2, ctx, false);
        } else {
          out_ += ' ';
          FlowItem(f.value, indent, ctx);
        }
      }
      out_ += '}';
    }
  }

  // An element at the start of a flow slot (after "[", ", " or "{").
  void FlowItem(const Node& n, int indent, Context ctx) {
    if (n.IsMap() || n.IsSeq()) {
      std::string tag = CollectionTag(n);
      if (!tag.empty()) {
        out_ += tag;
        out_ += ' ';
      }
      FlowCollection(n, indent + 2);
      return;
    }
    Scalar(n, indent + 2, ctx, /*after_tag=*/true);  // no leading space
  }

  bool IsSimpleKey(const Node& k) const {
    if (k.IsMap() || k.IsSeq()) return k.size() == 0;
    // Fast path: short printable ASCII, the usual key.
    if (k.value.size() <= 100 && (canonical_ || !k.tagged)) {
      bool ascii = true;
      for (unsigned char c : k.value) ascii &= c >= 0x20 && c < 0x7F;
      if (ascii) return true;
    }
    std::string_view value = k.value;
    std::string text = ValidUtf8(value) ? "" : base::Base64Encode(value);
    if (!text.empty()) value = text;
    Analysis a = Analyze(value);
    if (a.multiline) return false;
    return value.size() + ScalarTag(k).size() <= 128;
  }

  // go-yaml encoder.node(): the tag to print ("" when implied) and whether
  // the string must be quoted because it would otherwise read as another type.
  std::string ScalarTag(const Node& n, bool* force_quote = nullptr,
                        bool* binary = nullptr) const {
    if (canonical_) return "";
    std::string tag = n.tag;
    if (tag.empty()) return "";
    if (n.IsNull() && tag.empty()) tag = std::string(kNullTag);
    if (!ValidUtf8(n.value)) {
      if (binary) *binary = true;
      return "!!binary";
    }
    if (n.tagged) return TagText(tag);
    if (tag == kStrTag && (n.style == Style::kSingleQuoted || n.style == Style::kDoubleQuoted ||
                           n.style == Style::kLiteral || n.style == Style::kFolded))
      return "";
    if (n.IsNull() && n.style == Style::kAny && n.value.empty()) return "";
    std::string_view rtag = ResolvePlainTag(n.value);
    if (rtag == tag) {
      // A string made in code (no parsed style) is printed like a Go
      // string: YAML 1.1 booleans and base-60 numbers are quoted too.
      if (tag == kStrTag && n.style == Style::kAny &&
          (internal::IsOldBool(n.value) || internal::IsBase60Float(n.value)) && force_quote)
        *force_quote = true;
      return "";
    }
    if (tag == kStrTag) {
      if (force_quote) *force_quote = true;
      return "";
    }
    return TagText(tag);
  }

  // Writes a scalar: " " separator (unless at line start/after a flow
  // opener), tag, then the value in the style go-yaml would choose.
  // A string that every style rule would print plain, as is: it starts with
  // a letter that begins no YAML 1.1 boolean or null (y, n, t, f, o) and
  // holds only letters, digits and `_./-` (no indicator, space or break,
  // nothing that resolves to a number). The common case, decided in one pass.
  static bool IsCommonPlainString(const Node& n) {
    const std::string& v = n.value;
    if (v.empty() || n.tag != kStrTag) return false;
    unsigned char c0 = static_cast<unsigned char>(v[0]);
    if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z'))) return false;
    switch (c0) {
      case 'y': case 'Y': case 'n': case 'N': case 't': case 'T': case 'f': case 'F': case 'o': case 'O':
        return false;
    }
    for (unsigned char c : v) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
            c == '.' || c == '/' || c == '-'))
        return false;
    }
    return true;
  }

  void Scalar(const Node& n, int indent, Context ctx, bool no_space) {
    if (canonical_ && n.IsScalar() && IsCommonPlainString(n)) {
      bool at_line_start = out_.empty() || out_.back() == '\n' || out_.back() == ' ';
      if (!no_space && !at_line_start) out_ += ' ';
      out_.append(n.value);
      return;
    }
    bool force_quote = false, binary = false;
    std::string tag = ScalarTag(n, &force_quote, &binary);
    std::string b64;
    std::string_view value = n.value;
    Style node_style = n.style;
    if (canonical_) {
      binary = false;
      bool is_string = true;
      if (ctx.key || key_context_) {
        // Keys went through a map[string]interface{}: their text as written.
        if (n.IsNull()) value = "";
      } else {
        value = internal::CanonicalScalar(n, &b64, &is_string);
      }
      node_style = Style::kPlain;
      bool ascii = true;
      for (char c : value) ascii &= static_cast<unsigned char>(c) < 0x80;
      if (is_string && !ascii && !ValidUtf8(value)) {
        // json.Marshal replaces invalid UTF-8 with U+FFFD.
        std::string fixed = ReplaceInvalidUtf8(value);
        b64.swap(fixed);
        value = b64;
      }
      if (is_string && !ascii && internal::HasNextLine(value)) {
        std::string folded = internal::FoldNextLine(value);
        b64.swap(folded);
        value = b64;
      }
      if (is_string) {
        node_style = Style::kAny;
        force_quote = ResolvePlainTag(value) != kStrTag || internal::IsOldBool(value) ||
                      internal::IsBase60Float(value);
      }
    } else if (binary) {
      b64 = base::Base64Encode(n.value);
      value = b64;
    }
    // A null made in code (not parsed) prints as "null" (not as a key in
    // kustomize style, where it is the empty string).
    if (n.IsNull() && n.style == Style::kAny && value.empty() &&
        !(canonical_ && (ctx.key || key_context_)))
      value = "null";

    Style style = Style::kPlain;
    switch (node_style) {
      case Style::kDoubleQuoted: style = Style::kDoubleQuoted; break;
      case Style::kSingleQuoted: style = Style::kSingleQuoted; break;
      case Style::kLiteral: style = Style::kLiteral; break;
      case Style::kFolded: style = Style::kFolded; break;
      case Style::kPlain:
        if (canonical_) break;
        [[fallthrough]];
      default:
        if (value.find('\n') != std::string_view::npos) style = Style::kLiteral;
        else if (force_quote) style = Style::kDoubleQuoted;
        break;
    }
    if (binary && style != Style::kDoubleQuoted && style != Style::kSingleQuoted)
      style = Style::kPlain;

    // yaml_emitter_select_scalar_style
    Analysis a = Analyze(value);
    if (ctx.simple_key && a.multiline) style = Style::kDoubleQuoted;
    if (style == Style::kPlain) {
      if ((ctx.flow && !a.flow_plain_allowed) || (!ctx.flow && !a.block_plain_allowed))
        style = Style::kSingleQuoted;
      if (value.empty() && (ctx.flow || ctx.simple_key)) style = Style::kSingleQuoted;
    }
    if (style == Style::kSingleQuoted && !a.single_quoted_allowed) style = Style::kDoubleQuoted;
    if ((style == Style::kLiteral || style == Style::kFolded) &&
        (!a.block_allowed || ctx.flow || ctx.simple_key))
      style = Style::kDoubleQuoted;

    bool at_line_start = out_.empty() || out_.back() == '\n' || out_.back() == ' ';
    if (!tag.empty()) {
      if (!no_space && !at_line_start) out_ += ' ';
      out_ += tag;
      no_space = false;
      at_line_start = false;
    }
    bool sep = !no_space && !at_line_start;
    bool allow_breaks = !ctx.simple_key;
    switch (style) {
      case Style::kPlain:
        if (!value.empty()) {
          if (sep) out_ += ' ';
          Plain(value, indent, allow_breaks);
        }
        break;
      case Style::kSingleQuoted:
        if (sep) out_ += ' ';
        SingleQuoted(value, indent, allow_breaks);
        break;
      case Style::kDoubleQuoted:
        if (sep) out_ += ' ';
        DoubleQuoted(value, indent, allow_breaks);
        break;
      case Style::kLiteral:
        if (sep) out_ += ' ';
        Literal(value, indent);
        break;
      case Style::kFolded:
        if (sep) out_ += ' ';
        Folded(value, indent);
        break;
      default:
        break;
    }
  }

  // Column of the output position, in characters (go-yaml counts runes).
  int Column() const {
    size_t nl = out_.rfind('\n');
    size_t start = nl == std::string::npos ? 0 : nl + 1;
    int col = 0;
    for (size_t i = start; i < out_.size(); ++i)
      col += (static_cast<unsigned char>(out_[i]) & 0xC0) != 0x80;
    return col;
  }

  // yaml_emitter_write_indent inside a scalar: new line, pad to indent.
  void Indent(int indent, int& col) {
    out_ += '\n';
    Spaces(indent);
    col = indent;
  }

  void Plain(std::string_view v, int indent, bool allow_breaks) {
    int col = Column();
    // No space can reach past column 80: nothing to fold.
    if (!allow_breaks || col + static_cast<int>(v.size()) <= kBestWidth + 1) {
      out_.append(v);
      return;
    }
    bool spaces = false;
    for (size_t i = 0; i < v.size();) {
      size_t w = Utf8Width(v[i]);
      if (IsSpace(v, i)) {
        if (allow_breaks && !spaces && col > kBestWidth && !IsSpace(v, i + 1)) {
          Indent(indent, col);
        } else {
          out_ += ' ';
          ++col;
        }
        ++i;
        spaces = true;
      } else {
        out_.append(v.substr(i, w));
        ++col;
        i += w;
        spaces = false;
      }
    }
  }

  void SingleQuoted(std::string_view v, int indent, bool allow_breaks) {
    out_ += '\'';
    int col = Column();
    bool spaces = false, breaks = false;
    for (size_t i = 0; i < v.size();) {
      if (IsSpace(v, i)) {
        if (allow_breaks && !spaces && col > kBestWidth && i > 0 && i + 1 < v.size() &&
            !IsSpace(v, i + 1)) {
          Indent(indent, col);
        } else {
          out_ += ' ';
          ++col;
        }
        ++i;
        spaces = true;
      } else if (IsBreak(v, i)) {
        if (!breaks && v[i] == '\n') out_ += '\n';
        WriteBreak(v, i);
        col = 0;
        breaks = true;
      } else {
        if (breaks) {
          Spaces(indent - col);
          col = indent;
        }
        size_t w = Utf8Width(v[i]);
        if (v[i] == '\'') {
          out_ += '\'';
          ++col;
        }
        out_.append(v.substr(i, w));
        ++col;
        i += w;
        spaces = breaks = false;
      }
    }
    out_ += '\'';
  }

  // Writes one line break from the value and advances `i`.
  void WriteBreak(std::string_view v, size_t& i) {
    if (v[i] == '\n') {
      out_ += '\n';
      ++i;
      return;
    }
    size_t w = Utf8Width(v[i]);
    out_.append(v.substr(i, w));
    i += w;
  }

  void DoubleQuoted(std::string_view v, int indent, bool allow_breaks) {
    out_ += '"';
    int col = Column();
    bool spaces = false;
    for (size_t i = 0; i < v.size();) {
      size_t w = Utf8Width(v[i]);
      if (i + w > v.size()) w = v.size() - i;
      unsigned char c = v[i];
      if (!IsPrintable(v, i) || IsBom(v, i) || IsBreak(v, i) || c == '"' || c == '\\') {
        uint32_t cp = c;
        if (w == 2) cp = c & 0x1F;
        else if (w == 3) cp = c & 0x0F;
        else if (w == 4) cp = c & 0x07;
        for (size_t k = 1; k < w; ++k) cp = (cp << 6) | (static_cast<unsigned char>(v[i + k]) & 0x3F);
        i += w;
        size_t before = out_.size();
        out_ += '\\';
        switch (cp) {
          case 0x00: out_ += '0'; break;
          case 0x07: out_ += 'a'; break;
          case 0x08: out_ += 'b'; break;
          case 0x09: out_ += 't'; break;
          case 0x0A: out_ += 'n'; break;
          case 0x0B: out_ += 'v'; break;
          case 0x0C: out_ += 'f'; break;
          case 0x0D: out_ += 'r'; break;
          case 0x1B: out_ += 'e'; break;
          case 0x22: out_ += '"'; break;
          case 0x5C: out_ += '\\'; break;
          case 0x85: out_ += 'N'; break;
          case 0xA0: out_ += '_'; break;
          case 0x2028: out_ += 'L'; break;
          case 0x2029: out_ += 'P'; break;
          default: {
            int digits;
            if (cp <= 0xFF) out_ += 'x', digits = 2;
            else if (cp <= 0xFFFF) out_ += 'u', digits = 4;
            else out_ += 'U', digits = 8;
            for (int k = (digits - 1) * 4; k >= 0; k -= 4) {
              int d = (cp >> k) & 0xF;
              out_ += static_cast<char>(d < 10 ? '0' + d : 'A' + d - 10);
            }
          }
        }
        col += static_cast<int>(out_.size() - before);
        spaces = false;
        continue;
      }
      if (IsSpace(v, i)) {
        if (allow_breaks && !spaces && col > kBestWidth && i != 0 && i + 1 != v.size()) {
          Indent(indent, col);
          if (IsSpace(v, i + 1)) {
            out_ += '\\';
            ++col;
          }
        } else {
          out_ += ' ';
          ++col;
        }
        ++i;
        spaces = true;
        continue;
      }
      out_.append(v.substr(i, w));
      ++col;
      i += w;
      spaces = false;
    }
    out_ += '"';
  }

  // "|" or ">" plus the indentation and chomping hints of
  // yaml_emitter_write_block_scalar_hints.
  void BlockHints(std::string_view v) {
    if (IsSpace(v, 0) || IsBreak(v, 0)) out_ += '2';
    if (v.empty()) {
      out_ += '-';
      return;
    }
    size_t i = v.size() - 1;
    while (i > 0 && (static_cast<unsigned char>(v[i]) & 0xC0) == 0x80) --i;
    if (!IsBreak(v, i)) {
      out_ += '-';
    } else if (i == 0) {
      out_ += '+';
    } else {
      --i;
      while (i > 0 && (static_cast<unsigned char>(v[i]) & 0xC0) == 0x80) --i;
      if (IsBreak(v, i)) out_ += '+';
    }
  }

  void Literal(std::string_view v, int indent) {
    out_ += '|';
    BlockHints(v);
    out_ += '\n';
    bool breaks = true;
    for (size_t i = 0; i < v.size();) {
      if (IsBreak(v, i)) {
        WriteBreak(v, i);
        breaks = true;
      } else {
        if (breaks) Spaces(indent);
        size_t w = Utf8Width(v[i]);
        out_.append(v.substr(i, w));
        i += w;
        breaks = false;
      }
    }
    // The caller adds the final newline; drop the one the value brought.
    if (!out_.empty() && out_.back() == '\n') out_.pop_back();
  }

  void Folded(std::string_view v, int indent) {
    out_ += '>';
    BlockHints(v);
    out_ += '\n';
    int col = 0;
    bool breaks = true, leading_spaces = true;
    for (size_t i = 0; i < v.size();) {
      if (IsBreak(v, i)) {
        if (!breaks && !leading_spaces && v[i] == '\n') {
          // go-yaml scans from the start of the value here (k := 0), not
          // from the current position; reproduce that.
          size_t k = 0;
          while (IsBreak(v, k)) k += Utf8Width(v[k]);
          if (!IsBlankZ(v, k)) out_ += '\n';
        }
        WriteBreak(v, i);
        col = 0;
        breaks = true;
      } else {
        if (breaks) {
          Spaces(indent);
          col = indent;
          leading_spaces = IsBlank(v, i);
        }
        if (!breaks && IsSpace(v, i) && !IsSpace(v, i + 1) && col > kBestWidth) {
          Indent(indent, col);
          ++i;
        } else {
          size_t w = Utf8Width(v[i]);
          out_.append(v.substr(i, w));
          ++col;
          i += w;
        }
        breaks = false;
      }
    }
    if (!out_.empty() && out_.back() == '\n') out_.pop_back();
  }

  std::string& out_;
  bool canonical_;
  bool key_context_ = false;  // inside a complex ("? ") key
};

}  // namespace

std::string EmitYaml(const Node& doc) {
  std::string out;
  out.reserve(1024);
  Emitter(out, true).Document(doc);
  return out;
}

std::string EmitYamlStream(const std::vector<Node>& docs) {
  std::string out;
  out.reserve(1024 * docs.size());
  bool first = true;
  for (const Node& d : docs) {
    if (!first) out += "---\n";
    first = false;
    Emitter(out, true).Document(d);
  }
  return out;
}

std::string EmitYamlPreserving(const Node& doc) {
  std::string out;
  out.reserve(1024);
  Emitter(out, false).Document(doc);
  return out;
}

std::string EmitYamlStreamPreserving(const std::vector<Node>& docs) {
  std::string out;
  bool first = true;
  for (const Node& d : docs) {
    if (!first) out += "---\n";
    first = false;
    Emitter(out, false).Document(d);
  }
  return out;
}

}  // namespace capstan::yaml
