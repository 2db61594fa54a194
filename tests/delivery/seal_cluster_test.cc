// Sealing keys in the cluster and unsealing into it, against the in-process
// local cluster through the Kubernetes client: --generate-key / --fetch-cert
// / rotation as the sealed-secrets controller keeps keys, and
// UnsealSealedSecrets (what `app sync` calls) writing Secrets with owner
// references, refusing tampered or misplaced SealedSecrets with an Event.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/base64.h"
#include "delivery/error.h"
#include "delivery/seal.h"
#include "delivery/seal_keys.h"
#include "delivery/unseal_sync.h"
#include "tests/lib/local_cluster.h"
#include "yaml/yaml.h"

using namespace capstan;

namespace {

class SealCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster::ServerOptions so;
    so.speed = 50;
    local_ = std::make_unique<e2e::LocalCluster>("seal", so);
    client_ = local_->client.get();
    target_ = local_->target.get();
    std::ifstream crd("tests/delivery/testdata/sealedsecret-crd.yaml");
    std::stringstream ss;
    ss << crd.rdbuf();
    client_->Create(yaml::ParseOne(ss.str()));
    for (const char* ns : {"shop", "other"}) {
      client_->Create(yaml::ParseOne(std::string("apiVersion: v1\nkind: Namespace\nmetadata: {name: ") + ns + "}\n"));
    }
    // The CRD is served once established.
    for (int i = 0; i < 100; ++i) {
      client_->discovery().Invalidate();
      try {
        client_->discovery().Resource({"bitnami.com", "v1alpha1", "SealedSecret"});
        break;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }
  void TearDown() override {
    local_.reset();
  }
  yaml::Node Sealed(const std::string& cert, const std::string& ns, const std::string& value) {
    delivery::SealingKey key = delivery::SealingKey::FromPem(cert, "cert");
    yaml::Node secret = yaml::ParseOne("apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ntype: Opaque\nstringData: {password: " +
                                       value + "}\n");
    return delivery::SealSecret(secret, key, nullptr, ns, "secret.yaml");
  }
  yaml::Node ApplyLive(yaml::Node obj) {
    obj.Get("metadata")->Remove("creationTimestamp");
    return client_->Create(obj);
  }

  std::unique_ptr<e2e::LocalCluster> local_;
  kube::Client* client_ = nullptr;
  app::KubeTarget* target_ = nullptr;
};

TEST_F(SealCluster, KeysGenerateFetchRotateAndUnseal) {
  EXPECT_THROW(delivery::FetchCert(*client_), delivery::Error);  // no key yet
  std::string first = delivery::CreateKey(*client_, "kube-system", 2048);
  std::string cert1 = delivery::FetchCert(*client_);
  yaml::Node stored = client_->Get({{"", "v1", "Secret"}, "kube-system", first});
  EXPECT_EQ(stored.StrAt({"type"}), "kubernetes.io/tls");
  EXPECT_EQ(stored.StrAt({"metadata", "labels", delivery::kKeyLabel}), "active");

  // Sealed with the first key, then the key is rotated: the new key seals,
  // the old one still unseals.
  yaml::Node live = ApplyLive(Sealed(cert1, "shop", "hunter2"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // creationTimestamp has 1 s resolution
  delivery::CreateKey(*client_, "kube-system", 2048);
  std::string cert2 = delivery::FetchCert(*client_);
  EXPECT_NE(cert1, cert2);
  EXPECT_EQ(delivery::ListKeySecrets(*client_).size(), 2u);

  delivery::UnsealReport r = delivery::UnsealSealedSecrets(*target_, {live});
  ASSERT_EQ(r.refused.size(), 0u) << r.refused[0];
  ASSERT_EQ(r.unsealed, std::vector<std::string>{"shop/db"});
  yaml::Node secret = client_->Get({{"", "v1", "Secret"}, "shop", "db"});
  EXPECT_EQ(secret.StrAt({"data", "password"}), base::Base64Encode("hunter2"));
  const yaml::Node* owners = secret.At({"metadata", "ownerReferences"});
  ASSERT_TRUE(owners != nullptr && owners->items.size() == 1);
  EXPECT_EQ(owners->items[0].StrAt({"uid"}), live.StrAt({"metadata", "uid"}));
  EXPECT_EQ(yaml::EmitYaml(secret).find("last-applied"), std::string::npos);

  // Re-sealed with the new key: the Secret is updated.
  client_->Delete({{"bitnami.com", "v1alpha1", "SealedSecret"}, "shop", "db"});
  yaml::Node live2 = ApplyLive(Sealed(cert2, "shop", "correct-horse"));
  r = delivery::UnsealSealedSecrets(*target_, {live2});
  ASSERT_EQ(r.unsealed.size(), 1u);
  EXPECT_EQ(client_->Get({{"", "v1", "Secret"}, "shop", "db"}).StrAt({"data", "password"}),
            base::Base64Encode("correct-horse"));
}

TEST_F(SealCluster, RefusesTamperedAndMisplacedWithAnEvent) {
  delivery::CreateKey(*client_, "kube-system", 2048);
  std::string cert = delivery::FetchCert(*client_);
  // Sealed for namespace shop, put in namespace other.
  yaml::Node moved = Sealed(cert, "shop", "hunter2");
  moved.Get("metadata")->Set("namespace", yaml::Node::String("other"));
  yaml::Node live = ApplyLive(moved);
  delivery::UnsealReport r = delivery::UnsealSealedSecrets(*target_, {live});
  ASSERT_EQ(r.refused.size(), 1u);
  EXPECT_NE(r.refused[0].find("no key could decrypt"), std::string::npos);
  EXPECT_EQ(r.refused[0].find("hunter2"), std::string::npos);
  EXPECT_THROW(client_->Get({{"", "v1", "Secret"}, "other", "db"}), kube::KubeError);
  yaml::Node events = client_->List({"", "v1", "Event"}, "other");
  bool found = false;
  for (const yaml::Node& e : events.Get("items")->items) {
    if (e.StrAt({"reason"}) == "ErrUnsealFailed" && e.StrAt({"involvedObject", "name"}) == "db") found = true;
  }
  EXPECT_TRUE(found);

  // Tampered ciphertext.
  yaml::Node sealed = Sealed(cert, "shop", "hunter2");
  std::string ct;
  ASSERT_TRUE(base::Base64Decode(sealed.StrAt({"spec", "encryptedData", "password"}), &ct));
  ct[ct.size() - 3] ^= 0x20;
  sealed.Get("spec")->Get("encryptedData")->Set("password", yaml::Node::String(base::Base64Encode(ct)));
  r = delivery::UnsealSealedSecrets(*target_, {ApplyLive(sealed)});
  ASSERT_EQ(r.refused.size(), 1u);
  EXPECT_THROW(client_->Get({{"", "v1", "Secret"}, "shop", "db"}), kube::KubeError);

  // A Secret the SealedSecret does not own is never overwritten.
  client_->Delete({{"bitnami.com", "v1alpha1", "SealedSecret"}, "shop", "db"});
  client_->Create(yaml::ParseOne("apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\ndata: {password: b2xk}\n"));
  r = delivery::UnsealSealedSecrets(*target_, {ApplyLive(Sealed(cert, "shop", "new"))});
  ASSERT_EQ(r.refused.size(), 1u);
  EXPECT_NE(r.refused[0].find("not managed by the SealedSecret"), std::string::npos);
  EXPECT_EQ(client_->Get({{"", "v1", "Secret"}, "shop", "db"}).StrAt({"data", "password"}), "b2xk");
}

}  // namespace
