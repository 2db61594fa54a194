#include "notify/notify.h"

#include <gtest/gtest.h>

#include "yaml/yaml.h"

using namespace capstan::notify;
using capstan::yaml::Node;
using capstan::yaml::ParseOne;

namespace {

Node App(const std::string& phase, const std::string& health, const std::string& revision = "abc123",
         const std::string& annotations = "") {
  return ParseOne("metadata:\n  name: web\n  annotations:\n    notifications.argoproj.io/subscribe.on-sync-succeeded.hook: ''\n"
                  "    notifications.argoproj.io/subscribe.on-health-degraded.hook: 'ops;dev'\n" + annotations +
                  "status:\n  health:\n    status: " + health +
                  "\n    lastTransitionTime: '2024-05-01T10:00:30Z'\n  operationState:\n    phase: " + phase +
                  "\n    startedAt: '2024-05-01T10:00:00Z'\n    finishedAt: '2024-05-01T10:00:20Z'\n    syncResult:\n      revision: " +
                  revision + "\n");
}

bool Eval(const std::string& text, const Node& app) {
  Node env = Node::Map();
  env.Set("app", app);
  return Expr::Parse(text).EvalBool(env, 1714557600);
}

}  // namespace

TEST(Expr, CatalogConditions) {
  Node app = App("Succeeded", "Healthy");
  EXPECT_TRUE(Eval("app.status.operationState != nil and app.status.operationState.phase in ['Succeeded']", app));
  EXPECT_FALSE(Eval("app.status.operationState.phase in ['Error', 'Failed']", app));
  EXPECT_TRUE(Eval("app.status.health.status == 'Healthy'", app));
  // on-deployed: health changed after the operation started.
  EXPECT_TRUE(Eval("!time.Parse(app.status.health.lastTransitionTime).Add(1 * time.Minute).Before(time.Parse(app.status.operationState.finishedAt)) or "
                   "time.Parse(app.status.health.lastTransitionTime).Before(time.Parse(app.status.operationState.startedAt))", app));
  EXPECT_TRUE(Eval("app.metadata.deletionTimestamp == nil", app));
  EXPECT_TRUE(Eval("app.status.missing?.deeper == nil", app));
  EXPECT_TRUE(Eval("app.metadata.name startsWith 'we' && len(app.metadata.name) == 3 && not (1 + 2 * 3 != 7)", app));
  EXPECT_TRUE(Eval("time.Now().After(time.Parse('2024-05-01T10:00:00+02:00'))", app));
}

TEST(Expr, ErrorsNameTheConstructAndColumn) {
  auto err = [](const std::string& text) {
    try {
      Node env = Node::Map();
      env.Set("app", ParseOne("metadata: {name: x}"));
      Expr::Parse(text).EvalBool(env, 0);
    } catch (const ExprError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(err("app.metadata.name matches 'x'"), "expr: operator matches is not supported at column 19");
  EXPECT_EQ(err("filter(app.items, true)"), "expr: \"filter\" is not supported at column 1");
  EXPECT_EQ(err("app.metadata.name =="), "expr: unexpected end of expression at column 21");
  EXPECT_EQ(err("app.status.phase.x == 1"), "expr: cannot fetch phase from nil at column 11");
  EXPECT_EQ(err("app.metadata.name"), "expr: condition is a string, not a bool");
  EXPECT_EQ(err("unknown == 1"), "expr: unknown name \"unknown\" at column 1");
  EXPECT_EQ(err("time.Parse('yesterday').Before(time.Now())"), "expr: time.Parse: \"yesterday\" is not an RFC 3339 time at column 11");
  EXPECT_NE(err(std::string(500, '(') + "true" + std::string(500, ')')).find("nested too deeply"), std::string::npos);
}

TEST(Notify, OncePerRevisionAndRecipients) {
  Config c = ParseConfig(Node::Map(), {});
  Node app = App("Succeeded", "Healthy");
  Evaluation e = Evaluate(app, nullptr, c, 100);
  ASSERT_EQ(e.deliveries.size(), 1u);
  EXPECT_EQ(e.deliveries[0].subscription.trigger, "on-sync-succeeded");
  EXPECT_EQ(e.deliveries[0].template_name, "app-sync-succeeded");
  EXPECT_TRUE(e.changed);
  // Same revision again: nothing new.
  Node again = App("Succeeded", "Healthy", "abc123",
                   "    notified.notifications.argoproj.io: '" + e.notified + "'\n");
  Evaluation e2 = Evaluate(again, nullptr, c, 200);
  EXPECT_TRUE(e2.deliveries.empty());
  EXPECT_FALSE(e2.changed);
  // A new revision: sent again.
  Node next = App("Succeeded", "Healthy", "def456", "    notified.notifications.argoproj.io: '" + e.notified + "'\n");
  EXPECT_EQ(Evaluate(next, nullptr, c, 300).deliveries.size(), 1u);
  // Degraded: one delivery per recipient.
  Evaluation d = Evaluate(App("Failed", "Degraded"), nullptr, c, 100);
  ASSERT_EQ(d.deliveries.size(), 2u);
  EXPECT_EQ(d.deliveries[0].subscription.recipient, "ops");
  EXPECT_EQ(d.deliveries[1].subscription.recipient, "dev");
}

TEST(Notify, ConfigTemplatesServicesAndErrors) {
  Node cm = ParseOne(R"(
service.webhook.hook: |
  url: http://127.0.0.1:9/base
  headers:
  - name: Authorization
    value: $token
template.app-sync-succeeded: |
  message: synced {{.app.metadata.name}}
  webhook:
    hook:
      method: POST
      path: /apps/{{.app.metadata.name}}
      body: '{"text": "{{.app.metadata.name}} at {{.app.status.operationState.syncResult.revision}} {{.context.argocdUrl}}"}'
context: |
  argocdUrl: https://cd.example
)");
  Config c = ParseConfig(cm, {{"token", "Bearer s3cret"}});
  Node app = App("Succeeded", "Healthy");
  Evaluation e = Evaluate(app, nullptr, c, 100);
  ASSERT_EQ(e.deliveries.size(), 1u);
  Request r = RenderWebhook(e.deliveries[0], app, c);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:9/base/apps/web");
  EXPECT_EQ(r.body, R"({"text": "web at abc123 https://cd.example"})");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second, "Bearer s3cret");
  Config missing = ParseConfig(ParseOne("service.webhook.x: |\n  url: $missing\n"), {});
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0], "argocd-notifications-cm service.webhook.x url: argocd-notifications-secret has no key missing");
  EXPECT_EQ(missing.services.count("x"), 0u);
  Config bad = ParseConfig(ParseOne("trigger.bad: |\n  - when: app.x matches 'y'\n    send: [t]\n"), {});
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0], "argocd-notifications-cm trigger.bad: condition 1 when: expr: operator matches is not supported at column 7");
  EXPECT_EQ(bad.triggers.count("bad"), 0u);
  EXPECT_EQ(bad.triggers.count("on-sync-succeeded"), 1u);  // the rest still works
  EXPECT_EQ(RenderTemplate("{{if .x}}y{{end}}", Node::Map(), "t"), "");
}

TEST(Notify, ProjectSubscriptionsAndDefaultTriggers) {
  Config c = ParseConfig(ParseOne("defaultTriggers: |\n  - on-sync-failed\n  - on-health-degraded\n"), {});
  Node project = ParseOne("metadata:\n  annotations:\n    notifications.argoproj.io/subscribe.slack: team\n");
  Node app = ParseOne("metadata: {name: x}\nstatus:\n  health: {status: Degraded}\n  operationState: {phase: Failed}\n");
  auto subs = Subscriptions(app, &project, c);
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[0].trigger, "on-sync-failed");
  EXPECT_EQ(subs[1].service, "slack");
  EXPECT_EQ(Evaluate(app, &project, c, 1).deliveries.size(), 2u);
}

TEST(Notify, GlobalSubscriptionsBySelector) {
  Config c = ParseConfig(ParseOne(R"(
defaultTriggers: |
  - on-sync-failed
subscriptions: |
  - recipients: [hook:ops, hook:dev]
    triggers: [on-health-degraded]
    selector: env=prod,team
  - recipients: [slack:all]
)"), {});
  ASSERT_TRUE(c.errors.empty()) << c.errors[0];
  Node prod = ParseOne("metadata:\n  name: a\n  labels: {env: prod, team: x}\n");
  Node dev = ParseOne("metadata:\n  name: b\n  labels: {env: dev, team: x}\n");
  auto s1 = Subscriptions(prod, nullptr, c);
  ASSERT_EQ(s1.size(), 3u);
  EXPECT_EQ(s1[0].trigger, "on-health-degraded");
  EXPECT_EQ(s1[1].recipient, "dev");
  EXPECT_EQ(s1[2].trigger, "on-sync-failed");  // defaultTriggers
  EXPECT_EQ(s1[2].service, "slack");
  EXPECT_EQ(Subscriptions(dev, nullptr, c).size(), 1u);
  Config bad = ParseConfig(ParseOne("subscriptions: |\n  - recipients: [nocolon]\n"), {});
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_NE(bad.errors[0].find("is not service:recipient"), std::string::npos);
}
