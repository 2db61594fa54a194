#include "validate/cel.h"

#include <gtest/gtest.h>

#include "yaml/yaml.h"

namespace capstan::validate {
namespace {

using Outcome = CelProgram::Outcome;

Outcome Eval(const std::string& rule, const std::string& self_yaml, std::string* error = nullptr) {
  std::string e;
  auto p = CelProgram::Compile(rule);
  yaml::Node self = yaml::ParseOne(self_yaml);
  Outcome o = p->Evaluate(self, true, &e);
  if (error) *error = e;
  return o;
}

TEST(Cel, Basics) {
  EXPECT_EQ(Eval("self > 0", "3"), Outcome::kTrue);
  EXPECT_EQ(Eval("self > 0", "-3"), Outcome::kFalse);
  EXPECT_EQ(Eval("!has(self.o) || self.o % self.v == 0", "{v: 3, o: 9}"), Outcome::kTrue);
  EXPECT_EQ(Eval("!has(self.o) || self.o % self.v == 0", "{v: 3, o: 8}"), Outcome::kFalse);
  EXPECT_EQ(Eval("!has(self.o) || self.o % self.v == 0", "{v: 3}"), Outcome::kTrue);
  EXPECT_EQ(Eval("self.min <= self.max ? true : false", "{min: 1, max: 2.5}"), Outcome::kTrue);
  EXPECT_EQ(Eval("size(self.name) <= 5 && self.name.startsWith('ab')", "{name: abc}"), Outcome::kTrue);
  EXPECT_EQ(Eval("self.name.matches('^[a-z]+$')", "{name: Abc}"), Outcome::kFalse);
  EXPECT_EQ(Eval("self.mode in ['a', 'b']", "{mode: c}"), Outcome::kFalse);
  EXPECT_EQ(Eval("'x' in self", "{x: 1}"), Outcome::kTrue);
  EXPECT_EQ(Eval("self.ports.all(p, p.port > 0 && p.port < 65536)", "{ports: [{port: 80}, {port: 70000}]}"), Outcome::kFalse);
  EXPECT_EQ(Eval("self.ports.exists(p, p.name == 'http')", "{ports: [{name: http}]}"), Outcome::kTrue);
  EXPECT_EQ(Eval("self.ports.exists_one(p, p.port == 80)", "{ports: [{port: 80}, {port: 80}]}"), Outcome::kFalse);
  EXPECT_EQ(Eval("self.enabled == true", "{enabled: on}"), Outcome::kTrue);  // YAML 1.1 bool
}

TEST(Cel, ErrorsAndCelsErrorAbsorbingLogic) {
  std::string err;
  EXPECT_EQ(Eval("self.missing > 0", "{a: 1}", &err), Outcome::kError);
  EXPECT_EQ(err, "no such key: missing");
  EXPECT_EQ(Eval("self.missing > 0 || true", "{a: 1}"), Outcome::kTrue);
  EXPECT_EQ(Eval("false && self.missing > 0", "{a: 1}"), Outcome::kFalse);
  EXPECT_EQ(Eval("self.a / 0 == 1", "{a: 1}", &err), Outcome::kError);
  EXPECT_EQ(err, "division by zero");
  EXPECT_EQ(Eval("self.a * self.a > 0", "{a: 4000000000}", &err), Outcome::kError);
  EXPECT_EQ(err, "integer overflow");
}

TEST(Cel, OutsideTheSubsetIsNotEvaluated) {
  auto transition = CelProgram::Compile("self == oldSelf");
  EXPECT_TRUE(transition->transition());
  std::string err;
  EXPECT_EQ(Eval("self.name.lowerAscii() == 'a'", "{name: a}", &err), Outcome::kUnsupported);
  EXPECT_EQ(err, "function lowerAscii()");
  EXPECT_EQ(Eval("self.x == {'a': 1}", "{x: 1}"), Outcome::kUnsupported);
  EXPECT_EQ(Eval("(((", "{}"), Outcome::kUnsupported);
  EXPECT_EQ(Eval(std::string(200, '(') + "1" + std::string(200, ')') + " == 1", "{}"), Outcome::kUnsupported);
  EXPECT_EQ(Eval(std::string(100000, '!') + "true", "{}"), Outcome::kUnsupported);
}

}  // namespace
}  // namespace capstan::validate
