// libFuzzer: any bytes as a notification template, rendered for a small app.
#include <cstddef>
#include <cstdint>
#include <string>

#include "notify/notify.h"
#include "notify/render.h"
#include "yaml/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const capstan::yaml::Node env = capstan::yaml::ParseOne(
      "app:\n  metadata: {name: a}\n  spec: {source: {repoURL: 'git@h:o/r.git'}}\n"
      "  status:\n    conditions: [{type: A, message: m}]\n    operationState: {finishedAt: '2024-01-01T00:01:00Z'}\n"
      "context: {argocdUrl: 'https://cd'}\nserviceType: webhook\nrecipient: r\n");
  try {
    capstan::notify::RenderTemplate(std::string(reinterpret_cast<const char*>(data), size), env, "fuzz");
  } catch (const capstan::notify::ConfigError&) {
  }
  return 0;
}
