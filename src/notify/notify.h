// Argo CD notifications, configured as Argo CD configures them
// (argocd-notifications-cm, argocd-notifications-secret):
// - trigger.<name>: YAML list of {when, send: [templates], oncePer}; the
//   built-in catalog (on-created, on-deleted, on-deployed,
//   on-health-degraded, on-sync-failed, on-sync-running,
//   on-sync-status-unknown, on-sync-succeeded) with Argo CD's conditions
//   unless the ConfigMap redefines them;
// - template.<name>: {message, webhook: {<service>: {method, path, body}}};
//   Go text/template with Sprig and Argo CD's variables (see render.h); the
//   built-in catalog's messages are Argo CD's texts;
// - service.webhook.<name>: {url, headers, basicAuth, insecureSkipVerify,
//   retryMax, retryWaitMin, retryWaitMax}; `$key` values come from
//   argocd-notifications-secret;
// - subscriptions by annotation notifications.argoproj.io/subscribe.<trigger>.<service>
//   (and subscribe.<service> with defaultTriggers) on Applications and
//   their AppProject;
// - state in the annotation notified.notifications.argoproj.io: one key per
//   (oncePer value, trigger condition, service, recipient), so a
//   notification is sent once while its condition holds (once per
//   revision for the sync triggers).
#ifndef CAPSTAN_NOTIFY_NOTIFY_H_
#define CAPSTAN_NOTIFY_NOTIFY_H_

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "notify/expr.h"
#include "notify/render.h"
#include "yaml/node.h"

namespace capstan::notify {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Condition {
  std::string when;
  Expr expr;
  std::vector<std::string> send;  // template names
  std::string once_per;           // expression text ("" = none)
  Expr once_per_expr;
};

struct Trigger {
  std::string name;
  std::vector<Condition> conditions;
};

struct WebhookTemplate {
  std::string method = "GET", path, body;
};

struct Template {
  std::string name, message, title;
  std::map<std::string, WebhookTemplate> webhook;  // by service name
};

struct WebhookService {
  std::string name, url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string username, password;
  bool insecure_skip_verify = false;
  int retry_max = 3;
  int64_t retry_wait_min_ms = 1000, retry_wait_max_ms = 5000;
};

// A `subscriptions:` entry of the ConfigMap: every Application whose labels
// match `selector` (k=v, k!=v, k; comma-separated; empty = all).
struct GlobalSubscription {
  std::vector<std::pair<std::string, std::string>> recipients;  // service, recipient
  std::vector<std::string> triggers;                            // empty: defaultTriggers
  std::string selector;
};

struct Config {
  std::map<std::string, Trigger> triggers;
  std::vector<GlobalSubscription> subscriptions;
  std::map<std::string, Template> templates;
  std::map<std::string, WebhookService> services;
  std::vector<std::string> default_triggers;
  std::map<std::string, std::vector<std::string>> default_triggers_by_service;
  std::map<std::string, std::string> context;  // context: argocdUrl, ...
  // Entries that could not be used, one line each ("argocd-notifications-cm
  // trigger.x: condition 1 when: expr: ..."); the rest of the config works.
  std::vector<std::string> errors;
};

// The ConfigMap's data and the secret's decoded data; a bad entry is
// skipped and described in Config::errors.
Config ParseConfig(const yaml::Node& cm_data, const std::map<std::string, std::string>& secrets);

struct Subscription {
  std::string trigger, service, recipient;
};
// From the Application's and its AppProject's annotations and the
// ConfigMap's `subscriptions:`.
std::vector<Subscription> Subscriptions(const yaml::Node& app, const yaml::Node* project, const Config& config);

struct Delivery {
  Subscription subscription;
  std::string template_name;
};

struct Evaluation {
  std::vector<Delivery> deliveries;       // to send now
  std::string notified;                   // new annotation value (JSON)
  bool changed = false;                   // annotation must be written
  std::vector<std::string> errors;        // conditions that could not be evaluated
};

// Evaluates every subscribed trigger against the Application (env
// {app: ...}) and its notified state.
Evaluation Evaluate(const yaml::Node& app, const yaml::Node* project, const Config& config, int64_t now_unix);

struct Request {
  std::string method, url, body;
  std::vector<std::pair<std::string, std::string>> headers;
};
// The webhook request for one delivery. Throws ConfigError for a missing
// service/template or an unsupported template action.
Request RenderWebhook(const Delivery& d, const yaml::Node& app, const Config& config);

// The variables a template sees: app, context (plus notificationType),
// serviceType, recipient.
yaml::Node TemplateEnv(const Delivery& d, const yaml::Node& app, const Config& config, const std::string& service_type);

struct Message {
  std::string message, title;
};
// The template's message and title for one delivery to a service of
// `service_type` ("webhook", "slack", ...). Throws ConfigError.
Message RenderMessage(const Delivery& d, const yaml::Node& app, const Config& config, const std::string& service_type);

inline constexpr const char* kNotifiedAnnotation = "notified.notifications.argoproj.io";

}  // namespace capstan::notify

#endif  // CAPSTAN_NOTIFY_NOTIFY_H_
