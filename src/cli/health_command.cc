// capstan health: health of each object read, as Argo CD assesses it.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/read_input.h"
#include "health/health.h"
#include "resource/resource.h"
#include "yaml/yaml.h"

namespace {

namespace health = capstan::health;
namespace yaml = capstan::yaml;

using capstan::cli::ReadInput;

// Documents of a stream, with `kind: List` (kubectl get -o yaml) expanded.
void Flatten(std::vector<yaml::Node>& docs, std::vector<yaml::Node>* out) {
  for (yaml::Node& d : docs) {
    const yaml::Node* kind = d.Get("kind");
    const yaml::Node* items = d.Get("items");
    if (kind != nullptr && kind->IsScalar() && kind->value.size() >= 4 &&
        kind->value.compare(kind->value.size() - 4, 4, "List") == 0 && items != nullptr &&
        items->IsSeq()) {
      for (yaml::Node& item : d.Get("items")->items) out->push_back(std::move(item));
    } else {
      out->push_back(std::move(d));
    }
  }
}

struct Row {
  std::string api_version, kind, ns, name;
  std::optional<health::HealthStatus> health;
};

yaml::Node StatusNode(const std::optional<health::HealthStatus>& h) {
  return h ? yaml::Node::String(health::CodeName(h->code)) : yaml::Node::Null();
}

yaml::Node ResultNode(const Row& r, bool identity) {
  yaml::Node n = yaml::Node::Map();
  if (identity) {
    n.Set("apiVersion", yaml::Node::String(r.api_version));
    n.Set("kind", yaml::Node::String(r.kind));
    if (!r.ns.empty()) n.Set("namespace", yaml::Node::String(r.ns));
    n.Set("name", yaml::Node::String(r.name));
  }
  if (!identity && !r.health) return n;  // a lone object with no health: {}
  n.Set("status", StatusNode(r.health));
  n.Set("message", yaml::Node::String(r.health ? r.health->message : ""));
  return n;
}

void PrintTable(const std::vector<Row>& rows, bool wide) {
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> head = {"KIND", "NAMESPACE", "NAME", "HEALTH", "MESSAGE"};
  if (wide) head.insert(head.begin(), "APIVERSION");
  cells.push_back(head);
  for (const Row& r : rows) {
    std::vector<std::string> c = {r.kind, r.ns, r.name,
                                  r.health ? std::string(health::CodeName(r.health->code)) : "-",
                                  r.health ? r.health->message : ""};
    if (wide) c.insert(c.begin(), r.api_version);
    cells.push_back(std::move(c));
  }
  std::vector<size_t> width(head.size(), 0);
  for (const auto& c : cells) {
    for (size_t i = 0; i < c.size(); ++i) width[i] = std::max(width[i], c[i].size());
  }
  for (const auto& c : cells) {
    std::string line;
    for (size_t i = 0; i < c.size(); ++i) {
      line += c[i];
      if (i + 1 < c.size()) line += std::string(width[i] - c[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
  }
}

int RunHealth(int argc, char** argv) {
  CLI::App app{"Health of each object read (Healthy, Progressing, Degraded, Suspended, Missing, "
               "Unknown), as Argo CD / gitops-engine assess it",
               "capstan health"};
  std::string output, scripts_dir, config_file, input;
  app.add_option("-o,--output", output, "Output format: json, yaml or wide (default: table)")
      ->check(CLI::IsMember({"json", "yaml", "wide"}));
  app.add_option("--health-scripts", scripts_dir,
                 "Directory of Lua health checks laid out as DIR/<group>/<kind>/health.lua "
                 "(`_` folders are wildcards)");
  app.add_option("--health-config", config_file,
                 "argocd-cm style ConfigMap with resource.customizations.health.<group>_<kind> keys");
  bool argocd_builtins = false;
  app.add_flag("--argocd-builtins", argocd_builtins,
               "Also apply the checks Argo CD ships as Lua: argoproj.io Rollout and Application, "
               "batch CronJob");
  app.add_option("file", input, "YAML/JSON file of live objects, or - for stdin")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  health::LuaHealthScripts scripts;
  std::string error;
  if (!scripts_dir.empty() && !scripts.LoadDirectory(scripts_dir, &error)) {
    std::fprintf(stderr, "capstan health: %s\n", error.c_str());
    return 1;
  }
  if (!config_file.empty()) {
    std::string text;
    if (!ReadInput(config_file, &text, &error)) {
      std::fprintf(stderr, "capstan health: %s\n", error.c_str());
      return 1;
    }
    try {
      bool found = false;
      for (const yaml::Node& doc : yaml::ParseAll(text, config_file)) {
        if (doc.StrAt({"kind"}) != "ConfigMap") continue;
        found = true;
        if (!scripts.LoadConfigMap(doc, config_file, &error)) {
          std::fprintf(stderr, "capstan health: %s\n", error.c_str());
          return 1;
        }
      }
      if (!found) {
        std::fprintf(stderr, "capstan health: %s: no ConfigMap found\n", config_file.c_str());
        return 1;
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "capstan health: %s\n", e.what());
      return 1;
    }
  }

  std::string text;
  if (!ReadInput(input, &text, &error)) {
    std::fprintf(stderr, "capstan health: %s\n", error.c_str());
    return 1;
  }
  std::vector<yaml::Node> objects;
  try {
    std::vector<yaml::Node> docs = yaml::ParseAll(text, input == "-" ? "<stdin>" : input);
    Flatten(docs, &objects);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstan health: %s\n", e.what());
    return 1;
  }

  health::Options options;
  if (!scripts.empty()) options.scripts = &scripts;
  options.argocd_builtins = argocd_builtins;
  std::vector<Row> rows;
  std::vector<health::ResourceHealth> resources;
  for (size_t i = 0; i < objects.size(); ++i) {
    const yaml::Node& obj = objects[i];
    if (!obj.IsMap()) {
      std::fprintf(stderr, "capstan health: %s: document %zu: not a Kubernetes object (expected a mapping)\n",
                   input.c_str(), i + 1);
      return 1;
    }
    Row r;
    r.api_version = obj.StrAt({"apiVersion"});
    r.kind = obj.StrAt({"kind"});
    r.ns = obj.StrAt({"metadata", "namespace"});
    r.name = obj.StrAt({"metadata", "name"});
    std::string group = capstan::resource::Gvk::FromApiVersion(r.api_version, r.kind).group;
    health::ResourceHealth rh =
        health::ResourceHealthOf(&obj, group, r.kind, r.ns, r.name, options);
    r.health = rh.health;
    rows.push_back(std::move(r));
    resources.push_back(std::move(rh));
  }

  if (output == "json" || output == "yaml") {
    yaml::Node out;
    if (rows.size() == 1) {
      out = ResultNode(rows[0], /*identity=*/false);
    } else {
      out = yaml::Node::Seq();
      for (const Row& r : rows) out.items.push_back(ResultNode(r, /*identity=*/true));
    }
    std::string s = output == "json" ? yaml::EmitJson(out, 2) + "\n" : yaml::EmitYaml(out);
    std::fwrite(s.data(), 1, s.size(), stdout);
    return 0;
  }
  PrintTable(rows, output == "wide");
  if (rows.size() > 1) {
    health::AppHealth app_health = health::Aggregate(resources);
    std::printf("\nAPP HEALTH: %s", std::string(health::CodeName(app_health.code)).c_str());
    if (!app_health.reason.empty()) std::printf(" (%s)", app_health.reason.c_str());
    std::printf("\n");
  }
  return 0;
}

const capstan::cli::Command kCmd("health",
                                 "Health of live objects (Healthy/Progressing/Degraded/...), as Argo CD assesses it",
                                 RunHealth);

}  // namespace
