#include "controller/shard_lease.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "base/clock.h"
#include "controller/auto_sync.h"
#include "yaml/yaml.h"

namespace capstan::controller {

using yaml::Node;

const char* const kHolderShardAnnotation = "capstan.io/holder-shard";
const char* const kRequestedByAnnotation = "capstan.io/requested-by";

namespace {

const resource::Gvk kLeaseGvk{"coordination.k8s.io", "v1", "Lease"};

// MicroTime as Kubernetes writes it: 2026-01-01T00:00:00.123000Z.
std::string MicroTime(int64_t ms) {
  std::string t = base::FormatTime(ms);
  t.insert(t.size() - 1, "." + std::to_string(1000000 + (ms % 1000) * 1000).substr(1));
  return t;
}

// Expired as client-go judges it: no holder, or this replica has seen the
// record unchanged for longer than the duration (its own clock only).
bool Expired(const ShardLease& l, const LeaseContext& c) {
  return l.holder.empty() || c.unchanged_ms > l.duration_ms;
}

}  // namespace

std::string ShardLeaseName(int shard) { return "capstan-controller-shard-" + std::to_string(shard); }

ShardLease ReadShardLease(const Node& lease) {
  ShardLease l;
  l.exists = true;
  l.holder = lease.StrAt({"spec", "holderIdentity"});
  l.renew_ms = ParseTimeMs(lease.StrAt({"spec", "renewTime"}));
  const Node* d = lease.At({"spec", "leaseDurationSeconds"});
  l.duration_ms = (d ? d->AsInt(15) : 15) * 1000;
  std::string hs = lease.StrAt({"metadata", "annotations", kHolderShardAnnotation});
  if (!hs.empty() && hs.size() < 9 && hs.find_first_not_of("0123456789") == std::string::npos) l.holder_shard = std::stoi(hs);
  l.requested_by = lease.StrAt({"metadata", "annotations", kRequestedByAnnotation});
  const Node* t = lease.At({"spec", "leaseTransitions"});
  l.record = l.holder + "\n" + lease.StrAt({"spec", "renewTime"}) + "\n" + std::to_string(l.duration_ms) + "\n" +
             std::to_string(t ? t->AsInt(0) : 0);
  return l;
}

int64_t LeaseObserver::Observe(const std::string& name, const ShardLease& l, int64_t local_ms) {
  auto it = seen_.find(name);
  if (it == seen_.end() || it->second.first != l.record) {
    seen_[name] = {l.record, local_ms};
    return 0;
  }
  return local_ms - it->second.second;
}

const char* LeaseActionName(LeaseAction a) {
  switch (a) {
    case LeaseAction::kNone: return "none";
    case LeaseAction::kCreate: return "create";
    case LeaseAction::kRenew: return "renew";
    case LeaseAction::kTake: return "take";
    case LeaseAction::kRequestBack: return "request-back";
    case LeaseAction::kDrain: return "drain";
    case LeaseAction::kHandOver: return "hand-over";
  }
  return "?";
}

LeaseAction DecideShardLease(const ShardLease& l, const LeaseContext& c) {
  bool own = c.lease_shard == c.my_shard;
  if (!l.exists) {
    // A shard whose replica never came: adopt it after two lease durations
    // (replicas starting together under load must not take each other's).
    return own || c.now_ms - c.up_since_ms >= 2 * c.duration_ms ? LeaseAction::kCreate : LeaseAction::kNone;
  }
  if (l.holder == c.me) {
    if (!own && !l.requested_by.empty() && l.requested_by != c.me)
      return c.drained ? LeaseAction::kHandOver : LeaseAction::kDrain;
    return LeaseAction::kRenew;
  }
  if (Expired(l, c)) return LeaseAction::kTake;
  // Held by a live replica: an adopter gives our shard back; a standby of
  // the same shard is waited out.
  if (own && l.holder_shard != c.my_shard && l.requested_by != c.me) return LeaseAction::kRequestBack;
  return LeaseAction::kNone;
}

bool HeldAfter(LeaseAction a) {
  return a == LeaseAction::kCreate || a == LeaseAction::kRenew || a == LeaseAction::kTake;
}

Node ApplyLeaseAction(Node lease, LeaseAction a, const LeaseContext& c, const std::string& ns) {
  std::string now = MicroTime(c.now_ms);
  int64_t seconds = std::max<int64_t>(1, c.duration_ms / 1000);
  if (a == LeaseAction::kCreate) {
    lease = yaml::ParseOne("apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {}\nspec: {}\n");
    Node& meta = lease.GetOrCreateMap("metadata");
    meta.Set("name", Node::String(c.name.empty() ? ShardLeaseName(c.lease_shard) : c.name));
    meta.Set("namespace", Node::String(ns));
    Node& spec = lease.GetOrCreateMap("spec");
    spec.Set("holderIdentity", Node::String(c.me));
    spec.Set("leaseDurationSeconds", Node::Int(seconds));
    spec.Set("acquireTime", Node::String(now));
    spec.Set("renewTime", Node::String(now));
    spec.Set("leaseTransitions", Node::Int(0));
    meta.GetOrCreateMap("annotations").Set(kHolderShardAnnotation, Node::String(std::to_string(c.my_shard)));
    return lease;
  }
  Node& spec = lease.GetOrCreateMap("spec");
  Node& annotations = lease.GetOrCreateMap("metadata").GetOrCreateMap("annotations");
  auto transition = [&](const std::string& holder, int holder_shard) {
    int64_t t = spec.Get("leaseTransitions") ? spec.Get("leaseTransitions")->AsInt(0) : 0;
    spec.Set("holderIdentity", Node::String(holder));
    spec.Set("acquireTime", Node::String(now));
    spec.Set("renewTime", Node::String(now));
    spec.Set("leaseTransitions", Node::Int(t + 1));
    annotations.Set(kHolderShardAnnotation, Node::String(std::to_string(holder_shard)));
    annotations.Remove(kRequestedByAnnotation);
  };
  switch (a) {
    case LeaseAction::kRenew:
    case LeaseAction::kDrain:
      spec.Set("renewTime", Node::String(now));
      spec.Set("leaseDurationSeconds", Node::Int(seconds));
      annotations.Set(kHolderShardAnnotation, Node::String(std::to_string(c.my_shard)));
      break;
    case LeaseAction::kTake:
      transition(c.me, c.my_shard);
      spec.Set("leaseDurationSeconds", Node::Int(seconds));
      break;
    case LeaseAction::kHandOver:
      transition(annotations.StrAt({kRequestedByAnnotation}), c.lease_shard);
      break;
    case LeaseAction::kRequestBack:
      annotations.Set(kRequestedByAnnotation, Node::String(c.me));
      break;
    default:
      break;
  }
  return lease;
}

ShardLeaseKeeper::ShardLeaseKeeper(kube::ResourceClient& client, ShardLeaseOptions options, ShardOwnership& ownership,
                                   base::Clock& clock)
    : client_(client), options_(std::move(options)), ownership_(ownership), clock_(clock) {
  up_since_ms_ = clock_.NowMs();
}

void ShardLeaseKeeper::Log(const std::string& level, const std::string& message) {
  if (options_.log) options_.log(level, message);
}

std::string ShardLeaseKeeper::LeaseName(int shard) const {
  return options_.lease_name.empty() || options_.replicas > 1 ? ShardLeaseName(shard) : options_.lease_name;
}

int64_t ShardLeaseKeeper::LocalMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Monotonic().time_since_epoch()).count();
}

void ShardLeaseKeeper::Run(const std::atomic<bool>& stop) {
  // The watchdog: a request hung on an unreachable API server must not keep
  // this replica working past its renew deadline.
  std::thread watchdog([&] {
    while (!stop) {
      CheckRenewDeadlines();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  int64_t tick = std::clamp<int64_t>(options_.duration_ms / 6, 100, 1000);
  while (!stop) {
    Tick();
    for (int64_t waited = 0; waited < tick && !stop; waited += 50)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  watchdog.join();
}

void ShardLeaseKeeper::Tick() {
  // Our own shard first: it is the one a restarted replica wants back.
  for (int i = 0; i < options_.replicas; ++i) {
    int shard = (options_.my_shard + i) % options_.replicas;
    try {
      Step(shard);
    } catch (const std::exception& e) {
      Log("warn", "lease " + LeaseName(shard) + ": " + e.what());
    }
    CheckRenewDeadlines();
  }
}

void ShardLeaseKeeper::CheckRenewDeadlines() {
  std::lock_guard<std::mutex> l(mu_);
  int64_t now = LocalMs();
  for (int shard : ownership_.Held()) {
    auto it = renewed_ms_.find(shard);
    if (it != renewed_ms_.end() && now - it->second <= renew_deadline_ms()) continue;
    // Not renewed within the renew deadline: another replica may see it
    // expired from `duration - deadline` on, so stop before it can.
    ownership_.Drain(shard);
    Log("warn", "stopped taking work of shard " + std::to_string(shard) + ": its lease " + LeaseName(shard) +
                    " was not renewed within " + std::to_string(renew_deadline_ms()) + " ms");
    if (options_.on_change) options_.on_change(shard, false);
  }
}

void ShardLeaseKeeper::Step(int shard) {
  const resource::ResId id{kLeaseGvk, options_.ns, LeaseName(shard)};
  auto stop_taking = [&](const std::string& why) {
    std::lock_guard<std::mutex> l(mu_);
    bool was = ownership_.Holds(shard);
    bool drained = ownership_.Drain(shard);
    renewed_ms_.erase(shard);
    if (was) {
      Log("info", "stopped taking work of shard " + std::to_string(shard) + ": " + why);
      if (options_.on_change) options_.on_change(shard, false);
    }
    return drained;
  };
  for (int attempt = 0; attempt < 3; ++attempt) {
    Node obj;
    ShardLease lease;
    try {
      obj = client_.Get(id);
      lease = ReadShardLease(obj);
    } catch (const kube::KubeError& e) {
      if (!kube::IsNotFound(e)) throw;
    }
    int64_t local = LocalMs();
    LeaseContext c{shard, options_.my_shard, options_.identity, clock_.NowMs(), 0, up_since_ms_, options_.duration_ms,
                   false, id.name};
    if (lease.exists) c.unchanged_ms = observer_.Observe(id.name, lease, local);
    LeaseAction a = DecideShardLease(lease, c);
    if (a == LeaseAction::kDrain) {
      c.drained = stop_taking("its owner " + lease.requested_by + " is back");
      a = DecideShardLease(lease, c);
    }
    if (a == LeaseAction::kNone || a == LeaseAction::kRequestBack) {
      if (ownership_.Holds(shard)) stop_taking("the lease is held by " + lease.holder);
      if (a == LeaseAction::kNone) return;
    }
    // Renewal is due every duration/6 (the renew deadline, 2/3, leaves room
    // for three missed or slow renewals); reading is cheap, writing is not.
    int64_t renewed = -1;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (auto it = renewed_ms_.find(shard); it != renewed_ms_.end()) renewed = it->second;
    }
    bool write = true;
    if ((a == LeaseAction::kRenew || a == LeaseAction::kDrain) && renewed >= 0 &&
        local - renewed < options_.duration_ms / 6 &&
        lease.duration_ms == std::max<int64_t>(1, options_.duration_ms / 1000) * 1000 &&
        lease.holder_shard == options_.my_shard)
      write = false;
    try {
      if (write) {
        Node next = ApplyLeaseAction(obj, a, c, options_.ns);
        Node written = a == LeaseAction::kCreate ? client_.Create(next)
                                                 : client_.Update(next);  // resourceVersion precondition: a racing replica gets 409
        if (written.IsMap()) observer_.Observe(id.name, ReadShardLease(written), local);
      }
    } catch (const kube::KubeError& e) {
      if (kube::IsConflict(e) || kube::IsAlreadyExists(e)) continue;  // someone wrote it first: read again
      throw;
    }
    switch (a) {
      case LeaseAction::kCreate:
      case LeaseAction::kRenew:
      case LeaseAction::kTake: {
        std::lock_guard<std::mutex> l(mu_);
        if (write) renewed_ms_[shard] = local;  // read before the write: others saw it renewed no earlier
        if (renewed_ms_.count(shard) && ownership_.Hold(shard)) {
          if (shard == options_.my_shard) Log("info", "holding the lease of shard " + std::to_string(shard));
          else
            Log("info", "adopted shard " + std::to_string(shard) + " (" +
                            (lease.exists ? lease.holder.empty() ? std::string("released") : "holder " + lease.holder + " stopped renewing"
                                          : std::string("its replica never started")) + ")");
          if (options_.on_change) options_.on_change(shard, true);
        }
        break;
      }
      case LeaseAction::kDrain:
        if (write) {
          std::lock_guard<std::mutex> l(mu_);
          renewed_ms_[shard] = local;
        }
        break;
      case LeaseAction::kHandOver:
        Log("info", "handed shard " + std::to_string(shard) + " back to " + lease.requested_by);
        break;
      case LeaseAction::kRequestBack:
        Log("info", "asked " + lease.holder + " to hand shard " + std::to_string(shard) + " back");
        break;
      default:
        break;
    }
    return;
  }
}

void ShardLeaseKeeper::Release() {
  for (int shard = 0; shard < options_.replicas; ++shard) {
    {
      std::lock_guard<std::mutex> l(mu_);
      ownership_.Drain(shard);
      renewed_ms_.erase(shard);
    }
    try {
      Node lease = client_.Get({kLeaseGvk, options_.ns, LeaseName(shard)});
      if (lease.StrAt({"spec", "holderIdentity"}) != options_.identity) continue;
      lease.GetOrCreateMap("spec").Set("holderIdentity", Node::String(""));
      client_.Update(lease);
    } catch (const std::exception&) {
    }
  }
}

}  // namespace capstan::controller
