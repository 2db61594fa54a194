#include "appset/template.h"

#include <cctype>
#include <functional>
#include <vector>

#include "gotemplate/args.h"
#include "gotemplate/convert.h"
#include "gotemplate/sprig.h"
#include "gotemplate/template.h"

namespace capstan::appset {

using yaml::Node;
namespace gt = capstan::gotemplate;
using gt::Type;
using gt::Value;

std::string Normalize(const std::string& s) {
  std::string out;
  for (char c : s) {
    char l = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    out += (isalnum(static_cast<unsigned char>(l)) || l == '-' || l == '.') ? l : '-';
  }
  if (out.size() > 253) out.resize(253);
  while (!out.empty() && (out.front() == '-' || out.front() == '.')) out.erase(0, 1);
  while (!out.empty() && (out.back() == '-' || out.back() == '.')) out.pop_back();
  return out;
}

std::string Slugify(const std::string& s, size_t max_size, bool smart_truncate) {
  // gosimple/slug.Make: lowercase, runs of [^a-z0-9-_] -> '-', trim "-_".
  std::string out;
  for (char c : s) {
    char l = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '_' || l == '-';
    if (ok) out += l;
    else if (out.empty() || out.back() != '-') out += '-';
  }
  std::string collapsed;
  for (char c : out)
    if (c != '-' || collapsed.empty() || collapsed.back() != '-') collapsed += c;
  out = collapsed;
  auto trim = [](std::string& t) {
    while (!t.empty() && (t.front() == '-' || t.front() == '_')) t.erase(0, 1);
    while (!t.empty() && (t.back() == '-' || t.back() == '_')) t.pop_back();
  };
  trim(out);
  if (max_size > 0 && out.size() > max_size) {
    if (smart_truncate) {
      // Whole words ('-'-separated) that fit; the first word cut if none fits.
      std::string kept;
      size_t pos = 0;
      while (pos <= out.size()) {
        size_t dash = out.find('-', pos);
        std::string word = out.substr(pos, dash == std::string::npos ? std::string::npos : dash - pos);
        size_t want = kept.size() + (kept.empty() ? 0 : 1) + word.size();
        if (want > max_size) break;
        kept += (kept.empty() ? "" : "-") + word;
        if (dash == std::string::npos) break;
        pos = dash + 1;
      }
      out = kept.empty() ? out.substr(0, max_size) : kept;
    } else {
      out.resize(max_size);
    }
    trim(out);
  }
  return out;
}

namespace {

// ---- parameters as nested values ----

// Splits "a.b[2].c" into steps: names, and list indexes (as "[2]").
std::vector<std::string> KeySteps(const std::string& key) {
  std::vector<std::string> steps;
  std::string cur;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c == '.') {
      steps.push_back(cur);
      cur.clear();
    } else if (c == '[') {
      size_t close = key.find(']', i);
      if (close == std::string::npos) {
        cur += key.substr(i);
        break;
      }
      if (!cur.empty()) steps.push_back(cur);
      cur.clear();
      steps.push_back(key.substr(i, close - i + 1));
      i = close;
      if (i + 1 < key.size() && key[i + 1] == '.') ++i;
    } else {
      cur += c;
    }
  }
  if (!cur.empty() || steps.empty()) steps.push_back(cur);
  return steps;
}

bool IsIndex(const std::string& step, size_t* n) {
  if (step.size() < 3 || step.front() != '[' || step.back() != ']') return false;
  std::string d = step.substr(1, step.size() - 2);
  if (d.empty() || d.size() > 4 || d.find_first_not_of("0123456789") != std::string::npos) return false;
  *n = std::stoul(d);
  return true;
}

// Puts `leaf` at `steps` under `root`; conflicts keep what is there.
void Insert(Value* root, const std::vector<std::string>& steps, const std::string& leaf) {
  Value* at = root;
  for (size_t k = 0; k < steps.size(); ++k) {
    const std::string& step = steps[k];
    bool last = k + 1 == steps.size();
    size_t n = 0;
    if (IsIndex(step, &n)) {
      if (at->type != Type::kList) return;  // "path[0]" beside the path map: dropped
      if (at->list->size() <= n) at->list->resize(n + 1, Value::Nil());
      at = &(*at->list)[n];
    } else {
      if (at->type != Type::kMap) return;
      at = &(*at->map)[step];
    }
    if (last) {
      if (at->type == Type::kMap) (*at->map)[step] = Value::String(leaf);  // "path" beside "path.x"
      else if (at->type != Type::kList) *at = Value::String(leaf);
      return;
    }
    size_t next_n = 0;
    bool next_index = IsIndex(steps[k + 1], &next_n);
    if (next_index && at->IsNil()) *at = Value::NewList();
    else if (!next_index && at->type == Type::kString) {
      // "path" was a string; "path.basename" turns it into {path: ..., basename: ...}.
      Value m = Value::NewMap();
      (*m.map)[step] = *at;
      *at = m;
    } else if (!next_index && at->IsNil()) {
      *at = Value::NewMap();
    }
  }
}

const gt::FuncMap& GoTemplateFuncs() {
  static const gt::FuncMap m = [] {
    gt::FuncMap fm;
    gt::AddBuiltins(&fm);
    gt::AddSprig(&fm);
    auto& f = fm.funcs;
    // Argo CD's applicationset/utils: sprig.TxtFuncMap minus these.
    f.erase("env");
    f.erase("expandenv");
    f.erase("getHostByName");
    f["normalize"] = [](gt::Executor&, std::vector<Value>& a) {
      gt::WantArgs("normalize", a, 1);
      return Value::String(Normalize(gt::StrArg(a, 0)));
    };
    f["slugify"] = [](gt::Executor&, std::vector<Value>& a) {
      // slugify [maxSize [smartTruncate]] text
      if (a.empty() || a.size() > 3) throw gt::FuncError("slugify takes 1 to 3 arguments");
      size_t max_size = 50;
      bool smart = true;
      if (a.size() >= 2) {
        if (!a[0].IsInteger()) throw gt::FuncError("slugify: maxSize must be an int");
        max_size = a[0].i < 0 ? 0 : static_cast<size_t>(a[0].i);
      }
      if (a.size() == 3) {
        if (a[1].type != Type::kBool) throw gt::FuncError("slugify: enableSmartTruncate must be a bool");
        smart = a[1].b;
      }
      return Value::String(Slugify(gt::StrArg(a, a.size() - 1), max_size, smart));
    };
    f["toYaml"] = [](gt::Executor&, std::vector<Value>& a) {
      gt::WantArgs("toYaml", a, 1);
      std::string y;
      try {
        y = gt::ToYaml(a[0]);
      } catch (const std::exception& e) {
        throw gt::FuncError(e.what());
      }
      if (!y.empty() && y.back() == '\n') y.pop_back();
      return Value::String(y);
    };
    f["fromYaml"] = [](gt::Executor&, std::vector<Value>& a) {
      gt::WantArgs("fromYaml", a, 1);
      Value v;
      try {
        v = gt::ParseYamlValue(gt::StrArg(a, 0), "fromYaml");
      } catch (const std::exception& e) {
        throw gt::FuncError(e.what());
      }
      if (v.IsNil()) return Value::NewMap();
      if (v.type != Type::kMap) throw gt::FuncError("fromYaml: not a YAML mapping");
      return v;
    };
    f["fromYamlArray"] = [](gt::Executor&, std::vector<Value>& a) {
      gt::WantArgs("fromYamlArray", a, 1);
      Value v;
      try {
        v = gt::ParseYamlValue(gt::StrArg(a, 0), "fromYamlArray");
      } catch (const std::exception& e) {
        throw gt::FuncError(e.what());
      }
      if (v.IsNil()) return Value::NewList();
      if (v.type != Type::kList) throw gt::FuncError("fromYamlArray: not a YAML sequence");
      return v;
    };
    return fm;
  }();
  return m;
}

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\n"), b = s.find_last_not_of(" \t\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::string RenderGo(const std::string& text, const Value& dot, const TemplateOptions& options) {
  gt::TemplateSet set(&GoTemplateFuncs());
  std::string out;
  try {
    set.Parse("", text);
    gt::ExecState state;
    state.limits.max_output = size_t{1} << 24;
    state.limits.max_steps = uint64_t{1} << 24;
    state.limits.max_seconds = 10;
    state.missing_key_error = options.missing_key_error;
    gt::Execute(set, "", dot, state, &out);
  } catch (const gt::ParseError& e) {
    throw TemplateError(std::string("failed parsing template \"") + text + "\": " + e.what());
  } catch (const gt::ExecError& e) {
    throw TemplateError(std::string("failed to execute go template \"") + text + "\": " + e.what());
  } catch (const std::exception& e) {
    throw TemplateError(std::string("template \"") + text + "\": " + e.what());
  }
  return out;
}

std::string RenderFast(const std::string& text, const Params& params) {
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t open = text.find("{{", pos);
    if (open == std::string::npos) break;
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) break;
    out += text.substr(pos, open - pos);
    std::string inner = text.substr(open + 2, close - open - 2);
    auto it = params.find(Trim(inner));
    out += it != params.end() ? it->second : "{{" + inner + "}}";
    pos = close + 2;
  }
  return out + text.substr(pos);
}

Node RenderNodeWith(const Node& tmpl, const std::function<std::string(const std::string&)>& render) {
  Node out = tmpl;
  if (out.IsScalar()) {
    if (out.value.find("{{") != std::string::npos) out = Node::String(render(out.value));
    return out;
  }
  for (auto& i : out.items) i = RenderNodeWith(i, render);
  for (auto& f : out.fields) {
    if (f.key.value.find("{{") != std::string::npos) f.key = Node::String(render(f.key.value));
    f.value = RenderNodeWith(f.value, render);
  }
  return out;
}

}  // namespace

Value ParamsValue(const Params& params) {
  Value root = Value::NewMap();
  for (const auto& [k, v] : params) Insert(&root, KeySteps(k), v);
  return root;
}

std::string RenderString(const std::string& text, const Params& params, const TemplateOptions& options) {
  if (!options.go_template) return RenderFast(text, params);
  return RenderGo(text, ParamsValue(params), options);
}

Node RenderNode(const Node& tmpl, const Params& params, const TemplateOptions& options) {
  if (!options.go_template) return RenderNodeWith(tmpl, [&](const std::string& s) { return RenderFast(s, params); });
  Value dot = ParamsValue(params);
  return RenderNodeWith(tmpl, [&](const std::string& s) { return RenderGo(s, dot, options); });
}

}  // namespace capstan::appset
