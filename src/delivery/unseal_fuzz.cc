// libFuzzer: arbitrary bytes as a SealedSecret (YAML) and as raw ciphertext,
// unsealed with a fixed key. Must never crash and never unseal garbage.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "delivery/error.h"
#include "delivery/seal.h"
#include "yaml/yaml.h"

using namespace capstan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::vector<delivery::UnsealingKey>* keys = [] {
    auto* k = new std::vector<delivery::UnsealingKey>();
    k->push_back(delivery::UnsealingKey::FromPem(delivery::GenerateKeyPair(2048).key_pem, "fuzz"));
    return k;
  }();
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string plain;
  if (delivery::HybridDecrypt((*keys)[0], text, "ns/name", &plain)) __builtin_trap();  // forged
  try {
    for (const yaml::Node& doc : yaml::ParseAll(text, "fuzz")) delivery::Unseal(doc, *keys);
  } catch (const delivery::Error&) {
  } catch (const yaml::ParseError&) {
  }
  return 0;
}
