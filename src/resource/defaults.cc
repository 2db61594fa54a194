// The Kubernetes API defaulting functions (see defaults.h).
#include "resource/defaults.h"

#include <string>

namespace capstan::resource {

using yaml::Node;

namespace {

bool Absent(const Node& map, std::string_view key) {
  const Node* v = map.Get(key);
  return !v || v->kind == yaml::Kind::kNull || (v->kind == yaml::Kind::kScalar && v->tag == yaml::kNullTag);
}

void Default(Node& map, std::string_view key, Node value) {
  if (map.IsMap() && Absent(map, key)) map.Set(key, std::move(value));
}

// The map at `key`, created when absent or null; nullptr when the field holds
// something else (the typed decode would have failed there).
Node* Struct(Node& map, std::string_view key) {
  if (!map.IsMap()) return nullptr;
  if (Absent(map, key)) map.Set(key, Node::Map());
  Node* v = map.Get(key);
  return v->IsMap() ? v : nullptr;
}

Node* Existing(Node& map, std::string_view key) {
  if (!map.IsMap()) return nullptr;
  Node* v = map.Get(key);
  return v && v->IsMap() ? v : nullptr;
}

template <typename F>
void EachItem(Node& map, std::string_view key, F fn) {
  if (!map.IsMap()) return;
  Node* list = map.Get(key);
  if (!list || !list->IsSeq()) return;
  for (auto& item : list->items)
    if (item.IsMap()) fn(item);
}

void DefaultHttpGet(Node& handler) {
  if (Node* get = Existing(handler, "httpGet")) {
    Default(*get, "path", Node::String("/"));
    Default(*get, "scheme", Node::String("HTTP"));
  }
}

void DefaultProbe(Node& container, std::string_view key) {
  Node* probe = Existing(container, key);
  if (!probe) return;
  Default(*probe, "timeoutSeconds", Node::Int(1));
  Default(*probe, "periodSeconds", Node::Int(10));
  Default(*probe, "successThreshold", Node::Int(1));
  Default(*probe, "failureThreshold", Node::Int(3));
  DefaultHttpGet(*probe);
  if (Node* grpc = Existing(*probe, "grpc")) Default(*grpc, "service", Node::String(""));
}

void DefaultContainer(Node& c) {
  Default(c, "terminationMessagePath", Node::String("/dev/termination-log"));
  Default(c, "terminationMessagePolicy", Node::String("File"));
  if (Absent(c, "imagePullPolicy")) {
    const Node* image = c.Get("image");
    if (image && image->IsString()) {
      // Always for :latest or no tag (and no digest), IfNotPresent otherwise.
      std::string_view img = image->value;
      bool always;
      if (img.find('@') != std::string_view::npos) {
        always = false;
      } else {
        size_t slash = img.rfind('/');
        size_t colon = img.rfind(':');
        bool has_tag = colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash);
        always = !has_tag || img.substr(colon + 1) == "latest";
      }
      c.Set("imagePullPolicy", Node::String(always ? "Always" : "IfNotPresent"));
    }
  }
  EachItem(c, "ports", [](Node& p) { Default(p, "protocol", Node::String("TCP")); });
  EachItem(c, "env", [](Node& e) {
    if (Node* from = Existing(e, "valueFrom"))
      if (Node* ref = Existing(*from, "fieldRef")) Default(*ref, "apiVersion", Node::String("v1"));
  });
  DefaultProbe(c, "livenessProbe");
  DefaultProbe(c, "readinessProbe");
  DefaultProbe(c, "startupProbe");
  if (Node* lc = Existing(c, "lifecycle")) {
    if (Node* h = Existing(*lc, "postStart")) DefaultHttpGet(*h);
    if (Node* h = Existing(*lc, "preStop")) DefaultHttpGet(*h);
  }
}

void DefaultVolume(Node& v) {
  for (auto key : {"secret", "configMap", "downwardAPI", "projected"})
    if (Node* src = Existing(v, key)) Default(*src, "defaultMode", Node::Int(420));
  if (Node* dapi = Existing(v, "downwardAPI")) {
    EachItem(*dapi, "items", [](Node& item) {
      if (Node* ref = Existing(item, "fieldRef")) Default(*ref, "apiVersion", Node::String("v1"));
    });
  }
  if (Node* hp = Existing(v, "hostPath")) Default(*hp, "type", Node::String(""));
  if (Node* iscsi = Existing(v, "iscsi")) Default(*iscsi, "iscsiInterface", Node::String("default"));
  if (Node* rbd = Existing(v, "rbd")) {
    Default(*rbd, "pool", Node::String("rbd"));
    Default(*rbd, "user", Node::String("admin"));
    Default(*rbd, "keyring", Node::String("/etc/ceph/keyring"));
  }
  if (Node* ad = Existing(v, "azureDisk")) {
    Default(*ad, "cachingMode", Node::String("ReadWrite"));
    Default(*ad, "fsType", Node::String("ext4"));
    Default(*ad, "readOnly", Node::Bool(false));
    Default(*ad, "kind", Node::String("Shared"));
  }
}

void DefaultPodSpec(Node& spec) {
  Default(spec, "dnsPolicy", Node::String("ClusterFirst"));
  Default(spec, "restartPolicy", Node::String("Always"));
  Default(spec, "terminationGracePeriodSeconds", Node::Int(30));
  Default(spec, "securityContext", Node::Map());
  Default(spec, "schedulerName", Node::String("default-scheduler"));
  if (!Absent(spec, "serviceAccount") && Absent(spec, "serviceAccountName"))
    spec.Set("serviceAccountName", *spec.Get("serviceAccount"));
  EachItem(spec, "containers", DefaultContainer);
  EachItem(spec, "initContainers", DefaultContainer);
  EachItem(spec, "ephemeralContainers", DefaultContainer);
  EachItem(spec, "volumes", DefaultVolume);
  bool host_network = spec.Get("hostNetwork") && spec.Get("hostNetwork")->AsBool();
  if (host_network) {
    // Host networking: container ports are host ports.
    auto hostports = [](Node& c) {
      EachItem(c, "ports", [](Node& p) {
        if (Absent(p, "hostPort") && p.Get("containerPort")) p.Set("hostPort", *p.Get("containerPort"));
      });
    };
    EachItem(spec, "containers", hostports);
    EachItem(spec, "initContainers", hostports);
  }
}

void DefaultPodTemplate(Node& owner_spec) {
  Node* tmpl = Existing(owner_spec, "template");
  if (!tmpl) return;
  if (Node* spec = Existing(*tmpl, "spec")) DefaultPodSpec(*spec);
}

void DefaultDeployment(Node& obj, const Gvk& gvk) {
  Node* spec = Existing(obj, "spec");
  if (!spec) return;
  bool extensions = gvk.group == "extensions";
  Default(*spec, "replicas", Node::Int(1));
  Node* strategy = Struct(*spec, "strategy");
  if (strategy) {
    Default(*strategy, "type", Node::String("RollingUpdate"));
    const Node* type = strategy->Get("type");
    if (type && type->value == "RollingUpdate") {
      if (Node* ru = Struct(*strategy, "rollingUpdate")) {
        Default(*ru, "maxUnavailable", extensions ? Node::Int(1) : Node::String("25%"));
        Default(*ru, "maxSurge", extensions ? Node::Int(1) : Node::String("25%"));
      }
    }
  }
  if (extensions) {
    Default(*spec, "revisionHistoryLimit", Node::Int(2147483647));
    Default(*spec, "progressDeadlineSeconds", Node::Int(2147483647));
  } else {
    Default(*spec, "revisionHistoryLimit", Node::Int(gvk.version == "v1beta1" ? 2 : 10));
    Default(*spec, "progressDeadlineSeconds", Node::Int(600));
  }
  DefaultPodTemplate(*spec);
}

void DefaultStatefulSet(Node& obj, const Gvk& gvk) {
  Node* spec = Existing(obj, "spec");
  if (!spec) return;
  Default(*spec, "replicas", Node::Int(1));
  Default(*spec, "podManagementPolicy", Node::String("OrderedReady"));
  Default(*spec, "revisionHistoryLimit", Node::Int(10));
  if (Node* us = Struct(*spec, "updateStrategy")) {
    Default(*us, "type", Node::String(gvk.version == "v1beta1" ? "OnDelete" : "RollingUpdate"));
    const Node* type = us->Get("type");
    if (gvk.version != "v1beta1" && type && type->value == "RollingUpdate")
      if (Node* ru = Struct(*us, "rollingUpdate")) Default(*ru, "partition", Node::Int(0));
  }
  if (gvk.version == "v1") {
    if (Node* p = Struct(*spec, "persistentVolumeClaimRetentionPolicy")) {
      Default(*p, "whenDeleted", Node::String("Retain"));
      Default(*p, "whenScaled", Node::String("Retain"));
    }
  }
  EachItem(*spec, "volumeClaimTemplates", [](Node& pvc) {
    if (Node* s = Existing(pvc, "spec")) Default(*s, "volumeMode", Node::String("Filesystem"));
  });
  DefaultPodTemplate(*spec);
}

void DefaultDaemonSet(Node& obj, const Gvk& gvk) {
  Node* spec = Existing(obj, "spec");
  if (!spec) return;
  Default(*spec, "revisionHistoryLimit", Node::Int(10));
  bool extensions = gvk.group == "extensions";
  if (Node* us = Struct(*spec, "updateStrategy")) {
    Default(*us, "type", Node::String(extensions ? "OnDelete" : "RollingUpdate"));
    const Node* type = us->Get("type");
    if (type && type->value == "RollingUpdate") {
      if (Node* ru = Struct(*us, "rollingUpdate")) {
        Default(*ru, "maxUnavailable", Node::Int(1));
        if (!extensions) Default(*ru, "maxSurge", Node::Int(0));
      }
    }
  }
  DefaultPodTemplate(*spec);
}

void DefaultJobSpec(Node& spec) {
  if (Absent(spec, "completions") && Absent(spec, "parallelism")) {
    spec.Set("completions", Node::Int(1));
    spec.Set("parallelism", Node::Int(1));
  }
  Default(spec, "parallelism", Node::Int(1));
  Default(spec, "backoffLimit", Node::Int(6));
  Default(spec, "completionMode", Node::String("NonIndexed"));
  Default(spec, "suspend", Node::Bool(false));
  Default(spec, "podReplacementPolicy", Node::String("TerminatingOrFailed"));
  DefaultPodTemplate(spec);
}

void DefaultService(Node& obj) {
  Node* spec = Existing(obj, "spec");
  if (!spec) return;
  Default(*spec, "sessionAffinity", Node::String("None"));
  Default(*spec, "type", Node::String("ClusterIP"));
  std::string type = spec->StrAt({"type"});
  EachItem(*spec, "ports", [](Node& p) {
    Default(p, "protocol", Node::String("TCP"));
    if (Absent(p, "targetPort") && p.Get("port")) p.Set("targetPort", *p.Get("port"));
  });
  if (type == "ClusterIP" || type == "NodePort" || type == "LoadBalancer")
    Default(*spec, "internalTrafficPolicy", Node::String("Cluster"));
  if (type == "NodePort" || type == "LoadBalancer")
    Default(*spec, "externalTrafficPolicy", Node::String("Cluster"));
  if (type == "LoadBalancer") Default(*spec, "allocateLoadBalancerNodePorts", Node::Bool(true));
  if (spec->StrAt({"sessionAffinity"}) == "ClientIP") {
    if (Node* cfg = Struct(*spec, "sessionAffinityConfig"))
      if (Node* ip = Struct(*cfg, "clientIP")) Default(*ip, "timeoutSeconds", Node::Int(10800));
  }
}

void DefaultWebhooks(Node& obj, const Gvk& gvk, bool mutating) {
  bool v1 = gvk.version == "v1";
  EachItem(obj, "webhooks", [&](Node& w) {
    Default(w, "failurePolicy", Node::String(v1 ? "Fail" : "Ignore"));
    Default(w, "matchPolicy", Node::String(v1 ? "Equivalent" : "Exact"));
    Default(w, "namespaceSelector", Node::Map());
    Default(w, "objectSelector", Node::Map());
    if (!v1) Default(w, "sideEffects", Node::String("Unknown"));
    Default(w, "timeoutSeconds", Node::Int(v1 ? 10 : 30));
    if (!v1 && Absent(w, "admissionReviewVersions")) {
      Node versions = Node::Seq();
      versions.items.push_back(Node::String("v1beta1"));
      w.Set("admissionReviewVersions", versions);
    }
    if (mutating) Default(w, "reinvocationPolicy", Node::String("Never"));
    EachItem(w, "rules", [](Node& r) { Default(r, "scope", Node::String("*")); });
    if (Node* cc = Existing(w, "clientConfig"))
      if (Node* svc = Existing(*cc, "service")) Default(*svc, "port", Node::Int(443));
  });
}

void DefaultNetworkPolicy(Node& obj) {
  Node* spec = Existing(obj, "spec");
  if (!spec) return;
  auto ports = [](Node& rule) {
    EachItem(rule, "ports", [](Node& p) { Default(p, "protocol", Node::String("TCP")); });
  };
  EachItem(*spec, "ingress", ports);
  EachItem(*spec, "egress", ports);
  if (Absent(*spec, "policyTypes")) {
    Node types = Node::Seq();
    types.items.push_back(Node::String("Ingress"));
    const Node* egress = spec->Get("egress");
    if (egress && egress->IsSeq() && !egress->items.empty()) types.items.push_back(Node::String("Egress"));
    spec->Set("policyTypes", types);
  }
}

}  // namespace

void ApplyDefaults(Node& obj, const Gvk& gvk) {
  if (!obj.IsMap()) return;
  const std::string& k = gvk.kind;
  const std::string& g = gvk.group;
  if (g.empty()) {
    if (k == "Pod") {
      if (Node* spec = Existing(obj, "spec")) {
        DefaultPodSpec(*spec);
        Default(*spec, "enableServiceLinks", Node::Bool(true));
        // Requests default to limits, for Pods only.
        auto requests = [](Node& c) {
          Node* res = Existing(c, "resources");
          Node* limits = res ? Existing(*res, "limits") : nullptr;
          if (!limits) return;
          Node* req = Struct(*res, "requests");
          if (!req) return;
          for (const auto& f : limits->fields) Default(*req, f.key.value, f.value);
        };
        EachItem(*spec, "containers", requests);
        EachItem(*spec, "initContainers", requests);
      }
    } else if (k == "Service") {
      DefaultService(obj);
    } else if (k == "Secret") {
      Default(obj, "type", Node::String("Opaque"));
    } else if (k == "ReplicationController") {
      if (Node* spec = Existing(obj, "spec")) {
        Default(*spec, "replicas", Node::Int(1));
        DefaultPodTemplate(*spec);
      }
    } else if (k == "PodTemplate") {
      if (Node* tmpl = Existing(obj, "template"))
        if (Node* spec = Existing(*tmpl, "spec")) DefaultPodSpec(*spec);
    } else if (k == "PersistentVolumeClaim") {
      if (Node* spec = Existing(obj, "spec")) Default(*spec, "volumeMode", Node::String("Filesystem"));
    } else if (k == "PersistentVolume") {
      if (Node* spec = Existing(obj, "spec")) {
        Default(*spec, "persistentVolumeReclaimPolicy", Node::String("Retain"));
        Default(*spec, "volumeMode", Node::String("Filesystem"));
      }
    } else if (k == "Endpoints") {
      EachItem(obj, "subsets", [](Node& s) {
        EachItem(s, "ports", [](Node& p) { Default(p, "protocol", Node::String("TCP")); });
      });
    }
    return;
  }
  if (g == "apps" || g == "extensions") {
    if (k == "Deployment") DefaultDeployment(obj, gvk);
    else if (k == "StatefulSet") DefaultStatefulSet(obj, gvk);
    else if (k == "DaemonSet") DefaultDaemonSet(obj, gvk);
    else if (k == "ReplicaSet") {
      if (Node* spec = Existing(obj, "spec")) {
        Default(*spec, "replicas", Node::Int(1));
        DefaultPodTemplate(*spec);
      }
    } else if (k == "NetworkPolicy") {
      DefaultNetworkPolicy(obj);
    }
    return;
  }
  if (g == "batch") {
    Node* spec = Existing(obj, "spec");
    if (!spec) return;
    if (k == "Job") {
      DefaultJobSpec(*spec);
    } else if (k == "CronJob") {
      Default(*spec, "concurrencyPolicy", Node::String("Allow"));
      Default(*spec, "suspend", Node::Bool(false));
      Default(*spec, "successfulJobsHistoryLimit", Node::Int(3));
      Default(*spec, "failedJobsHistoryLimit", Node::Int(1));
      if (Node* jt = Existing(*spec, "jobTemplate"))
        if (Node* js = Existing(*jt, "spec")) DefaultJobSpec(*js);
    }
    return;
  }
  if (g == "admissionregistration.k8s.io") {
    if (k == "MutatingWebhookConfiguration") DefaultWebhooks(obj, gvk, true);
    else if (k == "ValidatingWebhookConfiguration") DefaultWebhooks(obj, gvk, false);
    return;
  }
  if (g == "networking.k8s.io" && k == "NetworkPolicy") {
    DefaultNetworkPolicy(obj);
    return;
  }
  if (g == "rbac.authorization.k8s.io" && (k == "RoleBinding" || k == "ClusterRoleBinding")) {
    EachItem(obj, "subjects", [](Node& s) {
      std::string kind = s.StrAt({"kind"});
      if (kind == "User" || kind == "Group")
        Default(s, "apiGroup", Node::String("rbac.authorization.k8s.io"));
      else if (kind == "ServiceAccount")
        Default(s, "apiGroup", Node::String(""));
    });
    return;
  }
  if (g == "autoscaling" && k == "HorizontalPodAutoscaler") {
    if (Node* spec = Existing(obj, "spec")) Default(*spec, "minReplicas", Node::Int(1));
    return;
  }
  if (g == "scheduling.k8s.io" && k == "PriorityClass") {
    Default(obj, "preemptionPolicy", Node::String("PreemptLowerPriority"));
    return;
  }
  if (g == "storage.k8s.io" && k == "StorageClass") {
    Default(obj, "reclaimPolicy", Node::String("Delete"));
    Default(obj, "volumeBindingMode", Node::String("Immediate"));
    return;
  }
}

}  // namespace capstan::resource
