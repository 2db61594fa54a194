#include "diff/value.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "yaml/json_string.h"
#include "yaml/yaml.h"

namespace capstan::diff {

using yaml::Kind;
using yaml::Node;

JType TypeOf(const Node& n) {
  switch (n.kind) {
    case Kind::kNull:
      return JType::kNull;
    case Kind::kSequence:
      return JType::kArray;
    case Kind::kMapping:
      return JType::kObject;
    case Kind::kScalar:
      break;
  }
  if (n.tag == yaml::kNullTag) return JType::kNull;
  if (n.tag == yaml::kBoolTag) return JType::kBool;
  if (n.tag == yaml::kIntTag || n.tag == yaml::kFloatTag) return JType::kNumber;
  return JType::kString;
}

bool JsonEqual(const Node& a, const Node& b) {
  JType ta = TypeOf(a), tb = TypeOf(b);
  if (ta != tb) return false;
  switch (ta) {
    case JType::kNull:
      return true;
    case JType::kBool:
      return a.AsBool() == b.AsBool();
    case JType::kNumber:
      if (a.IsInt() && b.IsInt() && a.value == b.value) return true;
      return a.AsFloat() == b.AsFloat();
    case JType::kString:
      return a.value == b.value;
    case JType::kArray:
      if (a.items.size() != b.items.size()) return false;
      for (size_t i = 0; i < a.items.size(); ++i)
        if (!JsonEqual(a.items[i], b.items[i])) return false;
      return true;
    case JType::kObject: {
      if (a.fields.size() != b.fields.size()) return false;
      for (size_t i = 0; i < a.fields.size(); ++i) {
        const auto& f = a.fields[i];
        // Fast path: same position, same key.
        const Node* other = (i < b.fields.size() && b.fields[i].key.value == f.key.value)
                                ? &b.fields[i].value
                                : b.Get(f.key.value);
        if (!other || !JsonEqual(f.value, *other)) return false;
      }
      return true;
    }
  }
  return false;
}

namespace {

std::string FormatNumber(const Node& n) {
  if (n.IsInt()) {
    int64_t v = n.AsInt(0);
    if (std::to_string(v) == n.value || n.AsFloat() == static_cast<double>(v))
      return std::to_string(v);
  }
  double d = n.AsFloat();
  if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.2e18)
    return std::to_string(static_cast<int64_t>(d));
  return Node::Float(d).value;
}

// "0", "-12", "345": already how a JSON int64 prints.
bool PlainDecimal(std::string_view v) {
  size_t i = !v.empty() && v[0] == '-' ? 1 : 0;
  if (i >= v.size() || v.size() - i > 18) return false;
  if (v[i] == '0' && v.size() - i > 1) return false;
  for (; i < v.size(); ++i)
    if (v[i] < '0' || v[i] > '9') return false;
  return true;
}

}  // namespace

void Canonicalize(Node& n) {
  n.style = yaml::Style::kAny;
  n.flow = false;
  switch (TypeOf(n)) {
    case JType::kNull:
      n = Node::Null();
      return;
    case JType::kBool:
      if (n.value != "true" && n.value != "false") n = Node::Bool(n.AsBool());
      return;
    case JType::kNumber: {
      if (n.IsInt() && PlainDecimal(n.value)) return;
      std::string text = FormatNumber(n);
      bool whole = text.find_first_of(".eE") == std::string::npos &&
                   text != "NaN" && text.find("inf") == std::string::npos;
      n = Node::Scalar(text, whole ? yaml::kIntTag : yaml::kFloatTag);
      return;
    }
    case JType::kString:
      if (n.tag != yaml::kStrTag) n.tag = std::string(yaml::kStrTag);
      return;
    case JType::kArray:
      n.tag = std::string(yaml::kSeqTag);
      for (auto& item : n.items) Canonicalize(item);
      return;
    case JType::kObject:
      n.tag = std::string(yaml::kMapTag);
      for (auto& f : n.fields) {
        if (!f.key.IsString()) f.key = Node::String(f.key.value);
        f.key.style = yaml::Style::kAny;
        Canonicalize(f.value);
      }
      return;
  }
}

Node StripNulls(const Node& n) {
  if (TypeOf(n) != JType::kObject) return n;
  Node out = Node::Map();
  out.fields.reserve(n.fields.size());
  for (const auto& f : n.fields) {
    if (TypeOf(f.value) == JType::kNull) continue;
    out.fields.push_back({f.key, StripNulls(f.value)});
  }
  return out;
}

std::string ScalarKey(const Node& n) {
  switch (TypeOf(n)) {
    case JType::kNull:
      return "<nil>";
    case JType::kBool:
      return n.AsBool() ? "true" : "false";
    case JType::kNumber:
      return FormatNumber(n);
    case JType::kString:
      return n.value;
    default:
      return SortedJson(n);
  }
}

namespace {

void AppendSorted(std::string& out, const Node& n) {
  switch (TypeOf(n)) {
    case JType::kNull: out += "null"; return;
    case JType::kBool: out += n.AsBool() ? "true" : "false"; return;
    case JType::kNumber: out += FormatNumber(n); return;
    case JType::kString: yaml::AppendJsonString(&out, n.value); return;
    case JType::kArray:
      out.push_back('[');
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i) out.push_back(',');
        AppendSorted(out, n.items[i]);
      }
      out.push_back(']');
      return;
    case JType::kObject: {
      std::vector<const yaml::Field*> fs;
      fs.reserve(n.fields.size());
      for (const auto& f : n.fields) fs.push_back(&f);
      std::sort(fs.begin(), fs.end(),
                [](const yaml::Field* a, const yaml::Field* b) { return a->key.value < b->key.value; });
      out.push_back('{');
      for (size_t i = 0; i < fs.size(); ++i) {
        if (i) out.push_back(',');
        yaml::AppendJsonString(&out, fs[i]->key.value);
        out.push_back(':');
        AppendSorted(out, fs[i]->value);
      }
      out.push_back('}');
      return;
    }
  }
}

}  // namespace

std::string SortedJson(const Node& n) {
  std::string out;
  AppendSorted(out, n);
  return out;
}

const Node* Field(const Node* map, std::string_view key) {
  if (!map || map->kind != Kind::kMapping) return nullptr;
  return map->Get(key);
}

Node* MutableField(Node* map, std::string_view key) {
  if (!map || map->kind != Kind::kMapping) return nullptr;
  return map->Get(key);
}

}  // namespace capstan::diff
