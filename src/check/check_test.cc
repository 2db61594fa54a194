#include "check/check.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace capstan::check {
namespace {

namespace fs = std::filesystem;

class CheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("capstan-check-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text;
  }
  fs::path root_;
};

const char kCm[] = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  k: v\n";

TEST_F(CheckTest, FindsKustomizationsButNotComponentsOrHiddenDirs) {
  Write("b/kustomization.yaml", "resources: [cm.yaml]\n");
  Write("a/x/Kustomization", "resources: [cm.yaml]\n");
  Write("c/kustomization.yml", "kind: Component\n");
  Write(".git/kustomization.yaml", "resources: []\n");
  Write("skip/kustomization.yaml", "resources: []\n");
  std::vector<Target> t = FindKustomizations(root_.string(), {"skip"});
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].path, "a/x");
  EXPECT_EQ(t[1].path, "b");
}

TEST_F(CheckTest, ResultsInTargetOrderWhateverTheJobs) {
  for (int i = 0; i < 12; ++i) {
    std::string d = "t" + std::to_string(i < 10 ? 0 : 1) + std::to_string(i % 10);
    Write(d + "/kustomization.yaml", "resources: [cm.yaml]\nnamePrefix: " + d + "-\n");
    Write(d + "/cm.yaml", i == 5 ? std::string(kCm) + "  n: 1\n" : kCm);
  }
  auto schemas = validate::Schemas::BuiltIn();
  Options o;
  o.jobs = 4;
  Result r = check::Run(root_.string(), FindKustomizations(root_.string()), *schemas, o);
  ASSERT_EQ(r.targets.size(), 12u);
  EXPECT_TRUE(r.failed);
  for (size_t i = 0; i < r.targets.size(); ++i) {
    EXPECT_EQ(r.targets[i].failed, i == 5) << r.targets[i].target.name;
    ASSERT_EQ(r.targets[i].objects.size(), 1u);
    EXPECT_EQ(r.targets[i].objects[0].StrAt({"metadata", "name"}), r.targets[i].target.path + "-c");
  }
  validate::Report rep = ToReport(r);
  EXPECT_EQ(rep.subjects.size(), 12u);
  ASSERT_EQ(rep.findings.size(), 1u);
  EXPECT_EQ(rep.findings[0].path, "data.n");
}

}  // namespace
}  // namespace capstan::check
