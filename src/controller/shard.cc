#include "controller/shard.h"

#include <algorithm>

#include "controller/controller.h"

namespace capstan::controller {

std::optional<ShardingMethod> ParseShardingMethod(const std::string& text) {
  if (text == "legacy") return ShardingMethod::kLegacy;
  if (text == "round-robin") return ShardingMethod::kRoundRobin;
  return std::nullopt;
}

std::string ShardingMethodName(ShardingMethod method) {
  return method == ShardingMethod::kRoundRobin ? "round-robin" : "legacy";
}

ShardMap::ShardMap(ShardingMethod method, std::string ns, int replicas)
    : method_(method), ns_(std::move(ns)), replicas_(std::max(1, replicas)) {}

void ShardMap::Add(const std::string& name) {
  if (method_ != ShardingMethod::kRoundRobin) return;
  std::lock_guard<std::mutex> l(mu_);
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), name);
  if (it == sorted_.end() || *it != name) sorted_.insert(it, name);
}

void ShardMap::Remove(const std::string& name) {
  if (method_ != ShardingMethod::kRoundRobin) return;
  std::lock_guard<std::mutex> l(mu_);
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), name);
  if (it != sorted_.end() && *it == name) sorted_.erase(it);
}

int ShardMap::ShardOf(const std::string& name) const {
  if (replicas_ <= 1) return 0;
  if (method_ == ShardingMethod::kLegacy) return controller::ShardOf(ns_, name, replicas_);
  // Argo CD's RoundRobinDistributionFunction: index in the sorted list.
  // An app not (yet) known sorts where it would be inserted.
  std::lock_guard<std::mutex> l(mu_);
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), name);
  return static_cast<int>((it - sorted_.begin()) % replicas_);
}

bool ShardOwnership::Enter(int shard) {
  std::lock_guard<std::mutex> l(mu_);
  if (!held_.count(shard)) return false;
  ++in_flight_[shard];
  return true;
}

void ShardOwnership::Leave(int shard) {
  std::lock_guard<std::mutex> l(mu_);
  if (--in_flight_[shard] <= 0) in_flight_.erase(shard);
}

bool ShardOwnership::Holds(int shard) const {
  std::lock_guard<std::mutex> l(mu_);
  return held_.count(shard) > 0;
}

std::set<int> ShardOwnership::Held() const {
  std::lock_guard<std::mutex> l(mu_);
  return held_;
}

bool ShardOwnership::Hold(int shard) {
  std::lock_guard<std::mutex> l(mu_);
  return held_.insert(shard).second;
}

bool ShardOwnership::Drain(int shard) {
  std::lock_guard<std::mutex> l(mu_);
  held_.erase(shard);
  return !in_flight_.count(shard);
}

}  // namespace capstan::controller
