// Streams -> documents -> checks, in the order kubectl-validate applies them.
#include <algorithm>
#include <exception>
#include <map>
#include <string>

#include "validate/check.h"
#include "validate/schema_set.h"
#include "validate/validate.h"
#include "validate/value.h"
#include "yaml/yaml.h"

namespace capstan::validate {
namespace {

struct RawDocument {
  std::string_view text;
  int line = 1;
};

// k8s.io/apimachinery/pkg/util/yaml.YAMLReader: a line starting with "---"
// followed only by blanks or a comment ends a document.
std::vector<RawDocument> Split(std::string_view text) {
  std::vector<RawDocument> docs;
  size_t start = 0, pos = 0;
  int line = 1, start_line = 1;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    size_t end = eol == std::string_view::npos ? text.size() : eol + 1;
    std::string_view l = text.substr(pos, end - pos);
    if (l.substr(0, 3) == "---") {
      std::string_view rest = l.substr(3);
      size_t first = rest.find_first_not_of(" \t\r\n");
      if (first == std::string_view::npos || rest[first] == '#') {
        docs.push_back({text.substr(start, pos - start), start_line});
        start = end;
        start_line = line + 1;
      }
    }
    pos = end;
    ++line;
  }
  docs.push_back({text.substr(start), start_line});
  return docs;
}

bool IsEmpty(std::string_view doc) {
  size_t pos = 0;
  while (pos <= doc.size()) {
    size_t eol = doc.find('\n', pos);
    std::string_view l = doc.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    size_t a = l.find_first_not_of(" \t\r");
    if (a != std::string_view::npos) {
      size_t b = l.find_last_not_of(" \t\r");
      std::string_view s = l.substr(a, b - a + 1);
      if (s[0] != '#' && s != "---") return false;
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  return true;
}

// Secret values never appear in findings: a detail that quotes a value of
// a Secret's data/stringData gets "<redacted>" in its place.
void RedactSecretValues(const yaml::Node& obj, bool yaml11, DocumentResult* r) {
  if (r->kind != "Secret") return;
  for (Finding& f : r->errors) {
    for (std::string_view field : {"data", "stringData"}) {
      std::string prefix = std::string(field) + ".";
      if (f.path.rfind(prefix, 0) != 0) continue;
      const yaml::Node* m = obj.Get(field);
      const yaml::Node* v = (m != nullptr && m->IsMap()) ? m->Get(f.path.substr(prefix.size())) : nullptr;
      if (v == nullptr || !v->IsScalar() || v->value.empty()) continue;
      for (const std::string& shown : {GoValue(*v, yaml11), v->value}) {
        for (size_t at; (at = f.detail.find(shown)) != std::string::npos;)
          f.detail.replace(at, shown.size(), "<redacted>");
      }
    }
  }
}

void Finish(DocumentResult* r) {
  std::sort(r->errors.begin(), r->errors.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.path, a.type, a.detail) < std::tie(b.path, b.type, b.detail);
  });
  r->errors.erase(std::unique(r->errors.begin(), r->errors.end(),
                              [](const Finding& a, const Finding& b) {
                                return a.path == b.path && a.type == b.type && a.detail == b.detail;
                              }),
                  r->errors.end());
  r->valid = r->errors.empty();
}

const yaml::Node* Field(const yaml::Node& m, std::string_view key, bool yaml11) {
  std::string buf;
  for (const yaml::Field& f : m.fields)
    if (KeyText(f.key, yaml11, &buf) == key) return &f.value;
  return nullptr;
}

std::string StringField(const yaml::Node& m, std::string_view key, bool yaml11) {
  const yaml::Node* n = Field(m, key, yaml11);
  return (n != nullptr && n->IsScalar()) ? n->value : "";
}

void Check(Schemas& schemas, const yaml::Node& obj, const Options& options, bool yaml11, DocumentResult* r) {
  if (!obj.IsMap()) {
    JsonType t = TypeOf(obj, yaml11);
    r->errors.push_back({"", "DocumentInvalid", std::string("document is not a YAML mapping (") + TypeName(t) + ")"});
    return;
  }
  r->api_version = StringField(obj, "apiVersion", yaml11);
  r->kind = StringField(obj, "kind", yaml11);
  if (const yaml::Node* md = Field(obj, "metadata", yaml11); md != nullptr && md->IsMap()) {
    r->name = StringField(*md, "name", yaml11);
    r->namespace_ = StringField(*md, "namespace", yaml11);
  }
  CheckDuplicateKeys(obj, yaml11, &r->errors);
  if (!r->errors.empty()) return;
  const yaml::Node* av = Field(obj, "apiVersion", yaml11);
  const yaml::Node* kind = Field(obj, "kind", yaml11);
  auto missing = [&](const yaml::Node* n) {
    if (n == nullptr) return true;
    JsonType t = TypeOf(*n, yaml11);
    return t == JsonType::kNull || (t == JsonType::kString && n->value.empty()) ||
           (t == JsonType::kBool && !BoolOf(*n, yaml11)) ||
           ((t == JsonType::kInt || t == JsonType::kFloat) && NumberOf(*n, yaml11) == 0);
  };
  if (missing(av)) r->errors.push_back({"apiVersion", "FieldValueRequired", "Required value"});
  if (missing(kind)) r->errors.push_back({"kind", "FieldValueRequired", "Required value"});
  if (!r->errors.empty()) return;
  if (TypeOf(*av, yaml11) != JsonType::kString) {
    r->errors.push_back({"apiVersion", "FieldValueTypeInvalid", "must be a string"});
    return;
  }
  if (TypeOf(*kind, yaml11) != JsonType::kString) {
    r->errors.push_back({"kind", "FieldValueTypeInvalid", "must be a string"});
    return;
  }
  const std::string& apiv = av->value;
  if (std::count(apiv.begin(), apiv.end(), '/') > 1) {
    r->errors.push_back({"apiVersion", "SchemaNotFound", "unexpected GroupVersion string: " + apiv});
    return;
  }
  size_t slash = apiv.find('/');
  std::string group = slash == std::string::npos ? "" : apiv.substr(0, slash);
  std::string version = slash == std::string::npos ? apiv : apiv.substr(slash + 1);
  Lookup found;
  try {
    found = schemas.set().Find(group, version, kind->value);
  } catch (const std::exception& e) {
    r->errors.push_back({"apiVersion", "SchemaNotFound", std::string("cannot load schema: ") + e.what()});
    return;
  }
  if (found.status != Lookup::kFound) {
    if (options.ignore_missing_schemas) {
      r->skipped = true;
      r->warnings.push_back("no schema for " + apiv + " " + kind->value + ": not validated");
      return;
    }
    if (found.status == Lookup::kNoGroupVersion)
      r->errors.push_back({"apiVersion", "SchemaNotFound", "failed to locate OpenAPI spec for GV: " + apiv});
    else
      r->errors.push_back({"kind", "SchemaNotFound", "kind " + kind->value + " not found in " + apiv + " groupversion"});
    return;
  }
  SchemaFindings f;
  CheckSchema(obj, found.root, yaml11, &f);
  if (!f.unknown.empty()) {
    r->errors = std::move(f.unknown);
    return;
  }
  r->errors = std::move(f.other);
  CheckMetadata(obj, found.root, yaml11, &r->errors);
  if (r->kind == "CustomResourceDefinition" && group == "apiextensions.k8s.io" && version == "v1" &&
      r->errors.empty())
    CheckCrdManifest(obj, &r->errors);
  if (f.cel_rules > 0)
    r->warnings.push_back(std::to_string(f.cel_rules) +
                          " x-kubernetes-validations (CEL) rule(s) outside capstan's CEL subset were not evaluated");
}

}  // namespace

std::vector<DocumentResult> ValidateText(Schemas& schemas, std::string_view text, const Options& options) {
  std::vector<RawDocument> raws;
  for (const RawDocument& raw : Split(text))
    if (!IsEmpty(raw.text)) raws.push_back(raw);
  // CRDs first, so that custom resources anywhere in the stream find them.
  // Only documents that mention the kind are parsed in this pass, and only
  // the CRDs are kept for the second one.
  std::map<size_t, yaml::Node> crds;
  for (size_t i = 0; i < raws.size(); ++i) {
    if (raws[i].text.find("CustomResourceDefinition") == std::string_view::npos) continue;
    try {
      yaml::Node n = yaml::ParseOne(raws[i].text, "<document>");
      if (n.IsMap() && n.StrAt({"kind"}) == "CustomResourceDefinition") {
        schemas.set().AddCrd(n, /*override_builtin=*/false);
        crds.emplace(i, std::move(n));
      }
    } catch (const std::exception&) {
      // reported below
    }
  }
  std::vector<DocumentResult> results;
  results.reserve(raws.size());
  for (size_t i = 0; i < raws.size(); ++i) {
    DocumentResult r;
    r.index = i;
    r.line = raws[i].line;
    std::optional<yaml::Node> node;
    try {
      if (auto crd = crds.find(i); crd != crds.end()) node = std::move(crd->second);
      else node = yaml::ParseOne(raws[i].text, "<document>");
    } catch (const yaml::ParseError& e) {
      // go-yaml's wording without its document-relative "yaml: line N: ".
      std::string reason = e.go_message().empty() ? std::string(e.what()) : e.go_message();
      if (reason.rfind("yaml: ", 0) == 0) reason = reason.substr(6);
      if (reason.rfind("line ", 0) == 0 && reason.find(": ") != std::string::npos)
        reason = reason.substr(reason.find(": ") + 2);
      r.errors.push_back({"", "DocumentInvalid",
                          "failed to parse yaml: line " + std::to_string(raws[i].line + e.line() - 1) + ": " + reason});
    } catch (const std::exception& e) {
      r.errors.push_back({"", "DocumentInvalid", std::string("failed to parse yaml: ") + e.what()});
    }
    if (node) {
      Check(schemas, *node, options, options.yaml11, &r);
      RedactSecretValues(*node, options.yaml11, &r);
    }
    Finish(&r);
    results.push_back(std::move(r));
  }
  return results;
}

DocumentResult ValidateObject(Schemas& schemas, const yaml::Node& object, const Options& options) {
  DocumentResult r;
  Check(schemas, object, options, /*yaml11=*/false, &r);
  RedactSecretValues(object, false, &r);
  Finish(&r);
  return r;
}

}  // namespace capstan::validate
