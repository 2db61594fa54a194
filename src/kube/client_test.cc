#include "kube/client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "kube/fake_apiserver_test.h"
#include "yaml/yaml.h"

namespace capstan::kube {
namespace {

using testing::FakeApiServer;
using testing::FakeClock;
using testing::FakeResource;
using testing::Injected;

const Gvk kConfigMap{"", "v1", "ConfigMap"};
const Gvk kDeployment{"apps", "v1", "Deployment"};
const Gvk kNamespace{"", "v1", "Namespace"};

yaml::Node Obj(const std::string& json) { return yaml::ParseJson(json); }

std::string ConfigMapJson(const std::string& ns, const std::string& name, const std::string& app = "web") {
  return R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name + R"(","namespace":")" + ns +
         R"(","labels":{"app":")" + app + R"("}},"data":{"k":"v"}})";
}

class ClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<Client> NewClient(ClientOptions o = {}) {
    Config c;
    c.server = server_.url();
    c.ns = "team";
    if (!o.clock) o.clock = &clock_;
    return std::make_unique<Client>(c, o);
  }
  KubeError ErrorOf(const std::function<void()>& f) {
    try {
      f();
    } catch (const KubeError& e) {
      return e;
    }
    return KubeError(-1, "none", "no error thrown");
  }

  FakeApiServer server_;
  FakeClock clock_;
};

// --- discovery ----------------------------------------------------------------

TEST_F(ClientTest, AggregatedDiscovery) {
  auto client = NewClient();
  ApiResource d = client->discovery().Resource(kDeployment);
  EXPECT_EQ(d.name, "deployments");
  EXPECT_EQ(d.singular, "deployment");
  EXPECT_TRUE(d.namespaced);
  EXPECT_TRUE(d.HasVerb("patch"));
  EXPECT_EQ(d.subresources, (std::vector<std::string>{"status", "scale"}));
  EXPECT_EQ(d.short_names, (std::vector<std::string>{"deploy"}));
  EXPECT_FALSE(client->discovery().Resource(kNamespace).namespaced);
  EXPECT_TRUE(client->discovery().aggregated());
  EXPECT_EQ(client->discovery().PreferredVersion("apps"), "v1");
  EXPECT_EQ(client->discovery().PreferredVersion(""), "v1");
  auto by_name = client->discovery().ResourceByName("deploy");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->kind, "Deployment");
  EXPECT_EQ(client->discovery().ResourceByName("crd")->group, "apiextensions.k8s.io");
  EXPECT_FALSE(client->discovery().ResourceByName("nothing"));
  // Two requests (/api and /apis), then the cache answers.
  EXPECT_EQ(server_.DiscoveryRequests(), 2);
  client->discovery().Resource(kConfigMap);
  EXPECT_EQ(server_.DiscoveryRequests(), 2);
  auto reqs = server_.RequestsTo("/apis", "GET");
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(reqs[0].Header("accept").rfind("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", 0), 0u);
}

TEST_F(ClientTest, LegacyDiscoveryWhenAggregatedNotOffered) {
  server_.SetAggregated(false);
  auto client = NewClient();
  ApiResource d = client->discovery().Resource(kDeployment);
  EXPECT_EQ(d.name, "deployments");
  EXPECT_TRUE(d.namespaced);
  EXPECT_EQ(d.subresources, (std::vector<std::string>{"status", "scale"}));
  EXPECT_TRUE(d.preferred);
  ApiResource ns = client->discovery().Resource(kNamespace);
  EXPECT_FALSE(ns.namespaced);
  EXPECT_EQ(ns.subresources, (std::vector<std::string>{"status", "finalize"}));
  EXPECT_FALSE(client->discovery().aggregated());
  EXPECT_EQ(client->discovery().PreferredVersion("apiextensions.k8s.io"), "v1");
  // /api, /apis, /api/v1, /apis/apps/v1, /apis/apiextensions.k8s.io/v1
  EXPECT_EQ(server_.DiscoveryRequests(), 5);
  // Subresources never appear as resources of their own.
  for (const auto& r : client->discovery().Resources()) EXPECT_EQ(r.name.find('/'), std::string::npos);
}

TEST_F(ClientTest, DiscoveryRefreshesOnMissThenFailsClearly) {
  for (bool aggregated : {true, false}) {
    server_.SetAggregated(aggregated);
    auto client = NewClient();
    client->discovery().Resource(kConfigMap);
    // A CRD registers a new kind after the client looked.
    server_.AddResource({"example.com", aggregated ? "v1" : "v2", "Widget", "widgets", true, {}, {}});
    ApiResource w = client->Resource({"example.com", aggregated ? "v1" : "v2", "Widget"});
    EXPECT_EQ(w.name, "widgets");
    KubeError e = ErrorOf([&] { client->Resource({"example.com", "v1", "Gadget"}); });
    EXPECT_EQ(e.code, 404);
    EXPECT_STREQ(e.what(), "no matches for kind \"Gadget\" in version \"example.com/v1\"");
  }
}

TEST_F(ClientTest, DiscoveryDiskCache) {
  char tmpl[] = "/tmp/capstan-discovery-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  ClientOptions o;
  o.discovery_cache_dir = dir;
  NewClient(o)->discovery().Resource(kDeployment);
  int before = server_.DiscoveryRequests();
  auto second = NewClient(o);
  EXPECT_EQ(second->discovery().Resource(kDeployment).name, "deployments");
  EXPECT_EQ(server_.DiscoveryRequests(), before);  // served from disk
  second->discovery().Invalidate();
  second->discovery().Resource(kDeployment);
  EXPECT_GT(server_.DiscoveryRequests(), before);
  std::filesystem::remove_all(dir);
}

// --- CRUD ------------------------------------------------------------------------

TEST_F(ClientTest, CreateGetUpdatePatchDelete) {
  auto client = NewClient();
  yaml::Node created = client->Create(Obj(ConfigMapJson("", "cfg")));  // default namespace of the context
  EXPECT_EQ(created.StrAt({"metadata", "namespace"}), "team");
  EXPECT_FALSE(created.StrAt({"metadata", "resourceVersion"}).empty());
  EXPECT_EQ(server_.RequestsTo("/api/v1/namespaces/team/configmaps", "POST").size(), 1u);

  yaml::Node got = client->Get({kConfigMap, "team", "cfg"});
  EXPECT_EQ(got.StrAt({"data", "k"}), "v");

  got.GetOrCreateMap("data").Set("k", yaml::Node::String("v2"));
  yaml::Node updated = client->Update(got, {false, "capstan"});
  EXPECT_EQ(updated.StrAt({"data", "k"}), "v2");
  auto put = server_.RequestsTo("/api/v1/namespaces/team/configmaps/cfg", "PUT");
  ASSERT_EQ(put.size(), 1u);
  EXPECT_EQ(put[0].Param("fieldManager"), "capstan");
  EXPECT_EQ(put[0].Header("content-type"), "application/json");

  // Stale resourceVersion: a Conflict with the server's message, one line.
  KubeError conflict = ErrorOf([&] { client->Update(got); });
  EXPECT_TRUE(IsConflict(conflict));
  EXPECT_EQ(conflict.reason, "Conflict");
  EXPECT_NE(conflict.message.find("the object has been modified"), std::string::npos);
  EXPECT_EQ(std::string(conflict.what()).find('\n'), std::string::npos);

  PatchOptions merge;
  merge.type = PatchType::kMerge;
  merge.dry_run = true;
  yaml::Node dry = client->Patch({kConfigMap, "team", "cfg"}, Obj(R"({"data":{"x":"1"}})"), merge);
  EXPECT_EQ(dry.StrAt({"data", "x"}), "1");
  EXPECT_FALSE(client->Get({kConfigMap, "team", "cfg"}).At({"data", "x"}));  // dry run stored nothing

  yaml::Node applied = client->Apply(Obj(ConfigMapJson("team", "cfg")), "capstan", /*force=*/true);
  auto patches = server_.RequestsTo("/api/v1/namespaces/team/configmaps/cfg", "PATCH");
  ASSERT_EQ(patches.size(), 2u);
  EXPECT_EQ(patches[0].Header("content-type"), "application/merge-patch+json");
  EXPECT_EQ(patches[0].Param("dryRun"), "All");
  EXPECT_EQ(patches[1].Header("content-type"), "application/apply-patch+yaml");
  EXPECT_EQ(patches[1].Param("fieldManager"), "capstan");
  EXPECT_EQ(patches[1].Param("force"), "true");
  EXPECT_EQ(patches[1].Param("dryRun"), "");

  PatchOptions json;
  json.type = PatchType::kJson;
  client->Patch({kConfigMap, "team", "cfg"}, Obj(R"({"data":{"y":"2"}})"), json);
  PatchOptions smp;
  smp.type = PatchType::kStrategic;
  smp.subresource = "status";
  client->Patch({kConfigMap, "team", "cfg"}, Obj("{}"), smp);
  auto all = server_.RequestsTo("/api/v1/namespaces/team/configmaps/cfg", "PATCH");
  EXPECT_EQ(all[2].Header("content-type"), "application/json-patch+json");
  EXPECT_EQ(all[3].Header("content-type"), "application/strategic-merge-patch+json");
  EXPECT_EQ(all[3].path, "/api/v1/namespaces/team/configmaps/cfg/status");

  DeleteOptions d;
  d.propagation_policy = "Foreground";
  d.precondition_uid = created.StrAt({"metadata", "uid"});
  d.grace_period_seconds = 0;
  d.dry_run = true;
  client->Delete({kConfigMap, "team", "cfg"}, d);
  auto del = server_.RequestsTo("/api/v1/namespaces/team/configmaps/cfg", "DELETE");
  ASSERT_EQ(del.size(), 1u);
  yaml::Node body = yaml::ParseJson(del[0].body);
  EXPECT_EQ(body.StrAt({"kind"}), "DeleteOptions");
  EXPECT_EQ(body.StrAt({"propagationPolicy"}), "Foreground");
  EXPECT_EQ(body.StrAt({"preconditions", "uid"}), d.precondition_uid);
  EXPECT_EQ(body.At({"gracePeriodSeconds"})->AsInt(-1), 0);
  EXPECT_EQ(body.Get("dryRun")->items.at(0).value, "All");
  EXPECT_EQ(del[0].Param("dryRun"), "All");
  client->Get({kConfigMap, "team", "cfg"});  // still there after the dry run
  client->Delete({kConfigMap, "team", "cfg"});
  KubeError gone = ErrorOf([&] { client->Get({kConfigMap, "team", "cfg"}); });
  EXPECT_TRUE(IsNotFound(gone));
  EXPECT_EQ(gone.reason, "NotFound");
  EXPECT_STREQ(gone.what(), "GET /api/v1/namespaces/team/configmaps/cfg: configmaps \"cfg\" not found");
}

TEST_F(ClientTest, ClusterScopedKindsIgnoreNamespace) {
  auto client = NewClient();
  client->Create(Obj(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"prod","namespace":"x"}})"));
  EXPECT_EQ(server_.RequestsTo("/api/v1/namespaces", "POST").at(0).path, "/api/v1/namespaces");
  EXPECT_EQ(client->Get({kNamespace, "whatever", "prod"}).StrAt({"metadata", "name"}), "prod");
  EXPECT_EQ(server_.RequestsTo("/api/v1/namespaces/prod", "GET").size(), 1u);
}

TEST_F(ClientTest, CreateConflictIsAlreadyExists) {
  auto client = NewClient();
  client->Create(Obj(ConfigMapJson("team", "a")));
  KubeError e = ErrorOf([&] { client->Create(Obj(ConfigMapJson("team", "a"))); });
  EXPECT_TRUE(IsAlreadyExists(e));
  EXPECT_FALSE(IsConflict(e));
  EXPECT_EQ(e.code, 409);
}

TEST_F(ClientTest, NonStatusErrorBodyBecomesOneLine) {
  server_.Inject({"GET", "/api/v1/namespaces/team/configmaps/x", 403, "forbidden\nby proxy", "", 1});
  auto client = NewClient();
  KubeError e = ErrorOf([&] { client->Get({kConfigMap, "team", "x"}); });
  EXPECT_EQ(e.code, 403);
  EXPECT_EQ(e.reason, "Forbidden");
  EXPECT_STREQ(e.what(), "GET /api/v1/namespaces/team/configmaps/x: Forbidden (HTTP 403): forbidden by proxy");
}

TEST_F(ClientTest, ObjectWithoutKindIsRejectedBeforeSending) {
  auto client = NewClient();
  KubeError e = ErrorOf([&] { client->Create(Obj(R"({"apiVersion":"v1","metadata":{"name":"a"}})")); });
  EXPECT_EQ(e.code, 400);
  EXPECT_STREQ(e.what(), "create: object has no kind");
}

// --- list ------------------------------------------------------------------------------

TEST_F(ClientTest, ListFollowsPagesAndAggregates) {
  for (int i = 0; i < 7; ++i) server_.Seed(ConfigMapJson("team", "cm" + std::to_string(i)));
  server_.Seed(ConfigMapJson("team", "other", "db"));
  server_.Seed(ConfigMapJson("elsewhere", "cmx"));
  auto client = NewClient();
  ListOptions o;
  o.limit = 3;
  o.label_selector = "app=web";
  yaml::Node list = client->List(kConfigMap, "team", o);
  EXPECT_EQ(list.StrAt({"kind"}), "ConfigMapList");
  ASSERT_EQ(list.Get("items")->size(), 7u);
  // Items carry apiVersion/kind even though the server's typed list omits them.
  EXPECT_EQ(list.Get("items")->items[0].StrAt({"kind"}), "ConfigMap");
  EXPECT_EQ(list.Get("items")->items[0].StrAt({"apiVersion"}), "v1");
  EXPECT_FALSE(list.At({"metadata", "continue"}));
  EXPECT_FALSE(list.At({"metadata", "remainingItemCount"}));
  EXPECT_EQ(list.StrAt({"metadata", "resourceVersion"}), std::to_string(server_.CurrentRv()));
  auto pages = server_.RequestsTo("/api/v1/namespaces/team/configmaps", "GET");
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(pages[0].Param("limit"), "3");
  EXPECT_EQ(pages[0].Param("labelSelector"), "app=web");
  EXPECT_EQ(pages[1].Param("continue"), "3");
  EXPECT_EQ(pages[2].Param("continue"), "6");

  // All namespaces.
  EXPECT_EQ(client->List(kConfigMap, "", {}).Get("items")->size(), 9u);
}

TEST_F(ClientTest, ListAcrossKindsBySelector) {
  server_.Seed(ConfigMapJson("team", "a", "guestbook"));
  server_.Seed(ConfigMapJson("other", "b", "guestbook"));
  server_.Seed(ConfigMapJson("team", "c", "db"));
  server_.Seed(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"team","labels":{"app":"guestbook"}}})");
  server_.Seed(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team","labels":{"app":"guestbook"}}})");
  // A kind this user may not list is skipped, not fatal.
  server_.Inject({"GET", "/api/v1/pods", 403, testing::StatusJson(403, "Forbidden", "pods is forbidden"), "", 1});
  auto client = NewClient();
  std::vector<std::string> ids;
  for (const auto& o : client->ListAcrossKinds("app=guestbook"))
    ids.push_back(o.StrAt({"kind"}) + "/" + o.StrAt({"metadata", "namespace"}) + "/" + o.StrAt({"metadata", "name"}));
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"ConfigMap/other/b", "ConfigMap/team/a", "Deployment/team/d", "Namespace//team"}));
}

TEST_F(ClientTest, ListRestartsUnpagedWhenContinueExpires) {
  for (int i = 0; i < 5; ++i) server_.Seed(ConfigMapJson("team", "cm" + std::to_string(i)));
  server_.ExpireContinueTokens(true);
  auto client = NewClient();
  ListOptions o;
  o.limit = 2;
  EXPECT_EQ(client->List(kConfigMap, "team", o).Get("items")->size(), 5u);
  auto pages = server_.RequestsTo("/api/v1/namespaces/team/configmaps", "GET");
  ASSERT_EQ(pages.size(), 3u);  // page 1, expired page 2, one full list
  EXPECT_EQ(pages[2].Param("limit"), "");
}

TEST_F(ClientTest, ListHandsPagesOverWithoutAggregating) {
  for (int i = 0; i < 5; ++i) server_.Seed(ConfigMapJson("team", "cm" + std::to_string(i)));
  auto client = NewClient();
  ListOptions o;
  o.limit = 2;
  std::vector<std::string> seen;
  int firsts = 0;
  o.on_page = [&](std::vector<yaml::Node>& items, bool first) {
    firsts += first;
    if (firsts == 1) EXPECT_LE(items.size(), 2u);  // the restarted listing is unpaged
    for (auto& i : items) seen.push_back(i.StrAt({"kind"}) + "/" + i.StrAt({"metadata", "name"}));
  };
  yaml::Node list = client->List(kConfigMap, "team", o);
  EXPECT_EQ(seen, (std::vector<std::string>{"ConfigMap/cm0", "ConfigMap/cm1", "ConfigMap/cm2", "ConfigMap/cm3",
                                            "ConfigMap/cm4"}));
  EXPECT_EQ(firsts, 1);
  EXPECT_EQ(list.Get("items")->size(), 0u);
  EXPECT_EQ(list.StrAt({"metadata", "resourceVersion"}), std::to_string(server_.CurrentRv()));

  // An expired continue token starts the listing over: first again.
  server_.ExpireContinueTokens(true);
  seen.clear();
  firsts = 0;
  client->List(kConfigMap, "team", o);
  EXPECT_EQ(firsts, 2);
  EXPECT_EQ(seen.size(), 2u + 5u);  // page 1, then the full list
}

TEST_F(ClientTest, WatchHandsTheListOverPageByPage) {
  for (int i = 0; i < 5; ++i) server_.Seed(ConfigMapJson("team", "cm" + std::to_string(i)));
  auto client = NewClient();
  WatchOptions o;
  o.list_page_size = 2;
  std::vector<size_t> pages;
  bool ended = false;
  o.on_list_page = [&](std::vector<yaml::Node>& items, bool) { pages.push_back(items.size()); };
  o.on_list = [&](const yaml::Node& list) {
    ended = true;
    EXPECT_EQ(list.Get("items")->size(), 0u);
  };
  std::atomic<bool> stop{false};
  o.stop = &stop;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    server_.Seed(ConfigMapJson("team", "late"));
  });
  client->Watch(kConfigMap, "team", o, [&](const WatchEvent& e) {
    return e.type == "BOOKMARK" || e.object.StrAt({"metadata", "name"}) != "late";
  });
  writer.join();
  EXPECT_EQ(pages, (std::vector<size_t>{2, 2, 1}));
  EXPECT_TRUE(ended);
}

// --- retries and throttling ------------------------------------------------------

TEST_F(ClientTest, RetriesTooManyRequestsHonouringRetryAfter) {
  server_.Seed(ConfigMapJson("team", "a"));
  auto client = NewClient();
  client->discovery().Resource(kConfigMap);
  auto before = clock_.sleeps().size();
  server_.Inject({"GET", "/api/v1/namespaces/team/configmaps/a", 429,
                  testing::StatusJson(429, "TooManyRequests", "slow down"), "2", 2});
  EXPECT_EQ(client->Get({kConfigMap, "team", "a"}).StrAt({"metadata", "name"}), "a");
  auto sleeps = clock_.sleeps();
  ASSERT_EQ(sleeps.size() - before, 2u);
  EXPECT_EQ(sleeps[before], std::chrono::seconds(2));
  EXPECT_EQ(sleeps[before + 1], std::chrono::seconds(2));
  EXPECT_EQ(client->stats().retries, 2u);
  // 429 is retried even for a create: the server did nothing.
  server_.Inject({"POST", "/api/v1/namespaces/team/configmaps", 429, "", "1", 1});
  client->Create(Obj(ConfigMapJson("team", "b")));
  EXPECT_EQ(client->stats().retries, 3u);
}

TEST_F(ClientTest, ServerErrorsRetriedOnlyForIdempotentCalls) {
  server_.Seed(ConfigMapJson("team", "a"));
  auto client = NewClient();
  client->discovery().Resource(kConfigMap);
  server_.Inject({"GET", "/api/v1/namespaces/team/configmaps/a", 503, "", "", 2});
  client->Get({kConfigMap, "team", "a"});
  EXPECT_EQ(client->stats().retries, 2u);

  // A create answered 503 without Retry-After may have happened: not resent.
  server_.Inject({"POST", "/api/v1/namespaces/team/configmaps", 503,
                  testing::StatusJson(503, "ServiceUnavailable", "etcd leader changed"), "", 1});
  KubeError e = ErrorOf([&] { client->Create(Obj(ConfigMapJson("team", "b"))); });
  EXPECT_EQ(e.code, 503);
  EXPECT_EQ(e.reason, "ServiceUnavailable");
  EXPECT_EQ(client->stats().retries, 2u);
  // With Retry-After the server asks for a resend.
  server_.Inject({"POST", "/api/v1/namespaces/team/configmaps", 503, "", "1", 1});
  client->Create(Obj(ConfigMapJson("team", "b")));
  EXPECT_EQ(client->stats().retries, 3u);
}

TEST_F(ClientTest, RetriesAreBounded) {
  ClientOptions o;
  o.max_attempts = 4;
  o.max_retry_after = std::chrono::seconds(5);
  auto client = NewClient(o);
  client->discovery().Resource(kConfigMap);
  auto before = clock_.sleeps().size();
  server_.Inject({"GET", "/api/v1/namespaces/team/configmaps/a", 429, "", "3600", 100});
  KubeError e = ErrorOf([&] { client->Get({kConfigMap, "team", "a"}); });
  EXPECT_EQ(e.code, 429);
  EXPECT_EQ(e.reason, "TooManyRequests");
  auto sleeps = clock_.sleeps();
  ASSERT_EQ(sleeps.size() - before, 3u);  // 4 attempts, 3 waits
  for (size_t i = before; i < sleeps.size(); ++i) EXPECT_EQ(sleeps[i], std::chrono::seconds(5));  // capped
}

TEST_F(ClientTest, ConnectionRefusedIsRetriedThenReported) {
  int port;
  {
    FakeApiServer gone;  // grab a free port, then close it
    port = gone.port();
  }
  Config c;
  c.server = "http://127.0.0.1:" + std::to_string(port);
  ClientOptions o;
  o.clock = &clock_;
  o.max_attempts = 3;
  Client client(c, o);
  RawResponse r;
  KubeError e = ErrorOf([&] { client.Raw("GET", "/version"); });
  EXPECT_EQ(e.code, 0);
  EXPECT_EQ(e.reason, "ConnectionError");
  EXPECT_NE(std::string(e.what()).find("GET " + c.server + "/version: "), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("(after 3 attempts)"), std::string::npos) << e.what();
  EXPECT_EQ(client.stats().requests, 3u);
  // Not idempotent: a single try.
  ErrorOf([&] { client.Raw("POST", "/x", "{}", "application/json"); });
  EXPECT_EQ(client.stats().requests, 4u);
}

TEST_F(ClientTest, TokenBucketThrottlesBeyondBurst) {
  server_.Seed(ConfigMapJson("team", "a"));
  ClientOptions o;
  o.qps = 2;
  o.burst = 4;
  auto client = NewClient(o);
  for (int i = 0; i < 12; ++i) client->Raw("GET", "/api/v1/namespaces/team/configmaps/a");
  ClientStats s = client->stats();
  EXPECT_EQ(s.requests, 12u);
  EXPECT_EQ(s.throttled, 8u);  // everything past the burst of 4 waited
  auto sleeps = clock_.sleeps();
  ASSERT_EQ(sleeps.size(), 8u);
  double total = 0;
  for (auto d : sleeps) total += std::chrono::duration<double>(d).count();
  EXPECT_NEAR(total, 4.0, 1e-3);  // 8 requests at 2 per second
}

TEST(ClientOptionsTest, ThrottleFromArgoCdEnvironment) {
  setenv("ARGOCD_K8S_CLIENT_QPS", "200", 1);
  setenv("ARGOCD_K8S_CLIENT_BURST", "400", 1);
  ClientOptions o = ClientOptionsFromEnv();
  EXPECT_EQ(o.qps, 200);
  EXPECT_EQ(o.burst, 400);
  setenv("ARGOCD_K8S_CLIENT_QPS", "fast", 1);
  EXPECT_THROW(ClientOptionsFromEnv(), ConfigError);
  unsetenv("ARGOCD_K8S_CLIENT_QPS");
  unsetenv("ARGOCD_K8S_CLIENT_BURST");
  EXPECT_EQ(ClientOptionsFromEnv().qps, 50);
}

TEST_F(ClientTest, DefaultThrottleIsControllerSized) {
  ClientOptions o;
  EXPECT_EQ(o.qps, 50);
  EXPECT_EQ(o.burst, 100);
  auto client = NewClient(o);
  for (int i = 0; i < 100; ++i) client->Raw("GET", "/version");
  EXPECT_EQ(client->stats().throttled, 0u);
  client->Raw("GET", "/version");
  EXPECT_EQ(client->stats().throttled, 1u);
}

TEST_F(ClientTest, KeepAliveReusesOneConnection) {
  server_.Seed(ConfigMapJson("team", "a"));
  auto client = NewClient();
  for (int i = 0; i < 20; ++i) client->Get({kConfigMap, "team", "a"});
  EXPECT_EQ(client->stats().connections, 1u);
  // Several threads share the pool and its connection cache.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) client->Get({kConfigMap, "team", "a"});
    });
  for (auto& t : threads) t.join();
  EXPECT_LE(client->stats().connections, 5u);
  EXPECT_EQ(client->stats().requests, 2u + 20u + 40u);
}

TEST_F(ClientTest, BearerAndBasicAuthHeaders) {
  server_.RequireAuthorization("Bearer tok123");
  Config c;
  c.server = server_.url();
  c.token = "tok123";
  Client ok(c);
  EXPECT_EQ(ok.Raw("GET", "/api").status, 200);
  c.token = "wrong";
  Client bad(c);
  KubeError e = ErrorOf([&] { bad.discovery().Resource(kConfigMap); });
  EXPECT_EQ(e.code, 401);
  EXPECT_EQ(std::string(e.what()).find("wrong"), std::string::npos);  // no secret in errors

  server_.RequireAuthorization("Basic dXNlcjpwdw==");  // user:pw
  Config b;
  b.server = server_.url();
  b.username = "user";
  b.password = "pw";
  EXPECT_EQ(Client(b).Raw("GET", "/api").status, 200);
}

TEST_F(ClientTest, TokenFileIsReadAtUse) {
  char tmpl[] = "/tmp/capstan-token-XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "filetok\n", 8), 8);
  close(fd);
  server_.RequireAuthorization("Bearer filetok");
  Config c;
  c.server = server_.url();
  c.token_file = tmpl;
  EXPECT_EQ(Client(c).Raw("GET", "/api").status, 200);
  unlink(tmpl);
}

// --- watch ------------------------------------------------------------------------------

TEST_F(ClientTest, WatchListsThenStreamsAndResumes) {
  server_.Seed(ConfigMapJson("team", "a"));
  server_.SetWatchEventLimit(2);  // each stream ends after two events: the client resumes
  server_.SetSendBookmarks(true);
  auto client = NewClient();
  std::vector<std::string> seen;
  int lists = 0;
  WatchOptions o;
  o.on_list = [&](const yaml::Node& list) {
    ++lists;
    EXPECT_EQ(list.Get("items")->size(), 1u);
  };
  std::thread writer([&] {
    // Changes made by someone else while the client watches.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (int i = 0; i < 5; ++i) server_.Seed(ConfigMapJson("team", "n" + std::to_string(i)));
  });
  client->Watch(kConfigMap, "team", o, [&](const WatchEvent& e) {
    if (e.type == "BOOKMARK") return true;
    seen.push_back(e.type + " " + e.object.StrAt({"metadata", "name"}));
    return seen.size() < 5;
  });
  writer.join();
  EXPECT_EQ(lists, 1);
  EXPECT_EQ(seen, (std::vector<std::string>{"ADDED n0", "ADDED n1", "ADDED n2", "ADDED n3", "ADDED n4"}));
  // Resumed from the last resourceVersion each time: nothing lost, nothing twice.
  std::vector<std::string> rvs;
  for (auto& r : server_.RequestsTo("/api/v1/namespaces/team/configmaps", "GET")) {
    if (r.Param("watch") != "1") continue;
    EXPECT_EQ(r.Param("allowWatchBookmarks"), "true");
    EXPECT_FALSE(r.Param("timeoutSeconds").empty());
    rvs.push_back(r.Param("resourceVersion"));
  }
  ASSERT_GE(rvs.size(), 3u);
  for (size_t i = 1; i < rvs.size(); ++i) EXPECT_LT(std::stoll(rvs[i - 1]), std::stoll(rvs[i]));
}

TEST_F(ClientTest, WatchWithoutOnListDeliversItemsAsAdded) {
  server_.Seed(ConfigMapJson("team", "a"));
  server_.Seed(ConfigMapJson("team", "b"));
  auto client = NewClient();
  std::vector<std::string> seen;
  client->Watch(kConfigMap, "team", {}, [&](const WatchEvent& e) {
    seen.push_back(e.type + " " + e.object.StrAt({"metadata", "name"}) + " " + e.object.StrAt({"kind"}));
    return seen.size() < 2;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"ADDED a ConfigMap", "ADDED b ConfigMap"}));
}

TEST_F(ClientTest, WatchRelistsOnGone) {
  for (bool as_http : {false, true}) {
    FakeApiServer server;
    server.Seed(ConfigMapJson("team", "a"));
    server.SetOldestWatchable(server.CurrentRv(), as_http, /*times=*/1);
    Config c;
    c.server = server.url();
    ClientOptions co;
    co.clock = &clock_;
    Client client(c, co);
    int lists = 0;
    WatchOptions o;
    o.resource_version = "5";  // long compacted away
    o.on_list = [&](const yaml::Node& list) {
      ++lists;
      EXPECT_EQ(list.Get("items")->size(), 1u);
      server.Seed(ConfigMapJson("team", "after-relist"));
    };
    std::vector<std::string> seen;
    client.Watch(kConfigMap, "team", o, [&](const WatchEvent& e) {
      seen.push_back(e.type + " " + e.object.StrAt({"metadata", "name"}));
      return false;
    });
    EXPECT_EQ(lists, 1) << as_http;
    EXPECT_EQ(seen, (std::vector<std::string>{"ADDED after-relist"})) << as_http;
  }
}

TEST_F(ClientTest, WatchStopsWhenAsked) {
  auto client = NewClient();
  std::atomic<bool> stop{false};
  WatchOptions o;
  o.resource_version = "1";
  o.stop = &stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop = true;
  });
  int events = 0;
  client->Watch(kConfigMap, "team", o, [&](const WatchEvent&) { return ++events < 1000; });
  stopper.join();
  EXPECT_EQ(events, 0);
}

TEST_F(ClientTest, WatchErrorEventOtherThanGoneIsThrown) {
  auto client = NewClient();
  client->discovery().Resource(kConfigMap);
  server_.Inject({"GET", "/api/v1/namespaces/team/configmaps", 403,
                  testing::StatusJson(403, "Forbidden", "configmaps is forbidden: User \"x\" cannot watch"), "", 1});
  WatchOptions o;
  o.resource_version = "1";
  KubeError e = ErrorOf([&] { client->Watch(kConfigMap, "team", o, [](const WatchEvent&) { return true; }); });
  EXPECT_EQ(e.code, 403);
  EXPECT_EQ(e.reason, "Forbidden");
}

}  // namespace
}  // namespace capstan::kube
