// .Chart, .Files and .Capabilities as Go structs with fields and methods.
#include "helm/objects.h"

#include "base/base64.h"
#include "gotemplate/args.h"
#include "gotemplate/convert.h"
#include "gotemplate/semver.h"

namespace capstan::helm {
namespace {

using gt::Value;

std::string B64(const std::string& s) { return base::Base64Encode(s); }

std::string Base(const std::string& p) {
  size_t s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

struct ChartObj : gt::Object {
  std::map<std::string, Value> fields;
  std::string TypeName() const override { return "struct { chart.Metadata; IsRoot bool }"; }
  std::string KindName() const override { return "struct"; }
  bool Field(std::string_view name, Value* out) const override {
    auto it = fields.find(std::string(name));
    if (it == fields.end()) return false;
    *out = it->second;
    return true;
  }
  std::string Format() const override {
    auto f = [&](const char* k) { auto it = fields.find(k); return it == fields.end() ? std::string() : gt::FormatValue(it->second); };
    return "{{" + f("Name") + " " + f("Home") + " " + f("Sources") + " " + f("Version") + " " + f("Description") + " " +
           f("Keywords") + " " + f("Maintainers") + " " + f("Icon") + " " + f("APIVersion") + " " + f("Condition") + " " +
           f("Tags") + " " + f("AppVersion") + " " + f("Deprecated") + " " + f("Annotations") + " " + f("KubeVersion") +
           " " + f("Dependencies") + " " + f("Type") + "} " + f("IsRoot") + "}";
  }
};

struct FilesObj : gt::Object {
  std::map<std::string, const std::string*> files;  // the chart's files (outlive rendering)
  std::string TypeName() const override { return "engine.files"; }
  std::string KindName() const override { return "map"; }
  bool Field(std::string_view, Value*) const override { return false; }
  bool HasMethod(std::string_view n) const override {
    return n == "Get" || n == "GetBytes" || n == "Glob" || n == "Lines" || n == "AsConfig" || n == "AsSecrets";
  }
  Value CallMethod(std::string_view n, std::vector<Value>& a) override {
    if (n == "Get") {
      gt::WantArgs("Get", a, 1);
      auto it = files.find(gt::StrArg(a, 0));
      return Value::String(it == files.end() ? "" : *it->second);
    }
    if (n == "GetBytes") {
      gt::WantArgs("GetBytes", a, 1);
      auto it = files.find(gt::StrArg(a, 0));
      return Value::Bytes(it == files.end() ? "" : *it->second);
    }
    if (n == "Glob") {
      gt::WantArgs("Glob", a, 1);
      auto o = std::make_shared<FilesObj>();
      const std::string& pat = gt::StrArg(a, 0);
      for (const auto& [k, v] : files) if (GlobMatch(pat, k)) o->files[k] = v;
      return Value::NewObject(o);
    }
    if (n == "Lines") {
      gt::WantArgs("Lines", a, 1);
      auto it = files.find(gt::StrArg(a, 0));
      Value l = Value::NewList();
      l.type_name = "[]string";
      if (it == files.end()) return l;
      std::string s = *it->second;
      if (!s.empty() && s.back() == '\n') s.pop_back();
      size_t p = 0;
      while (true) {
        size_t e = s.find('\n', p);
        l.list->push_back(Value::String(s.substr(p, e == std::string::npos ? std::string::npos : e - p)));
        if (e == std::string::npos) break;
        p = e + 1;
      }
      return l;
    }
    Value m = Value::NewMap();
    for (const auto& [k, v] : files) (*m.map)[Base(k)] = Value::String(n == "AsSecrets" ? B64(*v) : *v);
    if (files.empty()) return Value::String("");
    std::string y = gt::ToYaml(m);
    if (!y.empty() && y.back() == '\n') y.pop_back();
    return Value::String(y);
  }
  std::string Format() const override {
    std::string r = "map[";
    bool first = true;
    for (const auto& [k, v] : files) {
      if (!first) r += " ";
      first = false;
      r += k + ":" + gt::FormatValue(Value::Bytes(*v));
    }
    return r + "]";
  }
  Value Underlying() const override {
    Value m = Value::NewMap();
    for (const auto& [k, v] : files) (*m.map)[k] = Value::Bytes(*v);
    return m;
  }
};

struct KubeVersionObj : gt::Object {
  std::string version, major, minor;
  std::string TypeName() const override { return "chartutil.KubeVersion"; }
  std::string KindName() const override { return "struct"; }
  bool Field(std::string_view n, Value* out) const override {
    if (n == "Version") { *out = Value::String(version); return true; }
    if (n == "Major") { *out = Value::String(major); return true; }
    if (n == "Minor") { *out = Value::String(minor); return true; }
    return false;
  }
  bool HasMethod(std::string_view n) const override { return n == "String" || n == "GitVersion"; }
  Value CallMethod(std::string_view, std::vector<Value>&) override { return Value::String(version); }
  std::string Format() const override { return "{" + version + " " + major + " " + minor + "}"; }
};

struct VersionSetObj : gt::Object {
  std::vector<std::string> versions;
  std::string TypeName() const override { return "chartutil.VersionSet"; }
  std::string KindName() const override { return "slice"; }
  bool Field(std::string_view, Value*) const override { return false; }
  bool HasMethod(std::string_view n) const override { return n == "Has"; }
  Value CallMethod(std::string_view, std::vector<Value>& a) override {
    gt::WantArgs("Has", a, 1);
    const std::string& s = gt::StrArg(a, 0);
    for (const auto& v : versions) if (v == s) return Value::Bool(true);
    return Value::Bool(false);
  }
  std::string Format() const override {
    std::string r = "[";
    for (size_t i = 0; i < versions.size(); ++i) r += (i ? " " : "") + versions[i];
    return r + "]";
  }
  Value Underlying() const override {
    Value l = Value::NewList();
    for (const auto& v : versions) l.list->push_back(Value::String(v));
    l.type_name = "[]string";
    return l;
  }
};

struct CapsObj : gt::Object {
  Value kube, apis, helm;
  std::string TypeName() const override { return "*chartutil.Capabilities"; }
  bool Field(std::string_view n, Value* out) const override {
    if (n == "KubeVersion") { *out = kube; return true; }
    if (n == "APIVersions") { *out = apis; return true; }
    if (n == "HelmVersion") { *out = helm; return true; }
    return false;
  }
  std::string Format() const override {
    return "&{" + gt::FormatValue(kube) + " " + gt::FormatValue(apis) + " " + gt::FormatValue(helm) + "}";
  }
};

// k8s.io/client-go v0.32 scheme + apiextensions, PrioritizedVersionsAllGroups.
const char* kDefaultApiVersions[] = {
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1beta1",
    "admissionregistration.k8s.io/v1alpha1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta2",
    "apps/v1beta1",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1beta1",
    "authentication.k8s.io/v1alpha1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v2",
    "autoscaling/v1",
    "autoscaling/v2beta2",
    "autoscaling/v2beta1",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1alpha2",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "networking.k8s.io/v1alpha1",
    "node.k8s.io/v1",
    "node.k8s.io/v1beta1",
    "node.k8s.io/v1alpha1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1alpha1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1alpha1",
    "apiextensions.k8s.io/v1",
    "apiextensions.k8s.io/v1beta1",
};

bool GlobAt(std::string_view p, std::string_view s) {
  while (!p.empty()) {
    char c = p[0];
    if (c == '*') {
      bool super = p.size() > 1 && p[1] == '*';
      std::string_view rest = p.substr(super ? 2 : 1);
      for (size_t i = 0; i <= s.size(); ++i) {
        if (GlobAt(rest, s.substr(i))) return true;
        if (i < s.size() && !super && s[i] == '/') return false;
      }
      return false;
    }
    if (s.empty()) return false;
    if (c == '?') {
      if (s[0] == '/') return false;
      p.remove_prefix(1);
      s.remove_prefix(1);
      continue;
    }
    if (c == '{') {
      size_t e = p.find('}');
      if (e == std::string_view::npos) return false;
      std::string_view alts = p.substr(1, e - 1);
      std::string_view rest = p.substr(e + 1);
      size_t st = 0;
      while (true) {
        size_t comma = alts.find(',', st);
        std::string alt(alts.substr(st, comma == std::string_view::npos ? std::string_view::npos : comma - st));
        if (GlobAt(alt + std::string(rest), s)) return true;
        if (comma == std::string_view::npos) break;
        st = comma + 1;
      }
      return false;
    }
    if (c == '[') {
      size_t e = p.find(']', 1);
      if (e == std::string_view::npos) return false;
      std::string_view cls = p.substr(1, e - 1);
      bool neg = !cls.empty() && cls[0] == '!';
      if (neg) cls.remove_prefix(1);
      bool m = false;
      for (size_t i = 0; i < cls.size(); ++i) {
        if (i + 2 < cls.size() && cls[i + 1] == '-') {
          if (s[0] >= cls[i] && s[0] <= cls[i + 2]) m = true;
          i += 2;
        } else if (cls[i] == s[0]) {
          m = true;
        }
      }
      if (m == neg) return false;
      p = p.substr(e + 1);
      s.remove_prefix(1);
      continue;
    }
    if (c == '\\' && p.size() > 1) { p.remove_prefix(1); c = p[0]; }
    if (c != s[0]) return false;
    p.remove_prefix(1);
    s.remove_prefix(1);
  }
  return s.empty();
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view name) { return GlobAt(pattern, name); }

gt::Value NewChartObject(const Chart& c) {
  auto o = std::make_shared<ChartObj>();
  auto get = [&](const char* k) -> Value {
    if (c.metadata.type != gt::Type::kMap) return Value::Nil();
    auto it = c.metadata.map->find(k);
    return it == c.metadata.map->end() ? Value::Nil() : it->second;
  };
  auto str = [&](const char* k) {
    Value v = get(k);
    return v.type == gt::Type::kString ? v : Value::String(v.IsNil() ? "" : gt::FormatValue(v));
  };
  o->fields["Name"] = Value::String(c.name);
  o->fields["Home"] = str("home");
  o->fields["Sources"] = get("sources");
  o->fields["Version"] = Value::String(c.version);
  o->fields["Description"] = str("description");
  o->fields["Keywords"] = get("keywords");
  {
    Value ms = get("maintainers");
    Value out = Value::NewList();
    if (ms.type == gt::Type::kList) {
      for (const Value& m : *ms.list) {
        Value x = Value::NewMap();
        auto field = [&](const char* from, const char* to) {
          Value s = Value::String("");
          if (m.type == gt::Type::kMap) {
            auto it = m.map->find(from);
            if (it != m.map->end() && !it->second.IsNil()) s = Value::String(gt::StrVal(it->second));
          }
          (*x.map)[to] = s;
        };
        field("name", "Name");
        field("email", "Email");
        field("url", "URL");
        out.list->push_back(x);
      }
    }
    o->fields["Maintainers"] = out;
  }
  o->fields["Icon"] = str("icon");
  o->fields["APIVersion"] = Value::String(c.api_version);
  o->fields["Condition"] = str("condition");
  o->fields["Tags"] = str("tags");
  o->fields["AppVersion"] = str("appVersion");
  Value dep = get("deprecated");
  o->fields["Deprecated"] = Value::Bool(dep.type == gt::Type::kBool && dep.b);
  Value ann = get("annotations");
  if (ann.IsNil()) { ann = Value::NewMap(); ann.type_name = "map[string]string"; }
  o->fields["Annotations"] = ann;
  o->fields["KubeVersion"] = str("kubeVersion");
  o->fields["Dependencies"] = get("dependencies");
  o->fields["Type"] = str("type");
  o->fields["IsRoot"] = Value::Bool(c.IsRoot());
  for (auto& [k, v] : o->fields) {
    if (v.IsNil() && (k == "Sources" || k == "Keywords" || k == "Maintainers" || k == "Dependencies")) {
      v = Value::NewList();
    }
  }
  return Value::NewObject(o);
}

gt::Value NewFilesObject(const std::vector<ChartFile>& files) {
  auto o = std::make_shared<FilesObj>();
  for (const auto& f : files) o->files[f.name] = &f.data;
  return Value::NewObject(o);
}

std::string NormalizeKubeVersion(const std::string& v) {
  if (v.empty()) return "v1.20.0";
  gt::SemVersion sv;
  if (!gt::ParseSemver(v, &sv)) throw HelmError("invalid kube version '" + v + "': Invalid Semantic Version");
  return "v" + gt::SemverString(sv);
}

gt::Value NewCapabilities(const std::string& kube_version, const std::vector<std::string>& extra) {
  auto caps = std::make_shared<CapsObj>();
  auto kv = std::make_shared<KubeVersionObj>();
  gt::SemVersion sv;
  gt::ParseSemver(kube_version, &sv);
  kv->version = kube_version;
  kv->major = std::to_string(sv.major);
  kv->minor = std::to_string(sv.minor);
  caps->kube = Value::NewObject(kv);
  auto vs = std::make_shared<VersionSetObj>();
  for (const char* v : kDefaultApiVersions) vs->versions.push_back(v);
  for (const auto& v : extra) vs->versions.push_back(v);
  caps->apis = Value::NewObject(vs);
  Value hv = Value::NewMap();
  (*hv.map)["Version"] = Value::String("v3.17.2");
  (*hv.map)["GitCommit"] = Value::String("cc0bbbd6d6276b83880042c1ecb34087e84d41eb");
  (*hv.map)["GitTreeState"] = Value::String("clean");
  (*hv.map)["GoVersion"] = Value::String("go1.23.7");
  caps->helm = hv;
  return Value::NewObject(caps);
}

}  // namespace capstan::helm
