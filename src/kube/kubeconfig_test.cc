#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "kube/client.h"

namespace capstan::kube {
namespace {

namespace fs = std::filesystem;

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/capstan-kubeconfig-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
    return path;
  }
  Config Load(const std::string& path, const std::string& context = "") {
    KubeconfigOptions o;
    o.explicit_path = path;
    o.context = context;
    return LoadKubeconfig(o);
  }
  std::string LoadError(const KubeconfigOptions& o) {
    try {
      LoadKubeconfig(o);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "(no error)";
  }
  std::string LoadError(const std::string& path) {
    KubeconfigOptions o;
    o.explicit_path = path;
    return LoadError(o);
  }

  std::string dir_;
};

// "hello" / "world" in base64.
constexpr const char* kHelloB64 = "aGVsbG8=";
constexpr const char* kWorldB64 = "d29ybGQ=";

TEST_F(KubeconfigTest, TokenUserAndContextNamespace) {
  std::string f = Write("config", R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: c1
  cluster:
    server: https://10.0.0.1:6443/
    certificate-authority-data: aGVsbG8=
    tls-server-name: kube.internal
contexts:
- name: dev
  context: {cluster: c1, user: u1, namespace: team-a}
users:
- name: u1
  user:
    token: s3cret
)");
  Config c = Load(f);
  EXPECT_EQ(c.server, "https://10.0.0.1:6443");
  EXPECT_EQ(c.ca_data, "hello");
  EXPECT_EQ(c.tls_server_name, "kube.internal");
  EXPECT_EQ(c.token, "s3cret");
  EXPECT_EQ(c.ns, "team-a");
  EXPECT_EQ(c.context, "dev");
  EXPECT_EQ(c.cluster, "c1");
  EXPECT_EQ(c.user, "u1");
  EXPECT_FALSE(c.insecure_skip_tls_verify);
}

TEST_F(KubeconfigTest, NamespaceDefaultsToDefault) {
  std::string f = Write("config", R"(current-context: a
clusters: [{name: c, cluster: {server: "http://127.0.0.1:8080"}}]
contexts: [{name: a, context: {cluster: c}}]
)");
  Config c = Load(f);
  EXPECT_EQ(c.ns, "default");
  EXPECT_EQ(c.server, "http://127.0.0.1:8080");
  EXPECT_TRUE(c.token.empty());
}

TEST_F(KubeconfigTest, ClientCertificateDataAndFiles) {
  Write("pki/ca.crt", "CA");
  Write("pki/client.crt", "CERT");
  Write("pki/client.key", "KEY");
  std::string f = Write("config", std::string(R"(current-context: data
clusters:
- name: c
  cluster:
    server: https://k:6443
    certificate-authority: pki/ca.crt
contexts:
- {name: data, context: {cluster: c, user: data}}
- {name: files, context: {cluster: c, user: files}}
users:
- name: data
  user:
    client-certificate-data: )") + kHelloB64 + R"(
    client-key-data: )" + kWorldB64 + R"(
- name: files
  user:
    client-certificate: pki/client.crt
    client-key: )" + dir_ + R"(/pki/client.key
)");
  Config c = Load(f);
  EXPECT_EQ(c.client_cert_data, "hello");
  EXPECT_EQ(c.client_key_data, "world");
  EXPECT_EQ(c.ca_file, dir_ + "/pki/ca.crt");  // relative to the kubeconfig's directory
  Config files = Load(f, "files");
  EXPECT_EQ(files.client_cert_file, dir_ + "/pki/client.crt");
  EXPECT_EQ(files.client_key_file, dir_ + "/pki/client.key");
  EXPECT_TRUE(files.client_cert_data.empty());
}

TEST_F(KubeconfigTest, TokenFileBasicAuthInsecure) {
  Write("token", "from-file\n");
  std::string f = Write("config", R"(current-context: tf
clusters:
- {name: c, cluster: {server: "https://k", insecure-skip-tls-verify: true}}
contexts:
- {name: tf, context: {cluster: c, user: tf}}
- {name: basic, context: {cluster: c, user: basic}}
users:
- {name: tf, user: {tokenFile: token}}
- {name: basic, user: {username: admin, password: pw}}
)");
  Config c = Load(f);
  EXPECT_TRUE(c.insecure_skip_tls_verify);
  EXPECT_EQ(c.token, "from-file");
  EXPECT_EQ(c.token_file, dir_ + "/token");
  Config b = Load(f, "basic");
  EXPECT_EQ(b.username, "admin");
  EXPECT_EQ(b.password, "pw");
  EXPECT_TRUE(b.token.empty());
}

TEST_F(KubeconfigTest, KubeconfigListFirstFileWinsPerKey) {
  std::string a = Write("a.yaml", R"(current-context: ctx
clusters:
- {name: shared, cluster: {server: "https://from-a"}}
contexts:
- {name: ctx, context: {cluster: shared, user: u, namespace: from-a}}
)");
  std::string b = Write("b.yaml", R"(current-context: other
clusters:
- {name: shared, cluster: {server: "https://from-b"}}
- {name: only-b, cluster: {server: "https://only-b"}}
contexts:
- {name: ctx, context: {cluster: only-b, user: u, namespace: from-b}}
- {name: other, context: {cluster: only-b, user: u}}
users:
- {name: u, user: {token: tok-b}}
)");
  KubeconfigOptions o;
  o.kubeconfig_env = a + ":" + dir_ + "/missing.yaml:" + b;  // missing entries are skipped
  Config c = LoadKubeconfig(o);
  EXPECT_EQ(c.context, "ctx");      // current-context of the first file setting it
  EXPECT_EQ(c.ns, "from-a");        // context "ctx" from a.yaml wins
  EXPECT_EQ(c.server, "https://from-a");
  EXPECT_EQ(c.token, "tok-b");      // user only defined in b.yaml
  EXPECT_EQ(c.source, a);

  o.context = "other";
  Config other = LoadKubeconfig(o);
  EXPECT_EQ(other.server, "https://only-b");

  // Reversed order: b.yaml wins.
  KubeconfigOptions r;
  r.kubeconfig_env = b + ":" + a;
  Config rc = LoadKubeconfig(r);
  EXPECT_EQ(rc.context, "other");
  EXPECT_EQ(rc.server, "https://only-b");
}

TEST_F(KubeconfigTest, DefaultsToHomeKubeConfig) {
  Write("home/.kube/config", R"(current-context: x
clusters: [{name: c, cluster: {server: "https://home"}}]
contexts: [{name: x, context: {cluster: c}}]
)");
  KubeconfigOptions o;
  o.kubeconfig_env = "";
  o.home = dir_ + "/home";
  EXPECT_EQ(LoadKubeconfig(o).server, "https://home");

  o.home = dir_ + "/nohome";
  EXPECT_NE(LoadError(o).find("nohome/.kube/config\" does not exist"), std::string::npos) << LoadError(o);
}

TEST_F(KubeconfigTest, ExecAndAuthProviderAreRefusedClearly) {
  std::string f = Write("config", R"(current-context: eks
clusters: [{name: c, cluster: {server: "https://k"}}]
contexts:
- {name: eks, context: {cluster: c, user: aws}}
- {name: gke, context: {cluster: c, user: gcp}}
users:
- name: aws
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
- name: gcp
  user:
    auth-provider: {name: gcp}
)");
  std::string e = LoadError(f);
  EXPECT_EQ(e, f + ": users[aws].user.exec: exec credential plugins are not supported by capstan; "
                   "use token, tokenFile or a client certificate");
  KubeconfigOptions o;
  o.explicit_path = f;
  o.context = "gke";
  EXPECT_NE(LoadError(o).find(f + ": users[gcp].user.auth-provider: auth-provider plugins are not supported"),
            std::string::npos);
}

TEST_F(KubeconfigTest, ErrorsNameFileAndField) {
  auto err = [&](const std::string& text) { return LoadError(Write("bad.yaml", text)); };
  std::string f = dir_ + "/bad.yaml";
  EXPECT_EQ(err("current-context: nope\ncontexts: []\n"), f + ": current-context: context \"nope\" not found");
  EXPECT_EQ(err("current-context: a\ncontexts: [{name: a, context: {cluster: gone}}]\n"),
            f + ": contexts[a].context.cluster: cluster \"gone\" not found");
  EXPECT_EQ(err("current-context: a\ncontexts: [{name: a, context: {cluster: c}}]\n"
                "clusters: [{name: c, cluster: {insecure-skip-tls-verify: true}}]\n"),
            f + ": clusters[c].cluster.server: missing");
  EXPECT_EQ(err("current-context: a\ncontexts: [{name: a, context: {cluster: c}}]\n"
                "clusters: [{name: c, cluster: {server: 'https://k', certificate-authority-data: '%%%'}}]\n"),
            f + ": clusters[c].cluster.certificate-authority-data: invalid base64");
  EXPECT_EQ(err("current-context: a\ncontexts: [{name: a, context: {cluster: c, user: u}}]\n"
                "clusters: [{name: c, cluster: {server: 'https://k'}}]\n"
                "users: [{name: u, user: {token: t, username: x, password: y}}]\n"),
            f + ": users[u].user: more than one authentication method (token and username/password); only one is allowed");
  EXPECT_EQ(err("current-context: a\ncontexts: [{name: a, context: {cluster: c, user: u}}]\n"
                "clusters: [{name: c, cluster: {server: 'https://k'}}]\n"
                "users: [{name: u, user: {client-certificate-data: aGVsbG8=}}]\n"),
            f + ": users[u].user: client-certificate is set without client-key(-data)");
  EXPECT_EQ(err("current-context: a\ncontexts: [{name: a, context: {cluster: c}}]\n"
                "clusters: [{name: c, cluster: {server: 'https://k', certificate-authority: nope.crt}}]\n"),
            f + ": clusters[c].cluster.certificate-authority: cannot read \"" + dir_ + "/nope.crt\"");
  EXPECT_EQ(err("current-context: a\ncontexts: [{name: a, context: {cluster: c}}]\n"
                "clusters: [{name: c, cluster: {server: 'https://k', insecure-skip-tls-verify: maybe}}]\n"),
            f + ": clusters[c].cluster.insecure-skip-tls-verify: expected true or false");
  EXPECT_EQ(err("current-context: a\ncontexts: [{name: a, context: {cluster: c, user: u}}]\n"
                "clusters: [{name: c, cluster: {server: 'https://k'}}]\n"),
            f + ": contexts[a].context.user: user \"u\" not found");
  EXPECT_EQ(err("clusters: {name: c}\n"), f + ": clusters: expected a list");
  EXPECT_EQ(err("contexts: []\n"), f + ": current-context is not set and no context was given");
  // YAML syntax errors carry the file name from the parser.
  std::string syntax = err("current-context: [\n");
  EXPECT_EQ(syntax.rfind(f, 0), 0u) << syntax;
  EXPECT_EQ(syntax.find('\n'), std::string::npos);
  EXPECT_EQ(LoadError(dir_ + "/absent"), "kubeconfig \"" + dir_ + "/absent\" does not exist");
}

TEST_F(KubeconfigTest, SecretsStayOutOfErrors) {
  std::string f = Write("config", R"(current-context: a
contexts: [{name: a, context: {cluster: c, user: u}}]
clusters: [{name: c, cluster: {server: 'https://k'}}]
users: [{name: u, user: {token: supersecrettoken, username: me, password: hunter2}}]
)");
  std::string e = LoadError(f);
  EXPECT_EQ(e.find("supersecrettoken"), std::string::npos);
  EXPECT_EQ(e.find("hunter2"), std::string::npos);
}

TEST_F(KubeconfigTest, InClusterNeedsServiceEnv) {
  unsetenv("KUBERNETES_SERVICE_HOST");
  EXPECT_THROW(InClusterConfig(), ConfigError);
}

}  // namespace
}  // namespace capstan::kube
