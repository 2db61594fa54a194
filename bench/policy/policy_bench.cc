// Gatekeeper evaluation throughput.
//
//   policy_bench --library DIR --objects FILE [--repeat N] [--ignore-match]
//
// Loads every ConstraintTemplate and the constraints its suite.yaml tests
// use (the whole gatekeeper-library under DIR), reads the objects of FILE (a
// YAML stream, e.g. `capstan build` output), and reviews every object
// against every constraint as `gator test` does (match, then the template's
// violation rules). Prints template load time, objects x constraints per
// second, violations found, and peak RSS. --ignore-match drops every
// constraint's spec.match, so every template's Rego runs on every object.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "lib/process_usage.h"
#include "policy/gatekeeper.h"
#include "policy/suite.h"
#include "yaml/yaml.h"

namespace policy = capstan::policy;
namespace yaml = capstan::yaml;

namespace {

using capstan::bench::CpuSeconds;

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot open\n", path.c_str());
    std::exit(1);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string library, objects_file;
  int repeat = 1;
  bool ignore_match = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--ignore-match")) ignore_match = true;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--ignore-match")) --i;
    if (!std::strcmp(argv[i], "--library")) library = argv[i + 1];
    else if (!std::strcmp(argv[i], "--objects")) objects_file = argv[i + 1];
    else if (!std::strcmp(argv[i], "--repeat")) repeat = std::atoi(argv[i + 1]);
  }
  if (library.empty() || objects_file.empty()) {
    std::fprintf(stderr, "usage: policy_bench --library DIR --objects FILE [--repeat N] [--ignore-match]\n");
    return 2;
  }
  auto t0 = std::chrono::steady_clock::now();
  std::map<std::string, std::shared_ptr<policy::Template>> templates;
  std::map<std::string, std::pair<std::shared_ptr<policy::Template>, policy::Constraint>> constraints;
  for (const std::string& suite_file : policy::FindSuites({library})) {
    std::string dir = suite_file.substr(0, suite_file.rfind('/') + 1);
    yaml::Node suite = yaml::ParseOne(Read(suite_file), suite_file);
    const yaml::Node* tests = suite.Get("tests");
    if (!tests) continue;
    for (const yaml::Node& t : tests->items) {
      std::string tf = dir + t.StrAt({"template"}), cf = dir + t.StrAt({"constraint"});
      if (!templates.count(tf)) {
        templates[tf] = std::make_shared<policy::Template>(policy::LoadTemplate(yaml::ParseOne(Read(tf), tf), tf));
      }
      if (!constraints.count(cf)) {
        policy::Constraint c = policy::LoadConstraint(yaml::ParseOne(Read(cf), cf), cf);
        if (ignore_match) c.match = yaml::Node::Null();
        constraints.emplace(cf, std::make_pair(templates[tf], c));
      }
    }
  }
  double load = Seconds(t0);
  std::vector<yaml::Node> objects = yaml::ParseAll(Read(objects_file), objects_file);
  policy::Value inventory = policy::BuildInventory(objects);
  std::vector<policy::Value> reviews;
  for (const yaml::Node& o : objects) reviews.push_back(policy::BuildReview(o));
  size_t evaluations = 0, violations = 0, errors = 0, matched = 0;
  for (const auto& [file, tc] : constraints) {
    for (const policy::Value& review : reviews) matched += policy::Matches(tc.second, review, inventory);
  }
  auto t1 = std::chrono::steady_clock::now();
  double cpu0 = CpuSeconds();
  for (int r = 0; r < repeat; ++r) {
    for (const auto& [file, tc] : constraints) {
      for (const policy::Value& review : reviews) {
        ++evaluations;
        try {
          violations += policy::ReviewBuilt(*tc.first, tc.second, review, inventory).size();
        } catch (const std::exception& e) {
          if (errors++ == 0) std::fprintf(stderr, "%s: %s\n", file.c_str(), e.what());
        }
      }
    }
  }
  double secs = Seconds(t1);
  double cpu = CpuSeconds() - cpu0;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf("templates %zu, constraints %zu, objects %zu (load %.3f s)\n", templates.size(), constraints.size(),
              objects.size(), load);
  std::printf("objects x constraints: %zu in %.3f s wall = %.0f reviews/s; %.3f s CPU = %.0f reviews per CPU second "
              "(%zu of %zu per pass match and run Rego); violations %zu, errors %zu; peak RSS %ld MB\n",
              evaluations, secs, evaluations / secs, cpu, evaluations / cpu, matched, evaluations / repeat,
              violations / repeat, errors, ru.ru_maxrss / 1024);
  return errors ? 1 : 0;
}
