// capstan diff-objects: compares one desired object with one live object the
// way Argo CD does (src/diff). A file holding JSON `null` (or nothing) stands
// for an absent object.
//
// Text output: the unified diff; exit 1 when modified, 0 when not (like
// `kubectl diff`). JSON output (-o json): {"modified": bool, "diff": "..."},
// exit 0.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "diff/diff.h"
#include "yaml/yaml.h"

namespace {

using capstan::yaml::Node;

// Reads one object; returns false with `error` set on failure.
bool ReadObject(const std::string& path, Node* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot open file";
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::vector<Node> docs;
  try {
    docs = capstan::yaml::ParseAll(ss.str(), path);
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
  if (docs.empty()) {
    *out = Node::Null();
    return true;
  }
  if (docs.size() > 1) {
    *error = path + ": expected one object, found " + std::to_string(docs.size()) + " documents";
    return false;
  }
  if (!docs[0].IsNull() && !docs[0].IsMap()) {
    *error = path + ": expected a Kubernetes object (a mapping) or null";
    return false;
  }
  *out = std::move(docs[0]);
  return true;
}

int Run(int argc, char** argv) {
  CLI::App app{"Compare a desired object with a live one as Argo CD does (modified or not)",
               "capstan diff-objects"};
  std::string output = "text";
  std::vector<std::string> pointers, jq_paths, managers;
  bool ignore_aggregated_roles = false;
  std::string desired_path, live_path;
  app.add_option("-o,--output", output, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--ignore-json-pointer", pointers,
                 "Do not compare this RFC 6901 path (repeatable)");
  app.add_option("--ignore-jq-path", jq_paths,
                 "Do not compare what this jq path expression selects (repeatable)");
  app.add_option("--ignore-managed-fields-manager", managers,
                 "Do not compare fields this manager owns in live managedFields (repeatable)");
  app.add_flag("--ignore-aggregated-roles", ignore_aggregated_roles,
               "Do not compare rules of aggregated (Cluster)Roles");
  app.add_option("DESIRED", desired_path, "Desired object (YAML or JSON; `null` = absent)")->required();
  app.add_option("LIVE", live_path, "Live object (YAML or JSON; `null` = absent)")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  Node desired, live;
  std::string error;
  if (!ReadObject(desired_path, &desired, &error) || !ReadObject(live_path, &live, &error)) {
    std::fprintf(stderr, "capstan diff-objects: %s\n", error.c_str());
    return 1;
  }
  capstan::diff::Options options;
  options.ignore_aggregated_roles = ignore_aggregated_roles;
  if (!pointers.empty() || !jq_paths.empty() || !managers.empty()) {
    capstan::diff::IgnoreDifferences rule;
    rule.group = "*";
    rule.kind = "*";
    rule.json_pointers = pointers;
    rule.jq_path_expressions = jq_paths;
    rule.managed_fields_managers = managers;
    options.ignore_differences.push_back(std::move(rule));
  }
  capstan::diff::DiffResult result;
  try {
    result = capstan::diff::Diff(&desired, &live, options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstan diff-objects: %s vs %s: %s\n", desired_path.c_str(), live_path.c_str(),
                 e.what());
    return 1;
  }
  if (output == "json") {
    Node out = Node::Map();
    out.Set("modified", Node::Bool(result.modified));
    out.Set("diff", Node::String(result.unified));
    std::printf("%s\n", capstan::yaml::EmitJson(out).c_str());
    return 0;
  }
  std::fputs(result.unified.c_str(), stdout);
  return result.modified ? 1 : 0;
}

capstan::cli::Command kCmd("diff-objects", "Compare a desired object with a live object (Argo CD diff)", Run);

}  // namespace
