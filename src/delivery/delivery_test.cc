#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "base/base64.h"
#include "delivery/compose_migrate.h"
#include "delivery/compose_model.h"
#include "delivery/error.h"
#include "delivery/image_set.h"
#include "delivery/seal.h"
#include "yaml/yaml.h"

namespace capstan::delivery {
namespace {

ImageEntry E(std::string n, std::string nn, std::string t, std::string d) { return {n, nn, t, d}; }

TEST(ParseImageArg, KustomizeForms) {
  auto a = ParseImageArg("nginx:1.25");
  EXPECT_EQ(a.name, "nginx");
  EXPECT_EQ(a.new_tag, "1.25");
  a = ParseImageArg("nginx@sha256:abc");
  EXPECT_EQ(a.name, "nginx");
  EXPECT_EQ(a.digest, "sha256:abc");
  EXPECT_EQ(a.new_tag, "");
  a = ParseImageArg("nginx:1.25@sha256:abc");
  EXPECT_EQ(a.name, "nginx");
  EXPECT_EQ(a.new_tag, "1.25");
  EXPECT_EQ(a.digest, "sha256:abc");
  a = ParseImageArg("nginx=my.registry:5000/nginx:2");
  EXPECT_EQ(a.name, "nginx");
  EXPECT_EQ(a.new_name, "my.registry:5000/nginx");
  EXPECT_EQ(a.new_tag, "2");
  a = ParseImageArg("nginx=mirror/nginx");
  EXPECT_EQ(a.new_name, "mirror/nginx");
  EXPECT_EQ(a.new_tag, "");
  a = ParseImageArg("host:5000/team/app:v1");
  EXPECT_EQ(a.name, "host:5000/team/app");
  EXPECT_EQ(a.new_tag, "v1");
  a = ParseImageArg("nginx=*:3");
  EXPECT_EQ(a.new_name, "*");
  EXPECT_THROW(ParseImageArg("nginx"), Error);
  EXPECT_THROW(ParseImageArg("host:5000/app"), Error);
  EXPECT_THROW(ParseImageArg(":1"), Error);
}

TEST(EditImages, ReplacesOnlyTheValueBytes) {
  std::string in = "images:   # list\n- name: a   # first\n  newTag: '1'  # old\nnamePrefix: x-\n";
  EXPECT_EQ(EditImages(in, {E("a", "", "2", "")}, "k.yaml"),
            "images:   # list\n- name: a   # first\n  newTag: '2'  # old\nnamePrefix: x-\n");
}

TEST(EditImages, KustomizeDropsFieldsTheArgumentDoesNotGive) {
  std::string in = "images:\n- name: a\n  newName: b\n  newTag: \"1\"\n  digest: sha256:x\n";
  EXPECT_EQ(EditImages(in, {E("a", "", "2", "")}, "k"), "images:\n- name: a\n  newTag: \"2\"\n");
  // `*` keeps what the file has.
  EXPECT_EQ(EditImages(in, {E("a", "*", "3", "*")}, "k"),
            "images:\n- name: a\n  newName: b\n  newTag: \"3\"\n  digest: sha256:x\n");
}

TEST(EditImages, IndentedListCrlfAndNoFinalNewline) {
  std::string in = "resources:\r\n  - d.yaml\r\nimages:\r\n  - name: a\r\n    newTag: v1";
  std::string out = EditImages(in, {E("a", "", "v2", ""), E("b", "", "v9", "")}, "k");
  EXPECT_EQ(out, "resources:\r\n  - d.yaml\r\nimages:\r\n  - name: a\r\n    newTag: v2\r\n  - name: b\r\n    newTag: v9\r\n");
}

TEST(EditImages, FirstKeyDroppedRewritesOnlyThatEntry) {
  std::string in = "images:\n- digest: sha256:x\n  name: a\n- name: keep # me\n  newTag: k\n";
  EXPECT_EQ(EditImages(in, {E("a", "", "1", "")}, "k"),
            "images:\n- name: a\n  newTag: \"1\"\n- name: keep # me\n  newTag: k\n");
}

TEST(EditImages, AddsImagesWhereThereWereNone) {
  EXPECT_EQ(EditImages("resources: [d.yaml]\n", {E("a", "", "1.0", "")}, "k"),
            "resources: [d.yaml]\nimages:\n- name: a\n  newTag: \"1.0\"\n");
  EXPECT_EQ(EditImages("images:\nresources: [d.yaml]\n", {E("a", "", "v1", "")}, "k"),
            "images:\n- name: a\n  newTag: v1\nresources: [d.yaml]\n");
  EXPECT_EQ(EditImages("images: []\n", {E("a", "", "v1", "")}, "k"), "images: [{name: a, newTag: v1}]\n");
}

TEST(EditImages, RefusesWhatIsNotAKustomization) {
  EXPECT_THROW(EditImages("kind: Deployment\n", {E("a", "", "1", "")}, "k"), Error);
  EXPECT_THROW(EditImages("a: 1\n---\nb: 2\n", {E("a", "", "1", "")}, "k"), Error);
  EXPECT_THROW(EditImages("images: {a: 1}\n", {E("a", "", "1", "")}, "k"), Error);
  EXPECT_THROW(EditImages("images:\n- name: [x]\n", {E("a", "", "1", "")}, "k"), Error);
  try {
    EditImages("images:\n- newTag: x\n", {E("a", "", "1", "")}, "dir/kustomization.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "dir/kustomization.yaml: images[0].name: missing");
  }
}

class SealTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pair_ = new KeyPair(GenerateKeyPair(2048)); }
  static KeyPair* pair_;
};
KeyPair* SealTest::pair_ = nullptr;

TEST_F(SealTest, HybridRoundTripBindsTheLabel) {
  SealingKey pub = SealingKey::FromPem(pair_->cert_pem, "cert");
  UnsealingKey priv = UnsealingKey::FromPem(pair_->key_pem, "key");
  std::string ct = HybridEncrypt(pub, "hello", "ns/name");
  EXPECT_EQ(ct.size(), 2 + 256 + 5 + 16u);  // length, RSA-2048 block, GCM body and tag
  EXPECT_EQ(static_cast<unsigned char>(ct[0]) * 256 + static_cast<unsigned char>(ct[1]), 256);
  std::string out;
  ASSERT_TRUE(HybridDecrypt(priv, ct, "ns/name", &out));
  EXPECT_EQ(out, "hello");
  EXPECT_FALSE(HybridDecrypt(priv, ct, "ns/other", &out));
  EXPECT_FALSE(HybridDecrypt(priv, ct, "", &out));
  std::string bad = ct;
  bad.back() ^= 1;
  EXPECT_FALSE(HybridDecrypt(priv, bad, "ns/name", &out));
  EXPECT_FALSE(HybridDecrypt(priv, ct.substr(0, 10), "ns/name", &out));
  EXPECT_FALSE(HybridDecrypt(priv, "", "ns/name", &out));
}

TEST_F(SealTest, SealThenUnsealWithOwnerReference) {
  SealingKey pub = SealingKey::FromPem(pair_->cert_pem, "cert");
  std::vector<UnsealingKey> keys;
  keys.push_back(UnsealingKey::FromPem(pair_->key_pem, "key"));
  yaml::Node secret = yaml::ParseOne(
      "apiVersion: v1\nkind: Secret\nmetadata: {name: db, labels: {a: b}}\ntype: Opaque\nstringData: {pw: hunter2}\n");
  SealScope ns_wide = SealScope::kNamespaceWide;
  yaml::Node sealed = SealSecret(secret, pub, &ns_wide, "shop", "s.yaml");
  EXPECT_EQ(sealed.StrAt({"metadata", "namespace"}), "shop");
  EXPECT_EQ(sealed.StrAt({"metadata", "annotations", kNamespaceWideAnnotation}), "true");
  EXPECT_EQ(yaml::EmitYaml(sealed).find("hunter2"), std::string::npos);
  sealed.Get("metadata")->Set("uid", yaml::Node::String("u-1"));
  // Namespace-wide: another name in the same namespace is fine.
  sealed.Get("metadata")->Set("name", yaml::Node::String("db2"));
  yaml::Node s = Unseal(sealed, keys);
  EXPECT_EQ(s.StrAt({"metadata", "name"}), "db2");
  EXPECT_EQ(s.StrAt({"data", "pw"}), base::Base64Encode("hunter2"));
  EXPECT_EQ(s.StrAt({"metadata", "labels", "a"}), "b");
  const yaml::Node* owners = s.At({"metadata", "ownerReferences"});
  ASSERT_TRUE(owners && owners->items.size() == 1);
  EXPECT_EQ(owners->items[0].StrAt({"uid"}), "u-1");
  EXPECT_EQ(owners->items[0].StrAt({"kind"}), "SealedSecret");
  // Another namespace is refused, and the error holds no plaintext.
  sealed.Get("metadata")->Set("namespace", yaml::Node::String("other"));
  try {
    Unseal(sealed, keys);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no key could decrypt"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos);
  }
}

TEST_F(SealTest, CorruptCertificateIsAnError) {
  EXPECT_THROW(SealingKey::FromPem("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n", "c"), Error);
  EXPECT_THROW(SealingKey::FromPem("", "c"), Error);
  EXPECT_THROW(UnsealingKey::FromPem(pair_->cert_pem, "k"), Error);
}

TEST(Compose, DurationsAndNames) {
  EXPECT_EQ(ComposeDurationSeconds("10s", "x"), 10);
  EXPECT_EQ(ComposeDurationSeconds("1m30s", "x"), 90);
  EXPECT_EQ(ComposeDurationSeconds("500ms", "x"), 1);
  EXPECT_EQ(ComposeDurationSeconds("1h", "x"), 3600);
  EXPECT_THROW(ComposeDurationSeconds("soon", "x"), Error);
  EXPECT_THROW(ComposeDurationSeconds("", "x"), Error);
  EXPECT_EQ(KubeName("db_data", "v"), "db-data");
  EXPECT_EQ(KubeName("Pi.Hole", "v"), "pi-hole");
  EXPECT_THROW(KubeName("___", "v"), Error);
}

TEST(Compose, InterpolationAndMapping) {
  std::map<std::string, std::string> env = {{"TAG", "7"}, {"EMPTY", ""}};
  ComposeProject p = ParseCompose(
      "services:\n  cache:\n    image: redis:${TAG}\n    environment:\n      A: ${EMPTY:-dflt}\n      B: $${NOT}\n"
      "      C: ${MISSING}\n    command: redis-server --save \"\" --appendonly no\n    ports: ['6379', '8080:80/udp']\n",
      "c.yaml", env);
  ASSERT_EQ(p.services.size(), 1u);
  const ComposeService& s = p.services[0];
  EXPECT_EQ(s.image, "redis:7");
  EXPECT_EQ(s.environment[0].second, "dflt");
  EXPECT_EQ(s.environment[1].second, "${NOT}");
  EXPECT_EQ(s.environment[2].second, "");
  EXPECT_EQ(p.unset_variables, std::vector<std::string>{"MISSING"});
  EXPECT_EQ(s.command, (std::vector<std::string>{"redis-server", "--save", "", "--appendonly", "no"}));
  ASSERT_EQ(s.ports.size(), 2u);
  EXPECT_EQ(s.ports[1].container, 80);
  EXPECT_EQ(s.ports[1].published, 8080);
  EXPECT_EQ(s.ports[1].protocol, "UDP");
  Migration m = MigrateCompose(p, {});
  EXPECT_NE(m.files.count("base/cache.yaml"), 0u);
  EXPECT_NE(m.report.find("`${MISSING}` is not set"), std::string::npos);
}

TEST(Compose, EnvFileThenEnvironment) {
  char tmpl[] = "/tmp/capstan-envfile-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::ofstream(dir + "/app.env") << "# comment\nexport A=from-file\nB=\"quoted\"\nAPI_TOKEN=t0k\n";
  ComposeProject p = ParseCompose("services:\n  web:\n    image: web\n    env_file: app.env\n    environment: {A: inline}\n",
                                  dir + "/compose.yaml", {});
  Migration m = MigrateCompose(p, {});
  std::string base = m.files["base/web.yaml"];
  EXPECT_NE(base.find("A: inline"), std::string::npos) << base;
  EXPECT_EQ(base.find("from-file"), std::string::npos);
  EXPECT_NE(base.find("B: quoted"), std::string::npos);
  EXPECT_NE(base.find("API_TOKEN: dDBr"), std::string::npos);  // in the Secret, base64
  EXPECT_THROW(ParseCompose("services:\n  web:\n    image: web\n    env_file: missing.env\n", dir + "/compose.yaml", {}),
               Error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace capstan::delivery
