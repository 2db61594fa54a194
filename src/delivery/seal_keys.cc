#include "base/base64.h"
#include "delivery/seal_keys.h"

#include <openssl/rand.h>

#include <algorithm>

#include "delivery/error.h"

namespace capstan::delivery {
namespace {

const resource::Gvk kSecretGvk{"", "v1", "Secret"};

std::string DataValue(const yaml::Node& secret, const std::string& key) {
  std::string out;
  const yaml::Node* v = secret.At({"data", key});
  if (v == nullptr || !v->IsScalar() || !base::Base64Decode(v->value, &out)) {
    throw Error("Secret " + secret.StrAt({"metadata", "namespace"}) + "/" + secret.StrAt({"metadata", "name"}) +
                ": data." + key + " is missing or not base64");
  }
  return out;
}

}  // namespace

std::vector<yaml::Node> ListKeySecrets(kube::ResourceClient& client, const std::string& ns) {
  kube::ListOptions lo;
  lo.label_selector = std::string(kKeyLabel) + "=active";
  yaml::Node list = client.List(kSecretGvk, ns, lo);
  std::vector<yaml::Node> out;
  if (const yaml::Node* items = list.Get("items"); items != nullptr && items->IsSeq()) out = items->items;
  std::sort(out.begin(), out.end(), [](const yaml::Node& a, const yaml::Node& b) {
    std::string ta = a.StrAt({"metadata", "creationTimestamp"}), tb = b.StrAt({"metadata", "creationTimestamp"});
    return ta != tb ? ta < tb : a.StrAt({"metadata", "name"}) < b.StrAt({"metadata", "name"});
  });
  return out;
}

std::string FetchCert(kube::ResourceClient& client, const std::string& ns) {
  std::vector<yaml::Node> keys = ListKeySecrets(client, ns);
  if (keys.empty()) {
    throw Error("no sealing key in namespace " + ns + " (Secrets labelled " + kKeyLabel +
                "=active); create one with `capstan seal --generate-key`");
  }
  return DataValue(keys.back(), "tls.crt");
}

std::string CreateKey(kube::ResourceClient& client, const std::string& ns, int bits) {
  static const char kAlnum[] = "bcdfghjklmnpqrstvwxz2456789";
  unsigned char r[5];
  RAND_bytes(r, sizeof r);
  std::string name = "sealed-secrets-key";
  for (unsigned char c : r) name += kAlnum[c % (sizeof kAlnum - 1)];
  yaml::Node s = KeySecret(GenerateKeyPair(bits), name);
  s.Get("metadata")->Set("namespace", yaml::Node::String(ns));
  client.Create(s);
  return name;
}

std::vector<UnsealingKey> LoadUnsealingKeys(kube::ResourceClient& client, const std::string& ns) {
  std::vector<UnsealingKey> out;
  for (const yaml::Node& s : ListKeySecrets(client, ns)) {
    std::string pem = DataValue(s, "tls.key");
    out.push_back(UnsealingKey::FromPem(pem, "Secret " + ns + "/" + s.StrAt({"metadata", "name"})));
  }
  return out;
}

}  // namespace capstan::delivery
