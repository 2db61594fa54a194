// Compose project -> Kubernetes manifests in the plan's layout, plus report.
#include "base/base64.h"
#include "delivery/compose_migrate.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "delivery/error.h"
#include "delivery/scaffold.h"
#include "delivery/seal.h"
#include "yaml/yaml.h"

namespace capstan::delivery {
namespace {

namespace fs = std::filesystem;
using yaml::Node;

Node S(const std::string& s) { return Node::String(s); }

Node Meta(const std::string& name, const std::string& app, const std::string& component, int wave) {
  Node m = Node::Map();
  m.Set("name", S(name));
  Node& labels = m.GetOrCreateMap("labels");
  labels.Set("app.kubernetes.io/name", S(component));
  labels.Set("app.kubernetes.io/part-of", S(app));
  if (wave != 0) m.GetOrCreateMap("annotations").Set("argocd.argoproj.io/sync-wave", S(std::to_string(wave)));
  return m;
}

Node Obj(const char* api, const char* kind, Node meta) {
  Node o = Node::Map();
  o.Set("apiVersion", S(api));
  o.Set("kind", S(kind));
  o.Set("metadata", std::move(meta));
  return o;
}

Node StrSeq(const std::vector<std::string>& v) {
  Node s = Node::Seq();
  for (const std::string& x : v) s.items.push_back(S(x));
  return s;
}

bool Sensitive(const std::string& key) {
  std::string up = key;
  for (char& c : up) c = static_cast<char>(toupper(c));
  for (const char* w : {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL"}) {
    if (up.find(w) != std::string::npos) return true;
  }
  return false;
}

// Image name and tag ("nginx" -> nginx, latest; "a/b:1@sha256:.." keeps the digest in the name).
std::pair<std::string, std::string> SplitImage(const std::string& image) {
  if (image.find('@') != std::string::npos) return {image, ""};
  size_t slash = image.rfind('/');
  size_t colon = image.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    return {image.substr(0, colon), image.substr(colon + 1)};
  }
  return {image, "latest"};
}

struct Env {
  std::string name, suffix;
  int replicas;
};

Env EnvOf(const std::string& e) {
  if (e == "production") return {e, "prod", 3};
  if (e == "staging") return {e, e, 2};
  return {e, e, 1};
}

// `value` with every host `name` (at the start, after ://, @, =, ',', ';' or
// a space, and followed by the end, ':', '/', ',', ';' or a space) replaced.
std::string ReplaceHost(const std::string& value, const std::string& name, const std::string& with, bool* found) {
  std::string out;
  size_t i = 0;
  while (i < value.size()) {
    size_t at = value.find(name, i);
    if (at == std::string::npos || name.empty()) break;
    bool before = at == 0 || (at >= 3 && value.compare(at - 3, 3, "://") == 0) ||
                  std::string_view("@=,; \t").find(value[at - 1]) != std::string_view::npos;
    size_t end = at + name.size();
    bool after = end == value.size() || std::string_view(":/,; \t").find(value[end]) != std::string_view::npos;
    out.append(value, i, at - i);
    if (before && after) {
      out += with;
      *found = true;
    } else {
      out += name;
    }
    i = end;
  }
  out.append(value, std::min(i, value.size()), std::string::npos);
  return out;
}

}  // namespace

std::string KubeName(const std::string& name, const std::string& what) {
  std::string out;
  for (char c : name) {
    char l = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    if (isalnum(static_cast<unsigned char>(l))) out += l;
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 53) out.resize(53);
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty() || !isalpha(static_cast<unsigned char>(out[0]))) {
    if (out.empty()) throw Error(what + " \"" + name + "\": no valid Kubernetes name can be made of it");
    out = "s-" + out;
  }
  return out;
}

Migration MigrateCompose(const ComposeProject& p, const MigrateOptions& o) {
  Migration m;
  std::string app = o.name.empty() ? fs::absolute(p.file).parent_path().filename().string() : o.name;
  m.app = app = KubeName(app, "--name");
  std::vector<std::pair<std::string, std::string>> unmapped = p.unmapped;

  // Kubernetes names, unique.
  std::map<std::string, std::string> kname;
  std::set<std::string> used;
  for (const ComposeService& s : p.services) {
    std::string n = KubeName(s.name, "service");
    if (!used.insert(n).second) throw Error(p.file + ": services." + s.name + ": its Kubernetes name " + n + " is taken by another service");
    kname[s.name] = n;
  }
  // Sync waves from depends_on.
  std::map<std::string, int> wave;
  std::map<std::string, const ComposeService*> by_name;
  for (const ComposeService& s : p.services) by_name[s.name] = &s;
  std::function<int(const std::string&, std::vector<std::string>&)> wave_of = [&](const std::string& n,
                                                                                  std::vector<std::string>& stack) {
    if (auto it = wave.find(n); it != wave.end()) return it->second;
    if (std::find(stack.begin(), stack.end(), n) != stack.end()) {
      std::string cycle;
      for (const std::string& x : stack) cycle += x + " -> ";
      throw Error(p.file + ": services." + n + ".depends_on: cycle " + cycle + n);
    }
    stack.push_back(n);
    int w = 0;
    for (const std::string& d : by_name[n]->depends_on) w = std::max(w, wave_of(d, stack) + 1);
    stack.pop_back();
    return wave[n] = w;
  };
  for (const ComposeService& s : p.services) {
    std::vector<std::string> stack;
    wave_of(s.name, stack);
  }
  // Which services mount each named volume.
  std::map<std::string, std::vector<std::string>> volume_users;
  for (const ComposeService& s : p.services) {
    for (const ComposeMount& mnt : s.volumes) {
      if (mnt.type == ComposeMount::kNamed) volume_users[mnt.source].push_back(s.name);
    }
  }

  std::ostringstream report;
  report << "# Migration of " << fs::path(p.file).filename().string() << " to apps/" << app << "\n\n"
         << "Written by `capstan migrate compose`. Render with `capstan build apps/" << app
         << "/overlays/dev`; review before committing.\n\n"
         << "| service | workload | image | sync wave | Service ports |\n|---|---|---|---|---|\n";
  std::vector<std::string> builds, hosts, secret_files, shared_notes;
  std::vector<std::string> base_resources;
  std::map<std::string, std::string> images;  // name -> tag, for the overlays' images:
  std::vector<std::string> deployments;       // that overlays scale
  std::set<std::string> services_with_port;
  for (const ComposeService& s : p.services) {
    if (!s.ports.empty()) services_with_port.insert(s.name);
  }

  // Shared objects: PVCs and Compose secrets.
  std::string shared;
  for (const std::string& v : p.volumes) {
    if (!volume_users.count(v)) {
      unmapped.push_back({"volumes." + v, "no service mounts it"});
      continue;
    }
    Node pvc = Obj("v1", "PersistentVolumeClaim", Meta(KubeName(v, "volume"), app, KubeName(v, "volume"), 0));
    Node& spec = pvc.GetOrCreateMap("spec");
    bool many = volume_users[v].size() > 1;
    spec.Set("accessModes", StrSeq({many ? "ReadWriteMany" : "ReadWriteOnce"}));
    spec.GetOrCreateMap("resources").GetOrCreateMap("requests").Set("storage", S("1Gi"));
    if (many) {
      std::string who;
      for (const std::string& u : volume_users[v]) who += (who.empty() ? "" : ", ") + u;
      shared_notes.push_back("volume `" + v + "` is mounted by " + who + ": ReadWriteMany, which needs a StorageClass that provides it");
    }
    shared += (shared.empty() ? "" : "---\n") + yaml::EmitYaml(pvc);
  }
  for (const auto& [name, sec] : p.secrets) {
    Node s = Obj("v1", "Secret", Meta(KubeName(name, "secret"), app, KubeName(name, "secret"), 0));
    s.Set("type", S("Opaque"));
    s.GetOrCreateMap("data").Set(name, S(base::Base64Encode(sec.content)));
    shared += (shared.empty() ? "" : "---\n") + yaml::EmitYaml(s);
    secret_files.push_back("Secret `" + KubeName(name, "secret") + "` (from " + (sec.file.empty() ? "nothing" : sec.file) +
                           (sec.missing ? ", file not found: EMPTY, fill it in" : "") + ")");
  }
  if (!shared.empty()) {
    m.files["base/shared.yaml"] = shared;
    base_resources.push_back("shared.yaml");
  }

  for (const ComposeService& s : p.services) {
    const std::string& n = kname[s.name];
    int w = wave[s.name];
    std::string text;
    auto add = [&](const Node& obj) { text += (text.empty() ? "" : "---\n") + yaml::EmitYaml(obj); };
    std::string image = s.image;
    if (image.empty()) {
      image = o.registry + "/" + app + "/" + n + ":latest";
      builds.push_back("`" + s.name + "` is built from source (build:); its image is `" + image +
                       "`: push it there or change it with `capstan image set`");
    }
    auto [iname, itag] = SplitImage(image);
    if (!itag.empty()) images[iname] = itag;
    for (const auto& u : s.unmapped) unmapped.push_back(u);

    // Environment: ConfigMap and Secret.
    Node cm_data = Node::Map(), sec_data = Node::Map();
    Node env = Node::Seq();
    std::vector<std::pair<std::string, std::string>> merged;
    for (const auto& kv : s.environment) {
      auto it = std::find_if(merged.begin(), merged.end(), [&](const auto& m) { return m.first == kv.first; });
      if (it != merged.end()) it->second = kv.second;
      else merged.push_back(kv);
    }
    for (auto [k, v] : merged) {
      for (const ComposeService& other : p.services) {
        bool found = false;
        std::string nv = ReplaceHost(v, other.name, kname[other.name], &found);
        if (found) {
          hosts.push_back("`" + s.name + "` " + k + ": host `" + other.name + "` is the Service `" + kname[other.name] + "`" +
                          (!other.ports.empty() ? "" : " (which publishes no port: give it expose: to get a Service)"));
        }
        v = nv;
      }
      Node e = Node::Map();
      e.Set("name", S(k));
      Node ref = Node::Map();
      ref.Set("name", S(n + (Sensitive(k) ? "-env" : "-config")));
      ref.Set("key", S(k));
      e.GetOrCreateMap("valueFrom").Set(Sensitive(k) ? "secretKeyRef" : "configMapKeyRef", ref);
      env.items.push_back(e);
      if (Sensitive(k)) sec_data.Set(k, S(base::Base64Encode(v)));
      else cm_data.Set(k, S(v));
    }
    if (!cm_data.fields.empty()) {
      Node cm = Obj("v1", "ConfigMap", Meta(n + "-config", app, n, w));
      cm.Set("data", cm_data);
      add(cm);
    }
    if (!sec_data.fields.empty()) {
      Node sec = Obj("v1", "Secret", Meta(n + "-env", app, n, w));
      sec.Set("type", S("Opaque"));
      sec.Set("data", sec_data);
      add(sec);
      std::string keys;
      for (const yaml::Field& f : sec_data.fields) keys += (keys.empty() ? "" : ", ") + f.key.value;
      secret_files.push_back("Secret `" + n + "-env` (" + keys + " of `" + s.name + "`)");
    }

    // Service.
    std::string port_list;
    if (!s.ports.empty()) {
      Node svc = Obj("v1", "Service", Meta(n, app, n, w));
      Node& spec = svc.GetOrCreateMap("spec");
      spec.GetOrCreateMap("selector").Set("app.kubernetes.io/name", S(n));
      Node ports = Node::Seq();
      std::set<std::string> seen;
      for (const ComposePort& port : s.ports) {
        std::string pname = std::to_string(port.container) + (port.protocol == "TCP" ? "" : "-" + std::string(port.protocol == "UDP" ? "udp" : "sctp"));
        if (!seen.insert(pname).second) continue;
        Node pn = Node::Map();
        pn.Set("name", S(pname));
        pn.Set("port", Node::Int(port.container));
        pn.Set("targetPort", Node::Int(port.container));
        pn.Set("protocol", S(port.protocol));
        ports.items.push_back(pn);
        port_list += (port_list.empty() ? "" : ", ") + pname;
        if (port.published != 0) {
          unmapped.push_back({"services." + s.name + ".ports " + std::to_string(port.published) + ":" + std::to_string(port.container),
                              "host port " + std::to_string(port.published) + " is not published; the Service listens on " +
                                  std::to_string(port.container) + " (add an Ingress or a LoadBalancer to expose it)"});
        }
      }
      spec.Set("ports", ports);
      add(svc);
    }

    // Workload.
    bool stateful = std::any_of(s.volumes.begin(), s.volumes.end(),
                                [](const ComposeMount& v) { return v.type == ComposeMount::kNamed; });
    Node container = Node::Map();
    container.Set("name", S(n));
    container.Set("image", S(image));
    if (s.entrypoint_set) container.Set("command", StrSeq(s.entrypoint));
    if (s.command_set) container.Set("args", StrSeq(s.command));
    if (!s.working_dir.empty()) container.Set("workingDir", S(s.working_dir));
    if (!env.items.empty()) container.Set("env", env);
    if (!s.ports.empty()) {
      Node cports = Node::Seq();
      std::set<std::string> seen;
      for (const ComposePort& port : s.ports) {
        if (!seen.insert(std::to_string(port.container) + port.protocol).second) continue;
        Node cp = Node::Map();
        cp.Set("containerPort", Node::Int(port.container));
        cp.Set("protocol", S(port.protocol));
        cports.items.push_back(cp);
      }
      container.Set("ports", cports);
    }
    Node resources = Node::Map();
    if (!s.cpu_request.empty() || !s.memory_request.empty()) {
      Node& r = resources.GetOrCreateMap("requests");
      if (!s.cpu_request.empty()) r.Set("cpu", S(s.cpu_request));
      if (!s.memory_request.empty()) r.Set("memory", S(s.memory_request));
    }
    if (!s.cpu_limit.empty() || !s.memory_limit.empty()) {
      Node& r = resources.GetOrCreateMap("limits");
      if (!s.cpu_limit.empty()) r.Set("cpu", S(s.cpu_limit));
      if (!s.memory_limit.empty()) r.Set("memory", S(s.memory_limit));
    }
    if (resources.fields.empty()) {  // the plan's defaults
      resources.GetOrCreateMap("requests").Set("cpu", S("100m"));
      resources.GetOrCreateMap("requests").Set("memory", S("128Mi"));
      resources.GetOrCreateMap("limits").Set("cpu", S("500m"));
      resources.GetOrCreateMap("limits").Set("memory", S("512Mi"));
    }
    container.Set("resources", resources);
    if (s.healthcheck) {
      Node probe = Node::Map();
      probe.GetOrCreateMap("exec").Set("command", StrSeq(s.healthcheck->command));
      if (s.healthcheck->start_period) probe.Set("initialDelaySeconds", Node::Int(s.healthcheck->start_period));
      if (s.healthcheck->interval) probe.Set("periodSeconds", Node::Int(s.healthcheck->interval));
      if (s.healthcheck->timeout) probe.Set("timeoutSeconds", Node::Int(s.healthcheck->timeout));
      if (s.healthcheck->retries) probe.Set("failureThreshold", Node::Int(s.healthcheck->retries));
      container.Set("livenessProbe", probe);
      container.Set("readinessProbe", probe);
    }
    Node sc = Node::Map();
    if (!s.user.empty()) {
      size_t colon = s.user.find(':');
      std::string uid = s.user.substr(0, colon), gid = colon == std::string::npos ? "" : s.user.substr(colon + 1);
      auto numeric = [](const std::string& x) {
        return !x.empty() && x.size() < 10 && std::all_of(x.begin(), x.end(), ::isdigit);
      };
      if (numeric(uid) && (colon == std::string::npos || numeric(gid))) {
        sc.Set("runAsUser", Node::Int(std::stoll(uid)));
        if (!gid.empty()) sc.Set("runAsGroup", Node::Int(std::stoll(gid)));
      } else {
        unmapped.push_back({"services." + s.name + ".user", "user \"" + s.user + "\" is a name; Kubernetes needs a numeric runAsUser"});
      }
    }
    if (!s.cap_add.empty() || !s.cap_drop.empty()) {
      Node& caps = sc.GetOrCreateMap("capabilities");
      if (!s.cap_add.empty()) caps.Set("add", StrSeq(s.cap_add));
      if (!s.cap_drop.empty()) caps.Set("drop", StrSeq(s.cap_drop));
    }
    if (s.privileged) sc.Set("privileged", Node::Bool(true));
    if (s.read_only) sc.Set("readOnlyRootFilesystem", Node::Bool(true));
    if (!sc.fields.empty()) container.Set("securityContext", sc);
    if (s.tty) container.Set("tty", Node::Bool(true));
    if (s.stdin_open) container.Set("stdin", Node::Bool(true));

    Node volumes = Node::Seq(), mounts = Node::Seq();
    int anon = 0;
    for (const ComposeMount& v : s.volumes) {
      Node mount = Node::Map();
      mount.Set("mountPath", S(v.target));
      if (v.read_only) mount.Set("readOnly", Node::Bool(true));
      Node vol = Node::Map();
      if (v.type == ComposeMount::kNamed) {
        std::string vn = KubeName(v.source, "volume");
        mount.Set("name", S(vn));
        vol.Set("name", S(vn));
        vol.GetOrCreateMap("persistentVolumeClaim").Set("claimName", S(vn));
      } else if (v.type == ComposeMount::kAnonymous) {
        std::string vn = "scratch-" + std::to_string(anon++);
        mount.Set("name", S(vn));
        vol.Set("name", S(vn));
        vol.Set("emptyDir", Node::Map());
      } else {
        unmapped.push_back({"services." + s.name + ".volumes " + v.source + ":" + v.target,
                            "bind mount of a host path: host paths do not exist on cluster nodes; put the file in a "
                            "ConfigMap (or bake it into the image) and mount it at " + v.target});
        continue;
      }
      if (std::none_of(volumes.items.begin(), volumes.items.end(),
                       [&](const Node& x) { return x.StrAt({"name"}) == vol.StrAt({"name"}); })) {
        volumes.items.push_back(vol);
      }
      mounts.items.push_back(mount);
    }
    for (const ComposeSecretRef& ref : s.secrets) {
      std::string vn = "secret-" + KubeName(ref.source, "secret");
      Node vol = Node::Map();
      vol.Set("name", S(vn));
      vol.GetOrCreateMap("secret").Set("secretName", S(KubeName(ref.source, "secret")));
      volumes.items.push_back(vol);
      std::string path = ref.target.empty() ? ref.source : ref.target;
      std::string file = fs::path(path).filename().string();
      Node mount = Node::Map();
      mount.Set("name", S(vn));
      mount.Set("mountPath", S(path[0] == '/' ? path : "/run/secrets/" + path));
      mount.Set("subPath", S(ref.source));
      mount.Set("readOnly", Node::Bool(true));
      mounts.items.push_back(mount);
    }
    if (!mounts.items.empty()) container.Set("volumeMounts", mounts);

    Node pod_spec = Node::Map();
    Node containers = Node::Seq();
    containers.items.push_back(container);
    pod_spec.Set("containers", containers);
    if (!volumes.items.empty()) pod_spec.Set("volumes", volumes);
    Node tmpl = Node::Map();
    tmpl.GetOrCreateMap("metadata").GetOrCreateMap("labels").Set("app.kubernetes.io/name", S(n));
    tmpl.GetOrCreateMap("metadata").GetOrCreateMap("labels").Set("app.kubernetes.io/part-of", S(app));
    tmpl.Set("spec", pod_spec);
    Node wl = Obj("apps/v1", stateful ? "StatefulSet" : "Deployment", Meta(n, app, n, w));
    Node& wspec = wl.GetOrCreateMap("spec");
    wspec.Set("replicas", Node::Int(stateful ? 1 : s.replicas.value_or(1)));
    if (stateful) wspec.Set("serviceName", S(n));
    wspec.GetOrCreateMap("selector").GetOrCreateMap("matchLabels").Set("app.kubernetes.io/name", S(n));
    wspec.Set("template", tmpl);
    add(wl);
    if (!stateful && !s.replicas) deployments.push_back(n);
    if (stateful && s.replicas && *s.replicas != 1) {
      unmapped.push_back({"services." + s.name + ".deploy.replicas", "a StatefulSet on one ReadWriteOnce volume runs 1 replica"});
    }

    m.files["base/" + n + ".yaml"] = text;
    base_resources.push_back(n + ".yaml");
    report << "| " << s.name << " | " << (stateful ? "StatefulSet" : "Deployment") << " " << n << " | " << image << " | "
           << w << " | " << (port_list.empty() ? "-" : port_list) << " |\n";
  }

  std::string k = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n";
  for (const std::string& r : base_resources) k += "- " + r + "\n";
  m.files["base/kustomization.yaml"] = k;

  for (const std::string& e : o.environments) {
    Env env = EnvOf(e);
    std::string ov = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../base\n"
                     "namespace: " + app + "-" + env.suffix + "\n";
    if (!images.empty()) {
      ov += "images:\n";
      for (const auto& [name, tag] : images) ov += "- name: " + name + "\n  newTag: " + (yaml::ResolvePlainTag(tag) == yaml::kStrTag ? tag : "\"" + tag + "\"") + "\n";
    }
    if (!deployments.empty()) {
      ov += "replicas:\n";
      for (const std::string& d : deployments) ov += "- name: " + d + "\n  count: " + std::to_string(env.replicas) + "\n";
    }
    if (e == "production" && !deployments.empty()) {
      ov += "patches:\n";
      for (const std::string& d : deployments) {
        ov += "- target:\n    kind: Deployment\n    name: " + d + "\n  patch: |-\n"
              "    - op: replace\n      path: /spec/template/spec/containers/0/resources\n"
              "      value: {requests: {cpu: 250m, memory: 256Mi}, limits: {cpu: \"1\", memory: 1Gi}}\n";
      }
    }
    m.files["overlays/" + e + "/kustomization.yaml"] = ov;
  }

  report << "\nOverlays: `overlays/<env>` set the namespace `" << app << "-<env>`";
  if (!deployments.empty()) report << ", replicas (dev 1, staging 2, production 3) and production resources (requests 250m/256Mi, limits 1/1Gi)";
  report << "; their `images:` are what `capstan image set` and `capstan promote` change.\n";
  auto section = [&](const char* title, const std::vector<std::string>& lines) {
    if (lines.empty()) return;
    report << "\n## " << title << "\n\n";
    for (const std::string& l : lines) report << "- " << l << "\n";
  };
  section("Images to build", builds);
  std::vector<std::string> secret_lines = secret_files;
  if (!secret_lines.empty()) {
    secret_lines.push_back("these hold plaintext: seal them before committing, e.g. `capstan seal -f base/<file> --cert cert.pem`, "
                           "and replace the Secret by the SealedSecret");
  }
  section("Secrets (plaintext: seal before committing)", secret_lines);
  section("Service hosts in environment values", hosts);
  section("Shared volumes", shared_notes);
  std::vector<std::string> unset;
  for (const std::string& v : p.unset_variables) unset.push_back("`${" + v + "}` is not set (no .env value): replaced by an empty string");
  section("Variables", unset);
  std::vector<std::string> not_mapped;
  for (const auto& [key, why] : unmapped) not_mapped.push_back("`" + key + "`: " + why);
  m.unmapped = not_mapped.size();
  if (not_mapped.empty()) not_mapped.push_back("every key was mapped");
  section("Not mapped", not_mapped);
  if (o.strict && m.unmapped > 0) {
    throw Error(p.file + ": " + unmapped[0].first + ": not mapped (" + unmapped[0].second + "); --strict refuses " +
                std::to_string(m.unmapped) + " unmapped key(s)");
  }
  // The plan's per-app kustomization (base, the app's labels, its images).
  std::string per_app = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- base/\n"
                        "namespace: " + app + "\ncommonLabels:\n  app.kubernetes.io/part-of: " + app + "\n";
  m.files["kustomization.yaml"] = per_app;
  if (!o.repo_url.empty()) {
    for (const std::string& e : o.environments) {
      std::string ns = app + "-" + EnvOf(e).suffix;
      m.applications["environments/" + e + "/apps/" + app + ".yaml"] =
          "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: " + app + "-" + EnvOf(e).suffix +
          "\n  namespace: argocd\n  labels:\n    app.kubernetes.io/name: " + app + "\n    app.kubernetes.io/environment: " + e +
          "\nspec:\n  project: " + o.project + "\n  source:\n    repoURL: " + o.repo_url +
          "\n    targetRevision: main\n    path: apps/" + app + "/overlays/" + e +
          "\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: " + ns +
          "\n  syncPolicy:\n    automated:\n      prune: true\n      selfHeal: true\n    syncOptions:\n    - CreateNamespace=true\n";
    }
    report << "\nApplications: `environments/<env>/apps/" << app << ".yaml` (project " << o.project << ").\n";
  }
  m.report = report.str();
  m.files["MIGRATION.md"] = m.report;
  return m;
}

void WriteMigration(const std::string& out, const Migration& m) {
  for (const auto& entry : m.applications) {
    std::error_code ec;
    if (fs::exists(fs::path(out) / entry.first, ec)) throw Error((fs::path(out) / entry.first).string() + ": already exists");
  }
  WriteScaffold((fs::path(out) / "apps" / m.app).string(), m.files);
  for (const auto& entry : m.applications) {
    fs::path p = fs::path(out) / entry.first;
    fs::create_directories(p.parent_path());
    WriteFileAtomically(p.string(), entry.second);
  }
}

Migration MigrateComposeFile(const std::string& file, const MigrateOptions& options) {
  std::string text = ReadFile(file);
  std::map<std::string, std::string> env;
  fs::path dotenv = fs::path(file).parent_path() / ".env";
  std::ifstream in(dotenv);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string v = line.substr(eq + 1);
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
    env[line.substr(0, eq)] = v;
  }
  return MigrateCompose(ParseCompose(text, file, env), options);
}

}  // namespace capstan::delivery
