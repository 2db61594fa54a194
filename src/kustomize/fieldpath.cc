#include "kustomize/fieldpath.h"

#include <cctype>

namespace capstan::kustomize {

using yaml::Node;

std::vector<std::string> SplitDotPath(std::string_view path) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : path) {
    if (c == '[') {
      if (depth == 0 && !cur.empty()) {
        out.push_back(cur);
        cur.clear();
      }
      ++depth;
    }
    if (c == ']') --depth;
    if (c == '.' && depth == 0) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!cur.empty()) out.push_back(cur);
  // "[0]" is an index, "[a.b]" a key with dots.
  for (auto& s : out) {
    if (s.size() >= 2 && s.front() == '[' && s.back() == ']' && s.find('=') == std::string::npos)
      s = s.substr(1, s.size() - 2);
  }
  return out;
}

namespace {

bool IsIndex(const std::string& s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

bool ParseMatch(const std::string& s, std::string& key, std::string& value) {
  if (s.size() < 3 || s.front() != '[' || s.back() != ']') return false;
  size_t eq = s.find('=');
  if (eq == std::string::npos) return false;
  key = s.substr(1, eq - 1);
  value = s.substr(eq + 1, s.size() - eq - 2);
  return true;
}

bool ElementMatches(const Node& item, const std::string& key, const std::string& value) {
  if (key.empty()) return item.IsScalar() && item.value == value;
  const Node* f = item.Get(key);
  return f && f->IsScalar() && f->value == value;
}

void Find(Node& n, const std::vector<std::string>& path, size_t i, std::vector<Node*>& out) {
  if (i == path.size()) {
    out.push_back(&n);
    return;
  }
  const std::string& seg = path[i];
  std::string key, value;
  if (seg == "*" || seg == "[*]") {
    if (n.IsSeq())
      for (auto& item : n.items) Find(item, path, i + 1, out);
    if (n.IsMap())
      for (auto& f : n.fields) Find(f.value, path, i + 1, out);
    return;
  }
  if (ParseMatch(seg, key, value)) {
    if (!n.IsSeq()) return;
    for (auto& item : n.items)
      if (ElementMatches(item, key, value)) Find(item, path, i + 1, out);
    return;
  }
  if (n.IsSeq() && IsIndex(seg)) {
    size_t idx = std::stoul(seg);
    if (idx < n.items.size()) Find(n.items[idx], path, i + 1, out);
    return;
  }
  if (n.IsMap()) {
    if (Node* f = n.Get(seg)) Find(*f, path, i + 1, out);
  }
}

}  // namespace

std::vector<Node*> FindPath(Node& root, const std::vector<std::string>& path) {
  std::vector<Node*> out;
  Find(root, path, 0, out);
  return out;
}

Node* CreatePath(Node& root, const std::vector<std::string>& path) {
  Node* n = &root;
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string& seg = path[i];
    std::string key, value;
    if (ParseMatch(seg, key, value)) {
      if (n->IsNull()) *n = Node::Seq();
      if (!n->IsSeq()) return nullptr;
      Node* found = nullptr;
      for (auto& item : n->items)
        if (ElementMatches(item, key, value)) {
          found = &item;
          break;
        }
      if (!found) {
        Node elem = key.empty() ? Node::String(value) : Node::Map();
        if (!key.empty()) elem.Set(key, Node::String(value));
        n->items.push_back(std::move(elem));
        found = &n->items.back();
      }
      n = found;
      continue;
    }
    if (n->IsSeq() && IsIndex(seg)) {
      size_t idx = std::stoul(seg);
      if (idx >= n->items.size()) return nullptr;
      n = &n->items[idx];
      continue;
    }
    if (n->IsNull()) *n = Node::Map();
    if (!n->IsMap()) return nullptr;
    Node* f = n->Get(seg);
    if (!f) f = &n->Set(seg, Node::Null());
    n = f;
  }
  return n;
}

}  // namespace capstan::kustomize
