#include "health/decode.h"

#include <cmath>
#include <cstdio>

namespace capstan::health::internal {

namespace {

// Type of a node in JSON terms, for error messages (values are never quoted:
// they could be secrets).
std::string_view JsonType(const yaml::Node& n) {
  if (n.IsMap()) return "object";
  if (n.IsSeq()) return "array";
  if (n.IsBool()) return "bool";
  if (n.IsNumber()) return "number";
  if (n.IsNull()) return "null";
  return "string";
}

}  // namespace

const yaml::Node* Decoder::Field(const yaml::Node* parent, std::string_view key) {
  if (parent == nullptr || !parent->IsMap()) return nullptr;
  const yaml::Node* v = parent->Get(key);
  if (v == nullptr || v->IsNull()) return nullptr;  // null reads as absent
  return v;
}

void Decoder::Fail(const Path& path, std::string_view want, const yaml::Node& got) {
  if (!error_.empty()) return;  // keep the first failure, as a decoder stops there
  error_ = path.Join() + ": cannot decode " + std::string(JsonType(got)) + " into " +
           std::string(want);
}

const yaml::Node* Decoder::Map(const yaml::Node* parent, std::string_view key,
                               const Path& path) {
  const yaml::Node* v = Field(parent, key);
  if (v == nullptr) return nullptr;
  if (!v->IsMap()) {
    Fail(path, "object", *v);
    return nullptr;
  }
  return v;
}

const yaml::Node* Decoder::Seq(const yaml::Node* parent, std::string_view key,
                               const Path& path) {
  const yaml::Node* v = Field(parent, key);
  if (v == nullptr) return nullptr;
  if (!v->IsSeq()) {
    Fail(path, "array", *v);
    return nullptr;
  }
  return v;
}

std::optional<int64_t> Decoder::OptInt(const yaml::Node* parent, std::string_view key,
                                       const Path& path) {
  const yaml::Node* v = Field(parent, key);
  if (v == nullptr) return std::nullopt;
  if (v->IsInt()) return v->AsInt();
  if (v->IsFloat()) {
    // JSON has one number type; a whole number written as 3.0 still decodes.
    double d = v->AsFloat();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18) return int64_t(d);
  }
  Fail(path, "integer", *v);
  return std::nullopt;
}

std::string Decoder::Str(const yaml::Node* parent, std::string_view key, const Path& path) {
  const yaml::Node* v = Field(parent, key);
  if (v == nullptr) return "";
  if (v->IsScalar() && !v->IsInt() && !v->IsFloat() && !v->IsBool()) return v->value;
  Fail(path, "string", *v);
  return "";
}

bool Decoder::Bool(const yaml::Node* parent, std::string_view key, const Path& path) {
  const yaml::Node* v = Field(parent, key);
  if (v == nullptr) return false;
  if (v->IsBool()) return v->AsBool();
  Fail(path, "bool", *v);
  return false;
}

std::vector<const yaml::Node*> Decoder::MapItems(const yaml::Node* parent, std::string_view key,
                                                 const Path& path) {
  std::vector<const yaml::Node*> out;
  const yaml::Node* seq = Seq(parent, key, path);
  if (seq == nullptr) return out;
  out.reserve(seq->items.size());
  for (const yaml::Node& item : seq->items) {
    if (item.IsNull()) {  // a null element decodes to a zero struct
      out.push_back(&item);
      continue;
    }
    if (!item.IsMap()) {
      Fail(Path(path.Join(), "[]"), "object", item);
      return {};
    }
    out.push_back(&item);
  }
  return out;
}

std::vector<Condition> Decoder::Conditions(const yaml::Node* parent, std::string_view key,
                                           const Path& path) {
  std::vector<Condition> out;
  for (const yaml::Node* item : MapItems(parent, key, path)) {
    Condition c;
    c.type = Str(item, "type", Path(path.a, "[].type"));
    c.status = Str(item, "status", Path(path.a, "[].status"));
    c.reason = Str(item, "reason", Path(path.a, "[].reason"));
    c.message = Str(item, "message", Path(path.a, "[].message"));
    out.push_back(std::move(c));
  }
  return out;
}

const yaml::Node* Decoder::StringMap(const yaml::Node* parent, std::string_view key,
                                     const Path& path) {
  const yaml::Node* m = Map(parent, key, path);
  if (m == nullptr) return nullptr;
  for (const yaml::Field& f : m->fields) {
    if (f.value.IsNull()) continue;
    if (!f.value.IsScalar() || f.value.IsInt() || f.value.IsFloat() || f.value.IsBool()) {
      Fail(Path(path.a, ".", f.key.value), "string", f.value);
      return nullptr;
    }
  }
  return m;
}

void Decoder::Metadata(const yaml::Node& obj) {
  const yaml::Node* md = Map(&obj, "metadata", ".metadata");
  Str(md, "name", ".metadata.name");
  Str(md, "namespace", ".metadata.namespace");
  Int(md, "generation", ".metadata.generation");
  StringMap(md, "labels", ".metadata.labels");
  StringMap(md, "annotations", ".metadata.annotations");
}

std::string GoQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));  // printable ASCII and UTF-8 bytes
        }
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace capstan::health::internal
