#include "notify/notify.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

#include "base/base64.h"
#include "base/libcrypto.h"
#include "notify/render.h"
#include "yaml/yaml.h"

namespace capstan::notify {

using yaml::Node;

namespace {

const char* kSubscribePrefix = "notifications.argoproj.io/subscribe.";

// Argo CD's notifications_catalog triggers.
const char* kCatalogTriggers[][3] = {
    {"on-created", "true", "app.metadata.name"},
    {"on-deleted", "app.metadata.deletionTimestamp != nil", "app.metadata.name"},
    {"on-deployed",
     "app.status.operationState != nil and app.status.operationState.phase in ['Succeeded'] and "
     "app.status.health.status == 'Healthy' and (!time.Parse(app.status.health.lastTransitionTime).Add(1 * "
     "time.Minute).Before(time.Parse(app.status.operationState.finishedAt)) or "
     "time.Parse(app.status.health.lastTransitionTime).Before(time.Parse(app.status.operationState.startedAt)))",
     "app.status.operationState?.syncResult?.revision"},
    {"on-health-degraded", "app.status.health.status == 'Degraded'", "app.status.operationState?.syncResult?.revision"},
    {"on-sync-failed", "app.status.operationState != nil and app.status.operationState.phase in ['Error', 'Failed']",
     "app.status.operationState?.syncResult?.revision"},
    {"on-sync-running", "app.status.operationState != nil and app.status.operationState.phase in ['Running']",
     "app.status.operationState?.syncResult?.revision"},
    {"on-sync-status-unknown", "app.status.sync.status == 'Unknown'", "app.status.operationState?.syncResult?.revision"},
    {"on-sync-succeeded", "app.status.operationState != nil and app.status.operationState.phase in ['Succeeded']",
     "app.status.operationState?.syncResult?.revision"},
};

// Argo CD's notifications_catalog/templates/*.yaml `message` texts, exactly
// (YAML literal blocks, so each ends in a newline).
const char* kCatalogMessages[][2] = {
    {"app-created", "Application {{.app.metadata.name}} has been created."},
    {"app-deleted", "Application {{.app.metadata.name}} has been deleted."},
    {"app-deployed",
     "{{if eq .serviceType \"slack\"}}:white_check_mark:{{end}} Application {{.app.metadata.name}} is now running new "
     "version of deployments manifests.\n"},
    {"app-health-degraded",
     "{{if eq .serviceType \"slack\"}}:exclamation:{{end}} Application {{.app.metadata.name}} has degraded.\n"
     "Application details: {{.context.argocdUrl}}/applications/{{.app.metadata.name}}.\n"},
    {"app-sync-failed",
     "{{if eq .serviceType \"slack\"}}:exclamation:{{end}}  The sync operation of application {{.app.metadata.name}} has "
     "failed at {{.app.status.operationState.finishedAt}} with the following error: "
     "{{.app.status.operationState.message}}\n"
     "Sync operation details are available at: {{.context.argocdUrl}}/applications/{{.app.metadata.name}}?operation=true .\n"},
    {"app-sync-running",
     "The sync operation of application {{.app.metadata.name}} has started at {{.app.status.operationState.startedAt}}.\n"
     "Sync operation details are available at: {{.context.argocdUrl}}/applications/{{.app.metadata.name}}?operation=true .\n"},
    {"app-sync-status-unknown",
     "{{if eq .serviceType \"slack\"}}:exclamation:{{end}} Application {{.app.metadata.name}} sync is 'Unknown'.\n"
     "Application details: {{.context.argocdUrl}}/applications/{{.app.metadata.name}}.\n"
     "{{if ne .serviceType \"slack\"}}\n"
     "{{range $c := .app.status.conditions}}\n"
     "    * {{$c.message}}\n"
     "{{end}}\n"
     "{{end}}\n"},
    {"app-sync-succeeded",
     "{{if eq .serviceType \"slack\"}}:white_check_mark:{{end}} Application {{.app.metadata.name}} has been successfully "
     "synced at {{.app.status.operationState.finishedAt}}.\n"
     "Sync operation details are available at: {{.context.argocdUrl}}/applications/{{.app.metadata.name}}?operation=true .\n"},
};

std::string Base64Url(const std::string& raw) {
  std::string out = base::Base64Encode(raw, base::Base64Alphabet::kUrl);
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::string Sha1(const std::string& s) {
  base::LoadLibcrypto();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), out, &len, EVP_sha1(), nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

Node ParseYaml(const std::string& text, const std::string& where) {
  try {
    return yaml::ParseOne(text, where);
  } catch (const std::exception& e) {
    throw ConfigError(e.what());
  }
}

std::string Secretize(const std::string& v, const std::map<std::string, std::string>& secrets, const std::string& where) {
  if (v.size() > 1 && v[0] == '$') {
    auto it = secrets.find(v.substr(1));
    if (it == secrets.end()) throw ConfigError(where + ": argocd-notifications-secret has no key " + v.substr(1));
    return it->second;
  }
  return v;
}

int64_t DurationMs(const std::string& s, int64_t fallback) {
  if (s.empty()) return fallback;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  std::string unit = end ? end : "";
  if (unit == "ms") return static_cast<int64_t>(v);
  if (unit == "s" || unit.empty()) return static_cast<int64_t>(v * 1000);
  if (unit == "m") return static_cast<int64_t>(v * 60000);
  return fallback;
}

std::vector<std::string> SplitList(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t e = s.find(sep, pos);
    if (e == std::string::npos) e = s.size();
    std::string part = s.substr(pos, e - pos);
    size_t b = part.find_first_not_of(" \t\n"), l = part.find_last_not_of(" \t\n");
    if (b != std::string::npos) out.push_back(part.substr(b, l - b + 1));
    pos = e + 1;
  }
  return out;
}

Condition MakeCondition(const std::string& when, std::vector<std::string> send, const std::string& once_per,
                        const std::string& where) {
  Condition c;
  c.when = when;
  c.send = std::move(send);
  c.once_per = once_per;
  try {
    c.expr = Expr::Parse(when);
  } catch (const ExprError& e) {
    throw ConfigError(where + " when: " + e.what());
  }
  if (!once_per.empty()) {
    try {
      c.once_per_expr = Expr::Parse(once_per + " != nil");  // parsed for validation; evaluated as a value below
    } catch (const ExprError& e) {
      throw ConfigError(where + " oncePer: " + e.what());
    }
  }
  return c;
}

// The value of an oncePer path like app.status.operationState?.syncResult?.revision.
std::string PathValue(const Node& app, const std::string& path) {
  std::string p = path;
  for (size_t i; (i = p.find("?.")) != std::string::npos;) p.replace(i, 2, ".");
  auto parts = SplitList(p, '.');
  if (parts.empty() || parts[0] != "app") return "";
  const Node* n = &app;
  for (size_t i = 1; i < parts.size() && n; ++i) n = n->IsMap() ? n->Get(parts[i]) : nullptr;
  return n && n->IsScalar() ? n->Str() : "";
}

void ParseEntry(const yaml::Field& f, const std::map<std::string, std::string>& secrets, Config* out);

}  // namespace

Config ParseConfig(const Node& data, const std::map<std::string, std::string>& secrets) {
  Config c;
  for (const auto& t : kCatalogTriggers) {
    std::string name = t[0];
    std::string tmpl = "app-" + name.substr(3);
    c.triggers[name] = {name, {MakeCondition(t[1], {tmpl}, t[2], "catalog " + name)}};
  }
  for (const auto& m : kCatalogMessages) c.templates[m[0]] = {m[0], m[1], "", {}};
  if (!data.IsMap()) return c;
  for (const auto& f : data.fields) {
    try {
      ParseEntry(f, secrets, &c);
    } catch (const ConfigError& e) {
      c.errors.push_back(e.what());
    }
  }
  return c;
}

namespace {
void ParseEntry(const yaml::Field& f, const std::map<std::string, std::string>& secrets, Config* out) {
  Config& c = *out;
  {
    const std::string& key = f.key.Str();
    std::string where = "argocd-notifications-cm " + key;
    const std::string& value = f.value.Str();
    if (key.rfind("trigger.", 0) == 0) {
      std::string name = key.substr(8);
      Node list = ParseYaml(value, where);
      if (!list.IsSeq()) throw ConfigError(where + ": expected a list of conditions");
      Trigger t{name, {}};
      int i = 0;
      for (const auto& item : list.items) {
        ++i;
        std::string cw = where + ": condition " + std::to_string(i);
        if (!item.IsMap() || item.StrAt({"when"}).empty()) throw ConfigError(cw + ": when is required");
        std::vector<std::string> send;
        if (const Node* s = item.Get("send"); s && s->IsSeq())
          for (const auto& x : s->items) send.push_back(x.Str());
        if (send.empty()) throw ConfigError(cw + ": send lists no template");
        t.conditions.push_back(MakeCondition(item.StrAt({"when"}), send, item.StrAt({"oncePer"}), cw));
      }
      c.triggers[name] = std::move(t);
    } else if (key.rfind("template.", 0) == 0) {
      std::string name = key.substr(9);
      Node t = ParseYaml(value, where);
      if (!t.IsMap()) throw ConfigError(where + ": expected a mapping");
      Template tmpl{name, t.StrAt({"message"}), t.StrAt({"title"}), {}};
      CheckTemplate(tmpl.message, where + " message");
      CheckTemplate(tmpl.title, where + " title");
      if (const Node* wh = t.Get("webhook"); wh && wh->IsMap())
        for (const auto& w : wh->fields) {
          WebhookTemplate wt;
          if (!w.value.StrAt({"method"}).empty()) wt.method = w.value.StrAt({"method"});
          wt.path = w.value.StrAt({"path"});
          wt.body = w.value.StrAt({"body"});
          std::string ww = where + " webhook." + w.key.Str();
          CheckTemplate(wt.path, ww + " path");
          CheckTemplate(wt.body, ww + " body");
          tmpl.webhook[w.key.Str()] = wt;
        }
      c.templates[name] = std::move(tmpl);
    } else if (key.rfind("service.webhook.", 0) == 0) {
      std::string name = key.substr(16);
      Node s = ParseYaml(value, where);
      if (!s.IsMap() || s.StrAt({"url"}).empty()) throw ConfigError(where + ": url is required");
      WebhookService svc;
      svc.name = name;
      svc.url = Secretize(s.StrAt({"url"}), secrets, where + " url");
      if (const Node* h = s.Get("headers"); h && h->IsSeq())
        for (const auto& x : h->items)
          svc.headers.emplace_back(x.StrAt({"name"}), Secretize(x.StrAt({"value"}), secrets, where + " headers"));
      svc.username = Secretize(s.StrAt({"basicAuth", "username"}), secrets, where + " basicAuth");
      svc.password = Secretize(s.StrAt({"basicAuth", "password"}), secrets, where + " basicAuth");
      svc.insecure_skip_verify = s.StrAt({"insecureSkipVerify"}) == "true";
      if (const Node* r = s.Get("retryMax")) svc.retry_max = static_cast<int>(std::clamp<int64_t>(r->AsInt(3), 0, 10));
      svc.retry_wait_min_ms = DurationMs(s.StrAt({"retryWaitMin"}), 1000);
      svc.retry_wait_max_ms = DurationMs(s.StrAt({"retryWaitMax"}), 5000);
      c.services[name] = std::move(svc);
    } else if (key == "defaultTriggers") {
      Node l = ParseYaml(value, where);
      for (const auto& x : l.items) c.default_triggers.push_back(x.Str());
    } else if (key.rfind("defaultTriggers.", 0) == 0) {
      Node l = ParseYaml(value, where);
      for (const auto& x : l.items) c.default_triggers_by_service[key.substr(16)].push_back(x.Str());
    } else if (key == "subscriptions") {
      Node l = ParseYaml(value, where);
      if (!l.IsSeq() && !l.IsNull()) throw ConfigError(where + ": expected a list");
      int i = 0;
      for (const auto& item : l.items) {
        ++i;
        GlobalSubscription g;
        g.selector = item.StrAt({"selector"});
        if (const Node* r = item.Get("recipients"); r && r->IsSeq())
          for (const auto& x : r->items) {
            size_t colon = x.Str().find(':');
            if (colon == std::string::npos)
              throw ConfigError(where + ": entry " + std::to_string(i) + ": recipient \"" + x.Str() + "\" is not service:recipient");
            g.recipients.emplace_back(x.Str().substr(0, colon), x.Str().substr(colon + 1));
          }
        if (const Node* t = item.Get("triggers"); t && t->IsSeq())
          for (const auto& x : t->items) g.triggers.push_back(x.Str());
        c.subscriptions.push_back(std::move(g));
      }
    } else if (key == "context") {
      Node ctx = ParseYaml(value, where);
      if (ctx.IsMap())
        for (const auto& x : ctx.fields) c.context[x.key.Str()] = x.value.Str();
    }
  }
}
}  // namespace

std::vector<Subscription> Subscriptions(const Node& app, const Node* project, const Config& config) {
  std::vector<Subscription> out;
  auto scan = [&](const Node* obj) {
    const Node* ann = obj ? obj->At({"metadata", "annotations"}) : nullptr;
    if (!ann || !ann->IsMap()) return;
    for (const auto& f : ann->fields) {
      const std::string& k = f.key.Str();
      if (k.rfind(kSubscribePrefix, 0) != 0) continue;
      std::string rest = k.substr(std::strlen(kSubscribePrefix));
      std::vector<std::string> triggers;
      std::string service;
      size_t dot = rest.rfind('.');
      if (dot == std::string::npos) {  // subscribe.<service>: default triggers
        service = rest;
        auto it = config.default_triggers_by_service.find(service);
        triggers = it != config.default_triggers_by_service.end() ? it->second : config.default_triggers;
      } else {
        triggers = {rest.substr(0, dot)};
        service = rest.substr(dot + 1);
      }
      std::vector<std::string> recipients = SplitList(f.value.Str(), ';');
      if (recipients.empty()) recipients.push_back("");
      for (const auto& t : triggers)
        for (const auto& r : recipients) out.push_back({t, service, r});
    }
  };
  scan(&app);
  scan(project);
  const Node* labels = app.At({"metadata", "labels"});
  auto label = [&](const std::string& k) -> const Node* { return labels && labels->IsMap() ? labels->Get(k) : nullptr; };
  for (const auto& g : config.subscriptions) {
    bool match = true;
    for (const auto& term : SplitList(g.selector, ',')) {
      size_t ne = term.find("!="), eq = term.find('=');
      if (ne != std::string::npos) {
        const Node* v = label(term.substr(0, ne));
        if (v && v->Str() == term.substr(ne + 2)) match = false;
      } else if (eq != std::string::npos) {
        const Node* v = label(term.substr(0, eq));
        if (!v || v->Str() != term.substr(term[eq + 1] == '=' ? eq + 2 : eq + 1)) match = false;
      } else if (!label(term)) {
        match = false;
      }
    }
    if (!match) continue;
    for (const auto& [service, recipient] : g.recipients) {
      std::vector<std::string> triggers = g.triggers;
      if (triggers.empty()) {
        auto it = config.default_triggers_by_service.find(service);
        triggers = it != config.default_triggers_by_service.end() ? it->second : config.default_triggers;
      }
      for (const auto& t : triggers) out.push_back({t, service, recipient});
    }
  }
  return out;
}

Evaluation Evaluate(const Node& app, const Node* project, const Config& config, int64_t now) {
  Evaluation ev;
  Node state = Node::Map();
  std::string old = app.StrAt({"metadata", "annotations", kNotifiedAnnotation});
  if (!old.empty()) {
    try {
      Node parsed = yaml::ParseJson(old, kNotifiedAnnotation);
      if (parsed.IsMap()) state = parsed;
    } catch (const std::exception&) {
    }
  }
  Node before = state;
  Node env = Node::Map();
  env.Set("app", app);
  for (const auto& sub : Subscriptions(app, project, config)) {
    auto t = config.triggers.find(sub.trigger);
    if (t == config.triggers.end()) {
      ev.errors.push_back("trigger " + sub.trigger + " is not defined");
      continue;
    }
    for (size_t i = 0; i < t->second.conditions.size(); ++i) {
      const Condition& c = t->second.conditions[i];
      bool fire;
      try {
        fire = c.expr.EvalBool(env, now);
      } catch (const ExprError& e) {
        ev.errors.push_back("trigger " + sub.trigger + " condition " + std::to_string(i + 1) + ": " + e.what());
        continue;
      }
      std::string once = c.once_per.empty() ? "" : PathValue(app, c.once_per);
      std::string key = (once.empty() ? "" : once + ":") + sub.trigger + ":" + std::to_string(i) + "." +
                        Base64Url(Sha1(c.when)) + ":" + sub.service + ":" + sub.recipient;
      if (fire) {
        if (state.Has(key)) continue;
        state.Set(key, Node::Int(now));
        for (const auto& tmpl : c.send) ev.deliveries.push_back({sub, tmpl});
      } else if (c.once_per.empty()) {
        state.Remove(key);
      }
    }
  }
  // At most 100 entries, the oldest dropped.
  while (state.fields.size() > 100) {
    auto oldest = std::min_element(state.fields.begin(), state.fields.end(),
                                   [](const yaml::Field& a, const yaml::Field& b) { return a.value.AsInt() < b.value.AsInt(); });
    state.fields.erase(oldest);
  }
  ev.changed = !(state == before);
  ev.notified = yaml::EmitJson(state);
  return ev;
}

Node TemplateEnv(const Delivery& d, const Node& app, const Config& config, const std::string& service_type) {
  Node env = Node::Map();
  env.Set("app", app);
  Node ctx = Node::Map();
  for (const auto& [k, v] : config.context) ctx.Set(k, Node::String(v));
  if (!ctx.Get("notificationType")) ctx.Set("notificationType", Node::String(service_type));
  env.Set("context", ctx);
  env.Set("serviceType", Node::String(service_type));
  env.Set("recipient", Node::String(d.subscription.recipient));
  return env;
}

Message RenderMessage(const Delivery& d, const Node& app, const Config& config, const std::string& service_type) {
  auto tmpl = config.templates.find(d.template_name);
  if (tmpl == config.templates.end()) throw ConfigError("template." + d.template_name + " is not defined");
  Node env = TemplateEnv(d, app, config, service_type);
  std::string where = "template." + d.template_name;
  return {RenderTemplate(tmpl->second.message, env, where + " message"),
          RenderTemplate(tmpl->second.title, env, where + " title")};
}

Request RenderWebhook(const Delivery& d, const Node& app, const Config& config) {
  auto svc = config.services.find(d.subscription.service);
  if (svc == config.services.end())
    throw ConfigError("service.webhook." + d.subscription.service + " is not configured in argocd-notifications-cm");
  auto tmpl = config.templates.find(d.template_name);
  if (tmpl == config.templates.end()) throw ConfigError("template." + d.template_name + " is not defined");
  auto wh = tmpl->second.webhook.find(d.subscription.service);
  if (wh == tmpl->second.webhook.end())
    throw ConfigError("template." + d.template_name + " has no webhook." + d.subscription.service + " section");
  Node env = TemplateEnv(d, app, config, "webhook");
  std::string where = "template." + d.template_name;
  Request r;
  r.method = wh->second.method;
  std::string url = svc->second.url;
  std::string path = RenderTemplate(wh->second.path, env, where + " path");
  while (!url.empty() && url.back() == '/' && !path.empty() && path[0] == '/') url.pop_back();
  r.url = url + path;
  r.body = RenderTemplate(wh->second.body, env, where + " body");
  r.headers = svc->second.headers;
  return r;
}

}  // namespace capstan::notify
