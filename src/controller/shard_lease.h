// Takeover of a dead replica's shard: one coordination.k8s.io/v1 Lease per
// shard, `capstan-controller-shard-N` in the apps namespace.
//
// - Every replica holds (creates, renews every duration/3) the Lease of its
//   own shard and reads the others every min(duration/3, 1 s).
// - A Lease nobody renewed for leaseDurationSeconds (or with no holder) is
//   taken by the first live replica that sees it (the Update carries the
//   resourceVersion, so one of racing replicas wins): it then processes that
//   shard's apps too. A shard whose Lease was never created is adopted the
//   same way once the replica has been up for two lease durations.
// - When the owner comes back it finds its Lease held by another replica
//   (annotation capstan.io/holder-shard names the holder's own shard) and
//   writes annotation capstan.io/requested-by: <its identity>. The adopter
//   stops taking work of that shard, waits until none of it is in flight
//   (no operation or refresh of its apps running), then writes the owner as
//   holderIdentity: an app is never processed by two replicas at once.
// - Two processes with the same shard (a standby) never ask each other:
//   the second waits for the Lease to expire, as plain leader election.
#ifndef CAPSTAN_CONTROLLER_SHARD_LEASE_H_
#define CAPSTAN_CONTROLLER_SHARD_LEASE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "controller/shard.h"
#include "kube/client.h"
#include "yaml/node.h"

namespace capstan::controller {

extern const char* const kHolderShardAnnotation;  // capstan.io/holder-shard
extern const char* const kRequestedByAnnotation;  // capstan.io/requested-by

std::string ShardLeaseName(int shard);

// A shard Lease as read (exists=false: not found).
struct ShardLease {
  bool exists = false;
  std::string holder;
  int64_t renew_ms = 0;
  int64_t duration_ms = 0;
  int holder_shard = -1;  // the holder's own shard (-1: unknown)
  std::string requested_by;
};
ShardLease ReadShardLease(const yaml::Node& lease);

enum class LeaseAction {
  kNone,         // held by another live replica: leave it
  kCreate,       // no Lease yet: create it holding it
  kRenew,        // ours: renew
  kTake,         // expired or released: take it over
  kRequestBack,  // our own shard, adopted by another replica: ask for it
  kDrain,        // adopted by us, its owner asks: stop taking work, renew
  kHandOver,     // adopted by us, drained: write the owner as holder
};
const char* LeaseActionName(LeaseAction a);

struct LeaseContext {
  int lease_shard = 0;
  int my_shard = 0;
  std::string me;
  int64_t now_ms = 0;
  int64_t up_since_ms = 0;  // when this replica started
  int64_t duration_ms = 15000;
  bool drained = false;  // no work of lease_shard in flight here
};
LeaseAction DecideShardLease(const ShardLease& lease, const LeaseContext& c);

// Whether the Lease is held by this replica after `action` succeeded.
bool HeldAfter(LeaseAction action);

// Applies `action` to `lease` (the object read; a fresh one for kCreate).
yaml::Node ApplyLeaseAction(yaml::Node lease, LeaseAction action, const LeaseContext& c, const std::string& ns);

struct ShardLeaseOptions {
  std::string ns;
  std::string identity;
  int my_shard = 0;
  int replicas = 1;
  int64_t duration_ms = 15000;
  // Called when this replica starts (held=true) or stops (false) taking
  // work of a shard.
  std::function<void(int shard, bool held)> on_change;
  std::function<void(const std::string& level, const std::string& message)> log;
};

class ShardLeaseKeeper {
 public:
  ShardLeaseKeeper(kube::Client& client, ShardLeaseOptions options, ShardOwnership& ownership);
  // Keeps the Leases until `stop`.
  void Run(const std::atomic<bool>& stop);
  // Gives up every Lease held (holder ""), so others take over at once.
  void Release();

 private:
  void Step(int shard, int64_t now_ms);
  void Log(const std::string& level, const std::string& message);

  kube::Client& client_;
  ShardLeaseOptions options_;
  ShardOwnership& ownership_;
  int64_t up_since_ms_ = 0;
  std::map<int, int64_t> last_ok_ms_;  // shard -> last successful step (Run's thread only)
};

}  // namespace capstan::controller

#endif  // CAPSTAN_CONTROLLER_SHARD_LEASE_H_
