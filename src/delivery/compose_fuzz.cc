// libFuzzer: arbitrary bytes as a Compose file through parse and migration.
#include <cstddef>
#include <cstdint>
#include <string>

#include "delivery/compose_migrate.h"
#include "delivery/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  using namespace capstan::delivery;
  try {
    ComposeProject p = ParseCompose(text, "/nonexistent/compose.yaml", {{"A", "1"}});
    MigrateOptions o;
    o.name = "fuzz";
    MigrateCompose(p, o);
  } catch (const Error&) {
  }
  return 0;
}
