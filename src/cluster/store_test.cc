#include "cluster/store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "yaml/yaml.h"

namespace capstan::cluster {
namespace {

yaml::Node Obj(const std::string& name, const std::string& app) {
  return yaml::ParseJson("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" +
                         name + "\",\"namespace\":\"ns\",\"labels\":{\"app\":\"" + app + "\"}}}");
}

std::string TempDb() {
  char tmpl[] = "/tmp/capstan-store-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  return dir + "/state.db";
}

TEST(StoreTest, CreateGetUpdateDeleteWithResourceVersions) {
  Store s(":memory:", 100);
  yaml::Node a = Obj("a", "x");
  EXPECT_EQ(s.Create("/configmaps", "ns", "a", a), WriteResult::kOk);
  EXPECT_EQ(a.StrAt({"metadata", "resourceVersion"}), "1");
  EXPECT_EQ(s.Create("/configmaps", "ns", "a", a), WriteResult::kExists);
  yaml::Node b = Obj("a", "y");
  EXPECT_EQ(s.Update("/configmaps", "ns", "a", b, 99), WriteResult::kConflict);
  EXPECT_EQ(s.Update("/configmaps", "ns", "a", b, 1), WriteResult::kOk);
  EXPECT_EQ(s.CurrentRv(), 2);
  auto got = s.Get("/configmaps", "ns", "a");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->rv, 2);
  EXPECT_NE(got->json.find("\"app\":\"y\""), std::string::npos);
  yaml::Node last;
  EXPECT_EQ(s.Delete("/configmaps", "ns", "a", 0, &last), WriteResult::kOk);
  EXPECT_EQ(last.StrAt({"metadata", "resourceVersion"}), "3");
  EXPECT_FALSE(s.Get("/configmaps", "ns", "a"));
  EXPECT_EQ(s.Delete("/configmaps", "ns", "a", 0, &last), WriteResult::kNotFound);
}

TEST(StoreTest, ListIsScopedAndPaginated) {
  Store s(":memory:", 100);
  for (const char* n : {"c", "a", "b"}) {
    yaml::Node o = Obj(n, "x");
    s.Create("/configmaps", "ns", n, o);
  }
  yaml::Node other = Obj("z", "x");
  s.Create("/configmaps", "other", "z", other);
  EXPECT_EQ(s.List("/configmaps", "ns").size(), 3u);
  EXPECT_EQ(s.List("/configmaps", "").size(), 4u);
  std::string next;
  auto page = s.List("/configmaps", "ns", "", 2, &next);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(next, "/configmaps/ns/b");
  auto rest = s.List("/configmaps", "ns", next, 2, &next);
  EXPECT_EQ(rest.size(), 1u);
  // A continue key from before this namespace (another list's token) starts
  // at the namespace's first object, not past the end.
  auto from_before = s.List("/configmaps", "other", "/configmaps/ns/b", 10, &next);
  ASSERT_EQ(from_before.size(), 1u);
  auto from_after = s.List("/configmaps", "ns", "/configmaps/other/z", 10, &next);
  EXPECT_TRUE(from_after.empty());
}

TEST(StoreTest, EventsAndCompaction) {
  Store s(":memory:", 3);
  for (int i = 0; i < 5; ++i) {
    yaml::Node o = Obj("o" + std::to_string(i), "x");
    s.Create("/configmaps", "ns", "o" + std::to_string(i), o);
  }
  std::vector<WatchEvent> evs;
  EXPECT_TRUE(s.EventsSince(2, "/configmaps", 0, &evs));
  ASSERT_EQ(evs.size(), 3u);
  EXPECT_EQ(evs[0].rv, 3);
  EXPECT_EQ(evs[0].type, "ADDED");
  evs.clear();
  EXPECT_FALSE(s.EventsSince(1, "/configmaps", 0, &evs));  // history starts after rv 2
}

TEST(StoreTest, SurvivesReopen) {
  std::string path = TempDb();
  {
    Store s(path, 100);
    yaml::Node o = Obj("keep", "x");
    s.Create("/configmaps", "ns", "keep", o);
    yaml::Node g = Obj("gone", "x");
    s.Create("/configmaps", "ns", "gone", g);
    yaml::Node last;
    s.Delete("/configmaps", "ns", "gone", 0, &last);
  }
  Store s(path, 100);
  EXPECT_EQ(s.CurrentRv(), 3);
  auto got = s.Get("/configmaps", "ns", "keep");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->rv, 1);
  std::vector<WatchEvent> evs;
  EXPECT_TRUE(s.EventsSince(1, "/configmaps", 0, &evs));
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[1].type, "DELETED");
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST(StoreTest, OwnerIndex) {
  Store s(":memory:", 100);
  yaml::Node o = yaml::ParseJson(
      R"({"metadata":{"name":"p","namespace":"ns","uid":"u2","ownerReferences":[{"uid":"u1"}]}})");
  s.Create("/pods", "ns", "p", o);
  EXPECT_EQ(s.Dependents("u1").size(), 1u);
  EXPECT_TRUE(s.UidExists("u2"));
  EXPECT_EQ(s.OrphanedDependents().size(), 1u);
}

}  // namespace
}  // namespace capstan::cluster
