// Reading a Compose file (compose-spec) into ComposeProject.
#include "delivery/compose_model.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "delivery/error.h"
#include "yaml/yaml.h"

namespace capstan::delivery {
namespace {

namespace fs = std::filesystem;
using yaml::Node;

const std::set<std::string> kServiceKeys = {
    "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "command",
    "configs", "container_name", "cpu_count", "cpu_percent", "cpu_shares", "cpu_period", "cpu_quota",
    "cpu_rt_runtime", "cpu_rt_period", "cpus", "cpuset", "credential_spec", "depends_on", "deploy", "develop",
    "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "domainname", "entrypoint", "env_file",
    "environment", "expose", "extends", "external_links", "extra_hosts", "gpus", "group_add", "healthcheck",
    "hostname", "image", "init", "ipc", "isolation", "labels", "links", "logging", "mac_address", "mem_limit",
    "mem_reservation", "mem_swappiness", "memswap_limit", "network_mode", "networks", "oom_kill_disable",
    "oom_score_adj", "pid", "pids_limit", "platform", "ports", "post_start", "pre_stop", "privileged", "profiles",
    "pull_policy", "read_only", "restart", "runtime", "scale", "secrets", "security_opt", "shm_size", "stdin_open",
    "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty", "ulimits", "user", "userns_mode",
    "uts", "volumes", "volumes_from", "working_dir"};
const std::set<std::string> kTopKeys = {"version", "name", "services", "networks", "volumes", "configs", "secrets",
                                        "include"};

std::string Why(const std::string& key) {
  static const std::map<std::string, std::string> kWhy = {
      {"container_name", "Pods are named by their controller; the Service name is the DNS name"},
      {"hostname", "the Service name is the host name other services use"},
      {"networks", "a namespace is one flat network; no NetworkPolicy is generated"},
      {"stop_signal", "Kubernetes stops containers with SIGTERM; set STOPSIGNAL in the image"},
      {"stop_grace_period", "not mapped to terminationGracePeriodSeconds"},
      {"platform", "no nodeSelector on kubernetes.io/arch is generated"},
      {"runtime", "no runtimeClassName is generated"},
      {"links", "every Service of the namespace is reachable by name"},
      {"external_links", "every Service of the namespace is reachable by name"},
      {"logging", "logs go to the node's log collection"},
      {"network_mode", "Pods have their own network namespace"},
      {"extra_hosts", "hostAliases are not generated"},
      {"dns", "cluster DNS is used"},
      {"dns_search", "cluster DNS is used"},
      {"devices", "host devices are not exposed to Pods"},
      {"security_opt", "no Kubernetes equivalent generated"},
      {"ulimits", "no Kubernetes equivalent"},
      {"sysctls", "not generated (most need an allow-list on the kubelet)"},
      {"shm_size", "not generated (use an emptyDir with medium Memory)"},
      {"pull_policy", "imagePullPolicy left to the default"},
      {"configs", "Compose configs are not mapped (use a ConfigMap)"},
      {"version", "obsolete in the Compose specification"},
      {"name", "the project name comes from --name"},
      {"include", "included Compose files are not followed"},
      {"profiles", "every service is migrated"},
      {"extends", "extends is not resolved"},
      {"labels", "container labels have no Kubernetes equivalent (they are not Pod labels)"},
      {"init", "no init process is injected"},
  };
  auto it = kWhy.find(key);
  return it != kWhy.end() ? it->second : "no Kubernetes equivalent generated";
}

class Reader {
 public:
  Reader(std::string file, const std::map<std::string, std::string>& env, std::vector<std::string>* unset)
      : file_(std::move(file)), env_(env), unset_(unset) {}

  [[noreturn]] void Fail(const std::string& path, const std::string& msg) const {
    throw Error(file_ + ": " + path + ": " + msg);
  }

  std::string Interpolate(const std::string& s, const std::string& path) const {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '$') {
        out += s[i];
        continue;
      }
      if (i + 1 < s.size() && s[i + 1] == '$') {
        out += '$';
        ++i;
        continue;
      }
      std::string name, fallback;
      bool has_fallback = false, empty_counts = false;
      if (i + 1 < s.size() && s[i + 1] == '{') {
        size_t close = s.find('}', i + 2);
        if (close == std::string::npos) Fail(path, "unterminated ${ in \"" + s + "\"");
        std::string inner = s.substr(i + 2, close - i - 2);
        size_t op = inner.find_first_of(":-?");
        name = inner.substr(0, op);
        if (op != std::string::npos) {
          std::string rest = inner.substr(op);
          if (rest.rfind(":-", 0) == 0) { has_fallback = empty_counts = true; fallback = rest.substr(2); }
          else if (rest.rfind("-", 0) == 0) { has_fallback = true; fallback = rest.substr(1); }
          else if (rest.rfind(":?", 0) == 0 || rest.rfind("?", 0) == 0) { /* required: reported if unset */ }
          else if (rest.rfind(":+", 0) == 0 || rest.rfind("+", 0) == 0) {
            auto it = env_.find(name);
            out += it != env_.end() && !it->second.empty() ? rest.substr(rest[0] == ':' ? 2 : 1) : "";
            i = close;
            continue;
          }
        }
        i = close;
      } else {
        size_t j = i + 1;
        while (j < s.size() && (isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
        if (j == i + 1) {
          out += '$';
          continue;
        }
        name = s.substr(i + 1, j - i - 1);
        i = j - 1;
      }
      auto it = env_.find(name);
      if (it != env_.end() && !(empty_counts && it->second.empty())) {
        out += it->second;
      } else if (has_fallback) {
        out += fallback;
      } else if (std::find(unset_->begin(), unset_->end(), name) == unset_->end()) {
        unset_->push_back(name);
      }
    }
    return out;
  }

  std::string Scalar(const Node& n, const std::string& path) const {
    if (n.IsNull()) return "";
    if (!n.IsScalar()) Fail(path, "expected a string");
    return Interpolate(n.value, path);
  }

  std::vector<std::string> Words(const Node& n, const std::string& path) const {
    if (n.IsSeq()) {
      std::vector<std::string> out;
      for (size_t i = 0; i < n.items.size(); ++i) out.push_back(Scalar(n.items[i], path + "[" + std::to_string(i) + "]"));
      return out;
    }
    return SplitShell(Scalar(n, path), path);
  }

  // POSIX shell word splitting with quotes (what Compose does to a string command).
  std::vector<std::string> SplitShell(const std::string& s, const std::string& path) const {
    std::vector<std::string> out;
    std::string cur;
    bool in_word = false;
    char quote = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (quote) {
        if (c == quote) quote = 0;
        else if (c == '\\' && quote == '"' && i + 1 < s.size()) cur += s[++i];
        else cur += c;
      } else if (c == '\'' || c == '"') {
        quote = c;
        in_word = true;
      } else if (c == '\\' && i + 1 < s.size()) {
        cur += s[++i];
        in_word = true;
      } else if (isspace(static_cast<unsigned char>(c))) {
        if (in_word) out.push_back(cur);
        cur.clear();
        in_word = false;
      } else {
        cur += c;
        in_word = true;
      }
    }
    if (quote) Fail(path, "unterminated quote in command");
    if (in_word) out.push_back(cur);
    return out;
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
  const std::map<std::string, std::string>& env_;
  std::vector<std::string>* unset_;
};

int ParseInt(const std::string& s, const std::string& path, const Reader& r) {
  if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), ::isdigit)) r.Fail(path, "\"" + s + "\" is not a port number");
  return std::stoi(s);
}

void ParsePorts(const Node& n, const std::string& path, const Reader& r, ComposeService* svc, bool expose) {
  if (!n.IsSeq()) r.Fail(path, "expected a list");
  for (size_t i = 0; i < n.items.size(); ++i) {
    std::string p = path + "[" + std::to_string(i) + "]";
    const Node& item = n.items[i];
    ComposePort port;
    if (item.IsMap()) {
      port.container = ParseInt(r.Scalar(item.Get("target") ? *item.Get("target") : Node::Null(), p + ".target"), p + ".target", r);
      if (const Node* pub = item.Get("published")) {
        std::string v = r.Scalar(*pub, p + ".published");
        if (!v.empty()) port.published = ParseInt(v.substr(0, v.find('-')), p + ".published", r);
      }
      if (const Node* proto = item.Get("protocol")) port.protocol = r.Scalar(*proto, p + ".protocol");
    } else {
      std::string s = r.Scalar(item, p);
      size_t slash = s.find('/');
      if (slash != std::string::npos) {
        port.protocol = s.substr(slash + 1);
        s.resize(slash);
      }
      size_t colon = s.rfind(':');
      std::string container = colon == std::string::npos ? s : s.substr(colon + 1);
      if (container.find('-') != std::string::npos) {
        svc->unmapped.push_back({p, "port ranges are not mapped; list the ports one by one"});
        continue;
      }
      port.container = ParseInt(container, p, r);
      if (colon != std::string::npos) {
        std::string host = s.substr(0, colon);
        size_t c2 = host.rfind(':');
        if (c2 != std::string::npos) host = host.substr(c2 + 1);
        if (!host.empty() && host.find('-') == std::string::npos) port.published = ParseInt(host, p, r);
      }
    }
    for (char& c : port.protocol) c = static_cast<char>(toupper(c));
    if (port.protocol != "TCP" && port.protocol != "UDP" && port.protocol != "SCTP") r.Fail(p, "protocol " + port.protocol + " is not tcp, udp or sctp");
    if (port.container < 1 || port.container > 65535) r.Fail(p, "port out of range");
    (void)expose;
    svc->ports.push_back(port);
  }
}

void ParseVolumes(const Node& n, const std::string& path, const Reader& r, ComposeService* svc) {
  if (!n.IsSeq()) r.Fail(path, "expected a list");
  for (size_t i = 0; i < n.items.size(); ++i) {
    std::string p = path + "[" + std::to_string(i) + "]";
    const Node& item = n.items[i];
    ComposeMount m;
    std::string type;
    if (item.IsMap()) {
      type = item.Get("type") ? r.Scalar(*item.Get("type"), p + ".type") : "volume";
      m.source = item.Get("source") ? r.Scalar(*item.Get("source"), p + ".source") : "";
      m.target = item.Get("target") ? r.Scalar(*item.Get("target"), p + ".target") : "";
      if (const Node* ro = item.Get("read_only")) m.read_only = ro->AsBool(false) || ro->value == "true";
    } else {
      std::string s = r.Scalar(item, p);
      std::vector<std::string> parts;
      size_t start = 0;
      for (size_t j = 0; j <= s.size(); ++j) {
        if (j == s.size() || s[j] == ':') {
          parts.push_back(s.substr(start, j - start));
          start = j + 1;
        }
      }
      if (parts.size() == 1) {
        m.target = parts[0];
      } else {
        m.source = parts[0];
        m.target = parts[1];
        if (parts.size() > 2) m.read_only = parts[2].find("ro") != std::string::npos;
      }
      type = m.source.empty() ? "volume" : (m.source[0] == '.' || m.source[0] == '/' || m.source[0] == '~') ? "bind" : "volume";
    }
    if (m.target.empty() || m.target[0] != '/') r.Fail(p, "target must be an absolute path");
    if (type == "bind") m.type = ComposeMount::kBind;
    else if (type == "tmpfs" || m.source.empty()) m.type = ComposeMount::kAnonymous;
    else if (type == "volume") m.type = ComposeMount::kNamed;
    else r.Fail(p + ".type", type + " is not volume, bind or tmpfs");
    svc->volumes.push_back(m);
  }
}

std::string CpuQuantity(const std::string& s, const std::string& path, const Reader& r) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || v <= 0) r.Fail(path, "\"" + s + "\" is not a number of CPUs");
  return std::to_string(static_cast<long long>(std::ceil(v * 1000))) + "m";
}

std::string MemoryQuantity(std::string s, const std::string& path, const Reader& r) {
  for (char& c : s) c = static_cast<char>(tolower(c));
  if (s.size() > 1 && s.back() == 'b' && !isdigit(static_cast<unsigned char>(s[s.size() - 2]))) s.pop_back();
  size_t digits = 0;
  while (digits < s.size() && (isdigit(static_cast<unsigned char>(s[digits])) || s[digits] == '.')) ++digits;
  std::string num = s.substr(0, digits), unit = s.substr(digits);
  if (num.empty() || num.find('.') != std::string::npos) r.Fail(path, "\"" + s + "\" is not a memory size");
  if (unit.empty() || unit == "b") return num;
  if (unit == "k") return num + "Ki";
  if (unit == "m") return num + "Mi";
  if (unit == "g") return num + "Gi";
  r.Fail(path, "\"" + s + "\" is not a memory size (b, k, m, g)");
}

}  // namespace

int ComposeDurationSeconds(const std::string& s, const std::string& where) {
  if (s.empty()) throw Error(where + ": empty duration");
  double total = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && (isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
    if (j == i) throw Error(where + ": \"" + s + "\" is not a duration (e.g. 10s, 1m30s)");
    double v = 0;
    try {
      v = std::stod(s.substr(i, j - i));
    } catch (const std::exception&) {
      throw Error(where + ": \"" + s + "\" is not a duration (e.g. 10s, 1m30s)");
    }
    size_t k = j;
    while (k < s.size() && isalpha(static_cast<unsigned char>(s[k]))) ++k;
    std::string unit = s.substr(j, k - j);
    if (unit == "h") total += v * 3600;
    else if (unit == "m") total += v * 60;
    else if (unit == "s" || unit.empty()) total += v;
    else if (unit == "ms") total += v / 1000;
    else if (unit == "us" || unit == "µs" || unit == "ns") total += 0;
    else throw Error(where + ": \"" + s + "\" is not a duration (e.g. 10s, 1m30s)");
    i = k;
  }
  if (total > 1e7) throw Error(where + ": duration too long");
  return std::max(1, static_cast<int>(std::ceil(total)));
}

ComposeProject ParseCompose(const std::string& text, const std::string& file,
                            const std::map<std::string, std::string>& env) {
  ComposeProject proj;
  proj.file = file;
  proj.dir = fs::path(file).parent_path().string();
  Reader r(file, env, &proj.unset_variables);
  Node root;
  try {
    root = yaml::ParseOne(text, file);
  } catch (const yaml::ParseError& e) {
    throw Error(e.what());
  }
  if (!root.IsMap()) throw Error(file + ": not a Compose file (expected a mapping with services:)");
  for (const yaml::Field& f : root.fields) {
    const std::string& k = f.key.value;
    if (k.rfind("x-", 0) == 0) continue;
    if (!kTopKeys.count(k)) r.Fail(k, "unsupported key (not a Compose top-level key)");
    if (k == "networks" || k == "configs" || k == "include" || k == "version" || k == "name") {
      proj.unmapped.push_back({k, Why(k)});
    }
  }
  const Node* services = root.Get("services");
  if (services == nullptr || !services->IsMap() || services->fields.empty()) {
    throw Error(file + ": services: missing or empty (not a Compose file?)");
  }
  if (const Node* vols = root.Get("volumes"); vols != nullptr && !vols->IsNull()) {
    if (!vols->IsMap()) r.Fail("volumes", "expected a mapping");
    for (const yaml::Field& v : vols->fields) {
      proj.volumes.push_back(v.key.value);
      if (v.value.IsMap() && (v.value.Has("driver") || v.value.Has("driver_opts") || v.value.Has("external"))) {
        proj.unmapped.push_back({"volumes." + v.key.value, "driver, driver_opts and external are not mapped; a PersistentVolumeClaim of the default StorageClass is used"});
      }
    }
  }
  if (const Node* secs = root.Get("secrets"); secs != nullptr && !secs->IsNull()) {
    if (!secs->IsMap()) r.Fail("secrets", "expected a mapping");
    for (const yaml::Field& s : secs->fields) {
      std::string p = "secrets." + s.key.value;
      ComposeSecret cs;
      cs.name = s.key.value;
      if (!s.value.IsMap()) r.Fail(p, "expected a mapping with file:");
      if (const Node* f = s.value.Get("file")) {
        cs.file = r.Scalar(*f, p + ".file");
        fs::path full = fs::path(proj.dir) / cs.file;
        std::ifstream in(full, std::ios::binary);
        if (in) {
          std::ostringstream ss;
          ss << in.rdbuf();
          cs.content = ss.str();
        } else {
          cs.missing = true;
        }
      } else {
        proj.unmapped.push_back({p, "only file: secrets are read (environment:/external: secrets become empty Secrets to fill in)"});
        cs.missing = true;
      }
      proj.secrets[cs.name] = cs;
    }
  }
  for (const yaml::Field& sf : services->fields) {
    ComposeService svc;
    svc.name = sf.key.value;
    std::string sp = "services." + svc.name;
    if (!sf.value.IsMap()) r.Fail(sp, "expected a mapping");
    for (const yaml::Field& f : sf.value.fields) {
      const std::string& k = f.key.value;
      const Node& v = f.value;
      std::string p = sp + "." + k;
      if (k.rfind("x-", 0) == 0) continue;
      if (!kServiceKeys.count(k)) r.Fail(p, "unsupported key (not a Compose service key)");
      if (k == "env_file") {
        // KEY=VALUE lines, before environment: (which wins), as Compose reads them.
        std::vector<std::string> files = v.IsSeq() ? r.Words(v, p) : std::vector<std::string>{r.Scalar(v, p)};
        std::vector<std::pair<std::string, std::string>> from_files;
        for (const std::string& ef : files) {
          std::ifstream in(fs::path(proj.dir) / ef);
          if (!in) r.Fail(p, "cannot read env file " + ef);
          for (std::string line; std::getline(in, line);) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            size_t b = line.find_first_not_of(" \t");
            if (b == std::string::npos || line[b] == '#') continue;
            line = line.substr(b);
            if (line.rfind("export ", 0) == 0) line = line.substr(7);
            size_t eq = line.find('=');
            if (eq == std::string::npos) continue;
            std::string val = line.substr(eq + 1);
            if (val.size() >= 2 && (val.front() == '"' || val.front() == '\'') && val.back() == val.front()) {
              val = val.substr(1, val.size() - 2);
            }
            from_files.push_back({line.substr(0, eq), val});
          }
        }
        svc.environment.insert(svc.environment.begin(), from_files.begin(), from_files.end());
        continue;
      }
      if (k == "image") svc.image = r.Scalar(v, p);
      else if (k == "build") svc.build = true;
      else if (k == "command") { svc.command = r.Words(v, p); svc.command_set = true; }
      else if (k == "entrypoint") { svc.entrypoint = r.Words(v, p); svc.entrypoint_set = true; }
      else if (k == "environment") {
        if (v.IsSeq()) {
          for (size_t i = 0; i < v.items.size(); ++i) {
            std::string e = r.Scalar(v.items[i], p + "[" + std::to_string(i) + "]");
            size_t eq = e.find('=');
            if (eq == std::string::npos) {
              auto it = env.find(e);
              if (it != env.end()) svc.environment.push_back({e, it->second});
              else svc.unmapped.push_back({p + "." + e, "no value given and none in .env"});
            } else {
              svc.environment.push_back({e.substr(0, eq), e.substr(eq + 1)});
            }
          }
        } else if (v.IsMap()) {
          for (const yaml::Field& e : v.fields) {
            if (e.value.IsNull()) {
              svc.unmapped.push_back({p + "." + e.key.value, "no value given"});
              continue;
            }
            svc.environment.push_back({e.key.value, r.Scalar(e.value, p + "." + e.key.value)});
          }
        } else if (!v.IsNull()) {
          r.Fail(p, "expected a list of KEY=VALUE or a mapping");
        }
      } else if (k == "ports" || k == "expose") {
        ParsePorts(v, p, r, &svc, k == "expose");
      } else if (k == "volumes") {
        ParseVolumes(v, p, r, &svc);
      } else if (k == "secrets") {
        if (!v.IsSeq()) r.Fail(p, "expected a list");
        for (size_t i = 0; i < v.items.size(); ++i) {
          std::string ip = p + "[" + std::to_string(i) + "]";
          ComposeSecretRef ref;
          if (v.items[i].IsMap()) {
            ref.source = v.items[i].Get("source") ? r.Scalar(*v.items[i].Get("source"), ip + ".source") : "";
            ref.target = v.items[i].Get("target") ? r.Scalar(*v.items[i].Get("target"), ip + ".target") : ref.source;
          } else {
            ref.source = ref.target = r.Scalar(v.items[i], ip);
          }
          if (ref.source.empty()) r.Fail(ip, "secret name missing");
          svc.secrets.push_back(ref);
        }
      } else if (k == "depends_on") {
        if (v.IsSeq()) {
          for (size_t i = 0; i < v.items.size(); ++i) svc.depends_on.push_back(r.Scalar(v.items[i], p));
        } else if (v.IsMap()) {
          for (const yaml::Field& d : v.fields) svc.depends_on.push_back(d.key.value);
        } else {
          r.Fail(p, "expected a list or mapping of services");
        }
      } else if (k == "healthcheck") {
        if (!v.IsMap()) r.Fail(p, "expected a mapping");
        if (const Node* d = v.Get("disable"); d && (d->AsBool(false) || d->value == "true")) {
          svc.healthcheck_disabled = true;
          continue;
        }
        ComposeHealthcheck hc;
        if (const Node* t = v.Get("test")) {
          if (t->IsSeq() && !t->items.empty()) {
            std::vector<std::string> w = r.Words(*t, p + ".test");
            if (w[0] == "NONE") {
              svc.healthcheck_disabled = true;
              continue;
            }
            if (w[0] == "CMD") hc.command.assign(w.begin() + 1, w.end());
            else if (w[0] == "CMD-SHELL" && w.size() == 2) hc.command = {"sh", "-c", w[1]};
            else r.Fail(p + ".test", "expected [\"CMD\", ...], [\"CMD-SHELL\", \"...\"] or a string");
          } else {
            hc.command = {"sh", "-c", r.Scalar(*t, p + ".test")};
          }
        }
        auto dur = [&](const char* key, int* out) {
          if (const Node* d = v.Get(key)) *out = ComposeDurationSeconds(r.Scalar(*d, p + "." + key), file + ": " + p + "." + key);
        };
        dur("interval", &hc.interval);
        dur("timeout", &hc.timeout);
        dur("start_period", &hc.start_period);
        if (const Node* n = v.Get("retries")) hc.retries = ParseInt(r.Scalar(*n, p + ".retries"), p + ".retries", r);
        if (hc.command.empty() || (hc.command.size() == 3 && hc.command[2].empty())) r.Fail(p + ".test", "missing");
        svc.healthcheck = hc;
      } else if (k == "deploy") {
        if (!v.IsMap()) r.Fail(p, "expected a mapping");
        for (const yaml::Field& d : v.fields) {
          std::string dp = p + "." + d.key.value;
          if (d.key.value == "replicas") {
            svc.replicas = ParseInt(r.Scalar(d.value, dp), dp, r);
          } else if (d.key.value == "resources" && d.value.IsMap()) {
            for (const yaml::Field& rf : d.value.fields) {
              std::string rp = dp + "." + rf.key.value;
              if (!rf.value.IsMap()) continue;
              bool limits = rf.key.value == "limits";
              if (!limits && rf.key.value != "reservations") continue;
              for (const yaml::Field& q : rf.value.fields) {
                std::string qp = rp + "." + q.key.value;
                std::string val = r.Scalar(q.value, qp);
                if (q.key.value == "cpus") (limits ? svc.cpu_limit : svc.cpu_request) = CpuQuantity(val, qp, r);
                else if (q.key.value == "memory") (limits ? svc.memory_limit : svc.memory_request) = MemoryQuantity(val, qp, r);
                else svc.unmapped.push_back({qp, "only cpus and memory are mapped"});
              }
            }
          } else {
            svc.unmapped.push_back({dp, "only deploy.replicas and deploy.resources are mapped"});
          }
        }
      } else if (k == "cpus") {
        svc.cpu_limit = CpuQuantity(r.Scalar(v, p), p, r);
      } else if (k == "mem_limit") {
        svc.memory_limit = MemoryQuantity(r.Scalar(v, p), p, r);
      } else if (k == "mem_reservation") {
        svc.memory_request = MemoryQuantity(r.Scalar(v, p), p, r);
      } else if (k == "restart") {
        svc.restart = r.Scalar(v, p);
        if (svc.restart == "no" || svc.restart.rfind("on-failure", 0) == 0) {
          svc.unmapped.push_back({p, "a Deployment always restarts its containers (restartPolicy: Always)"});
        }
      } else if (k == "user") {
        svc.user = r.Scalar(v, p);
      } else if (k == "cap_add") {
        svc.cap_add = r.Words(v, p);
      } else if (k == "cap_drop") {
        svc.cap_drop = r.Words(v, p);
      } else if (k == "read_only") {
        svc.read_only = v.AsBool(false) || v.value == "true";
      } else if (k == "privileged") {
        svc.privileged = v.AsBool(false) || v.value == "true";
      } else if (k == "tty") {
        svc.tty = v.AsBool(false) || v.value == "true";
      } else if (k == "stdin_open") {
        svc.stdin_open = v.AsBool(false) || v.value == "true";
      } else if (k == "working_dir") {
        svc.working_dir = r.Scalar(v, p);
      } else if (k == "scale") {
        svc.replicas = ParseInt(r.Scalar(v, p), p, r);
      } else {
        svc.unmapped.push_back({p, Why(k)});
      }
    }
    if (svc.image.empty() && !svc.build) r.Fail(sp, "has neither image nor build");
    proj.services.push_back(std::move(svc));
  }
  // References must resolve.
  for (const ComposeService& s : proj.services) {
    for (const std::string& d : s.depends_on) {
      bool found = std::any_of(proj.services.begin(), proj.services.end(), [&](const ComposeService& o) { return o.name == d; });
      if (!found) r.Fail("services." + s.name + ".depends_on", "no service " + d);
    }
    for (const ComposeSecretRef& ref : s.secrets) {
      if (!proj.secrets.count(ref.source)) r.Fail("services." + s.name + ".secrets", "no top-level secret " + ref.source);
    }
    for (const ComposeMount& m : s.volumes) {
      if (m.type == ComposeMount::kNamed &&
          std::find(proj.volumes.begin(), proj.volumes.end(), m.source) == proj.volumes.end()) {
        r.Fail("services." + s.name + ".volumes", "named volume " + m.source + " is not declared under top-level volumes:");
      }
    }
  }
  return proj;
}

}  // namespace capstan::delivery
