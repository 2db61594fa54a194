// Where health scripts come from: a resource_customizations-style directory
// and argocd-cm style ConfigMap keys, looked up the way Argo CD does.
#include <exception>
#include <filesystem>

#include "base/file_system.h"
#include "health/health.h"
#include "yaml/yaml.h"

namespace capstan::health {

namespace {

constexpr std::string_view kCustomizations = "resource.customizations";

// Argo CD's glob (gobwas/glob without separators): `*` any run, `?` one char.
bool GlobMatch(std::string_view pat, std::string_view s) {
  size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
  while (i < s.size()) {
    if (p < pat.size() && (pat[p] == '?' || pat[p] == s[i])) {
      ++p;
      ++i;
    } else if (p < pat.size() && pat[p] == '*') {
      star = p++;
      mark = i;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

// "<group>_<kind>" or "<kind>" to an override key, as Argo CD's settings do.
bool OverrideKey(std::string_view group_kind, std::string* key) {
  size_t first = group_kind.find('_');
  if (first == std::string_view::npos) {
    if (group_kind.empty()) return false;
    *key = std::string(group_kind);
  } else {
    if (group_kind.find('_', first + 1) != std::string_view::npos) return false;
    *key = std::string(group_kind.substr(0, first)) + "/" +
           std::string(group_kind.substr(first + 1));
  }
  if (*key == "all") *key = "*/*";
  return true;
}

}  // namespace

void LuaHealthScripts::Add(std::string key, LuaScript script, bool from_config) {
  (from_config ? config_ : dir_)[std::move(key)] = std::move(script);
}

const LuaScript* LuaHealthScripts::FindIn(const std::map<std::string, LuaScript, std::less<>>& m,
                                          std::string_view key) {
  if (auto it = m.find(key); it != m.end()) return &it->second;
  const LuaScript* best = nullptr;
  size_t best_len = 0;
  for (const auto& [pattern, script] : m) {
    if (pattern.find_first_of("*?") == std::string::npos) continue;
    if (!GlobMatch(pattern, key)) continue;
    if (best == nullptr || pattern.size() > best_len) {
      best = &script;
      best_len = pattern.size();
    }
  }
  return best;
}

const LuaScript* LuaHealthScripts::Find(std::string_view group, std::string_view kind) const {
  std::string key = group.empty() ? std::string(kind) : std::string(group) + "/" + std::string(kind);
  if (const LuaScript* s = FindIn(config_, key)) return s;
  return FindIn(dir_, key);
}

bool LuaHealthScripts::LoadDirectory(const std::string& dir, std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    *error = dir + ": not a directory";
    return false;
  }
  fs::recursive_directory_iterator it(dir, ec), end;
  if (ec) {
    *error = dir + ": " + ec.message();
    return false;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) {
      *error = dir + ": " + ec.message();
      return false;
    }
    if (it->path().filename() != "health.lua" || !it->is_regular_file(ec)) continue;
    fs::path rel = fs::relative(it->path().parent_path(), dir, ec);
    std::string key = rel.generic_string();
    // <group>/<kind> or <Kind>; deeper files (e.g. under actions/) are not
    // health checks of a kind.
    size_t depth = 1;
    for (char c : key) depth += c == '/';
    if (key.empty() || key == "." || depth > 2) continue;
    for (char& c : key) {
      if (c == '_') c = '*';  // `_` folders are wildcards, as in Argo CD
    }
    LuaScript script;
    script.source = it->path().string();
    if (!base::ReadFile(it->path().string(), &script.code, nullptr)) {
      *error = script.source + ": cannot read file";
      return false;
    }
    Add(std::move(key), std::move(script), /*from_config=*/false);
  }
  return true;
}

bool LuaHealthScripts::LoadConfigMap(const yaml::Node& cm, std::string_view source,
                                     std::string* error) {
  const yaml::Node* data = cm.Get("data");
  if (data == nullptr || data->IsNull()) return true;
  if (!data->IsMap()) {
    *error = std::string(source) + ": ConfigMap " + cm.StrAt({"metadata", "name"}) +
             ": field data: expected a mapping";
    return false;
  }
  auto where = [&](std::string_view key) {
    return std::string(source) + ": ConfigMap " + cm.StrAt({"metadata", "name"}) + ": data." +
           std::string(key);
  };
  // Old style first: one key holding "<group>/<kind>": {health.lua: ...}.
  if (const yaml::Node* old = data->Get(kCustomizations); old != nullptr && old->IsScalar()) {
    yaml::Node parsed;
    try {
      parsed = yaml::ParseOne(old->value, where(kCustomizations));
    } catch (const std::exception& e) {
      *error = e.what();
      return false;
    }
    if (!parsed.IsNull() && !parsed.IsMap()) {
      *error = where(kCustomizations) + ": expected a mapping of <group>/<kind> to overrides";
      return false;
    }
    for (const yaml::Field& f : parsed.fields) {
      const yaml::Node* lua = f.value.Get("health.lua");
      if (lua == nullptr || !lua->IsScalar() || lua->value.empty()) continue;
      Add(f.key.value, LuaScript{lua->value, where(kCustomizations) + "." + f.key.value},
          /*from_config=*/true);
    }
  }
  // Split keys: resource.customizations.health.<group>_<kind> (these win).
  constexpr std::string_view kPrefix = "resource.customizations.health.";
  for (const yaml::Field& f : data->fields) {
    std::string_view k = f.key.value;
    if (k.substr(0, kPrefix.size()) != kPrefix) continue;
    std::string key;
    if (!OverrideKey(k.substr(kPrefix.size()), &key)) {
      *error = where(k) + ": group kind should be in format " +
               "resource.customizations.health.<group_kind> or resource.customizations.health.<kind>";
      return false;
    }
    if (!f.value.IsScalar()) {
      *error = where(k) + ": expected a Lua script string";
      return false;
    }
    if (f.value.value.empty()) continue;
    Add(std::move(key), LuaScript{f.value.value, where(k)}, /*from_config=*/true);
  }
  return true;
}

}  // namespace capstan::health
