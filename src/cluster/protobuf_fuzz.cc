// Fuzzes the Kubernetes protobuf decoder (and re-encoding what it decoded).
#include <cstddef>
#include <cstdint>
#include <string>

#include "cluster/protobuf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body = std::string("k8s\0", 4) + std::string(reinterpret_cast<const char*>(data), size);
  if (auto obj = capstan::cluster::DecodeProtobufObject(body)) capstan::cluster::EncodeProtobufObject(*obj);
  return 0;
}
