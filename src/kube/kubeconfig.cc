// kubeconfig loading with kubectl's merge rules (client-go clientcmd):
// - --kubeconfig names the only file read (it must exist);
// - else the KUBECONFIG list (':'-separated), missing files skipped, the
//   first file that defines a cluster/user/context name wins, the first
//   non-empty current-context wins;
// - else ~/.kube/config.
// Relative paths inside a file are relative to that file's directory.
#include <sys/stat.h>

#include <map>
#include <set>

#include "base/base64.h"
#include "base/file_system.h"
#include "kube/client.h"
#include "kube/util.h"
#include "yaml/yaml.h"

namespace capstan::kube {
namespace {

// A named entry (cluster, user, context) with the file it came from.
struct Entry {
  const yaml::Node* body = nullptr;  // the inner "cluster:"/"user:"/"context:" mapping
  std::string file;
  std::string field;  // "clusters[name].cluster"
};

struct Merged {
  std::vector<std::unique_ptr<yaml::Node>> docs;  // keeps the Entry pointers alive
  std::vector<std::string> files;
  std::map<std::string, Entry> clusters, users, contexts;
  std::string current_context, current_context_file;
};

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string ReadFile(const std::string& path, const std::string& what) {
  std::string text;
  if (!base::ReadFile(path, &text, nullptr)) throw ConfigError(what + ": cannot read \"" + path + "\"");
  return text;
}

std::string Dir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string Resolve(const std::string& path, const std::string& file) {
  if (path.empty() || path[0] == '/') return path;
  return Dir(file) + "/" + path;
}

// Scalar text of a field; empty when absent or null. Non-scalars are an error.
std::string Str(const yaml::Node& body, std::string_view key, const Entry& e) {
  const yaml::Node* v = body.Get(key);
  if (!v || v->IsNull()) return "";
  if (!v->IsScalar())
    throw ConfigError(e.file + ": " + e.field + "." + std::string(key) + ": expected a string");
  return v->value;
}

bool Bool(const yaml::Node& body, std::string_view key, const Entry& e) {
  const yaml::Node* v = body.Get(key);
  if (!v || v->IsNull()) return false;
  if (v->IsBool()) return v->AsBool();
  if (v->IsScalar() && (v->value == "true" || v->value == "false")) return v->value == "true";
  throw ConfigError(e.file + ": " + e.field + "." + std::string(key) + ": expected true or false");
}

std::string DecodeData(const yaml::Node& body, std::string_view key, const Entry& e) {
  std::string text = Str(body, key, e);
  if (text.empty()) return "";
  std::string out;
  if (!base::Base64DecodeLenient(text, &out))
    throw ConfigError(e.file + ": " + e.field + "." + std::string(key) + ": invalid base64");
  return out;
}

void MergeSection(const yaml::Node& doc, const std::string& file, const char* section, const char* inner,
                  std::map<std::string, Entry>* into) {
  const yaml::Node* list = doc.Get(section);
  if (!list || list->IsNull()) return;
  if (!list->IsSeq()) throw ConfigError(file + ": " + section + ": expected a list");
  for (size_t i = 0; i < list->items.size(); ++i) {
    const yaml::Node& item = list->items[i];
    std::string where = std::string(section) + "[" + std::to_string(i) + "]";
    if (!item.IsMap()) throw ConfigError(file + ": " + where + ": expected a mapping");
    const yaml::Node* name = item.Get("name");
    if (!name || !name->IsScalar() || name->value.empty())
      throw ConfigError(file + ": " + where + ".name: missing");
    const yaml::Node* body = item.Get(inner);
    std::string field = std::string(section) + "[" + name->value + "]." + inner;
    if (body && !body->IsNull() && !body->IsMap()) throw ConfigError(file + ": " + field + ": expected a mapping");
    if (into->count(name->value)) continue;  // first file wins
    static const yaml::Node kEmpty = yaml::Node::Map();
    (*into)[name->value] = Entry{body && body->IsMap() ? body : &kEmpty, file, field};
  }
}

void AddFile(Merged* m, const std::string& file) {
  std::string text = ReadFile(file, "kubeconfig");
  auto doc = std::make_unique<yaml::Node>();
  try {
    *doc = yaml::ParseOne(text, file);
  } catch (const yaml::ParseError& e) {
    throw ConfigError(e.what());
  }
  m->files.push_back(file);
  if (doc->IsNull()) return;  // an empty file contributes nothing
  if (!doc->IsMap()) throw ConfigError(file + ": expected a kubeconfig mapping (kind: Config)");
  MergeSection(*doc, file, "clusters", "cluster", &m->clusters);
  MergeSection(*doc, file, "users", "user", &m->users);
  MergeSection(*doc, file, "contexts", "context", &m->contexts);
  const yaml::Node* cc = doc->Get("current-context");
  if (cc && cc->IsScalar() && !cc->value.empty() && m->current_context.empty()) {
    m->current_context = cc->value;
    m->current_context_file = file;
  }
  m->docs.push_back(std::move(doc));
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void CheckReadable(const std::string& path, const Entry& e, const char* key) {
  if (!FileExists(path))
    throw ConfigError(e.file + ": " + e.field + "." + key + ": cannot read \"" + path + "\"");
}

}  // namespace

Config LoadKubeconfig(const KubeconfigOptions& options) {
  Merged m;
  if (!options.explicit_path.empty()) {
    if (!FileExists(options.explicit_path))
      throw ConfigError("kubeconfig \"" + options.explicit_path + "\" does not exist");
    AddFile(&m, options.explicit_path);
  } else {
    std::string env;
    if (options.kubeconfig_env) {
      env = *options.kubeconfig_env;
    } else if (const char* e = std::getenv("KUBECONFIG")) {
      env = e;
    }
    std::set<std::string> seen;
    for (const std::string& f : Split(env, ':')) {
      if (f.empty() || !seen.insert(f).second) continue;
      if (FileExists(f)) AddFile(&m, f);  // kubectl skips missing entries
    }
    if (env.empty()) {
      std::string home = options.home ? *options.home : (std::getenv("HOME") ? std::getenv("HOME") : "");
      std::string def = home + "/.kube/config";
      if (!home.empty() && FileExists(def)) AddFile(&m, def);
      if (m.files.empty())
        throw ConfigError("no kubeconfig: KUBECONFIG is not set and \"" + def + "\" does not exist");
    } else if (m.files.empty()) {
      throw ConfigError("no kubeconfig: none of the KUBECONFIG files exist (" + env + ")");
    }
  }

  Config cfg;
  std::string ctx_name = options.context.empty() ? m.current_context : options.context;
  if (ctx_name.empty())
    throw ConfigError(Join(m.files) + ": current-context is not set and no context was given");
  auto ctx_it = m.contexts.find(ctx_name);
  if (ctx_it == m.contexts.end()) {
    if (options.context.empty())
      throw ConfigError(m.current_context_file + ": current-context: context \"" + ctx_name + "\" not found");
    throw ConfigError("context \"" + ctx_name + "\" not found in " + Join(m.files));
  }
  const Entry& ctx = ctx_it->second;
  cfg.context = ctx_name;
  cfg.source = ctx.file;
  cfg.cluster = Str(*ctx.body, "cluster", ctx);
  cfg.user = Str(*ctx.body, "user", ctx);
  std::string ns = Str(*ctx.body, "namespace", ctx);
  if (!ns.empty()) cfg.ns = ns;

  // Cluster: where and whom to trust.
  if (cfg.cluster.empty()) throw ConfigError(ctx.file + ": " + ctx.field + ".cluster: missing");
  auto cl_it = m.clusters.find(cfg.cluster);
  if (cl_it == m.clusters.end())
    throw ConfigError(ctx.file + ": " + ctx.field + ".cluster: cluster \"" + cfg.cluster + "\" not found");
  const Entry& cl = cl_it->second;
  cfg.server = Str(*cl.body, "server", cl);
  if (cfg.server.empty()) throw ConfigError(cl.file + ": " + cl.field + ".server: missing");
  if (cfg.server.find("://") == std::string::npos) cfg.server = "https://" + cfg.server;
  std::string scheme = cfg.server.substr(0, cfg.server.find("://"));
  if (scheme != "https" && scheme != "http")
    throw ConfigError(cl.file + ": " + cl.field + ".server: unsupported scheme \"" + scheme + "\"");
  while (cfg.server.size() > scheme.size() + 3 && cfg.server.back() == '/') cfg.server.pop_back();
  cfg.ca_data = DecodeData(*cl.body, "certificate-authority-data", cl);
  cfg.ca_file = Resolve(Str(*cl.body, "certificate-authority", cl), cl.file);
  cfg.insecure_skip_tls_verify = Bool(*cl.body, "insecure-skip-tls-verify", cl);
  cfg.tls_server_name = Str(*cl.body, "tls-server-name", cl);
  cfg.proxy_url = Str(*cl.body, "proxy-url", cl);
  if (!cfg.ca_data.empty() && !cfg.ca_file.empty())
    throw ConfigError(cl.file + ": " + cl.field +
                      ": certificate-authority-data and certificate-authority are both set");
  if (cfg.insecure_skip_tls_verify && (!cfg.ca_data.empty() || !cfg.ca_file.empty()))
    throw ConfigError(cl.file + ": " + cl.field +
                      ".insecure-skip-tls-verify: a certificate authority with insecure-skip-tls-verify is not allowed");
  if (!cfg.ca_file.empty()) CheckReadable(cfg.ca_file, cl, "certificate-authority");

  // User: how we authenticate. A context without a user is anonymous.
  if (!cfg.user.empty()) {
    auto u_it = m.users.find(cfg.user);
    if (u_it == m.users.end())
      throw ConfigError(ctx.file + ": " + ctx.field + ".user: user \"" + cfg.user + "\" not found");
    const Entry& u = u_it->second;
    const yaml::Node& b = *u.body;
    if (b.Has("exec") && !b.Get("exec")->IsNull())
      throw ConfigError(u.file + ": " + u.field +
                        ".exec: exec credential plugins are not supported by capstan; use token, tokenFile or a client certificate");
    if (b.Has("auth-provider") && !b.Get("auth-provider")->IsNull())
      throw ConfigError(u.file + ": " + u.field +
                        ".auth-provider: auth-provider plugins are not supported by capstan; use token, tokenFile or a client certificate");
    cfg.client_cert_data = DecodeData(b, "client-certificate-data", u);
    cfg.client_cert_file = Resolve(Str(b, "client-certificate", u), u.file);
    cfg.client_key_data = DecodeData(b, "client-key-data", u);
    cfg.client_key_file = Resolve(Str(b, "client-key", u), u.file);
    cfg.token = Str(b, "token", u);
    cfg.token_file = Resolve(Str(b, "tokenFile", u), u.file);
    cfg.username = Str(b, "username", u);
    cfg.password = Str(b, "password", u);
    bool has_cert = !cfg.client_cert_data.empty() || !cfg.client_cert_file.empty();
    bool has_key = !cfg.client_key_data.empty() || !cfg.client_key_file.empty();
    if (!cfg.client_cert_data.empty() && !cfg.client_cert_file.empty())
      throw ConfigError(u.file + ": " + u.field + ": client-certificate-data and client-certificate are both set");
    if (!cfg.client_key_data.empty() && !cfg.client_key_file.empty())
      throw ConfigError(u.file + ": " + u.field + ": client-key-data and client-key are both set");
    if (has_cert && !has_key)
      throw ConfigError(u.file + ": " + u.field + ": client-certificate is set without client-key(-data)");
    if (has_key && !has_cert)
      throw ConfigError(u.file + ": " + u.field + ": client-key is set without client-certificate(-data)");
    if (!cfg.client_cert_file.empty()) CheckReadable(cfg.client_cert_file, u, "client-certificate");
    if (!cfg.client_key_file.empty()) CheckReadable(cfg.client_key_file, u, "client-key");
    bool has_token = !cfg.token.empty() || !cfg.token_file.empty();
    bool has_basic = !cfg.username.empty() || !cfg.password.empty();
    if (has_token && has_basic)
      throw ConfigError(u.file + ": " + u.field +
                        ": more than one authentication method (token and username/password); only one is allowed");
    if (!cfg.password.empty() && cfg.username.empty())
      throw ConfigError(u.file + ": " + u.field + ".username: missing (password is set)");
    if (!cfg.token_file.empty()) {
      CheckReadable(cfg.token_file, u, "tokenFile");
      std::string t = ReadFile(cfg.token_file, u.file + ": " + u.field + ".tokenFile");
      while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
      if (cfg.token.empty()) cfg.token = t;  // client-go: token wins over tokenFile
      else cfg.token_file.clear();
    }
  }
  return cfg;
}

Config InClusterConfig() {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !port || !*host || !*port)
    throw ConfigError("not running in a cluster: KUBERNETES_SERVICE_HOST/PORT are not set");
  const std::string dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  Config cfg;
  std::string h = host;
  if (h.find(':') != std::string::npos) h = "[" + h + "]";  // IPv6
  cfg.server = "https://" + h + ":" + port;
  cfg.token_file = dir + "/token";
  if (!FileExists(cfg.token_file)) throw ConfigError("in-cluster config: cannot read \"" + cfg.token_file + "\"");
  cfg.token = ReadFile(cfg.token_file, "in-cluster config");
  while (!cfg.token.empty() && std::isspace(static_cast<unsigned char>(cfg.token.back()))) cfg.token.pop_back();
  if (FileExists(dir + "/ca.crt")) cfg.ca_file = dir + "/ca.crt";
  if (FileExists(dir + "/namespace")) {
    std::string ns = ReadFile(dir + "/namespace", "in-cluster config");
    while (!ns.empty() && std::isspace(static_cast<unsigned char>(ns.back()))) ns.pop_back();
    if (!ns.empty()) cfg.ns = ns;
  }
  cfg.context = "in-cluster";
  cfg.source = dir;
  return cfg;
}

}  // namespace capstan::kube
