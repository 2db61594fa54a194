// capstan's Kubernetes client against capstan's local API server: kubeconfig
// written by the server, TLS + bearer token, discovery, create/get/list,
// watch, server-side apply (conflicts, force), dry run, delete, and a CRD
// registered at run time (discovery refresh on miss).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "cluster/cluster.h"
#include "kube/client.h"
#include "yaml/yaml.h"

namespace capstan::kube {
namespace {

const Gvk kConfigMap{"", "v1", "ConfigMap"};

yaml::Node Json(const std::string& s) { return yaml::ParseJson(s); }

class ClusterIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/capstan-kube-it-XXXXXX";
    dir_ = new std::string(mkdtemp(tmpl));
    cluster::ServerOptions o;
    o.data_dir = *dir_;
    o.controllers = false;
    server_ = new cluster::Server(o);
    server_->Start();
  }
  static void TearDownTestSuite() {
    server_->Stop();
    delete server_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  std::unique_ptr<Client> NewClient() {
    KubeconfigOptions k;
    k.explicit_path = server_->kubeconfig_path();
    Config c = LoadKubeconfig(k);
    c.ns = "kube-it";
    return std::make_unique<Client>(c);
  }
  static void EnsureNamespace(Client& client) {
    try {
      client.Create(Json(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"kube-it"}})"));
    } catch (const KubeError& e) {
      if (!IsAlreadyExists(e)) throw;
    }
  }
  static KubeError ErrorOf(const std::function<void()>& f) {
    try {
      f();
    } catch (const KubeError& e) {
      return e;
    }
    return KubeError(-1, "none", "no error thrown");
  }

  static std::string* dir_;
  static cluster::Server* server_;
};

std::string* ClusterIntegrationTest::dir_;
cluster::Server* ClusterIntegrationTest::server_;

TEST_F(ClusterIntegrationTest, DiscoveryFromKubeconfig) {
  auto client = NewClient();
  EXPECT_EQ(client->config().server, server_->server_url());
  ApiResource d = client->Resource({"apps", "v1", "Deployment"});
  EXPECT_EQ(d.name, "deployments");
  EXPECT_TRUE(d.namespaced);
  EXPECT_FALSE(client->Resource({"", "v1", "Namespace"}).namespaced);
  EXPECT_EQ(client->discovery().PreferredVersion("apps"), "v1");
}

TEST_F(ClusterIntegrationTest, CrudListWatchApplyDelete) {
  auto client = NewClient();
  EnsureNamespace(*client);
  // Dry run stores nothing.
  WriteOptions dry{true, ""};
  client->Create(Json(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dry"},"data":{"a":"1"}})"), dry);
  EXPECT_TRUE(IsNotFound(ErrorOf([&] { client->Get({kConfigMap, "", "dry"}); })));

  yaml::Node cm = client->Create(
      Json(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"one","labels":{"app":"it"}},"data":{"a":"1"}})"));
  EXPECT_EQ(cm.StrAt({"metadata", "namespace"}), "kube-it");
  for (int i = 0; i < 4; ++i)
    client->Create(Json(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"p)" + std::to_string(i) +
                        R"(","labels":{"app":"it"}}})"));
  ListOptions lo;
  lo.label_selector = "app=it";
  lo.limit = 2;  // paginated
  yaml::Node list = client->List(kConfigMap, "kube-it", lo);
  EXPECT_EQ(list.Get("items")->size(), 5u);
  std::string rv = list.StrAt({"metadata", "resourceVersion"});
  ASSERT_FALSE(rv.empty());

  // Watch from the list's resourceVersion while another call modifies.
  std::vector<std::string> events;
  std::atomic<bool> stop{false};
  std::thread watcher([&] {
    WatchOptions wo;
    wo.resource_version = rv;
    wo.label_selector = "app=it";
    wo.stop = &stop;
    wo.timeout_seconds = 30;
    try {
      NewClient()->Watch(kConfigMap, "kube-it", wo, [&](const WatchEvent& e) {
        if (e.type == "BOOKMARK") return true;
        events.push_back(e.type + " " + e.object.StrAt({"metadata", "name"}));
        return events.size() < 2;
      });
    } catch (const std::exception& e) {
      events.push_back(std::string("error: ") + e.what());
    }
  });

  // Whatever happens below, the watcher must be joined.
  struct Joiner {
    std::thread& t;
    std::atomic<bool>& stop;
    ~Joiner() {
      if (t.joinable()) {
        stop = true;
        t.join();
      }
    }
  } joiner{watcher, stop};

  // Server-side apply: our manager takes data.a over from the create (an
  // Update entry of manager "capstan", from the User-Agent: a different
  // manager entry, so force is needed, as with kube-apiserver); another
  // manager's conflicting value is then refused without force and wins with
  // force.
  yaml::Node applied = client->Apply(
      Json(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"one","labels":{"app":"it"}},"data":{"a":"2"}})"),
      "capstan-sync", /*force=*/true);
  EXPECT_EQ(applied.StrAt({"data", "a"}), "2");
  KubeError conflict = ErrorOf([&] {
    client->Apply(Json(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"one"},"data":{"a":"3"}})"), "intruder");
  });
  EXPECT_EQ(conflict.code, 409) << conflict.what();
  EXPECT_TRUE(IsConflict(conflict));
  yaml::Node forced;
  KubeError force_error = ErrorOf([&] {
    forced = client->Apply(
        Json(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"one"},"data":{"a":"3"}})"), "intruder", true);
  });
  EXPECT_EQ(force_error.code, -1) << force_error.what();
  EXPECT_EQ(forced.StrAt({"data", "a"}), "3");

  client->Delete({kConfigMap, "kube-it", "p0"});
  watcher.join();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], "MODIFIED one");

  // Merge patch and delete with a precondition that does not match.
  PatchOptions mp;
  client->Patch({kConfigMap, "kube-it", "one"}, Json(R"({"data":{"b":"x"}})"), mp);
  EXPECT_EQ(client->Get({kConfigMap, "kube-it", "one"}).StrAt({"data", "b"}), "x");
  DeleteOptions pre;
  pre.precondition_uid = "not-the-uid";
  KubeError e = ErrorOf([&] { client->Delete({kConfigMap, "kube-it", "one"}, pre); });
  EXPECT_EQ(e.code, 409) << e.what();
  client->Delete({kConfigMap, "kube-it", "one"});
  EXPECT_TRUE(IsNotFound(ErrorOf([&] { client->Get({kConfigMap, "kube-it", "one"}); })));
}

// A watch with a label selector sees an object that stops matching as
// DELETED and one that starts matching as ADDED, as kube-apiserver sends.
TEST_F(ClusterIntegrationTest, WatchSelectorSeesObjectsLeaveAndEnter) {
  auto client = NewClient();
  EnsureNamespace(*client);
  yaml::Node cm = client->Create(
      Json(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"mover","labels":{"tier":"a"}}})"));
  std::string rv = cm.StrAt({"metadata", "resourceVersion"});
  PatchOptions mp;
  client->Patch({kConfigMap, "kube-it", "mover"}, Json(R"({"data":{"x":"1"}})"), mp);                  // still a
  client->Patch({kConfigMap, "kube-it", "mover"}, Json(R"({"metadata":{"labels":{"tier":"b"}}})"), mp);  // leaves
  client->Patch({kConfigMap, "kube-it", "mover"}, Json(R"({"data":{"x":"2"}})"), mp);                  // unseen
  client->Patch({kConfigMap, "kube-it", "mover"}, Json(R"({"metadata":{"labels":{"tier":"a"}}})"), mp);  // enters
  std::vector<std::string> events;
  WatchOptions wo;
  wo.resource_version = rv;
  wo.label_selector = "tier=a";
  wo.timeout_seconds = 10;
  NewClient()->Watch(kConfigMap, "kube-it", wo, [&](const WatchEvent& e) {
    if (e.type == "BOOKMARK") return true;
    events.push_back(e.type + " tier=" + e.object.StrAt({"metadata", "labels", "tier"}));
    return events.size() < 3;
  });
  EXPECT_EQ(events, (std::vector<std::string>{"MODIFIED tier=a", "DELETED tier=b", "ADDED tier=a"}));
  client->Delete({kConfigMap, "kube-it", "mover"});
}

TEST_F(ClusterIntegrationTest, CrdRegisteredAtRunTime) {
  auto client = NewClient();
  client->Resource(kConfigMap);  // discovery cached before the CRD exists
  client->Create(Json(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
    "metadata":{"name":"widgets.example.com"},
    "spec":{"group":"example.com","scope":"Namespaced",
      "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},
      "versions":[{"name":"v1","served":true,"storage":true,
        "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}})"));
  yaml::Node w;
  // The CRD may take a moment to be served.
  for (int i = 0; i < 50; ++i) {
    try {
      w = client->Create(
          Json(R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1","namespace":"default"},"spec":{"size":3}})"));
      break;
    } catch (const KubeError& e) {
      if (e.code != 404) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  EXPECT_EQ(w.StrAt({"metadata", "name"}), "w1");
  EXPECT_EQ(client->Get({{"example.com", "v1", "Widget"}, "default", "w1"}).At({"spec", "size"})->AsInt(), 3);
}

}  // namespace
}  // namespace capstan::kube
