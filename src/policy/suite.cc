#include "policy/suite.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "policy/builtins.h"
#include "policy/gatekeeper.h"
#include "yaml/yaml.h"

namespace capstan::policy {

namespace fs = std::filesystem;

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<yaml::Node> ReadDocs(const std::string& path) { return yaml::ParseAll(ReadFile(path), path); }

yaml::Node ReadOne(const std::string& path) {
  std::vector<yaml::Node> docs = ReadDocs(path);
  if (docs.size() != 1) throw std::runtime_error(path + ": expected exactly one object, found " + std::to_string(docs.size()));
  return docs[0];
}

// Checks one assertion; returns an empty string when it holds.
std::string Check(const yaml::Node& a, const std::vector<Violation>& vs) {
  std::string message = a.StrAt({"message"});
  size_t n = 0;
  for (const Violation& v : vs) {
    if (message.empty() || RegexSearch(message, v.msg)) ++n;
  }
  const yaml::Node* want = a.Get("violations");
  std::string w = want && want->IsScalar() ? want->value : "yes";
  if (want && want->IsBool()) w = want->AsBool() ? "yes" : "no";
  std::string about = message.empty() ? "" : " matching /" + message + "/";
  if (w == "yes") return n > 0 ? "" : "expected at least one violation" + about + ", got none";
  if (w == "no") return n == 0 ? "" : "expected no violations" + about + ", got " + std::to_string(n);
  if (want && want->IsInt()) {
    size_t expect = static_cast<size_t>(want->AsInt());
    return n == expect ? "" : "expected " + std::to_string(expect) + " violations" + about + ", got " + std::to_string(n);
  }
  return "assertion: violations must be an integer, yes or no, got \"" + w + "\"";
}

}  // namespace

bool RegexSearch(const std::string& pattern, const std::string& text) {
  const Builtin* b = FindBuiltin("regex.match");
  Budget budget;
  BuiltinContext ctx{&budget};
  Value args[2] = {Value::String(pattern), Value::String(text)};
  Value out;
  try {
    b->fn(ctx, args, &out);
  } catch (const BuiltinError& e) {
    throw std::runtime_error(e.message);
  }
  return out.IsTrue();
}

std::vector<std::string> FindSuites(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (auto it = fs::recursive_directory_iterator(p, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (!it->is_regular_file()) continue;
        std::string ext = it->path().extension().string();
        if (ext != ".yaml" && ext != ".yml") continue;
        std::string name = it->path().filename().string();
        if (name != "suite.yaml" && name != "suite.yml") {
          // other files only when they declare kind: Suite
          std::string text = ReadFile(it->path().string());
          if (text.find("kind: Suite") == std::string::npos) continue;
        }
        out.push_back(it->path().string());
      }
    } else {
      out.push_back(p);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<CaseResult> RunSuite(const std::string& suite_file) {
  std::vector<CaseResult> results;
  yaml::Node suite;
  try {
    suite = ReadOne(suite_file);
    if (suite.StrAt({"kind"}) != "Suite") throw std::runtime_error(suite_file + ": kind: expected Suite");
  } catch (const std::exception& e) {
    results.push_back({suite_file, "", "", false, false, e.what()});
    return results;
  }
  fs::path dir = fs::path(suite_file).parent_path();
  auto rel = [&](const std::string& p) { return (dir / p).lexically_normal().string(); };
  const yaml::Node* tests = suite.Get("tests");
  if (!tests) return results;
  std::map<std::string, std::shared_ptr<Template>> templates;
  for (const yaml::Node& test : tests->items) {
    std::string tname = test.StrAt({"name"});
    std::shared_ptr<Template> tmpl;
    std::optional<Constraint> constraint;
    std::string load_error;
    try {
      std::string tf = rel(test.StrAt({"template"}));
      if (!templates.count(tf)) templates[tf] = std::make_shared<Template>(LoadTemplate(ReadOne(tf), tf));
      tmpl = templates[tf];
      std::string cf = rel(test.StrAt({"constraint"}));
      constraint = LoadConstraint(ReadOne(cf), cf);
      if (constraint->kind != tmpl->kind) {
        throw std::runtime_error(cf + ": constraint kind " + constraint->kind + " does not match template kind " + tmpl->kind);
      }
    } catch (const std::exception& e) {
      load_error = e.what();
    }
    const yaml::Node* cases = test.Get("cases");
    if (!cases || cases->items.empty()) {
      if (!load_error.empty()) results.push_back({suite_file, tname, "", false, false, load_error});
      continue;
    }
    for (const yaml::Node& c : cases->items) {
      CaseResult r{suite_file, tname, c.StrAt({"name"}), false, false, ""};
      if (c.Get("skip") && c.Get("skip")->AsBool()) {
        r.skipped = r.passed = true;
        results.push_back(r);
        continue;
      }
      if (!load_error.empty()) {
        r.error = load_error;
        results.push_back(r);
        continue;
      }
      try {
        yaml::Node object = ReadOne(rel(c.StrAt({"object"})));
        std::vector<yaml::Node> inv;
        if (const yaml::Node* files = c.Get("inventory")) {
          for (const yaml::Node& f : files->items) {
            for (yaml::Node& d : ReadDocs(rel(f.value))) inv.push_back(std::move(d));
          }
        }
        std::vector<Violation> vs = Review(*tmpl, *constraint, object, BuildInventory(inv));
        std::string failure;
        if (const yaml::Node* as = c.Get("assertions")) {
          for (const yaml::Node& a : as->items) {
            std::string f = Check(a, vs);
            if (!f.empty() && failure.empty()) failure = f;
          }
        }
        r.passed = failure.empty();
        r.error = failure;
      } catch (const std::exception& e) {
        r.error = e.what();
      }
      results.push_back(r);
    }
  }
  return results;
}

}  // namespace capstan::policy
