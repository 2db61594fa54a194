#include "cluster/admission.h"

#include <regex>
#include <set>

#include "cluster/api.h"
#include "resource/defaults.h"

namespace capstan::cluster {
namespace {

using yaml::Node;

void Default(Node& n, std::string_view key, Node value) {
  if (!n.Has(key)) n.Set(key, std::move(value));
}

bool TracksGeneration(const ResourceInfo& r) {
  static const std::set<std::string> groups = {"apps", "batch", "policy", "apiextensions.k8s.io"};
  return r.custom || groups.count(r.group) || r.plural == "ingresses" ||
         r.plural == "networkpolicies";
}

// The typed encoding writes a container's (non-pointer) resources struct
// even when empty.
void EmptyResources(Node& spec) {
  if (!spec.IsMap()) return;
  for (const char* list : {"containers", "initContainers"})
    if (Node* cs = spec.Get(list); cs && cs->IsSeq())
      for (auto& c : cs->items)
        if (c.IsMap()) Default(c, "resources", Node::Map());
}

Node* PodSpecOf(Node& obj, const std::string& kind) {
  Node* spec = obj.Get("spec");
  if (spec == nullptr || !spec->IsMap()) return nullptr;
  if (kind == "Pod") return spec;
  if (kind == "CronJob") {
    Node* jt = spec->Get("jobTemplate");
    spec = jt && jt->IsMap() ? jt->Get("spec") : nullptr;
    if (spec == nullptr || !spec->IsMap()) return nullptr;
  }
  Node* tmpl = spec->Get("template");
  Node* ps = tmpl && tmpl->IsMap() ? tmpl->Get("spec") : nullptr;
  return ps && ps->IsMap() ? ps : nullptr;
}

std::string Base36(int64_t n) {
  std::string s;
  do {
    s.insert(s.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[n % 36]);
    n /= 36;
  } while (n);
  return s;
}

void AllocateServiceFields(Node& obj, int64_t serial) {
  Node& spec = obj.GetOrCreateMap("spec");
  std::string type = spec.StrAt({"type"}, "ClusterIP");
  if (type != "ExternalName" && !spec.Has("clusterIP")) {
    int64_t n = serial % 64000 + 10;
    std::string ip = "10.96." + std::to_string(n / 250) + "." + std::to_string(n % 250 + 1);
    spec.Set("clusterIP", Node::String(ip));
  }
  if (spec.Has("clusterIP") && !spec.Has("clusterIPs")) {
    Node ips = Node::Seq();
    ips.items.push_back(*spec.Get("clusterIP"));
    spec.Set("clusterIPs", ips);
  }
  if (type == "NodePort" || type == "LoadBalancer") {
    if (Node* ports = spec.Get("ports"); ports && ports->IsSeq()) {
      int i = 0;
      for (auto& p : ports->items)
        if (p.IsMap()) Default(p, "nodePort", Node::Int(30000 + (serial * 7 + i++) % 2767));
    }
  }
}

}  // namespace

void ApplyDefaults(const ResourceInfo& r, Node& obj) {
  if (!obj.IsMap()) return;
  const std::string& k = r.kind;
  if (r.custom) return;
  // Go's non-pointer spec structs: defaulted even when the object has none.
  static const std::set<std::string> kSpecKinds = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job",
                                                   "CronJob", "Pod", "Service", "PersistentVolumeClaim"};
  if (kSpecKinds.count(k)) obj.GetOrCreateMap("spec");
  resource::ApplyDefaults(obj, resource::Gvk{r.group, r.version, k});
  // What the API server's registry and admission add on top of defaulting.
  if (Node* ps = PodSpecOf(obj, k)) EmptyResources(*ps);
  if (k == "StatefulSet") {
    Node& ret = obj.GetOrCreateMap("spec").GetOrCreateMap("persistentVolumeClaimRetentionPolicy");
    Default(ret, "whenDeleted", Node::String("Retain"));
    Default(ret, "whenScaled", Node::String("Retain"));
  } else if (k == "Pod") {
    Node& spec = obj.GetOrCreateMap("spec");
    Default(spec, "serviceAccountName", Node::String("default"));  // ServiceAccount admission
    Default(spec, "serviceAccount", Node::String(spec.StrAt({"serviceAccountName"})));
    Default(spec, "preemptionPolicy", Node::String("PreemptLowerPriority"));  // Priority admission
    Default(spec, "priority", Node::Int(0));
  } else if (k == "Service") {
    Node& spec = obj.GetOrCreateMap("spec");
    if (spec.StrAt({"type"}) != "ExternalName") {  // IP family allocation
      Node fam = Node::Seq();
      fam.items.push_back(Node::String("IPv4"));
      Default(spec, "ipFamilies", fam);
      Default(spec, "ipFamilyPolicy", Node::String("SingleStack"));
    }
  } else if (k == "Namespace") {
    Node& labels = obj.GetOrCreateMap("metadata").GetOrCreateMap("labels");
    Default(labels, "kubernetes.io/metadata.name", Node::String(obj.StrAt({"metadata", "name"})));
  }
}

void PrepareCreate(const ResourceInfo& r, Node& obj, int64_t serial) {
  Node& md = obj.GetOrCreateMap("metadata");
  md.Set("uid", Node::String(NewUid()));
  md.Set("creationTimestamp", Node::String(NowRfc3339()));
  md.Remove("resourceVersion");
  md.Remove("deletionTimestamp");
  md.Remove("deletionGracePeriodSeconds");
  md.Remove("selfLink");
  if (TracksGeneration(r))
    md.Set("generation", Node::Int(1));
  else
    md.Remove("generation");
  if (r.has_status) obj.Remove("status");
  if (r.kind == "Namespace" && !r.custom) {
    Node fin = Node::Seq();
    fin.items.push_back(Node::String("kubernetes"));
    obj.GetOrCreateMap("spec").Set("finalizers", fin);
    obj.GetOrCreateMap("status").Set("phase", Node::String("Active"));
  } else if (r.kind == "Pod" && !r.custom) {
    Node& st = obj.GetOrCreateMap("status");
    st.Set("phase", Node::String("Pending"));
    st.Set("qosClass", Node::String("BestEffort"));
  } else if (r.kind == "Service" && !r.custom) {
    AllocateServiceFields(obj, serial);
    obj.GetOrCreateMap("status").Set("loadBalancer", Node::Map());
  } else if (r.kind == "PersistentVolumeClaim" && !r.custom) {
    obj.GetOrCreateMap("status").Set("phase", Node::String("Pending"));
  } else if (r.kind == "Job" && !r.custom) {
    // The Job controller's selector: controller-uid labels on the template.
    std::string uid = md.StrAt({"uid"});
    std::string name = md.StrAt({"name"});
    Node& spec = obj.GetOrCreateMap("spec");
    if (!spec.Has("selector")) {
      Node sel = Node::Map();
      sel.GetOrCreateMap("matchLabels").Set("batch.kubernetes.io/controller-uid", Node::String(uid));
      spec.Set("selector", sel);
      Node& labels = spec.GetOrCreateMap("template").GetOrCreateMap("metadata").GetOrCreateMap("labels");
      labels.Set("batch.kubernetes.io/controller-uid", Node::String(uid));
      labels.Set("batch.kubernetes.io/job-name", Node::String(name));
      labels.Set("controller-uid", Node::String(uid));
      labels.Set("job-name", Node::String(name));
    }
  }
  (void)Base36;
  ApplyDefaults(r, obj);
}

void PrepareUpdate(const ResourceInfo& r, const Node& old, Node& obj, bool status_subresource) {
  if (status_subresource) {
    Node merged = old;
    if (const Node* st = obj.Get("status"))
      merged.Set("status", *st);
    else
      merged.Remove("status");
    obj = std::move(merged);
    return;
  }
  Node& md = obj.GetOrCreateMap("metadata");
  const Node* omd = old.Get("metadata");
  for (const char* f : {"uid", "creationTimestamp", "deletionTimestamp",
                        "deletionGracePeriodSeconds", "generation"}) {
    if (const Node* v = omd ? omd->Get(f) : nullptr)
      md.Set(f, *v);
    else
      md.Remove(f);
  }
  if (r.has_status) {
    if (const Node* st = old.Get("status"))
      obj.Set("status", *st);
    else
      obj.Remove("status");
  }
  if (r.kind == "Service" && !r.custom) {
    // Cluster IPs and node ports are immutable once allocated.
    Node& spec = obj.GetOrCreateMap("spec");
    for (const char* f : {"clusterIP", "clusterIPs"})
      if (const Node* v = old.At({"spec", f}); v && !spec.Has(f)) spec.Set(f, *v);
  }
  ApplyDefaults(r, obj);
  if (TracksGeneration(r)) {
    Node a = obj, b = old;
    a.Remove("metadata");
    a.Remove("status");
    b.Remove("metadata");
    b.Remove("status");
    int64_t gen = omd && omd->Get("generation") ? omd->Get("generation")->AsInt() : 1;
    if (a != b) ++gen;
    md.Set("generation", Node::Int(gen));
  }
}

std::string CheckDns1123Subdomain(const std::string& name) {
  static const std::regex re(R"([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)");
  if (name.size() > 253) return "must be no more than 253 characters";
  if (!std::regex_match(name, re))
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
           "'-' or '.', and must start and end with an alphanumeric character (e.g. "
           "'example.com', regex used for validation is "
           "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  return "";
}

std::string CheckDns1123Label(const std::string& name) {
  static const std::regex re(R"([a-z0-9]([-a-z0-9]*[a-z0-9])?)");
  if (name.size() > 63) return "must be no more than 63 characters";
  if (!std::regex_match(name, re))
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
           "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
           "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  return "";
}

std::string CheckDns1035Label(const std::string& name) {
  static const std::regex re(R"([a-z]([-a-z0-9]*[a-z0-9])?)");
  if (name.size() > 63) return "must be no more than 63 characters";
  if (!std::regex_match(name, re))
    return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
           "with an alphabetic character, and end with an alphanumeric character (e.g. "
           "'my-name',  or 'abc-123', regex used for validation is "
           "'[a-z]([-a-z0-9]*[a-z0-9])?')";
  return "";
}

void Validate(const ResourceInfo& r, const Node& obj) {
  std::vector<StatusCause> causes;
  std::string name = obj.StrAt({"metadata", "name"});
  auto invalid = [&](const std::string& field, const std::string& value, const std::string& msg) {
    causes.push_back({"FieldValueInvalid", "Invalid value: \"" + value + "\": " + msg, field});
  };
  auto required = [&](const std::string& field, const std::string& detail) {
    causes.push_back({"FieldValueRequired",
                      detail.empty() ? "Required value" : "Required value: " + detail, field});
  };
  if (name.empty()) {
    required("metadata.name", "name or generateName is required");
  } else {
    std::string msg;
    if (r.kind == "Namespace" && !r.custom)
      msg = CheckDns1123Label(name);
    else if (r.kind == "Service" && !r.custom)
      msg = CheckDns1035Label(name);
    else if (r.kind == "CustomResourceDefinition") {
      std::string want = obj.StrAt({"spec", "names", "plural"}) + "." + obj.StrAt({"spec", "group"});
      if (name != want)
        msg = "must be spec.names.plural+\".\"+spec.group";
    } else
      msg = CheckDns1123Subdomain(name);
    if (!msg.empty()) invalid("metadata.name", name, msg);
  }
  if (const Node* labels = obj.At({"metadata", "labels"}); labels && labels->IsMap()) {
    for (const auto& f : labels->fields) {
      const std::string& v = f.value.Str();
      static const std::regex vre(R"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])");
      if (!v.empty() && (v.size() > 63 || !std::regex_match(v, vre)))
        invalid("metadata.labels", v,
                "a valid label must be an empty string or consist of alphanumeric characters, "
                "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
                "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    }
  }
  if (!r.custom && (r.kind == "Deployment" || r.kind == "ReplicaSet" || r.kind == "StatefulSet" ||
                    r.kind == "DaemonSet")) {
    const Node* sel = obj.At({"spec", "selector"});
    if (!sel || !sel->IsMap()) {
      required("spec.selector", "");
    } else if (const Node* ml = sel->Get("matchLabels"); ml && ml->IsMap()) {
      const Node* tl = obj.At({"spec", "template", "metadata", "labels"});
      for (const auto& f : ml->fields) {
        const Node* v = tl ? tl->Get(f.key.Str()) : nullptr;
        if (!v || v->Str() != f.value.Str()) {
          std::string shown = "map[string]string{";
          if (tl && tl->IsMap())
            for (size_t i = 0; i < tl->fields.size(); ++i)
              shown += (i ? ", \"" : "\"") + tl->fields[i].key.Str() + "\":\"" +
                       tl->fields[i].value.Str() + "\"";
          shown += "}";
          causes.push_back({"FieldValueInvalid",
                            "Invalid value: " + shown + ": `selector` does not match template `labels`",
                            "spec.template.metadata.labels"});
          break;
        }
      }
    }
  }
  auto check_containers = [&](const Node* ps, const std::string& prefix) {
    if (!ps) return;
    const Node* cs = ps->Get("containers");
    if (!cs || !cs->IsSeq() || cs->items.empty()) {
      required(prefix + ".containers", "");
      return;
    }
    for (size_t i = 0; i < cs->items.size(); ++i) {
      std::string p = prefix + ".containers[" + std::to_string(i) + "]";
      std::string cname = cs->items[i].StrAt({"name"});
      if (cname.empty())
        required(p + ".name", "");
      else if (std::string m = CheckDns1123Label(cname); !m.empty())
        invalid(p + ".name", cname, m);
      if (cs->items[i].StrAt({"image"}).empty()) required(p + ".image", "");
    }
  };
  if (!r.custom) {
    if (r.kind == "Pod") check_containers(obj.Get("spec"), "spec");
    if (r.kind == "Deployment" || r.kind == "ReplicaSet" || r.kind == "StatefulSet" ||
        r.kind == "DaemonSet" || r.kind == "Job")
      check_containers(obj.At({"spec", "template", "spec"}), "spec.template.spec");
    if (const Node* rep = obj.At({"spec", "replicas"}); rep && rep->IsInt() && rep->AsInt() < 0)
      causes.push_back({"FieldValueInvalid",
                        "Invalid value: " + rep->Str() + ": must be greater than or equal to 0",
                        "spec.replicas"});
  }
  if (!causes.empty()) throw Invalid(r.kind, r.group, name, causes);
}

}  // namespace capstan::cluster
