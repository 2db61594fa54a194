#include "cache/cluster_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "cache/packed_node.h"
#include "yaml/yaml.h"

namespace capstan::cache {
namespace {

using yaml::Node;

const resource::Gvk kConfigMap{"", "v1", "ConfigMap"};
const resource::Gvk kSecret{"", "v1", "Secret"};

Node Cm(const std::string& ns, const std::string& name, const std::string& app, const std::string& rv = "1") {
  std::string labels = app.empty() ? "{}" : R"({"app.kubernetes.io/instance":")" + app + R"("})";
  return yaml::ParseJson(R"({"metadata":{"name":")" + name + R"(","namespace":")" + ns + R"(","resourceVersion":")" +
                         rv + R"(","labels":)" + labels +
                         R"(,"managedFields":[{"manager":"kubectl"}]},"data":{"k":"v"}})");
}

bool Selected(const Node& obj, const std::string& selector) {
  const Node* labels = obj.At({"metadata", "labels"});
  auto eq = selector.find('=');
  std::string key = selector.substr(0, eq);
  const Node* v = labels ? labels->Get(key) : nullptr;
  return selector.empty() || (v && (eq == std::string::npos || v->value == selector.substr(eq + 1)));
}

// Lists ConfigMaps page by page from `objects`; watches deliver `events`
// after a list and then end (the cache restarts them).
class FakeClient : public kube::ResourceClient {
 public:
  std::vector<Node> objects;
  std::vector<kube::WatchEvent> events;
  std::vector<std::string> selectors;
  int lists = 0;
  std::mutex mu;  // List is called from several threads

  kube::ApiResource Resource(const resource::Gvk& gvk) override { return {gvk.group, gvk.version, gvk.kind}; }
  std::string DefaultNamespace() const override { return "default"; }
  Node Get(const resource::ResId&) override { throw kube::KubeError(404, "NotFound", "no"); }
  Node List(const resource::Gvk& gvk, const std::string&, const kube::ListOptions& o) override {
    {
      std::lock_guard<std::mutex> l(mu);
      ++lists;
      selectors.push_back(o.label_selector);
    }
    if (gvk.kind != "ConfigMap") throw kube::KubeError(403, "Forbidden", "secrets is forbidden");
    std::vector<Node> page;
    bool first = true;
    for (const auto& obj : objects) {
      if (!Selected(obj, o.label_selector)) continue;
      page.push_back(obj);
      if (o.on_page && int64_t(page.size()) == o.limit) {
        o.on_page(page, first);
        first = false;
        page.clear();
      }
    }
    Node list = Node::Map();
    list.GetOrCreateMap("metadata").Set("resourceVersion", Node::String("10"));
    if (o.on_page) {
      o.on_page(page, first);
      list.Set("items", Node::Seq());
    } else {
      list.Set("items", Node::Seq()).items = page;
    }
    return list;
  }
  Node Create(const Node& o, const kube::WriteOptions&) override { return o; }
  Node Update(const Node& o, const kube::WriteOptions&) override { return o; }
  Node Patch(const resource::ResId&, const Node& p, const kube::PatchOptions&) override { return p; }
  Node Apply(const Node& o, const std::string&, bool, bool) override { return o; }
  Node Delete(const resource::ResId&, const kube::DeleteOptions&) override { return Node::Map(); }
  void Watch(const resource::Gvk& gvk, const std::string& ns, const kube::WatchOptions& o,
             const std::function<bool(const kube::WatchEvent&)>& on_event) override {
    kube::ListOptions lo;
    lo.label_selector = o.label_selector;
    lo.limit = o.list_page_size;
    lo.on_page = o.on_list_page;
    Node list = List(gvk, ns, lo);
    if (o.on_list) o.on_list(list);
    for (const auto& e : events)
      if (Selected(e.object, o.label_selector) && !on_event(e)) return;
    while (!o.stop->load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
};

std::vector<std::string> Names(const std::vector<Node>& objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) out.push_back(o.StrAt({"metadata", "namespace"}) + "/" + o.StrAt({"metadata", "name"}));
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ClusterCache, ListOnceKeepsLabelledObjectsWholeAndCompact) {
  FakeClient client;
  for (int i = 0; i < 7; ++i) client.objects.push_back(Cm("ns", "a" + std::to_string(i), "app-a"));
  client.objects.push_back(Cm("ns", "b", "app-b"));
  client.objects.push_back(Cm("ns", "free", ""));
  Options o;
  o.watch = false;
  o.list_page_size = 3;
  ClusterCache cache(client, o);
  cache.EnsureWatched(kConfigMap);
  EXPECT_TRUE(cache.Watched(kConfigMap));
  EXPECT_EQ(client.selectors, (std::vector<std::string>{"app.kubernetes.io/instance"}));
  EXPECT_EQ(cache.ObjectCount(), 8u);
  EXPECT_EQ(cache.ByLabel("app-a").size(), 7u);
  EXPECT_EQ(Names(cache.ByLabel("app-b")), (std::vector<std::string>{"ns/b"}));
  // The object as listed, with apiVersion/kind, without managedFields.
  Node want = Cm("ns", "b", "app-b");
  want.Get("metadata")->Remove("managedFields");
  Node got = *cache.Get({kConfigMap, "ns", "b"});
  EXPECT_EQ(got.StrAt({"kind"}), "ConfigMap");
  EXPECT_EQ(got.StrAt({"apiVersion"}), "v1");
  got.Remove("kind");
  got.Remove("apiVersion");
  EXPECT_EQ(got, want);

  // Our own writes keep it current: newer replaces, older does not, gone leaves.
  Node newer = Cm("ns", "b", "app-b", "5");
  newer.GetOrCreateMap("data").Set("k", Node::String("new"));
  cache.Remember({kConfigMap, "ns", "b"}, &newer);
  Node older = Cm("ns", "b", "app-b", "4");
  cache.Remember({kConfigMap, "ns", "b"}, &older);
  EXPECT_EQ(cache.Get({kConfigMap, "ns", "b"})->StrAt({"data", "k"}), "new");
  Node moved = Cm("ns", "b", "app-a", "6");
  cache.Remember({kConfigMap, "ns", "b"}, &moved);
  EXPECT_TRUE(cache.ByLabel("app-b").empty());
  EXPECT_EQ(cache.ByLabel("app-a").size(), 8u);
  cache.Remember({kConfigMap, "ns", "b"}, nullptr);
  EXPECT_FALSE(cache.Get({kConfigMap, "ns", "b"}));
  // A kind never listed is not remembered.
  Node s = Cm("ns", "s", "app-a");
  cache.Remember({kSecret, "ns", "s"}, &s);
  EXPECT_FALSE(cache.Get({kSecret, "ns", "s"}));
}

TEST(ClusterCache, OneLabelValueAndListErrorsKeepTheirCode) {
  FakeClient client;
  client.objects = {Cm("ns", "a", "app-a"), Cm("ns", "b", "app-b")};
  Options o;
  o.watch = false;
  o.label_value = "app-a";
  o.keep_managed_fields = true;
  ClusterCache cache(client, o);
  cache.EnsureWatched(kConfigMap);
  EXPECT_EQ(client.selectors.back(), "app.kubernetes.io/instance=app-a");
  EXPECT_EQ(Names(cache.ByLabel("")), (std::vector<std::string>{"ns/a"}));
  EXPECT_TRUE(cache.Get({kConfigMap, "ns", "a"})->At({"metadata", "managedFields"}));
  Node other = Cm("ns", "c", "app-b");
  cache.Remember({kConfigMap, "ns", "c"}, &other);  // not of this app
  EXPECT_EQ(cache.ObjectCount(), 1u);
  try {
    cache.EnsureWatched(kSecret);
    FAIL() << "listed a forbidden kind";
  } catch (const kube::KubeError& e) {
    EXPECT_EQ(e.code, 403);
  }
  EXPECT_FALSE(cache.Watched(kSecret));
}

TEST(ClusterCache, ConcurrentCallersOfAFailingKindAllGetItsError) {
  for (bool watch : {false, true}) {
    FakeClient client;
    Options o;
    o.watch = watch;
    ClusterCache cache(client, o);
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&] {
        for (int k = 0; k < 20; ++k) {
          try {
            cache.EnsureWatched(kSecret);
          } catch (const kube::KubeError& e) {
            if (e.code == 403) ++refused;
          }
        }
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(refused.load(), 8 * 20);
    EXPECT_FALSE(cache.Watched(kSecret));
  }
}

TEST(ClusterCache, WatchEventsAndRelistsReportChanges) {
  FakeClient client;
  client.objects = {Cm("ns", "a", "app-a"), Cm("ns", "b", "app-b")};
  Node changed = Cm("ns", "a", "app-a", "2");
  changed.GetOrCreateMap("data").Set("k", Node::String("changed"));
  client.events = {{"MODIFIED", changed}, {"DELETED", Cm("ns", "b", "app-b", "3")}, {"ADDED", Cm("ns", "c", "app-c", "4")}};
  ClusterCache cache(client);
  std::mutex mu;
  std::vector<std::string> seen;
  cache.SetOnChange([&](const std::string& app, const resource::ResId& id) {
    std::lock_guard<std::mutex> l(mu);
    seen.push_back(app + " " + id.name);
  });
  cache.EnsureWatched(kConfigMap);
  for (int i = 0; i < 400; ++i) {
    {
      std::lock_guard<std::mutex> l(mu);
      if (seen.size() >= 3) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  cache.Stop();
  std::lock_guard<std::mutex> l(mu);
  // The first list is the starting state: only the events are changes.
  EXPECT_EQ(seen, (std::vector<std::string>{"app-a a", "app-b b", "app-c c"}));
  EXPECT_EQ(cache.Get({kConfigMap, "ns", "a"})->StrAt({"data", "k"}), "changed");
  EXPECT_FALSE(cache.Get({kConfigMap, "ns", "b"}));
  EXPECT_EQ(Names(cache.ByLabel("app-c")), (std::vector<std::string>{"ns/c"}));
}

}  // namespace
}  // namespace capstan::cache
