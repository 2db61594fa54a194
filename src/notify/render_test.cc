#include "notify/render.h"

#include <gtest/gtest.h>

#include "notify/notify.h"
#include "yaml/yaml.h"

using namespace capstan::notify;
using capstan::yaml::Node;
using capstan::yaml::ParseOne;

namespace {

Node SampleApp() {
  return ParseOne(R"(
metadata:
  name: guestbook
  annotations:
    notifications.argoproj.io/subscribe.on-sync-succeeded.hook: ops
spec:
  source:
    repoURL: git@github.com:acme/guestbook.git
status:
  sync: {status: Synced, revision: abc123}
  health: {status: Degraded}
  conditions:
  - {type: SyncError, message: 'one failed'}
  - {type: ComparisonError, message: 'two failed'}
  operationState:
    phase: Failed
    message: 'one or more objects failed to apply'
    startedAt: '2024-05-01T10:00:00Z'
    finishedAt: '2024-05-01T10:00:20Z'
    syncResult: {revision: abc123}
)");
}

Config Cfg(const std::string& extra = "", const std::map<std::string, std::string>& secrets = {}) {
  return ParseConfig(ParseOne("context: |\n  argocdUrl: https://cd.example\n" + extra), secrets);
}

std::string Msg(const Config& c, const std::string& tmpl, const std::string& service_type) {
  Delivery d{{"on-x", "hook", "ops"}, tmpl};
  return RenderMessage(d, SampleApp(), c, service_type).message;
}

}  // namespace

// The catalog messages as Argo CD renders them for this app (texts from
// argo-cd notifications_catalog/templates/*.yaml, rendered by hand with Go's
// text/template rules).
TEST(NotifyRender, CatalogMessagesMatchArgoCD) {
  Config c = Cfg();
  ASSERT_TRUE(c.errors.empty()) << c.errors[0];
  EXPECT_EQ(Msg(c, "app-created", "webhook"), "Application guestbook has been created.");
  EXPECT_EQ(Msg(c, "app-deleted", "webhook"), "Application guestbook has been deleted.");
  EXPECT_EQ(Msg(c, "app-deployed", "slack"),
            ":white_check_mark: Application guestbook is now running new version of deployments manifests.\n");
  EXPECT_EQ(Msg(c, "app-deployed", "webhook"),
            " Application guestbook is now running new version of deployments manifests.\n");
  EXPECT_EQ(Msg(c, "app-health-degraded", "slack"),
            ":exclamation: Application guestbook has degraded.\n"
            "Application details: https://cd.example/applications/guestbook.\n");
  EXPECT_EQ(Msg(c, "app-sync-failed", "webhook"),
            "  The sync operation of application guestbook has failed at 2024-05-01T10:00:20Z with the following error: "
            "one or more objects failed to apply\n"
            "Sync operation details are available at: https://cd.example/applications/guestbook?operation=true .\n");
  EXPECT_EQ(Msg(c, "app-sync-running", "webhook"),
            "The sync operation of application guestbook has started at 2024-05-01T10:00:00Z.\n"
            "Sync operation details are available at: https://cd.example/applications/guestbook?operation=true .\n");
  EXPECT_EQ(Msg(c, "app-sync-succeeded", "slack"),
            ":white_check_mark: Application guestbook has been successfully synced at 2024-05-01T10:00:20Z.\n"
            "Sync operation details are available at: https://cd.example/applications/guestbook?operation=true .\n");
  // if ne .serviceType "slack" + range over the conditions.
  EXPECT_EQ(Msg(c, "app-sync-status-unknown", "webhook"),
            " Application guestbook sync is 'Unknown'.\n"
            "Application details: https://cd.example/applications/guestbook.\n"
            "\n\n    * one failed\n\n    * two failed\n\n\n");
  EXPECT_EQ(Msg(c, "app-sync-status-unknown", "slack"),
            ":exclamation: Application guestbook sync is 'Unknown'.\n"
            "Application details: https://cd.example/applications/guestbook.\n\n");
}

TEST(NotifyRender, IfRangePipesSprigAndArgoFunctions) {
  Config c = Cfg(R"(template.custom: |
  title: '{{.app.metadata.name | upper}}'
  message: |
    {{- if eq .app.status.health.status "Degraded" }}DOWN{{ else }}UP{{ end }} {{ .recipient }} {{ .context.notificationType }}
    {{- range $i, $c := .app.status.conditions }} {{ $i }}={{ $c.type | lower | quote }}{{ end }}
    {{ call .repo.RepoURLToHTTPS .app.spec.source.repoURL }} {{ (call .time.Parse .app.status.operationState.finishedAt).Unix }}
    {{ call .strings.ReplaceAll .app.metadata.name "book" "BOOK" }}
)");
  ASSERT_TRUE(c.errors.empty()) << c.errors[0];
  Delivery d{{"on-x", "hook", "ops"}, "custom"};
  Message m = RenderMessage(d, SampleApp(), c, "webhook");
  EXPECT_EQ(m.title, "GUESTBOOK");
  EXPECT_EQ(m.message,
            "DOWN ops webhook 0=\"syncerror\" 1=\"comparisonerror\"\n"
            "https://github.com/acme/guestbook.git 1714557620\n"
            "guestBOOK\n");
  Node env = Node::Map();
  EXPECT_NE(RenderTemplate("{{ call .time.Now }}", env, "t").find(" +0000 UTC"), std::string::npos);
}

TEST(NotifyRender, UnknownFunctionIsAConfigError) {
  Config c = Cfg("template.bad: |\n  message: '{{ .app.metadata.name | shout }}'\n");
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0],
            "argocd-notifications-cm template.bad message:1: function \"shout\" not defined");
  EXPECT_EQ(c.templates.count("bad"), 0u);
  // Argo CD functions capstan does not implement fail naming the function.
  Config gm = Cfg("template.gm: |\n  message: '{{ (call .repo.GetCommitMetadata .app.status.sync.revision).Author }}'\n");
  ASSERT_TRUE(gm.errors.empty());
  Delivery d{{"on-x", "hook", "ops"}, "gm"};
  try {
    RenderMessage(d, SampleApp(), gm, "webhook");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("repo.GetCommitMetadata is not supported by capstan"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("template.gm message:1:", 0), 0u) << e.what();
  }
  // env/expandenv are removed as in Argo CD.
  EXPECT_THROW(CheckTemplate("{{ env \"HOME\" }}", "t"), ConfigError);
}

TEST(NotifyRender, SecretsAreNotExposedToTemplates) {
  Config c = Cfg(R"(service.webhook.hook: |
  url: https://hooks.example
  headers:
  - {name: Authorization, value: $token}
template.leak: |
  message: 'x{{ .secrets }}'
  webhook:
    hook:
      method: POST
      body: '{{ toJson . }}'
)", {{"token", "Bearer s3cret-value"}});
  ASSERT_TRUE(c.errors.empty()) << c.errors[0];
  Delivery d{{"on-x", "hook", "ops"}, "leak"};
  Message m = RenderMessage(d, SampleApp(), c, "webhook");
  EXPECT_EQ(m.message, "x<no value>");
  Request r = RenderWebhook(d, SampleApp(), c);
  EXPECT_EQ(r.body.find("s3cret"), std::string::npos);
  ASSERT_EQ(r.headers.size(), 1u);  // the secret only goes into the service's header
  // A failing template's error (what the server logs) names the template,
  // not the secret.
  Config bad = Cfg("template.b: |\n  message: '{{ fail \"boom\" }}'\n", {{"token", "Bearer s3cret-value"}});
  Delivery db{{"on-x", "hook", "ops"}, "b"};
  try {
    RenderMessage(db, SampleApp(), bad, "webhook");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("boom"), std::string::npos);
  }
}
