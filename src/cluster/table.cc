#include "cluster/table.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <functional>
#include <map>

namespace capstan::cluster {
namespace {

using yaml::Node;

struct Col {
  const char* name;
  const char* type;
  const char* format;
  int priority;
  const char* description;
};

const Col kName = {"Name", "string", "name", 0,
                   "Name must be unique within a namespace. Is required when creating resources, "
                   "although some resources may allow a client to request the generation of an "
                   "appropriate name automatically. Name is primarily intended for creation "
                   "idempotence and configuration definition. Cannot be updated. More info: "
                   "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"};
const Col kAge = {"Age", "string", "", 0,
                  "CreationTimestamp is a timestamp representing the server time when this object "
                  "was created. It is not guaranteed to be set in happens-before order across "
                  "separate operations. Clients may not set this value. It is represented in "
                  "RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for "
                  "lists. More info: "
                  "https://git.k8s.io/community/contributors/devel/sig-architecture/"
                  "api-conventions.md#metadata"};
// The wide columns of every kind with a pod template.
const Col kContainers = {"Containers", "string", "", 1, "Names of each container in the template."};
const Col kImages = {"Images", "string", "", 1, "Images referenced by each container in the template."};

Node S(const std::string& s) { return Node::String(s); }
Node I(int64_t v) { return Node::Int(v); }
Node Name(const Node& o) { return S(o.StrAt({"metadata", "name"})); }

int64_t IntAt(const Node& o, std::initializer_list<std::string_view> path) {
  const Node* n = o.At(path);
  return n ? n->AsInt() : 0;
}

std::string Age(const Node& o) {
  std::string ts = o.StrAt({"metadata", "creationTimestamp"});
  if (ts.empty()) return "<unknown>";
  return HumanDuration(SecondsSince(ts));
}

std::string Join(const std::vector<std::string>& v, const char* sep = ",") {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

std::string SelectorString(const Node* sel) {
  if (!sel || !sel->IsMap()) return "<none>";
  std::vector<std::string> parts;
  if (const Node* ml = sel->Get("matchLabels"); ml && ml->IsMap()) {
    std::vector<std::string> kv;
    for (const auto& f : ml->fields) kv.push_back(f.key.Str() + "=" + f.value.Str());
    std::sort(kv.begin(), kv.end());
    parts.insert(parts.end(), kv.begin(), kv.end());
  }
  if (const Node* me = sel->Get("matchExpressions"); me && me->IsSeq()) {
    for (const auto& e : me->items) {
      std::string op = e.StrAt({"operator"});
      std::vector<std::string> vals;
      if (const Node* vs = e.Get("values"); vs && vs->IsSeq())
        for (const auto& v : vs->items) vals.push_back(v.Str());
      std::string key = e.StrAt({"key"});
      if (op == "In") parts.push_back(key + " in (" + Join(vals) + ")");
      else if (op == "NotIn") parts.push_back(key + " notin (" + Join(vals) + ")");
      else if (op == "Exists") parts.push_back(key);
      else parts.push_back("!" + key);
    }
  }
  return parts.empty() ? "<none>" : Join(parts);
}

std::string MapSelector(const Node* m) {  // Service spec.selector: plain map
  if (!m || !m->IsMap() || m->fields.empty()) return "<none>";
  std::vector<std::string> kv;
  for (const auto& f : m->fields) kv.push_back(f.key.Str() + "=" + f.value.Str());
  std::sort(kv.begin(), kv.end());
  return Join(kv);
}

void ContainersImages(const Node* podspec, std::string* names, std::string* images) {
  std::vector<std::string> n, i;
  if (podspec)
    if (const Node* cs = podspec->Get("containers"); cs && cs->IsSeq())
      for (const auto& c : cs->items) {
        n.push_back(c.StrAt({"name"}));
        i.push_back(c.StrAt({"image"}));
      }
  *names = Join(n);
  *images = Join(i);
}

std::string OrNone(const std::string& s) { return s.empty() ? "<none>" : s; }

std::vector<std::string> LbIngress(const Node& o) {
  std::vector<std::string> out;
  if (const Node* ing = o.At({"status", "loadBalancer", "ingress"}); ing && ing->IsSeq())
    for (const auto& i : ing->items) {
      std::string v = i.StrAt({"ip"});
      if (v.empty()) v = i.StrAt({"hostname"});
      if (!v.empty()) out.push_back(v);
    }
  return out;
}

// ---- per-kind printers ----------------------------------------------------

std::vector<Node> PodRow(const Node& o) {
  const Node* spec = o.Get("spec");
  int total = 0;
  if (spec)
    if (const Node* cs = spec->Get("containers"); cs && cs->IsSeq()) total = cs->items.size();
  int ready = 0, restarts = 0;
  std::string reason = o.StrAt({"status", "phase"});
  if (std::string r = o.StrAt({"status", "reason"}); !r.empty()) reason = r;
  bool running = false;
  std::string last_restart;
  if (const Node* css = o.At({"status", "containerStatuses"}); css && css->IsSeq()) {
    for (auto it = css->items.rbegin(); it != css->items.rend(); ++it) {
      const Node& c = *it;
      restarts += IntAt(c, {"restartCount"});
      if (std::string f = c.StrAt({"lastState", "terminated", "finishedAt"}); !f.empty())
        last_restart = f;
      if (std::string w = c.StrAt({"state", "waiting", "reason"}); !w.empty()) {
        reason = w;
      } else if (const Node* t = c.At({"state", "terminated"})) {
        std::string tr = t->StrAt({"reason"});
        reason = !tr.empty() ? tr : "ExitCode:" + t->StrAt({"exitCode"}, "0");
      } else if (c.At({"state", "running"}) && c.StrAt({"ready"}) == "true") {
        running = true;
        ++ready;
      }
    }
  }
  if (reason == "Completed" && running) reason = "Running";
  if (!o.StrAt({"metadata", "deletionTimestamp"}).empty()) reason = "Terminating";
  Node restart_cell = I(restarts);
  if (restarts > 0 && !last_restart.empty())
    restart_cell = S(std::to_string(restarts) + " (" + HumanDuration(SecondsSince(last_restart)) +
                     " ago)");
  return {S(o.StrAt({"metadata", "name"})), S(std::to_string(ready) + "/" + std::to_string(total)),
          S(reason), restart_cell, S(Age(o)),
          S(OrNone(o.StrAt({"status", "podIP"}))), S(OrNone(o.StrAt({"spec", "nodeName"}))),
          S("<none>"), S("<none>")};
}

std::vector<Node> DeploymentRow(const Node& o) {
  std::string cn, im;
  ContainersImages(o.At({"spec", "template", "spec"}), &cn, &im);
  return {Name(o),
          S(std::to_string(IntAt(o, {"status", "readyReplicas"})) + "/" +
            std::to_string(IntAt(o, {"spec", "replicas"}))),
          I(IntAt(o, {"status", "updatedReplicas"})), I(IntAt(o, {"status", "availableReplicas"})),
          S(Age(o)), S(cn), S(im), S(SelectorString(o.At({"spec", "selector"})))};
}

std::vector<Node> ReplicaSetRow(const Node& o) {
  std::string cn, im;
  ContainersImages(o.At({"spec", "template", "spec"}), &cn, &im);
  return {Name(o), I(IntAt(o, {"spec", "replicas"})), I(IntAt(o, {"status", "replicas"})),
          I(IntAt(o, {"status", "readyReplicas"})), S(Age(o)), S(cn), S(im),
          S(SelectorString(o.At({"spec", "selector"})))};
}

std::vector<Node> StatefulSetRow(const Node& o) {
  std::string cn, im;
  ContainersImages(o.At({"spec", "template", "spec"}), &cn, &im);
  return {Name(o),
          S(std::to_string(IntAt(o, {"status", "readyReplicas"})) + "/" +
            std::to_string(IntAt(o, {"spec", "replicas"}))),
          S(Age(o)), S(cn), S(im)};
}

std::vector<Node> DaemonSetRow(const Node& o) {
  std::string cn, im;
  ContainersImages(o.At({"spec", "template", "spec"}), &cn, &im);
  return {Name(o), I(IntAt(o, {"status", "desiredNumberScheduled"})),
          I(IntAt(o, {"status", "currentNumberScheduled"})), I(IntAt(o, {"status", "numberReady"})),
          I(IntAt(o, {"status", "updatedNumberScheduled"})), I(IntAt(o, {"status", "numberAvailable"})),
          S(MapSelector(o.At({"spec", "template", "spec", "nodeSelector"}))), S(Age(o)), S(cn), S(im),
          S(SelectorString(o.At({"spec", "selector"})))};
}

std::vector<Node> ServiceRow(const Node& o) {
  std::string type = o.StrAt({"spec", "type"}, "ClusterIP");
  std::string ext = "<none>";
  if (type == "LoadBalancer") {
    auto ips = LbIngress(o);
    ext = ips.empty() ? "<pending>" : Join(ips);
  } else if (type == "ExternalName") {
    ext = o.StrAt({"spec", "externalName"});
  }
  std::vector<std::string> ports;
  if (const Node* ps = o.At({"spec", "ports"}); ps && ps->IsSeq())
    for (const auto& p : ps->items) {
      std::string s = p.StrAt({"port"});
      if (std::string np = p.StrAt({"nodePort"}); !np.empty() && type != "ClusterIP") s += ":" + np;
      ports.push_back(s + "/" + p.StrAt({"protocol"}, "TCP"));
    }
  return {Name(o), S(type), S(OrNone(o.StrAt({"spec", "clusterIP"}))), S(ext),
          S(ports.empty() ? "<none>" : Join(ports)), S(Age(o)),
          S(MapSelector(o.At({"spec", "selector"})))};
}

std::vector<Node> NamespaceRow(const Node& o) {
  return {Name(o), S(o.StrAt({"status", "phase"})), S(Age(o))};
}

std::vector<Node> NodeRow(const Node& o) {
  std::string status = "Unknown";
  if (const Node* cs = o.At({"status", "conditions"}); cs && cs->IsSeq())
    for (const auto& c : cs->items)
      if (c.StrAt({"type"}) == "Ready") status = c.StrAt({"status"}) == "True" ? "Ready" : "NotReady";
  if (o.StrAt({"spec", "unschedulable"}) == "true") status += ",SchedulingDisabled";
  std::vector<std::string> roles;
  if (const Node* l = o.At({"metadata", "labels"}); l && l->IsMap())
    for (const auto& f : l->fields)
      if (f.key.Str().rfind("node-role.kubernetes.io/", 0) == 0) roles.push_back(f.key.Str().substr(24));
  std::string internal = "<none>";
  if (const Node* as = o.At({"status", "addresses"}); as && as->IsSeq())
    for (const auto& a : as->items)
      if (a.StrAt({"type"}) == "InternalIP") internal = a.StrAt({"address"});
  return {Name(o), S(status), S(roles.empty() ? "<none>" : Join(roles)), S(Age(o)),
          S(o.StrAt({"status", "nodeInfo", "kubeletVersion"})), S(internal), S("<none>"),
          S(o.StrAt({"status", "nodeInfo", "osImage"})), S(o.StrAt({"status", "nodeInfo", "kernelVersion"})),
          S(o.StrAt({"status", "nodeInfo", "containerRuntimeVersion"}))};
}

std::vector<Node> JobRow(const Node& o) {
  std::string cn, im;
  ContainersImages(o.At({"spec", "template", "spec"}), &cn, &im);
  std::string status = "Running";
  if (const Node* cs = o.At({"status", "conditions"}); cs && cs->IsSeq())
    for (const auto& c : cs->items)
      if (c.StrAt({"status"}) == "True") {
        std::string t = c.StrAt({"type"});
        if (t == "Complete" || t == "Failed" || t == "Suspended" || t == "FailureTarget") status = t;
      }
  std::string start = o.StrAt({"status", "startTime"});
  std::string done = o.StrAt({"status", "completionTime"});
  std::string duration;
  if (!start.empty())
    duration = HumanDuration(SecondsSince(start) - (done.empty() ? 0 : SecondsSince(done)));
  return {Name(o), S(status),
          S(std::to_string(IntAt(o, {"status", "succeeded"})) + "/" +
            std::to_string(IntAt(o, {"spec", "completions"}))),
          S(duration), S(Age(o)), S(cn), S(im), S(SelectorString(o.At({"spec", "selector"})))};
}

std::vector<Node> CronJobRow(const Node& o) {
  std::string last = o.StrAt({"status", "lastScheduleTime"});
  const Node* active = o.At({"status", "active"});
  return {Name(o), S(o.StrAt({"spec", "schedule"})), S(OrNone(o.StrAt({"spec", "timeZone"}))),
          Node::Bool(o.StrAt({"spec", "suspend"}) == "true"), I(active ? active->size() : 0),
          S(last.empty() ? "<none>" : HumanDuration(SecondsSince(last))), S(Age(o))};
}

std::vector<Node> IngressRow(const Node& o) {
  std::vector<std::string> hosts;
  if (const Node* rules = o.At({"spec", "rules"}); rules && rules->IsSeq())
    for (const auto& r : rules->items) hosts.push_back(r.StrAt({"host"}, "*"));
  const Node* tls = o.At({"spec", "tls"});
  return {Name(o), S(OrNone(o.StrAt({"spec", "ingressClassName"}))),
          S(hosts.empty() ? "*" : Join(hosts)), S(Join(LbIngress(o))),
          S(tls && tls->size() ? "80, 443" : "80"), S(Age(o))};
}

std::vector<Node> HorizontalPodAutoscalerRow(const Node& o) {
  std::string ref = o.StrAt({"spec", "scaleTargetRef", "kind"}) + "/" + o.StrAt({"spec", "scaleTargetRef", "name"});
  std::vector<std::string> targets;
  if (const Node* pct = o.At({"spec", "targetCPUUtilizationPercentage"}))  // autoscaling/v1
    targets.push_back("cpu: <unknown>/" + pct->Str() + "%");
  if (const Node* ms = o.At({"spec", "metrics"}); ms && ms->IsSeq())
    for (const auto& m : ms->items) {
      std::string name = m.StrAt({"resource", "name"});
      std::string util = m.StrAt({"resource", "target", "averageUtilization"});
      if (!name.empty()) targets.push_back(name + ": <unknown>/" + (util.empty() ? m.StrAt({"resource", "target", "averageValue"}) : util + "%"));
    }
  const Node* min = o.At({"spec", "minReplicas"});
  const Node* reps = o.At({"status", "currentReplicas"});
  return {Name(o), S(ref), S(targets.empty() ? "<none>" : Join(targets)), I(min ? min->AsInt() : 1),
          I(o.At({"spec", "maxReplicas"}) ? o.At({"spec", "maxReplicas"})->AsInt() : 0),
          I(reps ? reps->AsInt() : 0), S(Age(o))};
}

std::vector<Node> PriorityClassRow(const Node& o) {
  const Node* v = o.Get("value");
  return {Name(o), I(v ? v->AsInt() : 0), Node::Bool(o.StrAt({"globalDefault"}) == "true"), S(Age(o)),
          S(o.StrAt({"preemptionPolicy"}, "PreemptLowerPriority"))};
}

std::vector<Node> PodDisruptionBudgetRow(const Node& o) {
  std::string min = o.StrAt({"spec", "minAvailable"}), max = o.StrAt({"spec", "maxUnavailable"});
  const Node* allowed = o.At({"status", "disruptionsAllowed"});
  return {Name(o), S(min.empty() ? "N/A" : min), S(max.empty() ? "N/A" : max),
          I(allowed ? allowed->AsInt() : 0), S(Age(o))};
}

std::vector<Node> ServiceAccountRow(const Node& o) {
  const Node* s = o.Get("secrets");
  return {Name(o), I(s ? s->size() : 0), S(Age(o))};
}

std::vector<Node> EndpointsRow(const Node& o) {
  std::vector<std::string> eps;
  if (const Node* ss = o.Get("subsets"); ss && ss->IsSeq())
    for (const auto& s : ss->items) {
      const Node* as = s.Get("addresses");
      const Node* ps = s.Get("ports");
      if (!as || !as->IsSeq()) continue;
      for (const auto& a : as->items) {
        if (ps && ps->IsSeq() && ps->size())
          for (const auto& p : ps->items) eps.push_back(a.StrAt({"ip"}) + ":" + p.StrAt({"port"}));
        else
          eps.push_back(a.StrAt({"ip"}));
      }
    }
  std::string shown = "<none>";
  if (!eps.empty()) {
    size_t n = std::min<size_t>(3, eps.size());
    shown = Join(std::vector<std::string>(eps.begin(), eps.begin() + n));
    if (eps.size() > 3) shown += " + " + std::to_string(eps.size() - 3) + " more...";
  }
  return {Name(o), S(shown), S(Age(o))};
}

std::vector<Node> PersistentVolumeClaimRow(const Node& o) {
  std::vector<std::string> modes;
  if (const Node* m = o.At({"status", "accessModes"}); m && m->IsSeq())
    for (const auto& x : m->items)
      modes.push_back(x.Str() == "ReadWriteOnce" ? "RWO" : x.Str() == "ReadOnlyMany" ? "ROX"
                      : x.Str() == "ReadWriteMany" ? "RWX" : "RWOP");
  return {Name(o), S(o.StrAt({"status", "phase"})), S(o.StrAt({"spec", "volumeName"})),
          S(o.StrAt({"status", "capacity", "storage"})), S(Join(modes)),
          S(o.StrAt({"spec", "storageClassName"})), S("<unset>"), S(Age(o)),
          S(o.StrAt({"spec", "volumeMode"}))};
}

int64_t DataEntries(const Node& o) {
  int64_t n = 0;
  for (const char* f : {"data", "binaryData", "stringData"})
    if (const Node* d = o.Get(f)) n += d->size();
  return n;
}

std::vector<Node> ConfigMapRow(const Node& o) { return {Name(o), I(DataEntries(o)), S(Age(o))}; }

std::vector<Node> SecretRow(const Node& o) {
  return {Name(o), S(o.StrAt({"type"}, "Opaque")), I(DataEntries(o)), S(Age(o))};
}

// The printers kube-apiserver has for built-in kinds
// (pkg/printers/internalversion): the columns of `kubectl get` and the row
// function filling them, one entry per kind.
struct KindPrinter {
  const char* kind;
  std::vector<Col> columns;
  std::vector<Node> (*row)(const Node&);
};

const std::vector<KindPrinter>& KindPrinters() {
  static const std::vector<KindPrinter> printers = {
    {"Pod",
     {kName,
      {"Ready", "string", "", 0, "The aggregate readiness state of this pod for accepting traffic."},
      {"Status", "string", "", 0, "The aggregate status of the containers in this pod."},
      {"Restarts", "string", "", 0, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."},
      kAge,
      {"IP", "string", "", 1, "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."},
      {"Node", "string", "", 1, "NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements."},
      {"Nominated Node", "string", "", 1, "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled."},
      {"Readiness Gates", "string", "", 1, "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates"}},
     PodRow},
    {"Deployment",
     {kName,
      {"Ready", "string", "", 0, "Number of the pod with ready state"},
      {"Up-to-date", "string", "", 0, "Total number of non-terminated pods targeted by this deployment that have the desired template spec."},
      {"Available", "string", "", 0, "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."},
      kAge,
      kContainers,
      kImages,
      {"Selector", "string", "", 1, "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."}},
     DeploymentRow},
    {"ReplicaSet",
     {kName,
      {"Desired", "integer", "", 0, "Replicas is the number of desired pods."},
      {"Current", "integer", "", 0, "Replicas is the most recently observed number of replicas."},
      {"Ready", "integer", "", 0, "The number of ready replicas for this replica set."},
      kAge,
      kContainers,
      kImages,
      {"Selector", "string", "", 1, "Selector is a label query over pods that should match the replica count."}},
     ReplicaSetRow},
    {"StatefulSet",
     {kName, {"Ready", "string", "", 0, "Number of the pod with ready state"}, kAge,
      kContainers,
      kImages},
     StatefulSetRow},
    {"DaemonSet",
     {kName,
      {"Desired", "integer", "", 0, "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."},
      {"Current", "integer", "", 0, "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."},
      {"Ready", "integer", "", 0, "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."},
      {"Up-to-date", "integer", "", 0, "The total number of nodes that are running updated daemon pod"},
      {"Available", "integer", "", 0, "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"},
      {"Node Selector", "string", "", 0, "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"},
      kAge,
      kContainers,
      kImages,
      {"Selector", "string", "", 1, "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"}},
     DaemonSetRow},
    {"Service",
     {kName,
      {"Type", "string", "", 0, "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer."},
      {"Cluster-IP", "string", "", 0, "clusterIP is the IP address of the service and is usually assigned randomly."},
      {"External-IP", "string", "", 0, "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."},
      {"Port(s)", "string", "", 0, "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"},
      kAge,
      {"Selector", "string", "", 1, "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/"}},
     ServiceRow},
    {"Namespace",
     {kName, {"Status", "string", "", 0, "The status of the namespace"}, kAge},
     NamespaceRow},
    {"ConfigMap",
     {kName, {"Data", "string", "", 0, "Number of data entries in this ConfigMap"}, kAge},
     ConfigMapRow},
    {"Secret",
     {kName, {"Type", "string", "", 0, "The type of the secret"},
      {"Data", "string", "", 0, "The number of entries in the secret"}, kAge},
     SecretRow},
    {"Node",
     {kName, {"Status", "string", "", 0, "The status of the node"},
      {"Roles", "string", "", 0, "The roles of the node"}, kAge,
      {"Version", "string", "", 0, "Kubelet Version reported by the node."},
      {"Internal-IP", "string", "", 1, "List of addresses reachable to the node. Queried from cloud provider, if available."},
      {"External-IP", "string", "", 1, "List of addresses reachable to the node. Queried from cloud provider, if available."},
      {"OS-Image", "string", "", 1, "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."},
      {"Kernel-Version", "string", "", 1, "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."},
      {"Container-Runtime", "string", "", 1, "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."}},
     NodeRow},
    {"Job",
     {kName, {"Status", "string", "", 0, "Status of the job."},
      {"Completions", "string", "", 0, "The desired number of successfully finished pods the job should be run with."},
      {"Duration", "string", "", 0, "Time required to complete the job."}, kAge,
      kContainers,
      kImages,
      {"Selector", "string", "", 1, "A label query over pods that should match the pod count."}},
     JobRow},
    {"CronJob",
     {kName, {"Schedule", "string", "", 0, "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."},
      {"Timezone", "string", "", 0, "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones"},
      {"Suspend", "boolean", "", 0, "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false."},
      {"Active", "integer", "", 0, "A list of pointers to currently running jobs."},
      {"Last Schedule", "string", "", 0, "Information when was the last time the job was successfully scheduled."},
      kAge},
     CronJobRow},
    {"Ingress",
     {kName, {"Class", "string", "", 0, "ingressClassName is the name of an IngressClass cluster resource."},
      {"Hosts", "string", "", 0, "Hosts that incoming requests are matched against before the ingress rule"},
      {"Address", "string", "", 0, "Address is a list containing ingress points for the load-balancer"},
      {"Ports", "string", "", 0, "Ports of TLS configurations that open"}, kAge},
     IngressRow},
    {"HorizontalPodAutoscaler",
     {kName, {"Reference", "string", "", 0, "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource."},
      {"Targets", "string", "", 0, "current and target utilization"},
      {"MinPods", "string", "", 0, "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."},
      {"MaxPods", "integer", "", 0, "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."},
      {"Replicas", "integer", "", 0, "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."},
      kAge},
     HorizontalPodAutoscalerRow},
    {"PriorityClass",
     {kName, {"Value", "integer", "", 0, "value represents the integer value of this priority class."},
      {"Global-Default", "boolean", "", 0, "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."},
      kAge,
      {"PreemptionPolicy", "string", "", 0, "preemptionPolicy is the Policy for preempting pods with lower priority."}},
     PriorityClassRow},
    {"PodDisruptionBudget",
     {kName, {"Min Available", "string", "", 0, "The minimum number of pods that must be available simultaneously."},
      {"Max Unavailable", "string", "", 0, "The maximum number of pods that may be unavailable simultaneously."},
      {"Allowed Disruptions", "integer", "", 0, "Calculated number of pods that may be disrupted at this time."},
      kAge},
     PodDisruptionBudgetRow},
    {"ServiceAccount",
     {kName, {"Secrets", "string", "", 0, "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."}, kAge},
     ServiceAccountRow},
    {"Endpoints",
     {kName, {"Endpoints", "string", "", 0, "Endpoints of the service"}, kAge},
     EndpointsRow},
    {"PersistentVolumeClaim",
     {kName, {"Status", "string", "", 0, ""}, {"Volume", "string", "", 0, ""},
      {"Capacity", "string", "", 0, ""}, {"Access Modes", "string", "", 0, ""},
      {"StorageClass", "string", "", 0, ""}, {"VolumeAttributesClass", "string", "", 0, ""},
      kAge, {"VolumeMode", "string", "", 1, ""}},
     PersistentVolumeClaimRow},
  };
  return printers;
}

const KindPrinter* PrinterFor(const std::string& kind) {
  for (const auto& p : KindPrinters())
    if (kind == p.kind) return &p;
  return nullptr;
}

}  // namespace

std::string HumanDuration(double secs) {
  if (secs < -1) return "<invalid>";
  if (secs < 0) secs = 0;
  int64_t s = static_cast<int64_t>(secs);
  if (s < 120) return std::to_string(s) + "s";
  int64_t m = s / 60;
  if (m < 10) {
    int64_t r = s % 60;
    return r == 0 ? std::to_string(m) + "m" : std::to_string(m) + "m" + std::to_string(r) + "s";
  }
  if (m < 180) return std::to_string(m) + "m";
  int64_t h = s / 3600;
  if (h < 8) {
    int64_t r = m % 60;
    return r == 0 ? std::to_string(h) + "h" : std::to_string(h) + "h" + std::to_string(r) + "m";
  }
  if (h < 48) return std::to_string(h) + "h";
  if (h < 24 * 8) {
    int64_t r = h % 24;
    return r == 0 ? std::to_string(h / 24) + "d"
                  : std::to_string(h / 24) + "d" + std::to_string(r) + "h";
  }
  if (h < 24 * 365 * 2) return std::to_string(h / 24) + "d";
  if (h < 24 * 365 * 8) {
    int64_t y = h / 24 / 365, d = (h / 24) % 365;
    return d == 0 ? std::to_string(y) + "y" : std::to_string(y) + "y" + std::to_string(d) + "d";
  }
  return std::to_string(h / 24 / 365) + "y";
}

double SecondsSince(const std::string& ts) {
  struct tm t {};
  if (!strptime(ts.c_str(), "%Y-%m-%dT%H:%M:%S", &t)) return 0;
  time_t then = timegm(&t);
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<double>(now.tv_sec - then) + now.tv_nsec / 1e9;
}

std::string EvalJsonPath(const Node& obj, const std::string& path) {
  const Node* cur = &obj;
  size_t i = 0;
  std::string p = path;
  if (!p.empty() && p.front() == '{' && p.back() == '}') p = p.substr(1, p.size() - 2);
  if (!p.empty() && p[0] == '$') i = 1;
  while (i < p.size() && cur) {
    if (p[i] == '.') {
      size_t j = i + 1;
      while (j < p.size() && p[j] != '.' && p[j] != '[') ++j;
      std::string key = p.substr(i + 1, j - i - 1);
      if (!key.empty()) cur = cur->Get(key);
      i = j;
    } else if (p[i] == '[') {
      size_t j = p.find(']', i);
      if (j == std::string::npos) return "";
      std::string inner = p.substr(i + 1, j - i - 1);
      if (!cur->IsSeq()) return "";
      if (inner.rfind("?(@.", 0) == 0) {
        // ?(@.key=="value")
        size_t eq = inner.find("==");
        if (eq == std::string::npos) return "";
        std::string key = inner.substr(4, eq - 4);
        std::string val = inner.substr(eq + 2);
        while (!val.empty() && (val.back() == ')' || val.back() == ' ')) val.pop_back();
        if (val.size() >= 2 && (val[0] == '"' || val[0] == '\'')) val = val.substr(1, val.size() - 2);
        const Node* found = nullptr;
        for (const auto& it : cur->items)
          if (it.StrAt({key}) == val) {
            found = &it;
            break;
          }
        cur = found;
      } else if (inner == "*") {
        // not supported beyond the first element
        cur = cur->items.empty() ? nullptr : &cur->items[0];
      } else {
        size_t idx = static_cast<size_t>(std::atol(inner.c_str()));
        cur = idx < cur->items.size() ? &cur->items[idx] : nullptr;
      }
      i = j + 1;
    } else {
      ++i;
    }
  }
  if (!cur || cur->IsNull()) return "";
  if (cur->IsScalar()) return cur->Str();
  return "";
}

Node ToTable(const ResourceInfo& r, const std::vector<Node>& objects,
             const std::string& include_object, const std::string& resource_version,
             const std::string& continue_token) {
  std::vector<Col> cols;
  std::function<std::vector<Node>(const Node&)> row;
  if (const KindPrinter* p = r.custom ? nullptr : PrinterFor(r.kind)) {
    cols = p->columns;
    row = p->row;
  } else if (r.custom) {
    cols = {kName};
    std::vector<PrinterColumn> pcs = r.columns;
    if (pcs.empty()) pcs.push_back({"Age", "date", "", "", ".metadata.creationTimestamp", 0});
    std::vector<std::string> descs;
    for (const auto& pc : pcs) descs.push_back(pc.description);
    // Column strings must outlive ToTable's use below: keep them in statics-free storage.
    static thread_local std::vector<std::string> storage;
    storage.clear();
    storage.reserve(pcs.size() * 4);
    for (const auto& pc : pcs) {
      storage.push_back(pc.name);
      const char* n = storage.back().c_str();
      storage.push_back(pc.type == "date" ? "date" : pc.type);
      const char* t = storage.back().c_str();
      storage.push_back(pc.format);
      const char* f = storage.back().c_str();
      storage.push_back(pc.description);
      cols.push_back({n, t, f, pc.priority, storage.back().c_str()});
    }
    row = [pcs](const Node& o) -> std::vector<Node> {
      std::vector<Node> cells = {S(o.StrAt({"metadata", "name"}))};
      for (const auto& pc : pcs) {
        std::string v = EvalJsonPath(o, pc.json_path);
        if (pc.type == "date") {
          cells.push_back(v.empty() ? Node::Null() : S(HumanDuration(SecondsSince(v))));
        } else if (pc.type == "integer" && !v.empty()) {
          cells.push_back(Node::Scalar(v, yaml::kIntTag));
        } else if (pc.type == "boolean" && !v.empty()) {
          cells.push_back(Node::Bool(v == "true"));
        } else if (v.empty()) {
          cells.push_back(Node::Null());
        } else {
          cells.push_back(S(v));
        }
      }
      return cells;
    };
  } else {
    cols = {kName, {"Created At", "date", "", 0, kAge.description}};
    row = [](const Node& o) -> std::vector<Node> {
      return {Name(o), S(o.StrAt({"metadata", "creationTimestamp"}))};
    };
  }

  Node table = Node::Map();
  table.Set("kind", S("Table"));
  table.Set("apiVersion", S("meta.k8s.io/v1"));
  Node md = Node::Map();
  if (!resource_version.empty()) md.Set("resourceVersion", S(resource_version));
  if (!continue_token.empty()) md.Set("continue", S(continue_token));
  table.Set("metadata", md);
  Node defs = Node::Seq();
  for (const auto& c : cols) {
    Node d = Node::Map();
    d.Set("name", S(c.name));
    d.Set("type", S(c.type));
    d.Set("format", S(c.format));
    d.Set("description", S(c.description));
    d.Set("priority", I(c.priority));
    defs.items.push_back(d);
  }
  table.Set("columnDefinitions", defs);
  Node rows = Node::Seq();
  for (const auto& o : objects) {
    Node rn = Node::Map();
    Node cells = Node::Seq();
    cells.items = row(o);
    rn.Set("cells", cells);
    if (include_object == "Object") {
      rn.Set("object", o);
    } else if (include_object != "None") {
      Node pom = Node::Map();
      pom.Set("kind", S("PartialObjectMetadata"));
      pom.Set("apiVersion", S("meta.k8s.io/v1"));
      if (const Node* m = o.Get("metadata")) pom.Set("metadata", *m);
      rn.Set("object", pom);
    }
    rows.items.push_back(rn);
  }
  table.Set("rows", rows);
  return table;
}

}  // namespace capstan::cluster
