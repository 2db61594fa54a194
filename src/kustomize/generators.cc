#include "kustomize/generators.h"

#include <filesystem>
#include <map>

#include "base/base64.h"

namespace capstan::kustomize {

namespace {

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += n;
  }
  return true;
}

// kyaml's encoding of generated Secret/binary data: base64 wrapped at 70
// columns, every line newline-terminated once the value needs a second line.
std::string WrappedBase64(std::string_view v) {
  std::string in = base::Base64Encode(v);
  constexpr size_t kLine = 70;
  size_t lines = in.size() / kLine + 1;
  if (lines <= 1) return in;
  std::string out;
  for (size_t i = 0; i < in.size(); i += kLine) {
    out += in.substr(i, kLine);
    out += '\n';
  }
  return out;
}

std::string StripQuotes(const std::string& v) {
  if (v.size() >= 2 && (v[0] == '"' || v[0] == '\'') && v.back() == v[0]) return v.substr(1, v.size() - 2);
  return v;
}

std::vector<std::string> Strings(const Node* n, const std::string& where) {
  std::vector<std::string> out;
  if (!n || n->IsNull()) return out;
  if (n->IsScalar()) {  // `env: file` (singular, legacy)
    out.push_back(n->value);
    return out;
  }
  if (!n->IsSeq()) Fail(where + ": expected a list of strings");
  for (const auto& i : n->items) {
    if (!i.IsScalar()) Fail(where + ": expected a list of strings");
    out.push_back(i.value);
  }
  return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs LoadPairs(const GeneratorContext& ctx, const Node& args, const std::string& where) {
  Pairs out;
  std::vector<std::string> envs = Strings(args.Get("envs"), where + ": envs");
  for (const auto& e : Strings(args.Get("env"), where + ": env")) envs.push_back(e);
  for (const auto& path : envs) {
    std::string text = ctx.loader.ReadFile(path);
    size_t line_no = 0, pos = 0;
    while (pos <= text.size()) {
      size_t nl = text.find('\n', pos);
      std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      pos = nl == std::string::npos ? text.size() + 1 : nl + 1;
      if (line_no == 0 && line.rfind("\xEF\xBB\xBF", 0) == 0) line = line.substr(3);
      ++line_no;
      if (!ValidUtf8(line)) Fail(path + ": line " + std::to_string(line_no) + " has invalid utf8 bytes");
      size_t b = line.find_first_not_of(" \t\r\v\f");
      if (b == std::string::npos) continue;
      line = line.substr(b);
      if (line[0] == '#') continue;
      size_t eq = line.find('=');
      if (eq == std::string::npos) {
        const char* env = std::getenv(line.c_str());
        out.emplace_back(line, env ? env : "");
      } else {
        out.emplace_back(line.substr(0, eq), line.substr(eq + 1));
      }
    }
  }
  for (const auto& lit : Strings(args.Get("literals"), where + ": literals")) {
    size_t eq = lit.find('=');
    if (eq == std::string::npos) Fail(where + ": invalid literal source " + lit + ", expected key=value");
    out.emplace_back(lit.substr(0, eq), StripQuotes(lit.substr(eq + 1)));
  }
  for (const auto& src : Strings(args.Get("files"), where + ": files")) {
    std::string key, path;
    size_t eq = src.find('=');
    if (eq == std::string::npos) {
      path = src;
      key = std::filesystem::path(src).filename().string();
    } else {
      key = src.substr(0, eq);
      path = src.substr(eq + 1);
      if (key.empty()) Fail(where + ": file source " + src + " has an empty key");
      if (path.empty()) Fail(where + ": file source " + src + " has an empty path");
    }
    if (ctx.loader.IsDir(path)) Fail(where + ": file source '" + path + "' is a directory");
    out.emplace_back(key, ctx.loader.ReadFile(path));
  }
  return out;
}

struct GenOptions {
  Node labels = Node::Map(), annotations = Node::Map();
  bool disable_hash = false, immutable = false;
};

GenOptions MergeOptions(const Node* local, const Node* global) {
  GenOptions o;
  auto take = [](const Node* opts, GenOptions& o, bool overwrite) {
    if (!opts || !opts->IsMap()) return;
    for (const char* f : {"labels", "annotations"}) {
      const Node* m = opts->Get(f);
      if (!m || !m->IsMap()) continue;
      Node& dst = std::string(f) == "labels" ? o.labels : o.annotations;
      for (const auto& kv : m->fields) {
        if (overwrite || !dst.Has(kv.key.value)) dst.Set(kv.key.value, Str(ScalarText(kv.value)));
      }
    }
    if (const Node* d = opts->Get("disableNameSuffixHash"); d && d->value == "true") o.disable_hash = true;
    if (const Node* d = opts->Get("immutable"); d && d->value == "true") o.immutable = true;
  };
  take(local, o, true);
  take(global, o, false);
  return o;
}

Resource MakeObject(const GeneratorContext& ctx, const Node& args, const std::string& kind) {
  if (!args.IsMap()) Fail(ctx.file + ": " + kind + " generator entry must be a mapping");
  std::string name = args.StrAt({"name"});
  if (name.empty()) Fail(ctx.file + ": " + kind + " generator: missing name");
  std::string where = ctx.file + ": " + kind + " generator '" + name + "'";
  std::string behavior = args.StrAt({"behavior"}, "create");
  if (behavior.empty()) behavior = "create";
  // kustomize's NewGenerationBehavior maps any other value to
  // "unspecified", which appends like create.
  if (behavior != "create" && behavior != "merge" && behavior != "replace") behavior = "create";
  GenOptions opts = MergeOptions(args.Get("options"), ctx.global_options);
  Pairs pairs = LoadPairs(ctx, args, where);

  Resource r;
  r.behavior = behavior;
  r.needs_hash = !opts.disable_hash;
  Node obj = Node::Map();
  obj.Set("apiVersion", Str("v1"));
  obj.Set("kind", Str(kind));
  Node md = Node::Map();
  md.Set("name", Str(name));
  std::string ns = args.StrAt({"namespace"});
  if (!ns.empty()) md.Set("namespace", Str(ns));
  if (opts.labels.size()) md.Set("labels", opts.labels);
  if (opts.annotations.size()) md.Set("annotations", opts.annotations);
  obj.Set("metadata", md);
  Node data = Node::Map(), binary = Node::Map();
  for (auto& [k, v] : pairs) {
    if (data.Has(k) || binary.Has(k)) {
      Fail(where + ": cannot add key " + k + ", another key by that name already exists");
    }
    if (kind == "Secret") {
      data.Set(k, Str(WrappedBase64(v)));
    } else if (ValidUtf8(v)) {
      data.Set(k, Str(v));
    } else {
      binary.Set(k, Str(WrappedBase64(v)));
    }
  }
  if (data.size() || (binary.size() == 0 && false)) obj.Set("data", data);
  if (binary.size()) obj.Set("binaryData", binary);
  if (kind == "Secret") {
    std::string type = args.StrAt({"type"});
    obj.Set("type", Str(type.empty() ? "Opaque" : type));
  }
  if (opts.immutable) obj.Set("immutable", Node::Bool(true));
  r.obj = std::move(obj);
  return r;
}

}  // namespace

Resource GenerateConfigMap(const GeneratorContext& ctx, const Node& args) {
  return MakeObject(ctx, args, "ConfigMap");
}

Resource GenerateSecret(const GeneratorContext& ctx, const Node& args) {
  return MakeObject(ctx, args, "Secret");
}

void AbsorbGenerated(ResList& res, Resource r, const std::string& where) {
  ResId id = r.CurId();
  std::vector<size_t> matches;
  for (size_t i = 0; i < res.size(); ++i) {
    for (const auto& other : res[i].AllIds()) {
      if (IdEquals(other, id)) {
        matches.push_back(i);
        break;
      }
    }
  }
  if (matches.empty()) {
    if (r.behavior == "merge" || r.behavior == "replace") {
      Fail(where + ": " + IdString(id) + " does not exist; cannot merge or replace");
    }
    res.push_back(std::move(r));
    return;
  }
  if (matches.size() > 1) Fail(where + ": " + IdString(id) + ": found multiple objects to " + r.behavior);
  Resource& old = res[matches[0]];
  if (r.behavior != "merge" && r.behavior != "replace") {
    Fail(where + ": " + IdString(id) + " exists; behavior must be merge or replace");
  }
  // Metadata: labels/annotations merged (new wins), name and namespace and
  // the id history from the old object.
  Node& md = r.obj.GetOrCreateMap("metadata");
  for (const char* f : {"labels", "annotations"}) {
    const Node* old_m = old.obj.At({"metadata", f});
    if (!old_m || !old_m->IsMap() || old_m->fields.empty()) continue;
    Node merged = *old_m;
    if (const Node* nm = md.Get(f); nm && nm->IsMap())
      for (const auto& kv : nm->fields) merged.Set(kv.key.value, kv.value);
    md.Set(f, merged);
  }
  r.SetName(old.Name());
  r.SetNamespace(old.Namespace());
  r.prev_ids = old.prev_ids;
  // The merged object gets a hash suffix only when both the base object and
  // the overlay's generator ask for one (kubectl kustomize v5.5, merge and
  // replace alike): either side's disableNameSuffixHash wins.
  r.needs_hash = r.needs_hash && old.needs_hash;
  if (r.behavior == "merge") r.origin = old.origin;
  r.transformations = old.transformations;
  if (r.behavior == "merge") {
    for (const char* f : {"data", "binaryData"}) {
      const Node* old_d = old.obj.Get(f);
      if (!old_d || !old_d->IsMap()) continue;
      Node merged = *old_d;
      if (const Node* nd = r.obj.Get(f); nd && nd->IsMap())
        for (const auto& kv : nd->fields) merged.Set(kv.key.value, kv.value);
      r.obj.Set(f, merged);
    }
  }
  r.behavior.clear();
  old = std::move(r);
}

}  // namespace capstan::kustomize
