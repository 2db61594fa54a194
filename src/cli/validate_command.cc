// capstan validate: manifests against Kubernetes OpenAPI v3 schemas.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/read_input.h"
#include "cli/kube_flags.h"
#include "kube/client.h"
#include "kustomize/kustomize.h"
#include "validate/cluster_schemas.h"
#include "validate/report.h"
#include "validate/validate.h"
#include "yaml/yaml.h"

namespace {

namespace fs = std::filesystem;
namespace validate = capstan::validate;
namespace yaml = capstan::yaml;

struct Input {
  std::string name;  // file path, "-" shown as <stdin>, or the kustomization dir
  std::vector<validate::DocumentResult> documents;
  std::string error;  // cannot read / render
};

// Files named on the command line, directories walked for *.yaml/*.yml/*.json.
std::vector<std::string> ExpandPaths(const std::vector<std::string>& args, std::vector<std::string>* errors) {
  std::vector<std::string> out;
  for (const std::string& a : args) {
    std::error_code ec;
    if (a != "-" && fs::is_directory(a, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(a, fs::directory_options::skip_permission_denied, ec);
           it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        std::string ext = it->path().extension().string();
        if (it->is_regular_file(ec) && (ext == ".yaml" || ext == ".yml" || ext == ".json"))
          found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(a);
    }
  }
  return out;
}

std::string ObjectName(const validate::DocumentResult& d) {
  std::string s = d.api_version.empty() && d.kind.empty() ? "document" : d.api_version + " " + d.kind;
  if (!d.name.empty()) s += " " + (d.namespace_.empty() ? "" : d.namespace_ + "/") + d.name;
  return s + " (document " + std::to_string(d.index + 1) + ")";
}

std::string JsonOutput(const std::vector<Input>& inputs) {
  using validate::JsonString;
  std::string out = "[";
  bool first = true;
  for (const Input& in : inputs) {
    for (const validate::DocumentResult& d : in.documents) {
      out += first ? "\n" : ",\n";
      first = false;
      out += "  {\"file\": " + JsonString(in.name) + ", \"document\": " + std::to_string(d.index) +
             ", \"line\": " + std::to_string(d.line) + ", \"apiVersion\": " + JsonString(d.api_version) +
             ", \"kind\": " + JsonString(d.kind) + ", \"namespace\": " + JsonString(d.namespace_) +
             ", \"name\": " + JsonString(d.name) + ", \"valid\": " + (d.valid ? "true" : "false");
      if (d.skipped) out += ", \"skipped\": true";
      out += ", \"errors\": [";
      for (size_t i = 0; i < d.errors.size(); ++i) {
        const validate::Finding& f = d.errors[i];
        out += std::string(i ? ", " : "") + "{\"path\": " + JsonString(f.path) + ", \"type\": " + JsonString(f.type) +
               ", \"detail\": " + JsonString(f.detail) + "}";
      }
      out += "]";
      if (!d.warnings.empty()) {
        out += ", \"warnings\": [";
        for (size_t i = 0; i < d.warnings.size(); ++i) out += std::string(i ? ", " : "") + JsonString(d.warnings[i]);
        out += "]";
      }
      out += "}";
    }
  }
  return out + (first ? "]\n" : "\n]\n");
}

validate::Report ToReport(const std::vector<Input>& inputs) {
  validate::Report r;
  for (const Input& in : inputs) {
    if (!in.error.empty()) {
      r.subjects.push_back({in.name, "input", in.name, 0});
      r.findings.push_back({r.subjects.size() - 1, "validate", "InputInvalid", "error", "", in.error});
      continue;
    }
    for (const validate::DocumentResult& d : in.documents) {
      r.subjects.push_back({in.name, ObjectName(d), in.name, d.line});
      for (const validate::Finding& f : d.errors)
        r.findings.push_back({r.subjects.size() - 1, "validate", f.type, "error", f.path, f.detail});
      for (const std::string& w : d.warnings)
        r.findings.push_back({r.subjects.size() - 1, "validate", d.skipped ? "SchemaSkipped" : "CELNotEvaluated",
                              "warning", "", w});
    }
  }
  return r;
}

int RunValidate(int argc, char** argv) {
  CLI::App app{"Validate Kubernetes manifests against OpenAPI v3 schemas (Kubernetes 1.32 built in), "
               "strictly, as kubectl-validate does",
               "capstan validate"};
  std::vector<std::string> paths, kustomize_dirs, crd_dirs;
  std::string output = "text", schema_dir, patches;
  capstan::cli::KubeFlags kube_flags;
  bool from_cluster = false, ignore_missing = false;
  app.add_option("paths", paths, "Files, directories (*.yaml, *.yml, *.json) or - for stdin");
  app.add_option("-k,--kustomize", kustomize_dirs, "Render this kustomization, then validate the output")
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("-o,--output", output, "text, json, junit or sarif")
      ->check(CLI::IsMember({"text", "json", "junit", "sarif"}));
  app.add_option("--schema-dir,--schemas", schema_dir,
                 "OpenAPI v3 documents of another Kubernetes version, laid out as /openapi/v3 "
                 "(api/v1.json, apis/<group>/<version>.json)");
  app.add_flag("--from-cluster", from_cluster, "Use the schemas the cluster of the kubeconfig serves");
  capstan::cli::AddKubeFlags(&app, &kube_flags, "with --from-cluster");
  app.add_option("--crds", crd_dirs, "Directory of CustomResourceDefinition manifests (repeatable)")
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--schema-patches", patches,
                 "Directory of RFC 7386 merge patches for the schemas: api/v1.json, apis/<group>/<version>.json");
  app.add_flag("--ignore-missing-schemas", ignore_missing, "Skip objects of unknown apiVersion/kind instead of failing them");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (paths.empty() && kustomize_dirs.empty()) {
    std::fprintf(stderr, "capstan validate: nothing to validate: name files, directories, - or --kustomize DIR\n");
    return 2;
  }
  if (from_cluster && !schema_dir.empty()) {
    std::fprintf(stderr, "capstan validate: --from-cluster and --schema-dir exclude each other\n");
    return 2;
  }
  std::unique_ptr<validate::Schemas> schemas;
  try {
    if (from_cluster) {
      auto client = std::make_shared<capstan::kube::Client>(capstan::cli::LoadKubeConfig(kube_flags));
      schemas = validate::SchemasFromCluster(client);
    } else if (!schema_dir.empty()) {
      schemas = validate::Schemas::FromDirectory(schema_dir);
    } else {
      schemas = validate::Schemas::BuiltIn();
    }
    if (!patches.empty()) schemas->SetPatchDirectory(patches);
    for (const std::string& d : crd_dirs) schemas->AddCrdsFromDirectory(d);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstan validate: %s\n", e.what());
    return 1;
  }

  validate::Options options;
  options.ignore_missing_schemas = ignore_missing;
  std::vector<Input> inputs;
  std::vector<std::string> errors;
  for (const std::string& p : ExpandPaths(paths, &errors)) {
    Input in;
    in.name = p == "-" ? "<stdin>" : p;
    std::string text;
    if (!capstan::cli::ReadInput(p, &text, &in.error)) {
      inputs.push_back(std::move(in));
      continue;
    }
    in.documents = validate::ValidateText(*schemas, text, options);
    inputs.push_back(std::move(in));
  }
  for (const std::string& dir : kustomize_dirs) {
    Input in;
    in.name = dir;
    try {
      std::vector<yaml::Node> objects = capstan::kustomize::Render(dir);
      schemas->AddCrds(objects, /*override_builtin=*/false);
      for (size_t i = 0; i < objects.size(); ++i) {
        validate::DocumentResult d = validate::ValidateObject(*schemas, objects[i], options);
        d.index = i;
        in.documents.push_back(std::move(d));
      }
    } catch (const std::exception& e) {
      in.error = e.what();
    }
    inputs.push_back(std::move(in));
  }

  bool failed = false;
  size_t docs = 0, invalid = 0, skipped = 0;
  for (const Input& in : inputs) {
    if (!in.error.empty()) {
      failed = true;
      std::fprintf(stderr, "capstan validate: %s\n", in.error.c_str());
    }
    for (const auto& d : in.documents) {
      ++docs;
      if (!d.valid) ++invalid, failed = true;
      if (d.skipped) ++skipped;
    }
  }
  std::string out;
  if (output == "json") {
    out = JsonOutput(inputs);
  } else if (output == "junit") {
    out = validate::FormatJUnit(ToReport(inputs), "capstan validate", false);
  } else if (output == "sarif") {
    out = validate::FormatSarif(ToReport(inputs));
  } else {
    out = validate::FormatText(ToReport(inputs));
    out += std::to_string(docs) + " document(s): " + std::to_string(docs - invalid - skipped) + " valid, " +
           std::to_string(invalid) + " invalid" + (skipped ? ", " + std::to_string(skipped) + " skipped" : "") + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return failed ? 1 : 0;
}

const capstan::cli::Command kCmd("validate",
                                 "Validate manifests against Kubernetes OpenAPI v3 schemas (1.32 built in) and CRDs",
                                 RunValidate);

}  // namespace
