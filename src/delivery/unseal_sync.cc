#include "base/base64.h"
#include "delivery/unseal_sync.h"

#include <ctime>

#include "delivery/error.h"
#include "delivery/seal.h"
#include "resource/resource.h"

namespace capstan::delivery {
namespace {

std::string Now() {
  char buf[32];
  std::time_t t = std::time(nullptr);
  std::tm tm;
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void RecordEvent(sync::Target& target, const yaml::Node& sealed, const std::string& message) {
  yaml::Node ev = yaml::Node::Map();
  ev.Set("apiVersion", yaml::Node::String("v1"));
  ev.Set("kind", yaml::Node::String("Event"));
  std::string ns = sealed.StrAt({"metadata", "namespace"}), name = sealed.StrAt({"metadata", "name"});
  yaml::Node& meta = ev.GetOrCreateMap("metadata");
  meta.Set("name", yaml::Node::String(name + ".unseal-failed"));
  meta.Set("namespace", yaml::Node::String(ns));
  yaml::Node& inv = ev.GetOrCreateMap("involvedObject");
  inv.Set("apiVersion", yaml::Node::String("bitnami.com/v1alpha1"));
  inv.Set("kind", yaml::Node::String("SealedSecret"));
  inv.Set("name", yaml::Node::String(name));
  inv.Set("namespace", yaml::Node::String(ns));
  inv.Set("uid", yaml::Node::String(sealed.StrAt({"metadata", "uid"})));
  ev.Set("reason", yaml::Node::String("ErrUnsealFailed"));
  ev.Set("message", yaml::Node::String(message));
  ev.Set("type", yaml::Node::String("Warning"));
  ev.GetOrCreateMap("source").Set("component", yaml::Node::String("capstan-unseal"));
  ev.Set("firstTimestamp", yaml::Node::String(Now()));
  ev.Set("lastTimestamp", yaml::Node::String(Now()));
  ev.Set("count", yaml::Node::Int(1));
  try {
    sync::ApplyOptions o;
    o.replace = true;
    target.Apply(ev, o);
  } catch (const std::exception&) {
    // The refusal is returned anyway; a cluster without Events is no reason to fail.
  }
}

// status.conditions[Synced] as the sealed-secrets controller writes it.
void SetSynced(sync::Target& target, const yaml::Node& live, bool ok, const std::string& message) {
  yaml::Node obj = live;
  yaml::Node& status = obj.GetOrCreateMap("status");
  yaml::Node cond = yaml::Node::Map();
  cond.Set("type", yaml::Node::String("Synced"));
  cond.Set("status", yaml::Node::String(ok ? "True" : "False"));
  if (!message.empty()) cond.Set("message", yaml::Node::String(message));
  cond.Set("lastUpdateTime", yaml::Node::String(Now()));
  cond.Set("lastTransitionTime", yaml::Node::String(Now()));
  yaml::Node conds = yaml::Node::Seq();
  conds.items.push_back(cond);
  status.Set("conditions", conds);
  if (const yaml::Node* g = live.At({"metadata", "generation"})) status.Set("observedGeneration", *g);
  try {
    target.UpdateStatus(obj);
  } catch (const std::exception&) {
  }
}

bool OwnedBy(const yaml::Node& secret, const yaml::Node& sealed) {
  const yaml::Node* owners = secret.At({"metadata", "ownerReferences"});
  if (owners == nullptr || !owners->IsSeq()) return false;
  for (const yaml::Node& o : owners->items) {
    if (o.StrAt({"kind"}) == "SealedSecret" && o.StrAt({"name"}) == sealed.StrAt({"metadata", "name"})) return true;
  }
  return false;
}

}  // namespace

UnsealReport UnsealSealedSecrets(sync::Target& target, const std::vector<yaml::Node>& objects,
                                 const std::string& keys_namespace) {
  UnsealReport report;
  std::vector<const yaml::Node*> sealed;
  for (const yaml::Node& o : objects) {
    if (o.StrAt({"kind"}) == "SealedSecret" && o.StrAt({"apiVersion"}).rfind("bitnami.com/", 0) == 0) sealed.push_back(&o);
  }
  if (sealed.empty()) return report;
  std::vector<UnsealingKey> keys;
  for (const yaml::Node& s : target.List(resource::Gvk{"", "v1", "Secret"}, keys_namespace)) {
    if (s.StrAt({"metadata", "labels", kKeyLabel}).empty()) continue;
    std::string pem;
    const yaml::Node* key = s.At({"data", "tls.key"});
    if (key == nullptr || !base::Base64Decode(key->value, &pem)) continue;
    try {
      keys.push_back(UnsealingKey::FromPem(pem, "Secret " + keys_namespace + "/" + s.StrAt({"metadata", "name"})));
    } catch (const Error&) {
    }
  }
  for (const yaml::Node* desired : sealed) {
    resource::ResId id = resource::ResId::Of(*desired);
    std::string where = "SealedSecret " + id.ns + "/" + id.name;
    std::optional<yaml::Node> live = target.Get(id);
    const yaml::Node& obj = live ? *live : *desired;
    try {
      if (keys.empty()) throw Error(where + ": no sealing key in " + keys_namespace + " (capstan seal --generate-key)");
      yaml::Node secret = Unseal(obj, keys);
      resource::ResId sid{{"", "v1", "Secret"}, id.ns, id.name};
      if (std::optional<yaml::Node> existing = target.Get(sid); existing && !OwnedBy(*existing, obj)) {
        throw Error(where + ": Secret " + id.ns + "/" + id.name + " exists and is not managed by the SealedSecret; not overwritten");
      }
      sync::ApplyOptions o;
      o.replace = true;
      target.Apply(secret, o);
      report.unsealed.push_back(id.ns + "/" + id.name);
      if (live) SetSynced(target, *live, true, "");
    } catch (const std::exception& e) {
      report.refused.push_back(e.what());
      if (live) {
        RecordEvent(target, *live, e.what());
        SetSynced(target, *live, false, e.what());
      }
    }
  }
  return report;
}

}  // namespace capstan::delivery
