// Sharding of Applications across controller replicas.
//
// - ShardMap: the shard of each Application, by one of Argo CD's two
//   algorithms (--sharding-method, ARGOCD_CONTROLLER_SHARDING_ALGORITHM).
//   Argo CD shards destination clusters; capstan has one destination per
//   controller, so it applies the same functions to the Applications:
//   legacy = FNV-32a of "namespace/name" modulo replicas (stable);
//   round-robin = position in the sorted list of every app modulo replicas
//   (even, but an app may move when apps are added or removed).
// - ShardOwnership: which shards this process holds right now (its own, and
//   those of dead replicas it adopted, see shard_lease.h) and the work in
//   flight in each, so a shard is handed back only once nothing of it runs.
#ifndef CAPSTAN_CONTROLLER_SHARD_H_
#define CAPSTAN_CONTROLLER_SHARD_H_

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace capstan::controller {

enum class ShardingMethod { kLegacy, kRoundRobin };

// "legacy" | "round-robin"; nullopt for anything else.
std::optional<ShardingMethod> ParseShardingMethod(const std::string& text);
std::string ShardingMethodName(ShardingMethod method);

class ShardMap {
 public:
  ShardMap(ShardingMethod method, std::string ns, int replicas);
  // The apps that exist (round-robin needs all of them; legacy ignores).
  void Add(const std::string& name);
  void Remove(const std::string& name);
  int ShardOf(const std::string& name) const;
  int replicas() const { return replicas_; }
  ShardingMethod method() const { return method_; }

 private:
  ShardingMethod method_;
  std::string ns_;
  int replicas_;
  mutable std::mutex mu_;
  std::vector<std::string> sorted_;  // round-robin: every app name, sorted
};

class ShardOwnership {
 public:
  // True (and counts one piece of work in flight) when `shard` is held.
  bool Enter(int shard);
  void Leave(int shard);
  bool Holds(int shard) const;
  std::set<int> Held() const;
  // Starts taking work of `shard`; false when it was held already.
  bool Hold(int shard);
  // Stops taking new work of `shard`; true once none of it is in flight
  // (call again until it is).
  bool Drain(int shard);

 private:
  mutable std::mutex mu_;
  std::set<int> held_;
  std::map<int, int> in_flight_;
};

// One piece of work on an app of `shard`, counted in flight while it lives;
// false when the shard is not held.
class ShardWork {
 public:
  ShardWork(ShardOwnership& o, int shard) : o_(o), shard_(shard), entered_(o.Enter(shard)) {}
  ~ShardWork() {
    if (entered_) o_.Leave(shard_);
  }
  ShardWork(const ShardWork&) = delete;
  ShardWork& operator=(const ShardWork&) = delete;
  explicit operator bool() const { return entered_; }

 private:
  ShardOwnership& o_;
  int shard_;
  bool entered_;
};

}  // namespace capstan::controller

#endif  // CAPSTAN_CONTROLLER_SHARD_H_
