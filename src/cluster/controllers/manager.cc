#include "cluster/controllers/manager.h"

#include <chrono>
#include <random>

#include "cluster/admission.h"
#include "cluster/api.h"
#include "cluster/controllers/ctx.h"
#include "yaml/yaml.h"

namespace capstan::cluster {

using yaml::Node;

struct ControllerManager::State {
  Ctx ctx;
};

// ---- Ctx -------------------------------------------------------------------

ResourceInfo Ctx::Res(const std::string& group, const std::string& plural) const {
  for (const auto& r : registry->All())
    if (r.group == group && r.plural == plural) return r;
  return ResourceInfo{};
}

std::vector<Node> Ctx::List(const ResourceInfo& r, const std::string& ns) const {
  std::vector<Node> out;
  for (const auto& o : store->List(r.StoreKey(), ns)) {
    try {
      out.push_back(yaml::ParseJson(o->json));
    } catch (const std::exception&) {
    }
  }
  return out;
}

std::optional<Node> Ctx::Get(const ResourceInfo& r, const std::string& ns,
                             const std::string& name) const {
  auto so = store->Get(r.StoreKey(), ns, name);
  if (!so) return std::nullopt;
  return yaml::ParseJson(so->json);
}

bool Ctx::Create(const ResourceInfo& r, Node obj) {
  obj.Set("apiVersion", Node::String(r.ApiVersion()));
  obj.Set("kind", Node::String(r.kind));
  Node status = obj.Get("status") ? *obj.Get("status") : Node();
  PrepareCreate(r, obj, store->CurrentRv() + 1);
  if (!status.IsNull()) obj.Set("status", status);
  std::string ns = r.namespaced ? obj.StrAt({"metadata", "namespace"}) : "";
  return store->Create(r.StoreKey(), ns, obj.StrAt({"metadata", "name"}), obj) == WriteResult::kOk;
}

bool Ctx::Update(const ResourceInfo& r, const Node& before, Node obj) {
  if (obj == before) return true;
  std::string ns = r.namespaced ? obj.StrAt({"metadata", "namespace"}) : "";
  int64_t rv = std::atoll(before.StrAt({"metadata", "resourceVersion"}).c_str());
  // Spec edits by controllers (replica counts) bump generation like API writes.
  if (before.Get("metadata") && before.At({"metadata", "generation"})) {
    Node a = obj, b = before;
    a.Remove("metadata");
    a.Remove("status");
    b.Remove("metadata");
    b.Remove("status");
    if (a != b)
      obj.GetOrCreateMap("metadata").Set("generation", Node::Int(IntAt(before, {"metadata", "generation"}) + 1));
  }
  return store->Update(r.StoreKey(), ns, obj.StrAt({"metadata", "name"}), obj, rv) ==
         WriteResult::kOk;
}

bool Ctx::Delete(const ResourceInfo& r, const Node& obj) {
  std::string ns = r.namespaced ? obj.StrAt({"metadata", "namespace"}) : "";
  Node last;
  return store->Delete(r.StoreKey(), ns, obj.StrAt({"metadata", "name"}), 0, &last) ==
         WriteResult::kOk;
}

double Ctx::SeenFor(const std::string& uid) {
  auto it = first_seen.find(uid);
  if (it == first_seen.end()) it = first_seen.emplace(uid, Now()).first;
  return Now() - it->second;
}

// ---- helpers ---------------------------------------------------------------

int64_t IntAt(const Node& o, std::initializer_list<std::string_view> path, int64_t fallback) {
  const Node* n = o.At(path);
  if (!n || !n->IsScalar()) return fallback;
  return n->AsInt(fallback);
}

std::vector<Node> OwnedBy(Ctx& c, const ResourceInfo& r, const std::string& ns, const std::string& owner_uid) {
  std::vector<Node> out;
  for (auto& p : c.List(r, ns))
    if (IsControlledBy(p, owner_uid)) out.push_back(std::move(p));
  return out;
}

Node WithLabel(Node tmpl, const std::string& k, const std::string& v) {
  tmpl.GetOrCreateMap("metadata").GetOrCreateMap("labels").Set(k, Node::String(v));
  return tmpl;
}

bool IsControlledBy(const Node& obj, const std::string& owner_uid) {
  const Node* refs = obj.At({"metadata", "ownerReferences"});
  if (!refs || !refs->IsSeq()) return false;
  for (const auto& r : refs->items)
    if (r.StrAt({"uid"}) == owner_uid && r.StrAt({"controller"}) == "true") return true;
  return false;
}

Node OwnerRef(const Node& owner, bool controller) {
  Node r = Node::Map();
  r.Set("apiVersion", Node::String(owner.StrAt({"apiVersion"})));
  r.Set("kind", Node::String(owner.StrAt({"kind"})));
  r.Set("name", Node::String(owner.StrAt({"metadata", "name"})));
  r.Set("uid", Node::String(owner.StrAt({"metadata", "uid"})));
  if (controller) {
    r.Set("controller", Node::Bool(true));
    r.Set("blockOwnerDeletion", Node::Bool(true));
  }
  return r;
}

bool PodReady(const Node& pod) {
  const Node* c = pod.Get("status") ? FindCondition(*pod.Get("status"), "Ready") : nullptr;
  return c && c->StrAt({"status"}) == "True";
}

bool PodActive(const Node& pod) {
  std::string phase = pod.StrAt({"status", "phase"});
  return phase != "Succeeded" && phase != "Failed" &&
         pod.StrAt({"metadata", "deletionTimestamp"}).empty();
}

std::string RandomSuffix5() {
  static const char kAlnum[] = "bcdfghjklmnpqrstvwxz2456789";
  static thread_local std::mt19937 rng(std::random_device{}());
  std::string s;
  for (int i = 0; i < 5; ++i) s += kAlnum[rng() % 27];
  return s;
}

std::string TemplateHash(const Node& tmpl, int64_t collision_count) {
  std::string text = yaml::EmitJson(tmpl);
  if (collision_count) text += std::to_string(collision_count);
  uint32_t h = 2166136261u;
  for (unsigned char c : text) {
    h ^= c;
    h *= 16777619u;
  }
  // rand.SafeEncodeString(fmt.Sprint(hash)): each digit mapped to a
  // consonant/digit alphabet that cannot spell words.
  static const char kAlnum[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string digits = std::to_string(h), out;
  for (char d : digits) out += kAlnum[static_cast<unsigned char>(d) % 27];
  return out;
}

Node Condition(const std::string& type, const std::string& status, const std::string& reason,
               const std::string& message, bool with_update_time) {
  Node c = Node::Map();
  c.Set("type", Node::String(type));
  c.Set("status", Node::String(status));
  std::string now = NowRfc3339();
  if (with_update_time) c.Set("lastUpdateTime", Node::String(now));
  c.Set("lastTransitionTime", Node::String(now));
  if (!reason.empty()) c.Set("reason", Node::String(reason));
  if (!message.empty()) c.Set("message", Node::String(message));
  return c;
}

const Node* FindCondition(const Node& status, const std::string& type) {
  const Node* cs = status.Get("conditions");
  if (!cs || !cs->IsSeq()) return nullptr;
  for (const auto& c : cs->items)
    if (c.StrAt({"type"}) == type) return &c;
  return nullptr;
}

void SetCondition(Node& status, Node cond) {
  Node& cs = status.GetOrCreateMap("conditions");
  if (!cs.IsSeq()) cs = Node::Seq();
  std::string type = cond.StrAt({"type"});
  for (auto& c : cs.items) {
    if (c.StrAt({"type"}) != type) continue;
    if (c.StrAt({"status"}) == cond.StrAt({"status"}) && c.StrAt({"reason"}) == cond.StrAt({"reason"}) &&
        c.StrAt({"message"}) == cond.StrAt({"message"}))
      return;  // unchanged: keep both timestamps
    if (c.StrAt({"status"}) == cond.StrAt({"status"}))
      if (const Node* t = c.Get("lastTransitionTime")) cond.Set("lastTransitionTime", *t);
    c = cond;
    return;
  }
  cs.items.push_back(cond);
}

Node PodFromTemplate(const Node& tmpl, const Node& owner, const std::string& name,
                     const std::string& ns) {
  Node pod = Node::Map();
  pod.Set("apiVersion", Node::String("v1"));
  pod.Set("kind", Node::String("Pod"));
  Node md = Node::Map();
  md.Set("name", Node::String(name));
  md.Set("namespace", Node::String(ns));
  if (const Node* tmd = tmpl.Get("metadata"); tmd && tmd->IsMap()) {
    if (const Node* l = tmd->Get("labels")) md.Set("labels", *l);
    if (const Node* a = tmd->Get("annotations")) md.Set("annotations", *a);
  }
  Node refs = Node::Seq();
  refs.items.push_back(OwnerRef(owner));
  md.Set("ownerReferences", refs);
  pod.Set("metadata", md);
  pod.Set("spec", tmpl.Get("spec") ? *tmpl.Get("spec") : Node::Map());
  return pod;
}

// ---- manager ---------------------------------------------------------------

ControllerManager::ControllerManager(Store* store, Registry* registry, Clock* clock,
                                     SimOptions options)
    : state_(std::make_unique<State>()) {
  Ctx& c = state_->ctx;
  c.store = store;
  c.registry = registry;
  c.clock = clock;
  c.options = options;
  c.ca_pem = options.ca_pem;
  if (!options.rules_file.empty()) c.rules = Rules::Load(options.rules_file);
}

ControllerManager::~ControllerManager() { Stop(); }

void ControllerManager::Bootstrap() {
  Ctx& c = state_->ctx;
  ResourceInfo ns = c.Res("", "namespaces");
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    if (c.Get(ns, "", name)) continue;
    Node n = Node::Map();
    n.GetOrCreateMap("metadata").Set("name", Node::String(name));
    c.Create(ns, n);
  }
  ResourceInfo nodes = c.Res("", "nodes");
  for (int i = 1; i <= c.options.nodes; ++i) {
    std::string name = "capstan-node-" + std::to_string(i);
    if (c.Get(nodes, "", name)) continue;
    Node n = Node::Map();
    Node& md = n.GetOrCreateMap("metadata");
    md.Set("name", Node::String(name));
    Node& labels = md.GetOrCreateMap("labels");
    labels.Set("kubernetes.io/hostname", Node::String(name));
    labels.Set("kubernetes.io/os", Node::String("linux"));
    labels.Set("kubernetes.io/arch", Node::String("amd64"));
    if (i == 1) labels.Set("node-role.kubernetes.io/control-plane", Node::String(""));
    Node& spec = n.GetOrCreateMap("spec");
    spec.Set("podCIDR", Node::String("10.244." + std::to_string(i) + ".0/24"));
    Node st = Node::Map();
    Node cap = Node::Map();
    cap.Set("cpu", Node::String("8"));
    cap.Set("memory", Node::String("16Gi"));
    cap.Set("pods", Node::String("110"));
    cap.Set("ephemeral-storage", Node::String("100Gi"));
    st.Set("capacity", cap);
    st.Set("allocatable", cap);
    Node conds = Node::Seq();
    conds.items.push_back(Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"));
    conds.items.push_back(Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"));
    conds.items.push_back(Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"));
    conds.items.push_back(Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"));
    st.Set("conditions", conds);
    Node addrs = Node::Seq();
    Node a = Node::Map();
    a.Set("type", Node::String("InternalIP"));
    a.Set("address", Node::String("172.18.0." + std::to_string(i + 1)));
    addrs.items.push_back(a);
    Node h = Node::Map();
    h.Set("type", Node::String("Hostname"));
    h.Set("address", Node::String(name));
    addrs.items.push_back(h);
    st.Set("addresses", addrs);
    Node info = Node::Map();
    info.Set("architecture", Node::String("amd64"));
    info.Set("containerRuntimeVersion", Node::String("containerd://1.7.24"));
    info.Set("kernelVersion", Node::String("6.1.0-capstan"));
    info.Set("kubeProxyVersion", Node::String("v1.32.0"));
    info.Set("kubeletVersion", Node::String("v1.32.0"));
    info.Set("operatingSystem", Node::String("linux"));
    info.Set("osImage", Node::String("capstan simulated node"));
    st.Set("nodeInfo", info);
    n.Set("status", st);
    c.Create(nodes, n);
  }
  ResourceInfo svc = c.Res("", "services");
  if (!c.Get(svc, "default", "kubernetes")) {
    Node s = Node::Map();
    Node& md = s.GetOrCreateMap("metadata");
    md.Set("name", Node::String("kubernetes"));
    md.Set("namespace", Node::String("default"));
    md.GetOrCreateMap("labels").Set("component", Node::String("apiserver"));
    md.GetOrCreateMap("labels").Set("provider", Node::String("kubernetes"));
    Node& spec = s.GetOrCreateMap("spec");
    spec.Set("clusterIP", Node::String("10.96.0.1"));
    Node ports = Node::Seq();
    Node p = Node::Map();
    p.Set("name", Node::String("https"));
    p.Set("port", Node::Int(443));
    p.Set("protocol", Node::String("TCP"));
    p.Set("targetPort", Node::Int(6443));
    ports.items.push_back(p);
    spec.Set("ports", ports);
    c.Create(svc, s);
  }
  RunServiceAccounts(c);
}

void ControllerManager::RunOnce() {
  Ctx& c = state_->ctx;
  // Each controller tolerates partial failure; one bad object must not
  // stop the others.
  for (auto fn : {RunNamespaces, RunGarbageCollector, RunServiceAccounts, RunDeployments,
                  RunReplicaSets, RunStatefulSets, RunDaemonSets, RunCronJobs, RunJobs,
                  RunKubelet, RunServices, RunPersistentVolumeClaims, RunIngresses, RunCrdCleanup}) {
    try {
      fn(c);
    } catch (const std::exception&) {
    }
  }
}

void ControllerManager::Start() {
  stop_ = false;
  thread_ = std::thread([this] {
    while (!stop_) {
      RunOnce();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
}

void ControllerManager::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace capstan::cluster
