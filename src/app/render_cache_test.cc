#include <gtest/gtest.h>

#include "app/render.h"
#include "yaml/yaml.h"

namespace capstan::app {
namespace {

std::vector<yaml::Node> Objects(const std::string& name) {
  return yaml::ParseAll("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name +
                        "}\ndata:\n  script: |\n    echo hi\n  n: 0x10\n---\nkind: Service\nmetadata: {name: s}\n");
}

TEST(RenderCache, GivesBackWhatWasPutAndSharesIdenticalRenders) {
  RenderCache cache;
  std::vector<yaml::Node> out;
  EXPECT_FALSE(cache.Get("a", &out));
  cache.Put("a", Objects("one"));
  ASSERT_TRUE(cache.Get("a", &out));
  std::vector<yaml::Node> want = Objects("one");
  ASSERT_EQ(out.size(), want.size());
  for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], want[i]);
  EXPECT_EQ(yaml::EmitYamlStreamPreserving(out), yaml::EmitYamlStreamPreserving(want));  // styles kept
  size_t one = cache.bytes();
  cache.Put("b", Objects("one"));  // same render under another key: stored once
  EXPECT_EQ(cache.bytes(), one);
  cache.Put("c", Objects("two"));
  EXPECT_GT(cache.bytes(), one);
  cache.Put("c", Objects("one"));  // replaced: "two" is released
  EXPECT_EQ(cache.bytes(), one);
  EXPECT_EQ(cache.size(), 3u);
}

TEST(RenderCache, DropsTheOldestBeyondItsBound) {
  size_t each = 0;
  {
    RenderCache probe;
    probe.Put("x", Objects("n0"));
    each = probe.bytes();
  }
  RenderCache cache(each * 3);
  for (int i = 0; i < 5; ++i) cache.Put("k" + std::to_string(i), Objects("n" + std::to_string(i)));
  EXPECT_LE(cache.bytes(), each * 3);
  std::vector<yaml::Node> out;
  EXPECT_FALSE(cache.Get("k0", &out));
  EXPECT_TRUE(cache.Get("k4", &out));
  EXPECT_EQ(out[0].StrAt({"metadata", "name"}), "n4");
}

}  // namespace
}  // namespace capstan::app
