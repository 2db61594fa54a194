#include "health/generate.h"

#include <string>

namespace capstan::bench {

namespace {

using yaml::Node;

// xorshift64*: fast, reproducible, good enough for picking states.
struct Rng {
  uint64_t s;
  uint64_t Next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 2685821657736338717ULL;
  }
  int64_t Below(int64_t n) { return static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }
};

Node Meta(std::string_view name, size_t i, int64_t generation) {
  Node m = Node::Map();
  m.Set("name", Node::String(std::string(name) + "-" + std::to_string(i)));
  m.Set("namespace", Node::String("ns-" + std::to_string(i % 50)));
  m.Set("generation", Node::Int(generation));
  Node labels = Node::Map();
  labels.Set("app.kubernetes.io/name", Node::String(std::string(name)));
  labels.Set("app.kubernetes.io/instance", Node::String("app-" + std::to_string(i % 200)));
  m.Set("labels", std::move(labels));
  return m;
}

Node Obj(std::string_view api_version, std::string_view kind, Node meta) {
  Node o = Node::Map();
  o.Set("apiVersion", Node::String(api_version));
  o.Set("kind", Node::String(kind));
  o.Set("metadata", std::move(meta));
  return o;
}

Node Condition(std::string_view type, std::string_view status, std::string_view reason,
               std::string_view message) {
  Node c = Node::Map();
  c.Set("type", Node::String(type));
  c.Set("status", Node::String(status));
  c.Set("reason", Node::String(reason));
  c.Set("message", Node::String(message));
  c.Set("lastTransitionTime", Node::String("2024-05-01T10:00:00Z"));
  return c;
}

Node PodTemplate(std::string_view name) {
  Node c = Node::Map();
  c.Set("name", Node::String("main"));
  c.Set("image", Node::String("registry.example.com/" + std::string(name) + ":1.2.3"));
  Node port = Node::Map();
  port.Set("containerPort", Node::Int(8080));
  Node ports = Node::Seq();
  ports.items.push_back(std::move(port));
  c.Set("ports", std::move(ports));
  Node containers = Node::Seq();
  containers.items.push_back(std::move(c));
  Node spec = Node::Map();
  spec.Set("containers", std::move(containers));
  Node t = Node::Map();
  t.GetOrCreateMap("metadata").GetOrCreateMap("labels").Set("app", Node::String(name));
  t.Set("spec", std::move(spec));
  return t;
}

Node Workload(std::string_view kind, size_t i, Rng& r) {
  int64_t gen = 1 + r.Below(5);
  int64_t replicas = 1 + r.Below(5);
  int64_t updated = r.Below(4) == 0 ? r.Below(replicas + 1) : replicas;
  int64_t available = r.Below(4) == 0 ? r.Below(updated + 1) : updated;
  Node o = Obj("apps/v1", kind, Meta("w", i, gen));
  Node spec = Node::Map();
  if (kind != "DaemonSet") spec.Set("replicas", Node::Int(replicas));
  if (kind == "StatefulSet") {
    Node s = Node::Map();
    s.Set("type", Node::String(r.Below(3) == 0 ? "OnDelete" : "RollingUpdate"));
    spec.Set("updateStrategy", std::move(s));
  }
  spec.Set("template", PodTemplate(kind));
  o.Set("spec", std::move(spec));
  Node st = Node::Map();
  st.Set("observedGeneration", Node::Int(r.Below(6) == 0 ? gen - 1 : gen));
  if (kind == "DaemonSet") {
    st.Set("desiredNumberScheduled", Node::Int(replicas));
    st.Set("updatedNumberScheduled", Node::Int(updated));
    st.Set("numberAvailable", Node::Int(available));
  } else {
    st.Set("replicas", Node::Int(replicas));
    st.Set("updatedReplicas", Node::Int(updated));
    st.Set("readyReplicas", Node::Int(available));
    st.Set("availableReplicas", Node::Int(available));
    st.Set("currentReplicas", Node::Int(updated));
    st.Set("currentRevision", Node::String("rev-1"));
    st.Set("updateRevision", Node::String(r.Below(4) == 0 ? "rev-2" : "rev-1"));
  }
  Node conds = Node::Seq();
  conds.items.push_back(Condition("Available", "True", "MinimumReplicasAvailable",
                                  "Deployment has minimum availability."));
  conds.items.push_back(r.Below(10) == 0
                            ? Condition("Progressing", "False", "ProgressDeadlineExceeded",
                                        "ReplicaSet has timed out progressing.")
                            : Condition("Progressing", "True", "NewReplicaSetAvailable",
                                        "ReplicaSet has successfully progressed."));
  st.Set("conditions", std::move(conds));
  o.Set("status", std::move(st));
  return o;
}

Node Pod(size_t i, Rng& r) {
  Node o = Obj("v1", "Pod", Meta("pod", i, 0));
  Node tmpl = PodTemplate("pod");
  Node spec = *tmpl.Get("spec");
  spec.Set("restartPolicy", Node::String(r.Below(5) == 0 ? "Never" : "Always"));
  o.Set("spec", std::move(spec));
  static const char* kPhases[] = {"Running", "Running", "Running", "Pending", "Succeeded", "Failed"};
  Node st = Node::Map();
  st.Set("phase", Node::String(kPhases[r.Below(6)]));
  Node cs = Node::Map();
  cs.Set("name", Node::String("main"));
  cs.Set("ready", Node::Bool(true));
  cs.Set("restartCount", Node::Int(r.Below(3)));
  Node state = Node::Map();
  int64_t pick = r.Below(8);
  if (pick == 0) {
    state.GetOrCreateMap("waiting").Set("reason", Node::String("CrashLoopBackOff"));
    state.GetOrCreateMap("waiting").Set("message", Node::String("back-off 5m0s restarting"));
  } else if (pick == 1) {
    state.GetOrCreateMap("terminated").Set("exitCode", Node::Int(137));
    state.GetOrCreateMap("terminated").Set("reason", Node::String("OOMKilled"));
  } else {
    state.GetOrCreateMap("running").Set("startedAt", Node::String("2024-05-01T10:00:00Z"));
  }
  cs.Set("state", std::move(state));
  Node statuses = Node::Seq();
  statuses.items.push_back(std::move(cs));
  st.Set("containerStatuses", std::move(statuses));
  Node conds = Node::Seq();
  conds.items.push_back(Condition("Ready", r.Below(4) == 0 ? "False" : "True", "", ""));
  st.Set("conditions", std::move(conds));
  o.Set("status", std::move(st));
  return o;
}

Node Other(int kind, size_t i, Rng& r) {
  switch (kind) {
    case 0: {
      Node o = Obj("batch/v1", "Job", Meta("job", i, 1));
      Node conds = Node::Seq();
      if (r.Below(3) != 0) {
        conds.items.push_back(r.Below(4) == 0
                                  ? Condition("Failed", "True", "BackoffLimitExceeded",
                                              "Job has reached the specified backoff limit")
                                  : Condition("Complete", "True", "", ""));
      }
      o.GetOrCreateMap("status").Set("conditions", std::move(conds));
      return o;
    }
    case 1: {
      Node o = Obj("v1", "Service", Meta("svc", i, 0));
      bool lb = r.Below(4) == 0;
      o.GetOrCreateMap("spec").Set("type", Node::String(lb ? "LoadBalancer" : "ClusterIP"));
      if (lb && r.Below(2) == 0) {
        Node ing = Node::Seq();
        Node ip = Node::Map();
        ip.Set("ip", Node::String("10.0.0." + std::to_string(i % 250)));
        ing.items.push_back(std::move(ip));
        o.GetOrCreateMap("status").GetOrCreateMap("loadBalancer").Set("ingress", std::move(ing));
      }
      return o;
    }
    case 2: {
      Node o = Obj("networking.k8s.io/v1", "Ingress", Meta("ing", i, 1));
      o.GetOrCreateMap("status").GetOrCreateMap("loadBalancer");
      return o;
    }
    case 3: {
      Node o = Obj("v1", "PersistentVolumeClaim", Meta("pvc", i, 0));
      o.GetOrCreateMap("status").Set("phase", Node::String(r.Below(5) == 0 ? "Pending" : "Bound"));
      return o;
    }
    case 4: {
      Node o = Obj("autoscaling/v2", "HorizontalPodAutoscaler", Meta("hpa", i, 1));
      Node conds = Node::Seq();
      conds.items.push_back(Condition("AbleToScale", "True", "ReadyForNewScale",
                                      "recommended size matches current size"));
      o.GetOrCreateMap("status").Set("conditions", std::move(conds));
      return o;
    }
    case 5: {
      Node o = Obj("v1", "ConfigMap", Meta("cm", i, 0));
      o.GetOrCreateMap("data").Set("config.yaml", Node::String("key: value\nother: 1\n"));
      return o;
    }
    default: {
      Node o = Obj("argoproj.io/v1alpha1", "Rollout", Meta("ro", i, 2));
      o.GetOrCreateMap("spec").Set("replicas", Node::Int(3));
      Node& st = o.GetOrCreateMap("status");
      st.Set("observedGeneration", Node::String("2"));
      st.Set("replicas", Node::Int(3));
      st.Set("updatedReplicas", Node::Int(3));
      st.Set("availableReplicas", Node::Int(r.Below(3) == 0 ? 2 : 3));
      return o;
    }
  }
}

}  // namespace

std::vector<yaml::Node> GenerateObjects(size_t n, uint64_t seed) {
  Rng r{seed * 0x9E3779B97F4A7C15ULL + 1};
  std::vector<yaml::Node> out;
  out.reserve(n);
  static const char* kWorkloads[] = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"};
  for (size_t i = 0; i < n; ++i) {
    int slot = static_cast<int>(i % 13);
    if (slot < 4) {
      out.push_back(Workload(kWorkloads[slot], i, r));
    } else if (slot < 6) {
      out.push_back(Pod(i, r));
    } else {
      out.push_back(Other(slot - 6, i, r));
    }
  }
  return out;
}

}  // namespace capstan::bench
