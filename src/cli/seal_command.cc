// capstan seal: SealedSecrets in bitnami's kubeseal format, and the sealing
// keys kept in the cluster.
//   capstan seal -f secret.yaml --cert cert.pem [--scope S] [-o yaml|json] > sealed.yaml
//   capstan seal --raw --from-file value.txt --namespace NS --name NAME --cert cert.pem
//   capstan seal --fetch-cert [--kubeconfig K]         the newest key's certificate
//   capstan seal --generate-key [--kubeconfig K]       new key (rotation: older keys still unseal)
//   capstan seal --recovery-unseal --recovery-private-key key.pem -f sealed.yaml
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "base/base64.h"
#include "cli/command.h"
#include "cli/kube_flags.h"
#include "delivery/error.h"
#include "delivery/seal.h"
#include "delivery/seal_keys.h"
#include "kube/client.h"
#include "yaml/yaml.h"

namespace {

namespace delivery = capstan::delivery;
namespace kube = capstan::kube;
namespace yaml = capstan::yaml;

std::string ReadInput(const std::string& path) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  return delivery::ReadFile(path);
}

std::string Emit(const yaml::Node& n, const std::string& format) {
  return format == "json" ? yaml::EmitJson(n, 2) + "\n" : yaml::EmitYaml(n);
}

int RunSeal(int argc, char** argv) {
  CLI::App app{"Seal Secrets into bitnami.com/v1alpha1 SealedSecrets (kubeseal format: RSA-OAEP + AES-256-GCM, "
               "scope label), fetch the certificate, generate or rotate sealing keys in the cluster",
               "capstan seal"};
  std::string file = "-", cert, format = "yaml", scope_name, ns, name, from_file,
              controller_ns = delivery::kKeyNamespace, private_key;
  bool raw = false, fetch_cert = false, generate_key = false, recovery_unseal = false;
  int key_bits = 4096;
  capstan::cli::KubeFlags kube_flags;
  app.add_option("-f,--file", file, "Secret to seal (YAML or JSON), - for stdin (default)");
  app.add_option("--cert", cert, "Certificate (PEM) of the sealing key: a file");
  app.add_option("-o,--format", format, "Output format: yaml (default) or json")->check(CLI::IsMember({"yaml", "json"}));
  app.add_option("--scope", scope_name, "strict (default), namespace-wide or cluster-wide")
      ->check(CLI::IsMember({"strict", "namespace-wide", "cluster-wide"}));
  app.add_flag("--raw", raw, "Seal one value (--from-file) and print only its encryptedData string");
  app.add_option("--from-file", from_file, "With --raw: file holding the value");
  app.add_option("-n,--namespace", ns, "Namespace (default: the Secret's, else the kubeconfig's, else default)");
  app.add_option("--name", name, "With --raw: the Secret's name (strict scope)");
  app.add_flag("--fetch-cert", fetch_cert, "Print the newest sealing certificate kept in the cluster");
  app.add_flag("--generate-key", generate_key, "Generate a sealing key in the cluster (run again to rotate)");
  app.add_option("--key-size", key_bits, "RSA bits of --generate-key (default 4096)")->check(CLI::Range(2048, 8192));
  app.add_option("--controller-namespace", controller_ns, "Namespace of the sealing keys (default kube-system)");
  app.add_flag("--recovery-unseal", recovery_unseal, "Unseal SealedSecrets of -f with --recovery-private-key");
  app.add_option("--recovery-private-key", private_key, "Private key (PEM) for --recovery-unseal");
  capstan::cli::AddKubeFlags(&app, &kube_flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    auto client = [&]() { return std::make_unique<kube::Client>(capstan::cli::LoadKubeConfig(kube_flags)); };
    if (generate_key) {
      std::string created = delivery::CreateKey(*client(), controller_ns, key_bits);
      std::printf("created sealing key %s/%s\n", controller_ns.c_str(), created.c_str());
      return 0;
    }
    if (fetch_cert && !raw && cert.empty() && app.count("--file") == 0) {
      std::string pem = delivery::FetchCert(*client(), controller_ns);
      std::fwrite(pem.data(), 1, pem.size(), stdout);
      return 0;
    }
    if (recovery_unseal) {
      if (private_key.empty()) throw delivery::Error("--recovery-unseal needs --recovery-private-key");
      std::vector<delivery::UnsealingKey> keys;
      keys.push_back(delivery::UnsealingKey::FromPem(delivery::ReadFile(private_key), private_key));
      std::string out;
      for (const yaml::Node& d : yaml::ParseAll(ReadInput(file), file)) {
        out += (out.empty() ? "" : "---\n") + Emit(delivery::Unseal(d, keys), format);
      }
      std::fwrite(out.data(), 1, out.size(), stdout);
      return 0;
    }
    std::string pem, pem_source;
    if (!cert.empty()) {
      pem = delivery::ReadFile(cert);
      pem_source = cert;
    } else if (fetch_cert) {
      pem = delivery::FetchCert(*client(), controller_ns);
      pem_source = "sealing certificate from " + controller_ns;
    } else {
      throw delivery::Error("give --cert FILE or --fetch-cert");
    }
    delivery::SealingKey key = delivery::SealingKey::FromPem(pem, pem_source);
    delivery::SealScope scope_value = delivery::SealScope::kStrict;
    if (!scope_name.empty()) scope_value = delivery::ParseScope(scope_name);
    if (raw) {
      if (from_file.empty()) throw delivery::Error("--raw needs --from-file");
      if (scope_value != delivery::SealScope::kClusterWide && ns.empty()) throw delivery::Error("--raw needs --namespace");
      if (scope_value == delivery::SealScope::kStrict && name.empty()) throw delivery::Error("--raw with strict scope needs --name");
      std::string value = delivery::ReadFile(from_file);
      std::string out = capstan::base::Base64Encode(
          delivery::HybridEncrypt(key, value, delivery::ScopeLabel(scope_value, ns, name)));
      std::printf("%s\n", out.c_str());
      return 0;
    }
    std::string default_ns = ns;
    std::string out;
    for (const yaml::Node& d : yaml::ParseAll(ReadInput(file), file == "-" ? "<stdin>" : file)) {
      yaml::Node sealed =
          delivery::SealSecret(d, key, scope_name.empty() ? nullptr : &scope_value, default_ns, file == "-" ? "<stdin>" : file);
      out += (out.empty() ? "" : "---\n") + Emit(sealed, format);
    }
    if (out.empty()) throw delivery::Error(file + ": no Secret to seal");
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
  } catch (const yaml::ParseError& e) {
    // Parse errors quote positions, never values.
    std::fprintf(stderr, "capstan seal: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstan seal: %s\n", e.what());
    return 1;
  }
}

const capstan::cli::Command kCmd("seal", "Seal Secrets for Git (bitnami SealedSecret format); manage sealing keys",
                                 RunSeal);

}  // namespace
