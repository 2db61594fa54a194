// Notification templates rendered as Argo CD renders them: Go text/template
// (src/gotemplate) with Sprig (minus env/expandenv) and the variables
// Argo CD's notifications give a template:
//   .app          the Application object
//   .context      argocd-notifications-cm `context` (argocdUrl, ...)
//   .serviceType  the service the notification goes to ("webhook")
//   .recipient    the subscription's recipient
//   .time         call .time.Now, call .time.Parse "<RFC3339>"
//   .repo         call .repo.RepoURLToHTTPS "<url>"
//   .strings      call .strings.ReplaceAll s old new
// Other .repo/.time/.strings/.sync functions (GetCommitMetadata,
// GetAppDetails, ...) fail with a ConfigError naming the function. The
// notifications secret is not exposed to templates (it only fills `$key`
// service fields).
#ifndef CAPSTAN_NOTIFY_RENDER_H_
#define CAPSTAN_NOTIFY_RENDER_H_

#include <string>

#include "yaml/node.h"

namespace capstan::notify {

// Checks that `text` parses as a notification template (functions known);
// throws ConfigError "<where>: template: ...".
void CheckTemplate(const std::string& text, const std::string& where);

// Renders `text` with `env` (a map with app, context, serviceType,
// recipient); throws ConfigError naming `where`.
std::string RenderTemplate(const std::string& text, const yaml::Node& env, const std::string& where);

}  // namespace capstan::notify

#endif  // CAPSTAN_NOTIFY_RENDER_H_
