#include "server/webhook.h"

#include <regex>

#include "server/crypto.h"
#include "server/rbac.h"
#include "yaml/yaml.h"

namespace capstan::server {

using yaml::Node;

namespace {

std::string Header(const std::map<std::string, std::string>& h, const std::string& k) {
  auto it = h.find(k);
  return it == h.end() ? "" : it->second;
}

std::string Secret(const std::map<std::string, std::string>& s, const std::string& k) {
  auto it = s.find(k);
  return it == s.end() ? "" : it->second;
}

std::string LastPart(const std::string& ref) {
  size_t slash = ref.rfind('/');
  return slash == std::string::npos ? ref : ref.substr(slash + 1);
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Normalize(std::string url) {
  url = Lower(url);
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.size() > 4 && url.compare(url.size() - 4, 4, ".git") == 0) url.resize(url.size() - 4);
  return url;
}

void AddFiles(const Node* commits, PushEvent* ev) {
  if (!commits || !commits->IsSeq()) return;
  for (const auto& c : commits->items)
    for (const char* k : {"added", "modified", "removed"})
      if (const Node* l = c.Get(k); l && l->IsSeq())
        for (const auto& f : l->items) ev->changed_files.push_back(f.Str());
}

PushEvent Fail(int status, const std::string& msg) {
  PushEvent ev;
  ev.status = status;
  ev.error = msg;
  return ev;
}

// sha256=<hex> against HMAC-SHA256(secret, body), constant time.
bool HmacOk(const std::string& header, const std::string& secret, const std::string& body, bool prefixed) {
  std::string want = (prefixed ? "sha256=" : "") + Hex(HmacSha256(secret, body));
  return ConstantTimeEquals(Lower(header), want);
}

}  // namespace

PushEvent ParsePushEvent(const std::map<std::string, std::string>& headers, const std::string& body,
                         const std::map<std::string, std::string>& secrets) {
  PushEvent ev;
  std::string event;
  if (!Header(headers, "x-vss-activityid").empty()) {
    return Fail(400, "Unknown webhook event");  // Azure DevOps: not supported
  } else if (!(event = Header(headers, "x-gogs-event")).empty() || !(event = Header(headers, "x-gitea-event")).empty()) {
    ev.provider = "gogs";
    std::string secret = Secret(secrets, "webhook.gogs.secret");
    std::string sig = Header(headers, "x-gogs-signature");
    if (sig.empty()) sig = Header(headers, "x-gitea-signature");
    if (!secret.empty() && !HmacOk(sig, secret, body, false)) return Fail(400, "Webhook processing failed");
    if (event != "push") return Fail(400, "Unknown webhook event");
  } else if (!(event = Header(headers, "x-github-event")).empty() && event != "package") {
    ev.provider = "github";
    std::string secret = Secret(secrets, "webhook.github.secret");
    if (!secret.empty() && !HmacOk(Header(headers, "x-hub-signature-256"), secret, body, true))
      return Fail(400, "Webhook processing failed");
    if (event == "ping") {
      ev.ignore = true;
      return ev;
    }
    if (event != "push") return Fail(400, "Unknown webhook event");
  } else if (!(event = Header(headers, "x-gitlab-event")).empty()) {
    ev.provider = "gitlab";
    std::string secret = Secret(secrets, "webhook.gitlab.secret");
    if (!secret.empty() && !ConstantTimeEquals(Sha256(Header(headers, "x-gitlab-token")), Sha256(secret)))
      return Fail(400, "Webhook processing failed");
    if (event != "Push Hook" && event != "Tag Push Hook") return Fail(400, "Unknown webhook event");
  } else if (!Header(headers, "x-hook-uuid").empty()) {
    ev.provider = "bitbucket";
    std::string uuid = Secret(secrets, "webhook.bitbucket.uuid");
    if (!uuid.empty() && !ConstantTimeEquals(Header(headers, "x-hook-uuid"), uuid))
      return Fail(400, "Webhook processing failed");
    if (Header(headers, "x-event-key") != "repo:push") return Fail(400, "Unknown webhook event");
  } else if (!(event = Header(headers, "x-event-key")).empty()) {
    ev.provider = "bitbucketserver";
    std::string secret = Secret(secrets, "webhook.bitbucketserver.secret");
    if (!secret.empty() && !HmacOk(Header(headers, "x-hub-signature"), secret, body, true))
      return Fail(400, "Webhook processing failed");
    if (event == "diagnostics:ping") {
      ev.ignore = true;
      return ev;
    }
    if (event != "repo:refs_changed") return Fail(400, "Unknown webhook event");
  } else {
    return Fail(400, "Unknown webhook event");
  }

  Node p;
  try {
    p = yaml::ParseJson(body, "webhook payload");
  } catch (const std::exception&) {
    return Fail(400, "Webhook processing failed");
  }
  if (!p.IsMap()) return Fail(400, "Webhook processing failed");
  auto add_url = [&](const std::string& u) {
    if (!u.empty()) ev.repo_urls.push_back(u);
  };
  std::string default_branch;
  if (ev.provider == "github" || ev.provider == "gogs") {
    add_url(p.StrAt({"repository", "html_url"}));
    add_url(p.StrAt({"repository", "clone_url"}));
    add_url(p.StrAt({"repository", "ssh_url"}));
    ev.revision = LastPart(p.StrAt({"ref"}));
    default_branch = p.StrAt({"repository", "default_branch"});
    AddFiles(p.Get("commits"), &ev);
  } else if (ev.provider == "gitlab") {
    add_url(p.StrAt({"project", "web_url"}));
    add_url(p.StrAt({"project", "git_http_url"}));
    add_url(p.StrAt({"project", "git_ssh_url"}));
    ev.revision = LastPart(p.StrAt({"ref"}));
    default_branch = p.StrAt({"project", "default_branch"});
    AddFiles(p.Get("commits"), &ev);
  } else if (ev.provider == "bitbucket") {
    add_url(p.StrAt({"repository", "links", "html", "href"}));
    if (const Node* ch = p.At({"push", "changes"}); ch && ch->IsSeq() && !ch->items.empty())
      ev.revision = ch->items[0].StrAt({"new", "name"});
    default_branch = p.StrAt({"repository", "mainbranch", "name"});
  } else {  // bitbucketserver
    if (const Node* cl = p.At({"repository", "links", "clone"}); cl && cl->IsSeq())
      for (const auto& l : cl->items) add_url(l.StrAt({"href"}));
    if (const Node* ch = p.Get("changes"); ch && ch->IsSeq() && !ch->items.empty())
      ev.revision = LastPart(ch->items[0].StrAt({"ref", "id"}));
  }
  ev.touched_head = !default_branch.empty() && ev.revision == default_branch;
  if (ev.repo_urls.empty()) return Fail(400, "Webhook processing failed");
  return ev;
}

bool RepoUrlMatches(const std::string& webhook_url, const std::string& app_repo_url) {
  if (Normalize(webhook_url) == Normalize(app_repo_url)) return true;
  // host and path of the webhook URL -> Argo CD's pattern.
  static const std::regex url_re(R"(^(?:[a-zA-Z][a-zA-Z0-9+.-]*://)?(?:[^@/]+@)?([^/:]+)(?::\d+)?[:/](.+?)/?$)");
  std::smatch m;
  if (!std::regex_match(webhook_url, m, url_re)) return false;
  auto quote = [](const std::string& s) { return std::regex_replace(s, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)"); };
  std::string path = m[2].str();
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".git") == 0) path.resize(path.size() - 4);
  try {
    std::regex re("^((https?|ssh)://)?([^/:]*@)?((alt)?ssh\\.)?" + quote(m[1].str()) + "(:[0-9]+)?[:/]" + quote(path) +
                      "(\\.git)?$",
                  std::regex::icase);
    return std::regex_match(app_repo_url, re);
  } catch (const std::regex_error&) {
    return false;
  }
}

namespace {
std::string CleanPath(const std::string& p) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= p.size()) {
    size_t slash = p.find('/', pos);
    if (slash == std::string::npos) slash = p.size();
    std::string part = p.substr(pos, slash - pos);
    pos = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (const auto& x : parts) out += (out.empty() ? "" : "/") + x;
  return out;
}
}  // namespace

bool PushMatchesApp(const PushEvent& ev, const Node& app) {
  const Node* src = app.At({"spec", "source"});
  if (!src) return false;
  std::string repo = src->StrAt({"repoURL"});
  bool repo_ok = false;
  for (const auto& u : ev.repo_urls)
    if (RepoUrlMatches(u, repo)) repo_ok = true;
  if (!repo_ok) return false;
  std::string target = src->StrAt({"targetRevision"});
  bool rev_ok;
  if (target.empty() || target == "HEAD") rev_ok = ev.touched_head;
  else if (target.rfind("refs/heads/", 0) == 0 || target.rfind("refs/tags/", 0) == 0) rev_ok = LastPart(target) == ev.revision;
  else rev_ok = target == ev.revision;
  if (!rev_ok) return false;
  std::string paths = app.StrAt({"metadata", "annotations", "argocd.argoproj.io/manifest-generate-paths"});
  if (paths.empty() || ev.changed_files.empty()) return true;
  std::string base = CleanPath(src->StrAt({"path"}));
  size_t pos = 0;
  while (pos <= paths.size()) {
    size_t semi = paths.find(';', pos);
    if (semi == std::string::npos) semi = paths.size();
    std::string p = paths.substr(pos, semi - pos);
    pos = semi + 1;
    while (!p.empty() && p.front() == ' ') p.erase(0, 1);
    while (!p.empty() && p.back() == ' ') p.pop_back();
    if (p.empty()) continue;
    std::string full = p[0] == '/' ? CleanPath(p) : CleanPath(base + "/" + p);
    for (const auto& f : ev.changed_files) {
      std::string file = CleanPath(f);
      if (full.empty() || file == full || file.rfind(full + "/", 0) == 0 || GlobMatch(full, file)) return true;
    }
  }
  return false;
}

}  // namespace capstan::server
