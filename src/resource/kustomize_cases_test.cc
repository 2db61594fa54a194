// kustomize's own fixtures (the shared conformance corpus) for which the
// output is only resources plus strategic merge patches: applying the patches
// with the kustomize flavour must give kubectl kustomize's expected output.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "resource/patch.h"
#include "resource/test_util.h"
#include "yaml/yaml.h"

namespace capstan::resource {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Builds one case: resources (files), patchesStrategicMerge (files or
// inline), patches (path or inline, optionally targeting kind/name).
std::vector<yaml::Node> Build(const fs::path& dir) {
  yaml::Node k = yaml::ParseOne(ReadFile(dir / "kustomization.yaml"));
  std::vector<yaml::Node> docs;
  if (const yaml::Node* rs = k.Get("resources"))
    for (const yaml::Node& r : rs->items)
      for (yaml::Node& d : yaml::ParseAll(ReadFile(dir / r.Str()))) docs.push_back(std::move(d));
  struct Patch {
    yaml::Node doc;
    const yaml::Node* target;
  };
  std::vector<Patch> patches;
  if (const yaml::Node* ps = k.Get("patchesStrategicMerge"))
    for (const yaml::Node& p : ps->items) {
      std::string text = p.Str().find('\n') != std::string::npos ? p.Str() : ReadFile(dir / p.Str());
      for (yaml::Node& d : yaml::ParseAll(text)) patches.push_back({std::move(d), nullptr});
    }
  if (const yaml::Node* ps = k.Get("patches"))
    for (const yaml::Node& p : ps->items) {
      std::string text = p.Has("patch") ? p.StrAt({"patch"}) : ReadFile(dir / p.StrAt({"path"}));
      for (yaml::Node& d : yaml::ParseAll(text)) patches.push_back({std::move(d), p.Get("target")});
    }
  for (const Patch& p : patches) {
    std::string kind = p.target ? p.target->StrAt({"kind"}) : p.doc.StrAt({"kind"});
    std::string name = p.target ? p.target->StrAt({"name"}) : p.doc.StrAt({"metadata", "name"});
    std::vector<yaml::Node> next;
    for (yaml::Node& d : docs) {
      if ((kind.empty() || d.StrAt({"kind"}) == kind) && (name.empty() || d.StrAt({"metadata", "name"}) == name)) {
        std::string keep_kind = d.StrAt({"kind"}), keep_name = d.StrAt({"metadata", "name"});
        yaml::Node out = ApplyStrategicMergePatch(d, p.doc, Schema::BuiltIn(), SmpOptions{});
        if (out.IsNull() || out.size() == 0) continue;  // $patch: delete
        // kustomize keeps kind and name unless the patch allows changes.
        out.Set("kind", yaml::Node::String(keep_kind));
        out.GetOrCreateMap("metadata").Set("name", yaml::Node::String(keep_name));
        next.push_back(std::move(out));
      } else {
        next.push_back(std::move(d));
      }
    }
    docs = std::move(next);
  }
  return docs;
}

TEST(KustomizeFixtures, StrategicMergeOnlyCases) {
  const char* env = std::getenv("CAPSTAN_SHARED");
  fs::path root = fs::path(env ? env : "../shared") / "conformance/kustomize/cases";
  if (!fs::exists(root)) GTEST_SKIP() << "no conformance corpus at " << root;
  const char* cases[] = {
      "inlinepatch__TestStrategicMergePatchInline",
      "mergeenvfrom__TestMergeEnvFrom",
      "multiplepatch__TestPatchAddNewServicePort",
      "multiplepatch__TestPatchPortHasNoProtocol",
      "multiplepatch__TestRemoveEmptyDirAddPersistentDisk",
      "multiplepatch__TestRemoveEmptyDirWithNullFieldInSmp",
      "multiplepatch__TestSmpDeleteOnResource",
      "multiplepatch__TestSmpWithDifferentKeysOnDifferentPorts",
      "patchdelete__TestPatchDeleteOfNotExistingAttributesShouldNotAddExtraElements",
      "extendedpatch__TestExtendedPatchNoMatchMultiplePatch",
      "inlinepatch__TestPathWithCronJobV1",
      "gvknpatch__TestKeepOriginalGVKN",
      "simple__TestSimple1",
      "keepemptyarray__TestKeepEmptyArray",
      "nullvalues__TestNullValues1",
  };
  int passed = 0;
  for (const char* c : cases) {
    fs::path dir = root / c / "input" / Trim(ReadFile(root / c / "target"));
    std::vector<yaml::Node> got = Build(dir);
    std::vector<yaml::Node> want = yaml::ParseAll(ReadFile(root / c / "expected.yaml"));
    // Same documents, in any order (the corpus is in kustomize's legacy sort).
    bool same = got.size() == want.size();
    std::vector<bool> used(want.size(), false);
    for (size_t i = 0; same && i < got.size(); ++i) {
      bool found = false;
      for (size_t j = 0; j < want.size() && !found; ++j)
        if (!used[j] && got[i] == want[j]) used[j] = found = true;
      same = found;
    }
    EXPECT_TRUE(same) << c << " gave\n" << yaml::EmitYamlStream(got);
    passed += same;
  }
  std::cout << passed << "/" << std::size(cases) << " fixtures match kubectl kustomize\n";
}

}  // namespace
}  // namespace capstan::resource
