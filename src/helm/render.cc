// `helm template`: values, dependencies, rendering, manifest sorting and
// Helm's output format.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "gotemplate/args.h"
#include "gotemplate/ast.h"
#include "gotemplate/convert.h"
#include "gotemplate/semver.h"
#include "gotemplate/sprig.h"
#include "gotemplate/template.h"
#include "helm/helm.h"
#include "helm/objects.h"
#include "helm/values.h"
#include "yaml/yaml.h"

namespace capstan::helm {
namespace {

using gt::Type;
using gt::Value;

const char* kWarnStart = "HELM_ERR_START";
const char* kWarnEnd = "HELM_ERR_END";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw HelmError("open " + path + ": no such file or directory");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TrimSpace(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n\v\f");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n\v\f");
  return s.substr(b, e - b + 1);
}

bool IsSpaceC(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// releaseutil.SplitManifests: split on (?:^|\s*\n)---\s* after TrimSpace.
std::string_view TrimSpaceView(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpaceC(s[b])) ++b;
  while (e > b && IsSpaceC(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::vector<std::string> SplitManifests(const std::string& big) {
  std::string_view s = TrimSpaceView(big);
  std::vector<std::string_view> pieces;
  size_t beg = 0;
  size_t p = 0;
  size_t end = 0;
  bool any_end = false;
  while (p <= s.size()) {
    size_t mstart = std::string::npos, mend = 0;
    if (p == 0 && s.substr(0, 3) == "---") {
      mstart = 0;
      mend = 3;
    } else {
      size_t j = s.find("\n---", p);
      if (j == std::string_view::npos) break;
      size_t k = j;
      while (k > p && IsSpaceC(s[k - 1])) --k;
      mstart = k;
      mend = j + 4;
    }
    while (mend < s.size() && IsSpaceC(s[mend])) ++mend;
    end = mstart;
    any_end = true;
    if (mend != 0) pieces.push_back(s.substr(beg, end - beg));
    beg = mend;
    p = mend;
    if (mend == mstart) ++p;
  }
  if (!any_end || end != s.size()) pieces.push_back(s.substr(beg));
  std::vector<std::string> out;
  for (auto d : pieces) {
    if (d.empty()) continue;
    out.emplace_back(TrimSpaceView(d));
  }
  return out;
}

const std::vector<std::string>& InstallOrder() {
  static const std::vector<std::string> o = {
      "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
      "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
      "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
      "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
      "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
      "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService"};
  return o;
}

int KindRank(const std::string& kind) {
  const auto& o = InstallOrder();
  auto it = std::find(o.begin(), o.end(), kind);
  return it == o.end() ? -1 : static_cast<int>(it - o.begin());
}

bool LessByKind(const std::string& a, const std::string& b) {
  int ra = KindRank(a), rb = KindRank(b);
  if (ra < 0 && rb < 0) return a < b;
  if (ra < 0) return false;
  if (rb < 0) return true;
  return ra < rb;
}

struct Manifest {
  std::string name, content, kind;
  bool hook = false, test = false;
};

const char* JsonTypeName(const yaml::Node& n) {
  if (n.IsSeq()) return "array";
  if (n.IsMap()) return "object";
  if (n.IsBool()) return "bool";
  if (n.IsNumber()) return "number";
  return "string";
}

// SimpleHead: apiVersion, kind, metadata.name, metadata.annotations.
void ParseHead(const std::string& path, const std::string& doc, Manifest* m, std::map<std::string, std::string>* ann) {
  std::vector<yaml::Node> docs;
  try {
    docs = yaml::ParseAll(doc, path);
  } catch (const yaml::ParseError& e) {
    std::string msg = e.go_message().empty() ? e.what() : e.go_message();
    throw RenderError("YAML parse error on " + path + ": error converting YAML to JSON: " + msg);
  }
  if (docs.empty()) return;
  const yaml::Node& n = docs[0];
  if (n.IsNull()) return;
  if (!n.IsMap()) {
    throw RenderError("YAML parse error on " + path +
                      ": error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " + JsonTypeName(n) +
                      " into Go value of type releaseutil.SimpleHead");
  }
  auto field_err = [&](const char* field, const yaml::Node& v, const char* want) {
    throw RenderError("YAML parse error on " + path + ": error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " +
                      JsonTypeName(v) + " into Go struct field " + field + " of type " + want);
  };
  if (const yaml::Node* k = n.Get("kind")) {
    if (k->IsScalar() && !k->IsString() && !k->IsNull() && k->style == yaml::Style::kPlain) {
      Value v = gt::FromYamlNode(*k);
      if (v.type != Type::kString && !v.IsNil()) field_err("SimpleHead.kind", *k, "string");
    }
    if (k->IsMap() || k->IsSeq()) field_err("SimpleHead.kind", *k, "string");
    if (k->IsScalar()) m->kind = k->value;
  }
  if (const yaml::Node* md = n.Get("metadata")) {
    if (md->IsNull()) return;
    if (!md->IsMap()) field_err("SimpleHead.metadata", *md, "struct { Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }");
    if (const yaml::Node* a = md->Get("annotations")) {
      if (a->IsMap()) {
        for (const auto& f : a->fields) {
          if (f.value.IsMap() || f.value.IsSeq()) field_err("SimpleHead.metadata.annotations", f.value, "string");
          Value v = gt::FromYamlNode(f.value);
          if (v.type != Type::kString && !v.IsNil()) field_err("SimpleHead.metadata.annotations", f.value, "string");
          (*ann)[f.key.value] = v.IsNil() ? "" : v.s;
        }
      } else if (!a->IsNull()) {
        field_err("SimpleHead.metadata.annotations", *a, "map[string]string");
      }
    }
  }
}

// --- engine -----------------------------------------------------------------
struct Renderable {
  const std::string* text;  // the chart's template (outlives rendering)
  Value vals;  // the shared top map of the chart
  std::string base_path;
};

struct EngineCtx {
  std::map<std::string, int> included;
  int max_include = 1000;
};

std::string WarnWrap(const std::string& m) { return std::string(kWarnStart) + m + kWarnEnd; }

std::string ExecName(gt::Executor& ex, const std::string& name, const Value& data) {
  auto* ctx = static_cast<EngineCtx*>(ex.state().user);
  int& n = ctx->included[name];
  if (n > ctx->max_include) {
    throw gt::FuncError("rendering template has a nested reference name: " + name + ": unable to execute template");
  }
  ++n;
  std::string out;
  try {
    if (ex.set().Find(name) == nullptr) {
      --n;
      throw gt::FuncError("template: no template \"" + name + "\" associated with template \"gotpl\"");
    }
    gt::Execute(ex.set(), name, data, ex.state(), &out);
  } catch (const gt::ExecError& e) {
    --n;
    throw gt::FuncError(e.what());
  }
  --n;
  return out;
}

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  size_t p = 0;
  while ((p = s.find(from, p)) != std::string::npos) {
    s.replace(p, from.size(), to);
    p += to.size();
  }
  return s;
}

std::string TomlScalar(const Value& v) {
  switch (v.type) {
    case Type::kString: return gt::GoQuote(v.s);
    case Type::kBool: return v.b ? "true" : "false";
    case Type::kInt: case Type::kInt64: return std::to_string(v.i);
    case Type::kFloat: {
      std::string s = gt::FormatFloatV(v.f);
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
      return s;
    }
    case Type::kList: {
      std::string r = "[";
      for (size_t i = 0; i < v.list->size(); ++i) r += (i ? ", " : "") + TomlScalar((*v.list)[i]);
      return r + "]";
    }
    default: return "\"\"";
  }
}

void TomlTable(const Value& m, const std::string& prefix, std::string* out, int depth) {
  if (depth > 100) throw gt::FuncError("toml: nesting too deep");
  for (const auto& [k, v] : *m.map) {
    if (v.type == Type::kMap || v.IsNil()) continue;
    *out += std::string(depth > 0 ? "  " : "") + k + " = " + TomlScalar(v) + "\n";
  }
  for (const auto& [k, v] : *m.map) {
    if (v.type != Type::kMap) continue;
    std::string name = prefix.empty() ? k : prefix + "." + k;
    if (!out->empty()) *out += "\n";
    *out += std::string(depth > 0 ? "  " : "") + "[" + name + "]\n";
    TomlTable(v, name, out, depth + 1);
  }
}

// A TOML subset (BurntSushi/toml as Helm's fromToml reads it): key = value
// lines with strings, integers (int64), floats, booleans and flat arrays,
// [table] and [a.b] headers, # comments.
bool TomlValueOf(std::string v, Value* out) {
  v = TrimSpace(v);
  if (v.empty()) return false;
  if (v[0] == '"' || v[0] == '\'') {
    char q = v[0];
    size_t e = v.find(q, 1);
    if (e == std::string::npos) return false;
    std::string s = v.substr(1, e - 1);
    if (q == '"') s = ReplaceAll(ReplaceAll(ReplaceAll(s, "\\n", "\n"), "\\t", "\t"), "\\\"", "\"");
    *out = Value::String(s);
    return true;
  }
  if (v == "true" || v == "false") { *out = Value::Bool(v == "true"); return true; }
  if (v[0] == '[') {
    if (v.back() != ']') return false;
    Value l = Value::NewList();
    std::string inner = v.substr(1, v.size() - 2);
    size_t st = 0;
    while (st < inner.size()) {
      size_t c = inner.find(',', st);
      std::string item = TrimSpace(inner.substr(st, c == std::string::npos ? std::string::npos : c - st));
      if (!item.empty()) {
        Value x;
        if (!TomlValueOf(item, &x)) return false;
        l.list->push_back(x);
      }
      if (c == std::string::npos) break;
      st = c + 1;
    }
    *out = l;
    return true;
  }
  std::string digits;
  for (char c : v) if (c != '_') digits.push_back(c);
  char* e = nullptr;
  errno = 0;
  long long iv = std::strtoll(digits.c_str(), &e, 10);
  if (*e == '\0' && errno != ERANGE) { *out = Value::Int64(iv); return true; }
  double d = std::strtod(digits.c_str(), &e);
  if (*e == '\0') { *out = Value::Float(d); return true; }
  return false;
}

bool ParseToml(const std::string& text, Value* root, std::string* err) {
  Value cur = *root;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string t = TrimSpace(line);
    if (t.empty() || t[0] == '#') continue;
    if (t[0] == '[') {
      size_t e = t.find(']');
      if (e == std::string::npos) { *err = "toml: line " + std::to_string(n) + ": unterminated table header"; return false; }
      std::string path = t.substr(1, e - 1);
      cur = *root;
      size_t st = 0;
      while (true) {
        size_t d = path.find('.', st);
        std::string k = TrimSpace(path.substr(st, d == std::string::npos ? std::string::npos : d - st));
        auto it = cur.map->find(k);
        if (it == cur.map->end() || it->second.type != Type::kMap) (*cur.map)[k] = Value::NewMap();
        cur = (*cur.map)[k];
        if (d == std::string::npos) break;
        st = d + 1;
      }
      continue;
    }
    size_t eq = t.find('=');
    if (eq == std::string::npos) { *err = "toml: line " + std::to_string(n) + ": expected key = value"; return false; }
    std::string key = TrimSpace(t.substr(0, eq));
    if (key.size() >= 2 && key.front() == '"' && key.back() == '"') key = key.substr(1, key.size() - 2);
    Value v;
    if (!TomlValueOf(t.substr(eq + 1), &v)) { *err = "toml: line " + std::to_string(n) + ": invalid value"; return false; }
    (*cur.map)[key] = v;
  }
  return true;
}

void AddHelmFuncs(gt::FuncMap* fm) {
  auto& f = fm->funcs;
  f.erase("env");
  f.erase("expandenv");
  f["include"] = [](gt::Executor& ex, std::vector<Value>& a) {
    gt::WantArgs("include", a, 2);
    return Value::String(ExecName(ex, gt::StrArg(a, 0), a[1]));
  };
  f["tpl"] = [](gt::Executor& ex, std::vector<Value>& a) {
    gt::WantArgs("tpl", a, 2);
    const std::string& text = gt::StrArg(a, 0);
    gt::TemplateSet child(ex.set().funcs(), &ex.set());
    try {
      child.Parse("gotpl", text);
    } catch (const gt::ParseError& e) {
      throw gt::FuncError("cannot parse template \"" + text + "\": " + e.what());
    }
    std::string out;
    try {
      gt::Execute(child, "gotpl", a[1], ex.state(), &out);
    } catch (const gt::ExecError& e) {
      throw gt::FuncError("error during tpl function execution for \"" + text + "\": " + e.what());
    }
    return Value::String(ReplaceAll(out, "<no value>", ""));
  };
  f["required"] = [](gt::Executor&, std::vector<Value>& a) {
    gt::WantArgs("required", a, 2);
    const std::string& warn = gt::StrArg(a, 0);
    if (a[1].IsNil() || (a[1].type == Type::kString && a[1].s.empty())) throw gt::FuncError(WarnWrap(warn));
    return a[1];
  };
  f["fail"] = [](gt::Executor&, std::vector<Value>& a) -> Value {
    gt::WantArgs("fail", a, 1);
    throw gt::FuncError(WarnWrap(gt::StrArg(a, 0)));
  };
  f["lookup"] = [](gt::Executor&, std::vector<Value>& a) {
    gt::WantArgs("lookup", a, 4);
    return Value::NewMap();
  };
  f["getHostByName"] = [](gt::Executor&, std::vector<Value>& a) {
    gt::WantArgs("getHostByName", a, 1);
    return Value::String("");
  };
  f["toYaml"] = [](gt::Executor&, std::vector<Value>& a) {
    gt::WantArgs("toYaml", a, 1);
    std::string y;
    try { y = gt::ToYaml(a[0]); } catch (const std::exception&) { return Value::String(""); }
    if (!y.empty() && y.back() == '\n') y.pop_back();
    return Value::String(y);
  };
  f["toYamlPretty"] = [](gt::Executor&, std::vector<Value>& a) {
    gt::WantArgs("toYamlPretty", a, 1);
    std::string y = yaml::EmitYamlPreserving(gt::ToYamlNode(a[0]));
    if (!y.empty() && y.back() == '\n') y.pop_back();
    return Value::String(y);
  };
  f["fromYaml"] = [](gt::Executor&, std::vector<Value>& a) {
    gt::WantArgs("fromYaml", a, 1);
    const std::string& s = gt::StrArg(a, 0);
    Value m = Value::NewMap();
    try {
      Value v = gt::ParseYamlValue(s, "fromYaml");
      if (v.type == Type::kMap) return v;
      if (v.IsNil()) return m;
      (*m.map)["Error"] = Value::String(std::string("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ") +
                                        (v.type == Type::kList ? "array" : v.type == Type::kString ? "string" : v.type == Type::kBool ? "bool" : "number") +
                                        " into Go value of type map[string]interface {}");
    } catch (const yaml::ParseError& e) {
      (*m.map)["Error"] = Value::String("error converting YAML to JSON: " + (e.go_message().empty() ? std::string(e.what()) : e.go_message()));
    }
    return m;
  };
  f["fromYamlArray"] = [](gt::Executor&, std::vector<Value>& a) {
    gt::WantArgs("fromYamlArray", a, 1);
    const std::string& s = gt::StrArg(a, 0);
    try {
      Value v = gt::ParseYamlValue(s, "fromYamlArray");
      if (v.type == Type::kList) return v;
      if (v.IsNil()) return Value::NewList();
      return Value::NewList({Value::String(std::string("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ") +
                                           (v.type == Type::kMap ? "object" : v.type == Type::kString ? "string" : v.type == Type::kBool ? "bool" : "number") +
                                           " into Go value of type []interface {}")});
    } catch (const yaml::ParseError& e) {
      return Value::NewList({Value::String("error converting YAML to JSON: " + (e.go_message().empty() ? std::string(e.what()) : e.go_message()))});
    }
  };
  f["toJson"] = [](gt::Executor&, std::vector<Value>& a) {
    gt::WantArgs("toJson", a, 1);
    try { return Value::String(gt::ToJson(a[0])); } catch (const std::exception&) { return Value::String(""); }
  };
  f["fromJson"] = [](gt::Executor&, std::vector<Value>& a) {
    gt::WantArgs("fromJson", a, 1);
    Value m = Value::NewMap();
    try {
      Value v = gt::ParseJsonValue(gt::StrArg(a, 0));
      if (v.type == Type::kMap) return v;
      (*m.map)["Error"] = Value::String("json: cannot unmarshal " + std::string(v.type == Type::kList ? "array" : v.type == Type::kString ? "string" : "number") + " into Go value of type map[string]interface {}");
    } catch (const std::exception& e) {
      (*m.map)["Error"] = Value::String(e.what());
    }
    return m;
  };
  f["fromJsonArray"] = [](gt::Executor&, std::vector<Value>& a) {
    gt::WantArgs("fromJsonArray", a, 1);
    try {
      Value v = gt::ParseJsonValue(gt::StrArg(a, 0));
      if (v.type == Type::kList) return v;
      return Value::NewList({Value::String("json: cannot unmarshal " + std::string(v.type == Type::kMap ? "object" : "string") + " into Go value of type []interface {}")});
    } catch (const std::exception& e) {
      return Value::NewList({Value::String(e.what())});
    }
  };
  f["toToml"] = [](gt::Executor&, std::vector<Value>& a) {
    gt::WantArgs("toToml", a, 1);
    if (a[0].type != Type::kMap) return Value::String("");
    std::string out;
    TomlTable(a[0], "", &out, 0);
    return Value::String(out);
  };
  f["fromToml"] = [](gt::Executor&, std::vector<Value>& a) {
    gt::WantArgs("fromToml", a, 1);
    Value m = Value::NewMap();
    std::string err;
    if (!ParseToml(gt::StrArg(a, 0), &m, &err)) {
      Value e = Value::NewMap();
      (*e.map)["Error"] = Value::String(err);
      return e;
    }
    return m;
  };
}

const gt::FuncMap& HelmFuncs() {
  static const gt::FuncMap m = [] {
    gt::FuncMap fm;
    gt::AddBuiltins(&fm);
    gt::AddSprig(&fm);
    AddHelmFuncs(&fm);
    return fm;
  }();
  return m;
}

void Relink(Chart& c) {
  for (auto& sc : c.charts) {
    sc->parent = &c;
    Relink(*sc);
  }
}

Value RecAllTpls(Chart& c, std::map<std::string, Renderable>& tpls, const Value& parent_vals, const Value& top) {
  Value next = Value::NewMap();
  Value subcharts = Value::NewMap();
  (*next.map)["Chart"] = NewChartObject(c);
  (*next.map)["Files"] = NewFilesObject(c.files);
  (*next.map)["Release"] = (*top.map)["Release"];
  (*next.map)["Capabilities"] = (*top.map)["Capabilities"];
  Value vals = Value::NewMap();
  vals.type_name = "chartutil.Values";
  if (c.IsRoot()) {
    vals = (*top.map)["Values"];
  } else {
    auto pv = parent_vals.map->find("Values");
    if (pv != parent_vals.map->end() && pv->second.type == Type::kMap) {
      auto it = pv->second.map->find(c.name);
      if (it != pv->second.map->end() && it->second.type == Type::kMap) vals = it->second;
    }
  }
  (*next.map)["Values"] = vals;
  (*next.map)["Subcharts"] = subcharts;
  for (auto& sc : c.charts) (*subcharts.map)[sc->name] = RecAllTpls(*sc, tpls, next, top);
  std::string id = c.FullPath();
  bool library = c.type == "library";
  for (const auto& t : c.templates) {
    std::string base = t.name.substr(t.name.rfind('/') + 1);
    if (library && base.rfind('_', 0) != 0) continue;
    tpls[id + "/" + t.name] = Renderable{&t.data, next, id + "/templates"};
  }
  return next;
}

std::vector<std::string> SortTemplates(const std::map<std::string, Renderable>& tpls) {
  std::vector<std::string> keys;
  for (const auto& kv : tpls) keys.push_back(kv.first);
  std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
    long ca = std::count(a.begin(), a.end(), '/'), cb = std::count(b.begin(), b.end(), '/');
    if (ca != cb) return ca > cb;
    return a > b;
  });
  return keys;
}

std::string Base(const std::string& p) {
  size_t s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

std::string ReformatExecError(const gt::ExecError& e, const std::string& filename) {
  std::string msg = e.what();
  // tokens := strings.SplitN(err.Error(), ": ", 3)
  size_t a = msg.find(": ");
  if (a == std::string::npos) return "execution error in (" + filename + "): " + msg;
  size_t b = msg.find(": ", a + 2);
  if (b == std::string::npos) return "execution error in (" + filename + "): " + msg;
  std::string location = msg.substr(a + 2, b - a - 2);
  std::string rest = msg.substr(b + 2);
  size_t ws = rest.find(kWarnStart);
  if (ws != std::string::npos) {
    size_t we = rest.rfind(kWarnEnd);
    if (we != std::string::npos && we >= ws) {
      return "execution error at (" + location + "): " + rest.substr(ws + std::strlen(kWarnStart), we - ws - std::strlen(kWarnStart));
    }
  }
  return msg;
}

std::map<std::string, std::string> Render(Chart& chart, const Value& top, const TemplateOptions& opts) {
  std::map<std::string, Renderable> tpls;
  RecAllTpls(chart, tpls, top, top);
  std::vector<std::string> keys = SortTemplates(tpls);
  const gt::FuncMap& funcs = HelmFuncs();
  gt::TemplateSet set(&funcs);
  // A manifest file without define/block only matters when it is executed:
  // it is parsed just before it runs and dropped after, so its parse tree
  // does not stay in memory (a big chart's trees are ~25x its template
  // text). Helm parses every file first, in this order, and reports the
  // first parse error before any execution error; when anything fails, the
  // lazy files are parsed for errors then (FirstLazyParseError), so errors
  // come out as Helm's while a successful render parses each file once.
  std::map<std::string, bool> lazy;  // name -> not parsed into `set` yet
  auto parse_error = [](const gt::ParseError& e, const std::string& name) {
    // cleanupParseError: "parse error at (LOCATION): LAST"
    std::string msg = e.what();
    size_t a = msg.find(": ");
    size_t b = a == std::string::npos ? std::string::npos : msg.find(": ", a + 2);
    std::string location = b == std::string::npos ? name : msg.substr(a + 2, b - a - 2);
    std::string last = msg.substr(msg.rfind(": ") + 2);
    return RenderError("parse error at (" + location + "): " + last);
  };
  // The first parse error of a lazy file that sorts before `limit` (all of
  // them when empty), as Helm would have reported it.
  auto first_lazy_parse_error = [&](const std::string& limit) -> std::optional<RenderError> {
    for (const auto& name : keys) {
      if (!limit.empty() && name == limit) break;
      if (!lazy.count(name)) continue;
      try {
        gt::TemplateSet check(&funcs);
        check.Parse(name, *tpls[name].text);
      } catch (const gt::ParseError& e) {
        return parse_error(e, name);
      }
    }
    return std::nullopt;
  };
  for (const auto& name : keys) {
    const std::string& text = *tpls[name].text;
    if (Base(name).rfind('_', 0) != 0 && text.find("define") == std::string::npos &&
        text.find("block") == std::string::npos) {
      lazy[name] = true;
      continue;
    }
    try {
      set.Parse(name, text);
    } catch (const gt::ParseError& e) {
      if (auto earlier = first_lazy_parse_error(name)) throw *earlier;
      throw parse_error(e, name);
    }
  }
  set.SetLoader([&](gt::TemplateSet& s, const std::string& name) {
    auto it = lazy.find(name);
    if (it == lazy.end() || !it->second) return false;
    it->second = false;  // parsed into the set from now on
    s.Parse(name, *tpls[name].text);
    return true;
  });
  std::map<std::string, std::string> rendered;
  EngineCtx ctx;
  ctx.max_include = opts.max_include_depth;
  gt::ExecState st;
  st.limits.max_output = opts.max_output;
  st.limits.max_depth = opts.max_include_depth + 100;
  st.user = &ctx;
  size_t total = 0;
  for (const auto& name : keys) {
    if (Base(name).rfind('_', 0) == 0) continue;
    Renderable& r = tpls[name];
    Value tmpl = Value::NewMap();
    tmpl.type_name = "chartutil.Values";
    (*tmpl.map)["Name"] = Value::String(name);
    (*tmpl.map)["BasePath"] = Value::String(r.base_path);
    (*r.vals.map)["Template"] = tmpl;
    std::string out;
    st.depth = 0;
    st.limits.max_output = opts.max_output - std::min(total, opts.max_output);
    try {
      auto lz = lazy.find(name);
      if (lz != lazy.end() && lz->second) {
        gt::TemplateSet one(&funcs, &set);
        one.Parse(name, *r.text);
        gt::Execute(one, name, r.vals, st, &out);
      } else {
        gt::Execute(set, name, r.vals, st, &out);
      }
    } catch (const gt::ParseError& e) {
      if (auto first = first_lazy_parse_error("")) throw *first;
      throw parse_error(e, name);
    } catch (const gt::ExecError& e) {
      if (auto first = first_lazy_parse_error("")) throw *first;
      throw RenderError(ReformatExecError(e, name));
    } catch (const std::runtime_error& e) {
      if (auto first = first_lazy_parse_error("")) throw *first;
      throw RenderError(e.what());
    }
    total += out.size();
    rendered[name] = ReplaceAll(std::move(out), "<no value>", "");
  }
  return rendered;
}

void CollectCrds(const Chart& c, std::vector<std::pair<std::string, const std::string*>>* out) {
  for (const auto& f : c.files) {
    if (f.name.rfind("crds/", 0) != 0) continue;
    std::string ext = f.name.substr(f.name.rfind('.') == std::string::npos ? f.name.size() : f.name.rfind('.'));
    if (ext != ".yaml" && ext != ".yml" && ext != ".json") continue;
    out->push_back({c.FullPath() + "/" + f.name, &f.data});
  }
  for (const auto& sc : c.charts) CollectCrds(*sc, out);
}

void ValidateSchemas(Chart& c, const Value& values, std::string* sb) {
  if (!c.schema.empty()) {
    std::vector<std::string> errs = ValidateSchema(c.schema, values);
    if (!errs.empty()) {
      *sb += c.name + ":\n";
      for (const auto& e : errs) *sb += "- " + e + "\n";
    }
  }
  for (auto& sc : c.charts) {
    Value sv;
    if (values.type == Type::kMap) {
      auto it = values.map->find(sc->name);
      if (it != values.map->end()) sv = it->second;
    }
    if (sv.type != Type::kMap) sv = Value::NewMap();
    ValidateSchemas(*sc, sv, sb);
  }
}

}  // namespace

Value UserValues(const TemplateOptions& opts) {
  Value base = Value::NewMap();
  std::vector<std::pair<std::string, std::string>> docs;  // (name, text)
  for (const auto& fpath : opts.value_files) docs.push_back({fpath, ReadFile(fpath)});
  for (size_t i = 0; i < opts.values_yaml.size(); ++i) docs.push_back({"values", opts.values_yaml[i]});
  for (const auto& [fpath, data] : docs) {
    Value cur;
    try {
      cur = gt::ParseYamlValue(data, fpath);
    } catch (const yaml::ParseError& e) {
      throw HelmError("failed to parse " + fpath + ": error converting YAML to JSON: " +
                      (e.go_message().empty() ? std::string(e.what()) : e.go_message()));
    }
    if (cur.IsNil()) cur = Value::NewMap();
    if (cur.type != Type::kMap)
      throw HelmError("failed to parse " + fpath + ": error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " +
                      std::string(cur.type == Type::kList ? "array" : "string") + " into Go value of type map[string]interface {}");
    base = MergeMaps(base, cur);
  }
  for (const auto& v : opts.set_json) {
    std::string t = TrimSpace(v);
    if (!t.empty() && t[0] == '{') {
      Value m;
      try {
        m = gt::ParseJsonValue(t);
      } catch (const std::exception&) {
        throw HelmError("failed parsing --set-json data JSON: " + v);
      }
      if (m.type != Type::kMap) throw HelmError("failed parsing --set-json data JSON: " + v);
      base = MergeMaps(base, m);
    } else {
      try {
        ParseSet(v, base, SetKind::kJson);
      } catch (const HelmError&) {
        throw HelmError("failed parsing --set-json data " + v);
      }
    }
  }
  for (const auto& v : opts.set) {
    try { ParseSet(v, base, SetKind::kTyped); } catch (const HelmError& e) { throw HelmError(std::string("failed parsing --set data: ") + e.what()); }
  }
  for (const auto& v : opts.set_string) {
    try { ParseSet(v, base, SetKind::kString); } catch (const HelmError& e) { throw HelmError(std::string("failed parsing --set-string data: ") + e.what()); }
  }
  for (const auto& v : opts.set_file) {
    try {
      ParseSet(v, base, SetKind::kFile, [](const std::string& p) { return ReadFile(p); });
    } catch (const HelmError& e) {
      throw HelmError(std::string("failed parsing --set-file data: ") + e.what());
    }
  }
  return base;
}

TemplateResult Template(const TemplateOptions& opts) {
  TemplateResult result;
  std::shared_ptr<Chart> chart = LoadChart(opts.chart_path);
  if (!chart->type.empty() && chart->type != "application")
    throw HelmError(chart->type + " charts are not installable");
  if (chart->deprecated) result.warnings.push_back("WARNING: This chart is deprecated");
  if (!chart->dependencies.empty()) {
    std::vector<std::string> missing;
    for (const auto& r : chart->dependencies) {
      bool found = false;
      for (const auto& d : chart->charts) if (d->name == r.name) found = true;
      if (!found) missing.push_back(r.name);
    }
    if (!missing.empty()) {
      std::string m;
      for (size_t i = 0; i < missing.size(); ++i) m += (i ? ", " : "") + missing[i];
      throw HelmError("An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: " + m);
    }
  }
  Value vals = UserValues(opts);
  std::string kube = NormalizeKubeVersion(opts.kube_version);
  if (!chart->kube_version.empty()) {
    gt::SemVersion kv;
    gt::ParseSemver(kube, &kv);
    bool ok = false;
    try { ok = gt::SemverSatisfies(chart->kube_version, kv); } catch (...) { ok = false; }
    if (!ok) throw HelmError("chart requires kubeVersion: " + chart->kube_version + " which is incompatible with Kubernetes " + kube);
  }
  ProcessDependencies(*chart, vals);
  Relink(*chart);
  Value top = Value::NewMap();
  (*top.map)["Capabilities"] = NewCapabilities(kube, opts.api_versions);
  Value release = Value::NewMap();
  (*release.map)["Name"] = Value::String(opts.release_name);
  (*release.map)["Namespace"] = Value::String(opts.namespace_);
  (*release.map)["IsUpgrade"] = Value::Bool(opts.is_upgrade);
  (*release.map)["IsInstall"] = Value::Bool(!opts.is_upgrade);
  (*release.map)["Revision"] = Value::Int(1);
  (*release.map)["Service"] = Value::String("Helm");
  (*top.map)["Release"] = release;
  Value values = CoalesceValues(*chart, vals, false);
  values.type_name = "chartutil.Values";
  if (!opts.skip_schema_validation) {
    std::string sb;
    ValidateSchemas(*chart, values, &sb);
    if (!sb.empty()) {
      if (sb.back() == '\n') sb.pop_back();
      throw HelmError("values don't meet the specifications of the schema(s) in the following chart(s):\n" + sb);
    }
  }
  (*top.map)["Values"] = values;

  std::map<std::string, std::string> files = Render(*chart, top, opts);
  for (auto it = files.begin(); it != files.end();) {
    if (it->first.size() >= 9 && it->first.compare(it->first.size() - 9, 9, "NOTES.txt") == 0) it = files.erase(it);
    else ++it;
  }
  // SortManifests
  std::vector<Manifest> generic, hooks;
  for (const auto& [path, content] : files) {
    if (Base(path).rfind('_', 0) == 0) continue;
    if (TrimSpace(content).empty()) continue;
    for (std::string& doc : SplitManifests(content)) {
      Manifest m;
      m.name = path;
      m.content = std::move(doc);
      std::map<std::string, std::string> ann;
      ParseHead(path, m.content, &m, &ann);
      auto h = ann.find("helm.sh/hook");
      if (ann.empty() || h == ann.end()) {
        generic.push_back(std::move(m));
        continue;
      }
      bool unknown = false;
      std::string hs = h->second;
      size_t s = 0;
      while (true) {
        size_t c = hs.find(',', s);
        std::string ev = TrimSpace(hs.substr(s, c == std::string::npos ? std::string::npos : c - s));
        for (auto& ch : ev) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        static const char* known[] = {"pre-install", "post-install", "pre-delete", "post-delete", "pre-upgrade",
                                      "post-upgrade", "pre-rollback", "post-rollback", "test", "test-success"};
        bool ok = false;
        for (const char* k : known) if (ev == k) ok = true;
        if (!ok) { unknown = true; break; }
        if (ev == "test" || ev == "test-success") m.test = true;
        if (c == std::string::npos) break;
        s = c + 1;
      }
      if (unknown) {
        result.warnings.push_back("info: skipping unknown hook: \"" + hs + "\"");
        continue;
      }
      m.hook = true;
      hooks.push_back(std::move(m));
    }
  }
  auto by_kind = [](const Manifest& a, const Manifest& b) { return LessByKind(a.kind, b.kind); };
  files.clear();
  std::stable_sort(generic.begin(), generic.end(), by_kind);
  std::stable_sort(hooks.begin(), hooks.end(), by_kind);

  std::string b;
  std::vector<std::pair<std::string, const std::string*>> crds;
  if (opts.include_crds) CollectCrds(*chart, &crds);
  {
    size_t total = 64;
    for (const auto& [name, data] : crds) total += name.size() + data->size() + 16;
    for (const auto& m : generic) total += m.name.size() + m.content.size() + 16;
    for (const auto& m : hooks) total += m.name.size() + m.content.size() + 16;
    b.reserve(total);
  }
  if (opts.include_crds) {
    for (const auto& [name, data] : crds) {
      b += "---\n# Source: ";
      b += name;
      b += "\n";
      b += *data;
      b += "\n";
    }
  }
  for (const auto& m : generic) {
    b += "---\n# Source: ";
    b += m.name;
    b += "\n";
    b += m.content;
    b += "\n";
  }
  // strings.TrimSpace(manifest) + "\n", in place (the CRDs can be megabytes)
  {
    size_t lead = b.find_first_not_of(" \t\r\n\v\f");
    if (lead == std::string::npos) b.clear();
    else {
      b.erase(0, lead);
      b.erase(b.find_last_not_of(" \t\r\n\v\f") + 1);
    }
    b += "\n";
  }
  std::string& manifests = b;
  for (const auto& h : hooks) {
    if (opts.skip_tests && h.test) continue;
    manifests += "---\n# Source: " + h.name + "\n" + h.content + "\n";
  }
  generic.clear();
  hooks.clear();
  if (opts.show_only.empty()) {
    result.output = std::move(manifests);
    return result;
  }
  std::vector<std::string> docs = SplitManifests(manifests);
  std::string out;
  for (const auto& f : opts.show_only) {
    bool missing = true;
    for (const auto& doc : docs) {
      size_t p = doc.find("# Source: ");
      if (p == std::string::npos) continue;
      size_t nameb = p + 10;
      size_t slash = doc.find('/', nameb);
      size_t eol = doc.find('\n', nameb);
      if (slash == std::string::npos || slash == nameb || (eol != std::string::npos && slash > eol)) continue;
      std::string mname = doc.substr(slash + 1, eol == std::string::npos ? std::string::npos : eol - slash - 1);
      if (mname.empty()) continue;
      if (!GlobMatch(f, mname)) continue;
      out += "---\n" + doc + "\n";
      missing = false;
    }
    if (missing) throw HelmError("could not find template " + f + " in chart");
  }
  result.output = std::move(out);
  return result;
}

}  // namespace capstan::helm
