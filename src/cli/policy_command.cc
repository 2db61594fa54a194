// capstan policy: Rego / OPA Gatekeeper policies.
//   capstan policy test PATH...            gator verify over suite.yaml files
//   capstan policy eval --template T --constraint C [--inventory F]... OBJECT
//   capstan policy eval < request.json     {"modules", "data", "input", "query"}
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/read_input.h"
#include "policy/gatekeeper.h"
#include "policy/policy.h"
#include "policy/suite.h"
#include "yaml/yaml.h"

namespace {

namespace policy = capstan::policy;
namespace yaml = capstan::yaml;

std::string ReadFile(const std::string& path) {
  std::string text, error;
  if (!capstan::cli::ReadInput(path, &text, &error)) throw std::runtime_error(error);
  return text;
}

yaml::Node ReadOne(const std::string& path) {
  std::vector<yaml::Node> docs = yaml::ParseAll(ReadFile(path), path);
  if (docs.size() != 1) throw std::runtime_error(path + ": expected exactly one object, found " + std::to_string(docs.size()));
  return docs[0];
}

std::string JsonString(const std::string& s) { return policy::ToJson(policy::Value::String(s)); }

// The JSON request contract of the OPA conformance runner.
int EvalRequest() {
  std::string out;
  try {
    yaml::Node req = yaml::ParseJson(ReadFile("-"), "<stdin>");
    policy::Engine engine;
    if (const yaml::Node* mods = req.Get("modules")) {
      for (const auto& f : mods->fields) engine.AddModule(f.value.value, f.key.value);
    }
    if (const yaml::Node* d = req.Get("data"); d && d->IsMap()) engine.SetData(policy::FromNode(*d));
    if (const yaml::Node* in = req.Get("input")) engine.SetInput(policy::FromNode(*in));
    if (const yaml::Node* it = req.Get("input_term"); it && it->IsString()) {
      engine.SetInput(policy::EvalTermText(it->value));
    }
    const yaml::Node* strict = req.Get("strict_error");
    engine.Compile();
    auto rows = engine.Query(req.StrAt({"query"}), strict && strict->AsBool());
    out = "{\"result\":[";
    for (size_t i = 0; i < rows.size(); ++i) {
      if (i) out += ",";
      out += "{";
      for (size_t j = 0; j < rows[i].size(); ++j) {
        if (j) out += ",";
        out += JsonString(rows[i][j].first) + ":" + policy::ToJson(rows[i][j].second);
      }
      out += "}";
    }
    out += "]}";
  } catch (const policy::Error& e) {
    out = "{\"error\":" + JsonString(e.what()) + ",\"code\":" + JsonString(e.code()) + "}";
    std::printf("%s\n", out.c_str());
    return 1;
  } catch (const std::exception& e) {
    out = "{\"error\":" + JsonString(e.what()) + "}";
    std::printf("%s\n", out.c_str());
    return 1;
  }
  std::printf("%s\n", out.c_str());
  return 0;
}

int EvalGatekeeper(const std::string& tfile, const std::string& cfile, const std::vector<std::string>& inventory,
                   const std::string& object_file, const std::string& output) {
  try {
    policy::Template t = policy::LoadTemplate(ReadOne(tfile), tfile);
    policy::Constraint c = policy::LoadConstraint(ReadOne(cfile), cfile);
    if (c.kind != t.kind) {
      throw std::runtime_error(cfile + ": constraint kind " + c.kind + " does not match the template's kind " + t.kind);
    }
    std::vector<yaml::Node> inv;
    for (const std::string& f : inventory) {
      for (yaml::Node& d : yaml::ParseAll(ReadFile(f), f)) inv.push_back(std::move(d));
    }
    // Every object of the file (a rendered stream works; `kind: List` is
    // expanded); violations of all of them, in order.
    std::vector<yaml::Node> objects;
    for (yaml::Node& d : yaml::ParseAll(ReadFile(object_file), object_file)) {
      const yaml::Node* items = d.Get("items");
      if (d.StrAt({"kind"}).size() > 4 && d.StrAt({"kind"}).ends_with("List") && items && items->IsSeq()) {
        for (const yaml::Node& i : items->items) objects.push_back(i);
      } else {
        objects.push_back(std::move(d));
      }
    }
    policy::Value inventory = policy::BuildInventory(inv);
    std::vector<policy::Violation> vs;
    std::vector<std::string> where;
    for (const yaml::Node& object : objects) {
      for (policy::Violation& v : policy::Review(t, c, object, inventory)) {
        std::string ns = object.StrAt({"metadata", "namespace"});
        where.push_back(object.StrAt({"kind"}) + " " + (ns.empty() ? "" : ns + "/") + object.StrAt({"metadata", "name"}));
        vs.push_back(std::move(v));
      }
    }
    if (output == "json") {
      std::string out = "{\"violations\":[";
      for (size_t i = 0; i < vs.size(); ++i) {
        if (i) out += ",";
        out += "{\"msg\":" + JsonString(vs[i].msg);
        if (vs[i].details) out += ",\"details\":" + policy::ToJson(*vs[i].details);
        out += "}";
      }
      out += "]}";
      std::printf("%s\n", out.c_str());
    } else {
      for (size_t i = 0; i < vs.size(); ++i) {
        std::printf("%s: %s: %s %s: %s\n", object_file.c_str(), where[i].c_str(), c.kind.c_str(), c.name.c_str(),
                    vs[i].msg.c_str());
      }
    }
    return vs.empty() || c.enforcement_action != "deny" ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstan policy eval: %s\n", e.what());
    return 1;
  }
}

int RunTests(const std::vector<std::string>& paths, bool verbose) {
  std::vector<std::string> suites = policy::FindSuites(paths);
  if (suites.empty()) {
    std::fprintf(stderr, "capstan policy test: no suite.yaml found\n");
    return 1;
  }
  int passed = 0, failed = 0;
  for (const std::string& s : suites) {
    for (const policy::CaseResult& r : policy::RunSuite(s)) {
      std::string id = r.suite + " " + r.test + (r.name.empty() ? "" : "/" + r.name);
      if (r.passed) {
        ++passed;
        if (verbose) std::printf("ok    %s%s\n", id.c_str(), r.skipped ? " (skipped)" : "");
      } else {
        ++failed;
        std::printf("FAIL  %s: %s\n", id.c_str(), r.error.c_str());
      }
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

int Run(int argc, char** argv) {
  CLI::App app{"Rego and OPA Gatekeeper policies: verify suites, evaluate constraints and queries"};
  app.require_subcommand(1);
  CLI::App* test = app.add_subcommand("test", "Run Gatekeeper suite.yaml tests (gator verify)");
  std::vector<std::string> paths;
  bool verbose = false;
  test->add_option("path", paths, "suite.yaml files or directories searched for them")->required();
  test->add_flag("-v,--verbose", verbose, "Also list passing cases");
  CLI::App* eval = app.add_subcommand(
      "eval", "Violations of a constraint for an object; with no flags, a JSON query request on stdin");
  std::string tfile, cfile, object, output = "text";
  std::vector<std::string> inventory;
  eval->add_option("--template", tfile, "ConstraintTemplate file");
  eval->add_option("--constraint", cfile, "Constraint file");
  eval->add_option("--inventory", inventory, "Inventory objects (data.inventory); repeatable")
      ->allow_extra_args(false);
  eval->add_option("-o,--output", output, "text or json")->check(CLI::IsMember({"text", "json"}));
  eval->add_option("object", object, "File of objects (a YAML stream, a List, or an AdmissionReview) to review; - for stdin");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (test->parsed()) return RunTests(paths, verbose);
  if (tfile.empty() && cfile.empty() && object.empty()) return EvalRequest();
  if (tfile.empty() || cfile.empty() || object.empty()) {
    std::fprintf(stderr, "capstan policy eval: --template, --constraint and OBJECT go together\n");
    return 2;
  }
  return EvalGatekeeper(tfile, cfile, inventory, object, output);
}

capstan::cli::Command policy_command("policy", "Rego / Gatekeeper policies: test suites, evaluate constraints",
                                     Run);

}  // namespace
