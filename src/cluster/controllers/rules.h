// Failure-simulation rules: which pods misbehave and how.
//
// Rules file (YAML, `capstan cluster up --rules FILE`):
//   rules:
//   - image: "*crash*"          # glob (* and ?) on the container image
//     behavior: crashloop       # crashloop | imagepull | notready | slow | fail
//   - image: "example.com/slow:*"
//     behavior: slow
//     readyAfterSeconds: 30     # slow: Ready after this many simulated seconds
// A pod (or pod template) annotation overrides the rules:
//   capstan.dev/simulate: crashloop | imagepull | notready | fail | slow:30
#ifndef CAPSTAN_CLUSTER_CONTROLLERS_RULES_H_
#define CAPSTAN_CLUSTER_CONTROLLERS_RULES_H_

#include <string>
#include <vector>

#include "yaml/node.h"

namespace capstan::cluster {

enum class Behavior { kNormal, kCrashLoop, kImagePull, kNotReady, kSlow, kFail };

struct Rule {
  std::string image_glob;
  Behavior behavior = Behavior::kNormal;
  double ready_after = 0;
};

struct Simulation {
  Behavior behavior = Behavior::kNormal;
  double ready_after = 0;  // kSlow
};

class Rules {
 public:
  // Throws std::runtime_error "<file>: rules[N].behavior: unknown ..." on bad input.
  static Rules Load(const std::string& path);
  static Rules Parse(const yaml::Node& doc, const std::string& source);
  Simulation For(const yaml::Node& pod) const;
  const std::vector<Rule>& rules() const { return rules_; }

 private:
  std::vector<Rule> rules_;
};

bool GlobMatch(const std::string& pattern, const std::string& text);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_CONTROLLERS_RULES_H_
