// A Compose file read into plain structs: the subset of the Compose
// specification `capstan migrate compose` maps, plus every other key seen
// (for the report). Variables (${VAR}, ${VAR:-default}, $VAR, $$) are
// interpolated from the .env file beside the Compose file and `env`.
#ifndef CAPSTAN_DELIVERY_COMPOSE_MODEL_H_
#define CAPSTAN_DELIVERY_COMPOSE_MODEL_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace capstan::delivery {

struct ComposePort {
  int container = 0;
  int published = 0;  // 0: not published
  std::string protocol = "TCP";
};

struct ComposeMount {
  enum Type { kNamed, kBind, kAnonymous } type = kAnonymous;
  std::string source;  // volume name or host path
  std::string target;
  bool read_only = false;
};

struct ComposeHealthcheck {
  std::vector<std::string> command;  // exec form, shell form already wrapped in sh -c
  int interval = 0, timeout = 0, retries = 0, start_period = 0;  // seconds; 0 = unset
};

struct ComposeSecretRef {
  std::string source, target;  // target: file name under /run/secrets, or an absolute path
};

struct ComposeService {
  std::string name;
  std::string image;
  bool build = false;                 // has build:
  std::vector<std::string> command;   // args
  bool command_set = false;
  std::vector<std::string> entrypoint;
  bool entrypoint_set = false;
  std::vector<std::pair<std::string, std::string>> environment;  // in order
  std::vector<ComposePort> ports;
  std::vector<ComposeMount> volumes;
  std::vector<ComposeSecretRef> secrets;
  std::vector<std::string> depends_on;
  std::optional<ComposeHealthcheck> healthcheck;
  bool healthcheck_disabled = false;
  std::optional<int> replicas;
  std::string cpu_limit, memory_limit, cpu_request, memory_request;  // Kubernetes quantities
  std::string restart;
  std::string user;
  std::vector<std::string> cap_add, cap_drop;
  bool read_only = false, privileged = false, tty = false, stdin_open = false;
  std::string working_dir, hostname;
  std::map<std::string, std::string> labels;
  // Keys present but not mapped: "services.<svc>.<key>" -> why.
  std::vector<std::pair<std::string, std::string>> unmapped;
};

struct ComposeSecret {
  std::string name, file;  // file resolved against the Compose file's directory
  std::string content;     // read from file ("" when missing)
  bool missing = false;
};

struct ComposeProject {
  std::string file, dir;
  std::vector<ComposeService> services;  // in file order
  std::vector<std::string> volumes;      // top-level named volumes
  std::map<std::string, ComposeSecret> secrets;
  std::vector<std::pair<std::string, std::string>> unmapped;  // top-level keys
  std::vector<std::string> unset_variables;
};

// Parses `text` (the contents of `file`). Throws Error naming file and key
// path for invalid Compose and for keys that are not Compose keys at all.
ComposeProject ParseCompose(const std::string& text, const std::string& file,
                            const std::map<std::string, std::string>& env);

// "10s", "1m30s", "500ms", "1h" -> seconds (rounded up); throws on bad input.
int ComposeDurationSeconds(const std::string& s, const std::string& where);

}  // namespace capstan::delivery

#endif  // CAPSTAN_DELIVERY_COMPOSE_MODEL_H_
