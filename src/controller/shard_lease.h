// Takeover of a dead replica's shard: one coordination.k8s.io/v1 Lease per
// shard, `capstan-controller-shard-N` in the apps namespace.
//
// - Every replica holds (creates, renews every duration/6) the Lease of its
//   own shard and reads the others every min(duration/6, 1 s).
// - A Lease nobody renewed for leaseDurationSeconds (or with no holder) is
//   taken by the first live replica that sees it. "Renewed" is judged as
//   client-go's leaderelection does, on the local clock only: a replica
//   remembers when it last saw the Lease's record (holder, renewTime,
//   duration, transitions) change and calls it expired when it has not
//   changed for leaseDurationSeconds since; another replica's renewTime is
//   never compared with this one's clock, so clock skew cannot expire a
//   live replica's Lease (the Update carries the
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
//   With one shard and `lease_name` set this is `--leader-elect`.
// - A held shard not renewed within the renew deadline (2/3 of the
//   duration, client-go's 10 s of 15 s) on the local clock, because the API
//   is unreachable, slow, or refuses the write, or found held by another
//   replica, is dropped at once: on_change(shard, false) is called (from a
//   watchdog thread too, so a hung request cannot delay it), and the
//   controller terminates that shard's running operations before any other
//   replica can see the Lease expired.
#ifndef CAPSTAN_CONTROLLER_SHARD_LEASE_H_
#define CAPSTAN_CONTROLLER_SHARD_LEASE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "base/clock.h"
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
  std::string record;  // what a renewal changes: holder, renewTime, duration, transitions
};
ShardLease ReadShardLease(const yaml::Node& lease);

// client-go's observedRecord/observedTime: when this replica last saw each
// Lease's record change, on its own monotonic clock.
class LeaseObserver {
 public:
  // Records `lease` as read at local time `local_ms`; returns how long its
  // record has been unchanged (0 when it just changed or was never seen).
  int64_t Observe(const std::string& name, const ShardLease& lease, int64_t local_ms);

 private:
  std::map<std::string, std::pair<std::string, int64_t>> seen_;  // name -> (record, local ms first seen)
};

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
  int64_t now_ms = 0;        // this replica's wall clock (written as renewTime)
  int64_t unchanged_ms = 0;  // how long this replica has seen the Lease's record unchanged (LeaseObserver)
  int64_t up_since_ms = 0;   // when this replica started
  int64_t duration_ms = 15000;
  bool drained = false;  // no work of lease_shard in flight here
  std::string name;      // the Lease's name ("" = ShardLeaseName(lease_shard))
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
  // The Lease of shard 0 when there is one shard (--leader-elect's
  // capstan-controller); "" = ShardLeaseName(shard).
  std::string lease_name;
  // Called when this replica starts (held=true) or stops (false) taking
  // work of a shard.
  std::function<void(int shard, bool held)> on_change;
  std::function<void(const std::string& level, const std::string& message)> log;
};

class ShardLeaseKeeper {
 public:
  ShardLeaseKeeper(kube::ResourceClient& client, ShardLeaseOptions options, ShardOwnership& ownership,
                   base::Clock& clock = base::RealClock());
  // Keeps the Leases until `stop` (Tick every min(duration/6, 1 s), and
  // CheckRenewDeadlines every 50 ms on a watchdog thread).
  void Run(const std::atomic<bool>& stop);
  // One pass over every shard's Lease (errors are logged).
  void Tick();
  // Drops every held shard whose Lease was not renewed within the renew
  // deadline (on_change(shard, false)).
  void CheckRenewDeadlines();
  // Gives up every Lease held (holder ""), so others take over at once.
  void Release();
  int64_t renew_deadline_ms() const { return options_.duration_ms * 2 / 3; }

 private:
  void Step(int shard);
  std::string LeaseName(int shard) const;
  int64_t LocalMs();
  void Log(const std::string& level, const std::string& message);

  kube::ResourceClient& client_;
  ShardLeaseOptions options_;
  ShardOwnership& ownership_;
  base::Clock& clock_;
  int64_t up_since_ms_ = 0;
  LeaseObserver observer_;  // Run's thread only
  std::mutex mu_;           // renewed_ms_ and the Hold/Drain + on_change that go with it
  // shard -> local time just before the last write that renewed its Lease
  // (others see the Lease renewed no earlier than that).
  std::map<int, int64_t> renewed_ms_;
};

}  // namespace capstan::controller

#endif  // CAPSTAN_CONTROLLER_SHARD_LEASE_H_
