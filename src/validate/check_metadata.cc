// ObjectMeta rules kubectl-validate applies to every kind (a subset of
// ValidateObjectMetaAccessor), and duplicate mapping keys.
#include <algorithm>
#include <cctype>
#include <string>

#include "validate/check.h"
#include "validate/value.h"

namespace capstan::validate {
namespace {

bool Alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool LowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool Dns1123Label(std::string_view s) {
  if (s.empty() || !LowerAlnum(s.front()) || !LowerAlnum(s.back())) return false;
  for (char c : s)
    if (!LowerAlnum(c) && c != '-') return false;
  return true;
}

bool Dns1123Subdomain(std::string_view s) {
  if (s.empty()) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    if (!Dns1123Label(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start)))
      return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool QualifiedNamePart(std::string_view s) {
  if (s.empty() || s.size() > 63 || !Alnum(s.front()) || !Alnum(s.back())) return false;
  for (char c : s)
    if (!Alnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

bool QualifiedName(std::string_view k) {
  size_t slash = k.find('/');
  if (slash == std::string_view::npos) return QualifiedNamePart(k);
  if (k.find('/', slash + 1) != std::string_view::npos) return false;
  std::string_view prefix = k.substr(0, slash);
  if (prefix.empty() || prefix.size() > 253 || !Dns1123Subdomain(prefix)) return false;
  return QualifiedNamePart(k.substr(slash + 1));
}

bool LabelValue(std::string_view v) { return v.empty() || QualifiedNamePart(v); }

const char kSubdomainMsg[] =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const char kLabelValueMsg[] =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
    "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const char kQualifiedNameMsg[] =
    "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. "
    "'example.com/MyName')";

std::string Quote(std::string_view s) { return GoValue(yaml::Node::String(s), false); }

const yaml::Node* Field(const yaml::Node& m, std::string_view key, bool yaml11) {
  std::string buf;
  for (const yaml::Field& f : m.fields)
    if (KeyText(f.key, yaml11, &buf) == key) return &f.value;
  return nullptr;
}

bool Truthy(const yaml::Node* n, bool yaml11) {
  if (n == nullptr) return false;
  switch (TypeOf(*n, yaml11)) {
    case JsonType::kNull: return false;
    case JsonType::kBool: return BoolOf(*n, yaml11);
    case JsonType::kInt:
    case JsonType::kFloat: return NumberOf(*n, yaml11) != 0;
    case JsonType::kString: return !n->value.empty();
    default: return n->size() > 0;
  }
}

void Duplicates(const yaml::Node& n, bool yaml11, std::string& path, std::vector<Finding>* out, int depth) {
  if (depth > 512) return;
  if (n.IsMap()) {
    std::vector<std::string_view> seen;
    std::vector<std::string> bufs(n.fields.size());
    for (size_t i = 0; i < n.fields.size(); ++i) {
      std::string_view k = KeyText(n.fields[i].key, yaml11, &bufs[i]);
      size_t old = path.size();
      if (!path.empty()) path += '.';
      path += k;
      if (std::find(seen.begin(), seen.end(), k) != seen.end()) {
        out->push_back(Finding{path, "FieldDuplicate", "key " + Quote(k) + " already set in map"});
      } else {
        seen.push_back(k);
      }
      Duplicates(n.fields[i].value, yaml11, path, out, depth + 1);
      path.resize(old);
    }
  } else if (n.IsSeq()) {
    for (size_t i = 0; i < n.items.size(); ++i) {
      size_t old = path.size();
      path += '[' + std::to_string(i) + ']';
      Duplicates(n.items[i], yaml11, path, out, depth + 1);
      path.resize(old);
    }
  }
}

}  // namespace

void CheckDuplicateKeys(const yaml::Node& object, bool yaml11, std::vector<Finding>* out) {
  std::string path;
  Duplicates(object, yaml11, path, out, 0);
}

void CheckMetadata(const yaml::Node& object, const Schema* root, bool yaml11, std::vector<Finding>* out) {
  const yaml::Node* md = Field(object, "metadata", yaml11);
  static const yaml::Node kEmpty = yaml::Node::Map();
  if (md == nullptr || !md->IsMap()) md = &kEmpty;
  auto pruned = [&](const yaml::Node* n) {
    return (n != nullptr && TypeOf(*n, yaml11) == JsonType::kNull) ? nullptr : n;
  };
  const yaml::Node* name = pruned(Field(*md, "name", yaml11));
  const yaml::Node* gen = pruned(Field(*md, "generateName", yaml11));
  if (!Truthy(name, yaml11) && !Truthy(gen, yaml11)) {
    out->push_back(Finding{"metadata.name", "FieldValueRequired", "Required value: name or generateName is required"});
  } else if (name != nullptr && TypeOf(*name, yaml11) == JsonType::kString && !name->value.empty()) {
    if (name->value.size() > 253) {
      out->push_back(Finding{"metadata.name", "FieldValueInvalid",
                             "Invalid value: " + Quote(name->value) + ": must be no more than 253 characters"});
    } else if (!Dns1123Subdomain(name->value)) {
      out->push_back(Finding{"metadata.name", "FieldValueInvalid",
                             "Invalid value: " + Quote(name->value) + ": " + kSubdomainMsg});
    }
  }
  const yaml::Node* ns = pruned(Field(*md, "namespace", yaml11));
  if (ns != nullptr && TypeOf(*ns, yaml11) == JsonType::kString && !ns->value.empty() &&
      (ns->value.size() > 63 || !Dns1123Label(ns->value))) {
    out->push_back(Finding{"metadata.namespace", "FieldValueInvalid",
                           "Invalid value: " + Quote(ns->value) +
                               ": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
                               "'-', and must start and end with an alphanumeric character"});
  }
  std::string buf;
  if (const yaml::Node* labels = Field(*md, "labels", yaml11); labels != nullptr && labels->IsMap()) {
    for (const yaml::Field& f : labels->fields) {
      std::string_view k = KeyText(f.key, yaml11, &buf);
      if (!QualifiedName(k))
        out->push_back(Finding{"metadata.labels", "FieldValueInvalid",
                               "Invalid value: " + Quote(k) + ": " + kQualifiedNameMsg});
      if (TypeOf(f.value, yaml11) == JsonType::kString && (f.value.value.size() > 63 || !LabelValue(f.value.value)))
        out->push_back(Finding{"metadata.labels", "FieldValueInvalid",
                               "Invalid value: " + Quote(f.value.value) + ": " + kLabelValueMsg});
    }
  }
  if (const yaml::Node* ann = Field(*md, "annotations", yaml11); ann != nullptr && ann->IsMap()) {
    for (const yaml::Field& f : ann->fields) {
      std::string k(KeyText(f.key, yaml11, &buf));
      std::string lower = k;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!QualifiedName(lower))
        out->push_back(Finding{"metadata.annotations", "FieldValueInvalid",
                               "Invalid value: " + Quote(k) + ": " + kQualifiedNameMsg});
    }
  }
}

}  // namespace capstan::validate
