// `capstan migrate compose`: a Compose project turned into the plan's
// template, apps/<app>/base + overlays/<env>, with a report (MIGRATION.md) of
// every key not mapped and why.
//
// Mapping (kompose's where it is right, see ../shared/reference/argocd-facts.md I):
// - a service -> Deployment (StatefulSet when it mounts a named volume) and,
//   with ports or expose, a Service (port = container port, so the
//   service-to-service addresses of the Compose file keep working);
// - environment -> a ConfigMap <svc>-config, and a Secret <svc>-env for keys
//   naming PASSWORD, PASSWD, SECRET, TOKEN, KEY or CREDENTIAL; values whose
//   host is another service are pointed at that service's Service name;
// - top-level secrets -> Secrets mounted at /run/secrets/<target>;
// - named volumes -> PersistentVolumeClaims; anonymous -> emptyDir; bind
//   mounts are reported, not mapped;
// - healthcheck -> liveness and readiness exec probes (shell form wrapped in
//   sh -c); deploy.resources -> resources; deploy.replicas -> replicas;
// - depends_on -> argocd.argoproj.io/sync-wave (a service's wave is one more
//   than the highest wave it depends on), so Argo CD / capstan wait for the
//   dependencies to be healthy first;
// - services with build: get the image <registry>/<app>/<service>:latest.
// Overlays: namespace <app>-<env>, the plan's replicas (1/2/3) and the
// production resources patch, and images: entries so `capstan image set`
// and `capstan promote` work on the result.
#ifndef CAPSTAN_DELIVERY_COMPOSE_MIGRATE_H_
#define CAPSTAN_DELIVERY_COMPOSE_MIGRATE_H_

#include <map>
#include <string>
#include <vector>

#include "delivery/compose_model.h"

namespace capstan::delivery {

struct MigrateOptions {
  std::string name;  // app name; default: the Compose file's directory
  std::string registry = "registry.example.com";
  std::vector<std::string> environments = {"dev", "staging", "production"};
  bool strict = false;  // any key not mapped is an error
  // When set, one Argo CD Application per environment pointing at
  // apps/<app>/overlays/<env> of this repository (Migration::applications).
  std::string repo_url;
  std::string project = "default";
};

struct Migration {
  std::string app;
  std::map<std::string, std::string> files;  // relative to apps/<app>/
  std::map<std::string, std::string> applications;  // environments/<env>/apps/<app>.yaml
  std::string report;                        // also files["MIGRATION.md"]
  size_t unmapped = 0;
};

// Writes files under <out>/apps/<app> (which must not exist) and the
// applications under <out>/environments (refused before anything is written
// when one exists).
void WriteMigration(const std::string& out, const Migration& m);

// Reads the Compose file (and its .env, secrets files) and maps it. Throws Error.
Migration MigrateComposeFile(const std::string& file, const MigrateOptions& options);
Migration MigrateCompose(const ComposeProject& project, const MigrateOptions& options);

// A DNS-1123 label from a Compose name ("db_data" -> "db-data"); Error when none.
std::string KubeName(const std::string& name, const std::string& what);

}  // namespace capstan::delivery

#endif  // CAPSTAN_DELIVERY_COMPOSE_MIGRATE_H_
