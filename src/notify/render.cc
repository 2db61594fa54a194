#include "notify/render.h"

#include <chrono>
#include <ctime>
#include <memory>

#include "gotemplate/convert.h"
#include "gotemplate/sprig.h"
#include "gotemplate/template.h"
#include "notify/notify.h"

namespace capstan::notify {

namespace gt = gotemplate;
using gt::Value;

namespace {

// A Go func value (.repo.RepoURLToHTTPS) that `call` runs.
struct FuncValue : gt::Object {
  std::string name;  // "repo.RepoURLToHTTPS"
  std::function<Value(std::vector<Value>&)> fn;  // empty: not supported
  std::string TypeName() const override { return "func"; }
  std::string KindName() const override { return "func"; }
  bool Field(std::string_view, Value*) const override { return false; }
  std::string Format() const override { return "func " + name; }
};

// A time.Time (UTC), printed as Go prints one.
struct TimeValue : gt::Object {
  int64_t unix_nanos = 0;
  std::string TypeName() const override { return "time.Time"; }
  std::string KindName() const override { return "struct"; }
  bool Field(std::string_view, Value*) const override { return false; }
  bool HasMethod(std::string_view n) const override { return n == "Unix" || n == "Format"; }
  Value CallMethod(std::string_view n, std::vector<Value>& args) override {
    if (n == "Unix") return Value::Int64(unix_nanos / 1000000000);
    if (args.size() == 1 && args[0].s == "2006-01-02T15:04:05Z07:00") return Value::String(Stamp("%Y-%m-%dT%H:%M:%SZ", false));
    throw gt::FuncError("time.Time.Format: only the RFC3339 layout is supported by capstan");
  }
  std::string Stamp(const char* fmt, bool nanos) const {
    time_t secs = static_cast<time_t>(unix_nanos / 1000000000);
    struct tm tm {};
    gmtime_r(&secs, &tm);
    char buf[64];
    strftime(buf, sizeof buf, fmt, &tm);
    std::string out = buf;
    if (nanos) {
      int64_t ns = unix_nanos % 1000000000;
      if (ns) {
        char frac[16];
        snprintf(frac, sizeof frac, ".%09lld", static_cast<long long>(ns));
        std::string f = frac;
        while (f.back() == '0') f.pop_back();
        out += f;
      }
      out += " +0000 UTC";
    }
    return out;
  }
  std::string Format() const override { return Stamp("%Y-%m-%d %H:%M:%S", true); }
};

Value Func(std::string name, std::function<Value(std::vector<Value>&)> fn) {
  auto f = std::make_shared<FuncValue>();
  f->name = std::move(name);
  f->fn = std::move(fn);
  return Value::NewObject(f);
}

std::string StringArg(const std::vector<Value>& a, size_t i, const std::string& fn) {
  if (i >= a.size() || a[i].type != gt::Type::kString) throw gt::FuncError(fn + ": argument " + std::to_string(i + 1) + " must be a string");
  return a[i].s;
}

Value Time(int64_t unix_nanos) {
  auto t = std::make_shared<TimeValue>();
  t->unix_nanos = unix_nanos;
  return Value::NewObject(t);
}

// giturls.Parse + scheme https, no user.
std::string RepoURLToHTTPS(const std::string& url) {
  std::string rest = url;
  size_t scheme = rest.find("://");
  if (scheme != std::string::npos) {
    rest = rest.substr(scheme + 3);
    size_t slash = rest.find('/');
    size_t at = rest.find('@');
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) rest = rest.substr(at + 1);
    return "https://" + rest;
  }
  size_t at = rest.find('@');
  if (at != std::string::npos) rest = rest.substr(at + 1);
  size_t colon = rest.find(':');
  if (colon != std::string::npos) {
    std::string path = rest.substr(colon + 1);
    if (!path.empty() && path[0] == '/') path.erase(0, 1);
    return "https://" + rest.substr(0, colon) + "/" + path;
  }
  return "https://" + rest;
}

Value TimeParse(std::vector<Value>& a) {
  std::string s = StringArg(a, 0, "time.Parse");
  struct tm tm {};
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end || (*end != 'Z' && *end != '\0')) throw gt::FuncError("time.Parse: " + s + " is not an RFC3339 UTC time");
  return Time(static_cast<int64_t>(timegm(&tm)) * 1000000000);
}

Value Unsupported(const std::string& group, const std::string& name) {
  return Func(group + "." + name, nullptr);
}

// .time / .repo / .strings / .sync: maps of function values, every other
// name Argo CD offers is present and refused when called.
Value Namespaces() {
  Value time = Value::NewMap(), repo = Value::NewMap(), strings = Value::NewMap(), sync = Value::NewMap();
  (*time.map)["Now"] = Func("time.Now", [](std::vector<Value>&) {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    return Time(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
  });
  (*time.map)["Parse"] = Func("time.Parse", TimeParse);
  (*repo.map)["RepoURLToHTTPS"] = Func("repo.RepoURLToHTTPS", [](std::vector<Value>& a) {
    return Value::String(RepoURLToHTTPS(StringArg(a, 0, "repo.RepoURLToHTTPS")));
  });
  for (const char* n : {"FullNameByRepoURL", "QueryEscape", "GetCommitMetadata", "GetAppDetails"})
    (*repo.map)[n] = Unsupported("repo", n);
  (*strings.map)["ReplaceAll"] = Func("strings.ReplaceAll", [](std::vector<Value>& a) {
    std::string s = StringArg(a, 0, "strings.ReplaceAll"), from = StringArg(a, 1, "strings.ReplaceAll"),
                to = StringArg(a, 2, "strings.ReplaceAll"), out;
    if (from.empty()) return Value::String(s);
    size_t pos = 0;
    for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) out += s.substr(pos, hit - pos) + to;
    return Value::String(out + s.substr(pos));
  });
  for (const char* n : {"ToUpper", "ToLower"}) (*strings.map)[n] = Unsupported("strings", n);
  (*sync.map)["GetInfoItem"] = Unsupported("sync", "GetInfoItem");
  Value out = Value::NewMap();
  (*out.map)["time"] = time;
  (*out.map)["repo"] = repo;
  (*out.map)["strings"] = strings;
  (*out.map)["sync"] = sync;
  return out;
}

const gt::FuncMap& Funcs() {
  static const gt::FuncMap* m = [] {
    auto* f = new gt::FuncMap;
    gt::AddBuiltins(f);
    gt::AddSprig(f);
    f->funcs.erase("env");
    f->funcs.erase("expandenv");
    f->funcs["call"] = [](gt::Executor&, std::vector<Value>& a) -> Value {
      auto* fn = a.empty() || a[0].type != gt::Type::kObject ? nullptr : dynamic_cast<FuncValue*>(a[0].obj.get());
      if (!fn) throw gt::FuncError("call of non-function");
      if (!fn->fn) throw gt::FuncError(fn->name + " is not supported by capstan");
      std::vector<Value> rest(a.begin() + 1, a.end());
      return fn->fn(rest);
    };
    return f;
  }();
  return *m;
}

// "WHERE:LINE: REASON" (Go's message without the template name twice).
std::string ParseMessage(const gt::ParseError& e, const std::string& where) {
  return where + ":" + std::to_string(e.line) + ": " + e.reason;
}

}  // namespace

void CheckTemplate(const std::string& text, const std::string& where) {
  gt::TemplateSet set(&Funcs());
  try {
    set.Parse(where, text);
  } catch (const gt::ParseError& e) {
    throw ConfigError(ParseMessage(e, where));
  }
}

std::string RenderTemplate(const std::string& text, const yaml::Node& env, const std::string& where) {
  gt::TemplateSet set(&Funcs());
  std::string out;
  try {
    set.Parse(where, text);
    Value dot = gt::FromYamlNode(env);
    if (dot.type != gt::Type::kMap) dot = Value::NewMap();
    Value ns = Namespaces();
    for (auto& [k, v] : *ns.map) (*dot.map)[k] = v;
    gt::ExecState state;
    state.limits.max_output = size_t{1} << 20;
    state.limits.max_steps = uint64_t{1} << 22;
    state.limits.max_seconds = 5;
    gt::Execute(set, where, dot, state, &out);
  } catch (const gt::ParseError& e) {
    throw ConfigError(ParseMessage(e, where));
  } catch (const gt::ExecError& e) {
    std::string pos = e.location.size() > where.size() ? e.location.substr(where.size()) : "";
    throw ConfigError(where + pos + ": " + e.reason);
  } catch (const std::runtime_error& e) {
    throw ConfigError(where + ": " + e.what());
  }
  return out;
}

}  // namespace capstan::notify
