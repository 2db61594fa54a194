// RFC 6902 JSON patch with RFC 6901 JSON pointers.
//
// Besides the RFC, negative array indices count from the end (-1 is the last
// element), as the json-patch library kustomize and kubectl use accepts them.
#include <cmath>
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "resource/patch.h"

namespace capstan::resource {

namespace {

struct Op {
  size_t index;      // position in the patch, for messages
  std::string name;  // "add", ...
  std::string path;  // as written, for messages
  bool kustomize;    // ApplyJsonPatchKustomize's lenient paths
};

[[noreturn]] void Fail(const Op& op, const std::string& what) {
  throw PatchError("json patch: operation " + std::to_string(op.index) + " (" + op.name + " " +
                   op.path + "): " + what);
}

std::vector<std::string> ParsePointer(const Op& op, std::string_view ptr) {
  std::vector<std::string> tokens;
  if (ptr.empty()) return tokens;
  if (ptr[0] != '/') Fail(op, "path \"" + std::string(ptr) + "\" does not start with /");
  ptr.remove_prefix(1);
  while (true) {
    size_t slash = ptr.find('/');
    std::string_view raw = ptr.substr(0, slash);
    std::string tok;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~') {
        if (i + 1 < raw.size() && raw[i + 1] == '0') {
          tok += '~';
        } else if (i + 1 < raw.size() && raw[i + 1] == '1') {
          tok += '/';
        } else {
          Fail(op, "bad escape in path \"" + std::string(raw) + "\"");
        }
        ++i;
      } else {
        tok += raw[i];
      }
    }
    tokens.push_back(std::move(tok));
    if (slash == std::string_view::npos) break;
    ptr.remove_prefix(slash + 1);
  }
  return tokens;
}

// Parses an array index token. `allow_end` accepts "-" and size (for add).
// Returns the index in [0, size] (size only when allow_end), or nullopt.
std::optional<size_t> ParseIndex(const std::string& tok, size_t size, bool allow_end) {
  if (tok == "-") {
    if (!allow_end) return std::nullopt;
    return size;
  }
  bool neg = !tok.empty() && tok[0] == '-';
  std::string_view digits(tok);
  if (neg) digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  for (char c : digits)
    if (c < '0' || c > '9') return std::nullopt;
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;  // RFC 6901: no leading zeros
  long long v = std::strtoll(std::string(digits).c_str(), nullptr, 10);
  if (neg) v = static_cast<long long>(size) - v;
  long long limit = static_cast<long long>(size) + (allow_end ? 1 : 0);
  if (v < 0 || v >= limit) return std::nullopt;
  return static_cast<size_t>(v);
}

size_t ArrayIndex(const Op& op, const std::string& tok, size_t size, bool allow_end) {
  auto idx = ParseIndex(tok, size, allow_end);
  if (!idx) Fail(op, "bad or out of range array index \"" + tok + "\" (size " + std::to_string(size) + ")");
  return *idx;
}

// The node at tokens[0..n), or nullptr.
yaml::Node* Resolve(yaml::Node& doc, const std::vector<std::string>& tokens, size_t n, const Op& op) {
  yaml::Node* cur = &doc;
  for (size_t i = 0; i < n; ++i) {
    const std::string& t = tokens[i];
    if (cur->IsMap()) {
      cur = cur->Get(t);
    } else if (cur->IsSeq()) {
      auto idx = ParseIndex(t, cur->items.size(), false);
      if (!idx) return nullptr;
      cur = &cur->items[*idx];
    } else {
      return nullptr;
    }
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

std::string PointerPrefix(const std::vector<std::string>& tokens, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += "/" + tokens[i];
  return s;
}

yaml::Node* Parent(yaml::Node& doc, const std::vector<std::string>& tokens, const Op& op) {
  yaml::Node* parent = Resolve(doc, tokens, tokens.size() - 1, op);
  if (parent == nullptr)
    Fail(op, "parent " + PointerPrefix(tokens, tokens.size() - 1) + " does not exist");
  if (op.kustomize && parent->IsNull()) *parent = yaml::Node::Map();
  if (!parent->IsMap() && !parent->IsSeq())
    Fail(op, "parent " + PointerPrefix(tokens, tokens.size() - 1) + " is not an object or array");
  return parent;
}

void Add(yaml::Node& doc, const std::vector<std::string>& tokens, yaml::Node value, const Op& op) {
  if (tokens.empty()) {
    doc = std::move(value);
    return;
  }
  yaml::Node* parent = Parent(doc, tokens, op);
  if (parent->IsMap()) {
    parent->Set(tokens.back(), std::move(value));
  } else {
    size_t idx = ArrayIndex(op, tokens.back(), parent->items.size(), true);
    parent->items.insert(parent->items.begin() + static_cast<ptrdiff_t>(idx), std::move(value));
  }
}

yaml::Node Remove(yaml::Node& doc, const std::vector<std::string>& tokens, const Op& op) {
  if (tokens.empty()) {
    yaml::Node old = std::move(doc);
    doc = yaml::Node::Null();
    return old;
  }
  yaml::Node* parent = Parent(doc, tokens, op);
  if (parent->IsMap()) {
    yaml::Node* v = parent->Get(tokens.back());
    if (v == nullptr) Fail(op, "no such field");
    yaml::Node old = std::move(*v);
    parent->Remove(tokens.back());
    return old;
  }
  size_t idx = ArrayIndex(op, tokens.back(), parent->items.size(), false);
  yaml::Node old = std::move(parent->items[idx]);
  parent->items.erase(parent->items.begin() + static_cast<ptrdiff_t>(idx));
  return old;
}

bool IsNumberLike(const yaml::Node& n) { return n.IsInt() || n.IsFloat(); }

// JSON equality for "test": numbers compare by value, mappings ignore order.
bool JsonEqual(const yaml::Node& a, const yaml::Node& b) {
  if (IsNumberLike(a) && IsNumberLike(b)) {
    if (a.IsInt() && b.IsInt()) return a.AsInt() == b.AsInt();
    return a.AsFloat() == b.AsFloat();
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case yaml::Kind::kNull:
      return true;
    case yaml::Kind::kScalar:
      return a.tag == b.tag && a.value == b.value;
    case yaml::Kind::kSequence:
      if (a.items.size() != b.items.size()) return false;
      for (size_t i = 0; i < a.items.size(); ++i)
        if (!JsonEqual(a.items[i], b.items[i])) return false;
      return true;
    case yaml::Kind::kMapping:
      if (a.fields.size() != b.fields.size()) return false;
      for (const yaml::Field& f : a.fields) {
        const yaml::Node* o = b.Get(f.key.Str());
        if (o == nullptr || !JsonEqual(f.value, *o)) return false;
      }
      return true;
  }
  return false;
}

const std::string& RequireString(const yaml::Node& opnode, std::string_view key, const Op& op) {
  const yaml::Node* v = opnode.Get(key);
  if (v == nullptr) Fail(op, "missing \"" + std::string(key) + "\"");
  if (!v->IsScalar()) Fail(op, "\"" + std::string(key) + "\" is not a string");
  return v->Str();
}

const yaml::Node& RequireValue(const yaml::Node& opnode, const Op& op) {
  const yaml::Node* v = opnode.Get("value");
  if (v == nullptr) Fail(op, "missing \"value\"");
  return *v;
}

}  // namespace

namespace {

yaml::Node Apply(const yaml::Node& target, const yaml::Node& patch, bool kustomize) {
  if (!patch.IsSeq()) throw PatchError("json patch: patch is not a list of operations");
  yaml::Node doc = target;
  for (size_t i = 0; i < patch.items.size(); ++i) {
    const yaml::Node& opnode = patch.items[i];
    Op op{i, "?", "", kustomize};
    if (!opnode.IsMap()) Fail(op, "operation is not a mapping");
    op.name = RequireString(opnode, "op", op);
    op.path = RequireString(opnode, "path", op);
    std::vector<std::string> path = ParsePointer(op, op.path);
    if (op.name == "add") {
      Add(doc, path, RequireValue(opnode, op), op);
    } else if (op.name == "remove") {
      Remove(doc, path, op);
    } else if (op.name == "replace") {
      yaml::Node* cur = Resolve(doc, path, path.size(), op);
      if (cur == nullptr && op.kustomize && !path.empty()) {
        yaml::Node* parent = Resolve(doc, path, path.size() - 1, op);
        if (parent && parent->IsNull()) *parent = yaml::Node::Map();
        if (parent && parent->IsMap()) cur = &parent->Set(path.back(), yaml::Node::Null());
      }
      if (cur == nullptr) Fail(op, "no such path");
      *cur = RequireValue(opnode, op);
    } else if (op.name == "move" || op.name == "copy") {
      const std::string& from_text = RequireString(opnode, "from", op);
      std::vector<std::string> from = ParsePointer(op, from_text);
      if (Resolve(doc, from, from.size(), op) == nullptr) Fail(op, "from " + from_text + " does not exist");
      if (op.name == "move") {
        if (from == path) continue;
        bool prefix = from.size() < path.size() &&
                      std::equal(from.begin(), from.end(), path.begin());
        if (prefix) Fail(op, "cannot move " + from_text + " into its own child");
        yaml::Node v = Remove(doc, from, op);
        Add(doc, path, std::move(v), op);
      } else {
        yaml::Node v = *Resolve(doc, from, from.size(), op);
        Add(doc, path, std::move(v), op);
      }
    } else if (op.name == "test") {
      const yaml::Node& want = RequireValue(opnode, op);
      yaml::Node* cur = Resolve(doc, path, path.size(), op);
      if (cur == nullptr) Fail(op, "no such path");
      if (!JsonEqual(*cur, want)) Fail(op, "test failed: value differs");
    } else {
      Fail(op, "unknown operation \"" + op.name + "\"");
    }
  }
  return doc;
}

}  // namespace

yaml::Node ApplyJsonPatch(const yaml::Node& target, const yaml::Node& patch) {
  return Apply(target, patch, false);
}

yaml::Node ApplyJsonPatchKustomize(const yaml::Node& target, const yaml::Node& patch) {
  return Apply(target, patch, true);
}

}  // namespace capstan::resource
