// POST /api/webhook: a Git push refreshes the Applications it concerns.
#include "server/api_internal.h"
#include "server/webhook.h"

namespace capstan::server {

using yaml::Node;

Response Api::Webhook(Call& c) {
  if (c.req.body.size() > options_.max_webhook_bytes)
    return ErrorResponse(400, "webhook payload too large (" + std::to_string(options_.max_webhook_bytes >> 20) + " MB max)");
  PushEvent ev = ParsePushEvent(c.req.headers, c.req.body, c.settings->secret);
  if (ev.status != 200) return ErrorResponse(ev.status, ev.error);
  Node refreshed = Node::Seq();
  if (!ev.ignore) {
    bool controller = ControllerActive();
    for (const auto& a : cache_.List()) {
      if (!PushMatchesApp(ev, a->object)) continue;
      refreshed.items.push_back(Node::String(a->name));
      // The refresh annotation, as Argo CD sets it; the controller refreshes
      // and removes it. Without a controller the server refreshes itself.
      Node patch = yaml::ParseJson(R"({"metadata":{"annotations":{"argocd.argoproj.io/refresh":"normal"}}})");
      Node updated = client_.Patch({kApplicationGvk, options_.ns, a->name}, patch, {});
      cache_.Put(updated);
      if (controller) continue;
      std::string name = a->name;
      StartOperation(name, [this, name] {
        try {
          app::Application application = manager_->Get(name);
          try {
            manager_->Refresh(application, app::RefreshMode::kNormal);
          } catch (const app::AppError&) {
          }
          Node clear = yaml::ParseJson(R"({"metadata":{"annotations":{"argocd.argoproj.io/refresh":null}}})");
          cache_.Put(client_.Patch({kApplicationGvk, options_.ns, name}, clear, {}));
        } catch (const std::exception& e) {
          std::fprintf(stderr, "capstan server: webhook refresh of %s: %s\n", name.c_str(), e.what());
        }
      });
    }
  }
  Node b = Node::Map();
  b.Set("provider", Node::String(ev.provider));
  b.Set("refreshed", refreshed);
  return Json(b);
}

}  // namespace capstan::server
