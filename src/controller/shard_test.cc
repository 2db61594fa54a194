// Sharding: Argo CD's legacy hash and round-robin functions applied to
// Applications, shard ownership with work in flight, and the shard Lease
// protocol (takeover of an expired Lease, hand-back only when drained).
#include <gtest/gtest.h>

#include "controller/controller.h"
#include "controller/shard.h"
#include "controller/shard_lease.h"
#include "yaml/yaml.h"

namespace capstan::controller {
namespace {

TEST(ShardMap, LegacyIsTheFnvHashOfNamespaceAndName) {
  ShardMap m(ShardingMethod::kLegacy, "argocd", 3);
  for (const char* n : {"a", "guestbook", "svc-07"}) EXPECT_EQ(m.ShardOf(n), ShardOf("argocd", n, 3));
  // FNV-32a of "argocd/guestbook", computed here independently.
  uint32_t h = 2166136261u;
  for (char c : std::string("argocd/guestbook")) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  EXPECT_EQ(m.ShardOf("guestbook"), static_cast<int>(h % 3));
  EXPECT_EQ(ShardMap(ShardingMethod::kLegacy, "argocd", 1).ShardOf("guestbook"), 0);
}

TEST(ShardMap, RoundRobinIsThePositionInTheSortedList) {
  ShardMap m(ShardingMethod::kRoundRobin, "argocd", 2);
  for (const char* n : {"d", "b", "a", "c", "e"}) m.Add(n);
  EXPECT_EQ(m.ShardOf("a"), 0);
  EXPECT_EQ(m.ShardOf("b"), 1);
  EXPECT_EQ(m.ShardOf("c"), 0);
  EXPECT_EQ(m.ShardOf("d"), 1);
  EXPECT_EQ(m.ShardOf("e"), 0);
  m.Remove("a");  // everything after it moves, as in Argo CD
  EXPECT_EQ(m.ShardOf("b"), 0);
  EXPECT_EQ(m.ShardOf("e"), 1);
  m.Add("b");  // twice: counted once
  EXPECT_EQ(m.ShardOf("c"), 1);
}

TEST(ShardMethod, Parses) {
  EXPECT_EQ(ParseShardingMethod("legacy"), ShardingMethod::kLegacy);
  EXPECT_EQ(ParseShardingMethod("round-robin"), ShardingMethod::kRoundRobin);
  EXPECT_FALSE(ParseShardingMethod("consistent-hashing"));
  EXPECT_FALSE(ParseShardingMethod(""));
}

TEST(ShardOwnership, DrainsOnlyWhenNothingIsInFlight) {
  ShardOwnership o;
  EXPECT_FALSE(o.Enter(1));  // not held: no work taken
  EXPECT_TRUE(o.Hold(1));
  EXPECT_FALSE(o.Hold(1));
  {
    ShardWork w(o, 1);
    ASSERT_TRUE(w);
    EXPECT_FALSE(o.Drain(1));    // one refresh/operation still running
    EXPECT_FALSE(ShardWork(o, 1));  // no new work once draining
  }
  EXPECT_TRUE(o.Drain(1));
  EXPECT_FALSE(o.Holds(1));
  EXPECT_TRUE(o.Held().empty());
}

ShardLease Lease(const std::string& holder, int64_t renew_ms, int holder_shard, const std::string& requested_by = "") {
  ShardLease l;
  l.exists = true;
  l.holder = holder;
  l.renew_ms = renew_ms;
  l.duration_ms = 4000;
  l.holder_shard = holder_shard;
  l.requested_by = requested_by;
  return l;
}

LeaseContext Ctx(int lease_shard, int my_shard, const std::string& me, int64_t now_ms) {
  LeaseContext c;
  c.lease_shard = lease_shard;
  c.my_shard = my_shard;
  c.me = me;
  c.now_ms = now_ms;
  c.up_since_ms = 0;
  c.duration_ms = 4000;
  return c;
}

TEST(ShardLease, OwnShardIsCreatedAndRenewed) {
  EXPECT_EQ(DecideShardLease(ShardLease{}, Ctx(0, 0, "r0", 100)), LeaseAction::kCreate);
  EXPECT_EQ(DecideShardLease(Lease("r0", 100, 0), Ctx(0, 0, "r0", 200)), LeaseAction::kRenew);
}

TEST(ShardLease, ALiveReplicasLeaseIsLeftAlone) {
  EXPECT_EQ(DecideShardLease(Lease("r1", 10000, 1), Ctx(1, 0, "r0", 13000)), LeaseAction::kNone);
  // A shard never started is adopted only after two lease durations up.
  EXPECT_EQ(DecideShardLease(ShardLease{}, Ctx(1, 0, "r0", 7999)), LeaseAction::kNone);
  EXPECT_EQ(DecideShardLease(ShardLease{}, Ctx(1, 0, "r0", 8000)), LeaseAction::kCreate);
}

TEST(ShardLease, AnExpiredOrReleasedLeaseIsTakenOver) {
  EXPECT_EQ(DecideShardLease(Lease("r1", 10000, 1), Ctx(1, 0, "r0", 14001)), LeaseAction::kTake);
  EXPECT_EQ(DecideShardLease(Lease("", 10000, 1), Ctx(1, 0, "r0", 10001)), LeaseAction::kTake);
}

TEST(ShardLease, TheOwnerAsksBackAndTheAdopterHandsOverOnlyDrained) {
  // r1 is back; r0 adopted shard 1 and renews it.
  EXPECT_EQ(DecideShardLease(Lease("r0", 10000, 0), Ctx(1, 1, "r1", 10500)), LeaseAction::kRequestBack);
  EXPECT_EQ(DecideShardLease(Lease("r0", 10000, 0, "r1"), Ctx(1, 1, "r1", 10600)), LeaseAction::kNone);  // asked once
  LeaseContext adopter = Ctx(1, 0, "r0", 10700);
  EXPECT_EQ(DecideShardLease(Lease("r0", 10000, 0, "r1"), adopter), LeaseAction::kDrain);
  adopter.drained = true;
  EXPECT_EQ(DecideShardLease(Lease("r0", 10000, 0, "r1"), adopter), LeaseAction::kHandOver);
  EXPECT_FALSE(HeldAfter(LeaseAction::kDrain));
  EXPECT_FALSE(HeldAfter(LeaseAction::kHandOver));
  // A standby of the same shard never asks: it waits for expiry.
  EXPECT_EQ(DecideShardLease(Lease("r1-old", 10000, 1), Ctx(1, 1, "r1-new", 10500)), LeaseAction::kNone);
  // The owner's own lease is never handed away.
  EXPECT_EQ(DecideShardLease(Lease("r1", 10000, 1, "someone"), Ctx(1, 1, "r1", 10500)), LeaseAction::kRenew);
}

TEST(ShardLease, WritesTheHolderAndItsShard) {
  yaml::Node read = yaml::ParseOne(
      "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: capstan-controller-shard-1\n"
      "  namespace: argocd\n  resourceVersion: \"7\"\n  annotations:\n    capstan.io/holder-shard: \"0\"\n"
      "    capstan.io/requested-by: r1\nspec:\n  holderIdentity: r0\n  leaseDurationSeconds: 4\n"
      "  renewTime: \"2026-01-01T00:00:10.000000Z\"\n  leaseTransitions: 3\n");
  ShardLease l = ReadShardLease(read);
  EXPECT_EQ(l.holder, "r0");
  EXPECT_EQ(l.holder_shard, 0);
  EXPECT_EQ(l.requested_by, "r1");
  EXPECT_EQ(l.duration_ms, 4000);
  LeaseContext c = Ctx(1, 0, "r0", l.renew_ms + 500);
  c.drained = true;
  yaml::Node out = ApplyLeaseAction(read, LeaseAction::kHandOver, c, "argocd");
  EXPECT_EQ(out.StrAt({"spec", "holderIdentity"}), "r1");
  EXPECT_EQ(out.StrAt({"metadata", "annotations", "capstan.io/holder-shard"}), "1");
  EXPECT_EQ(out.At({"metadata", "annotations", "capstan.io/requested-by"}), nullptr);
  EXPECT_EQ(out.At({"spec", "leaseTransitions"})->AsInt(0), 4);
  EXPECT_EQ(out.StrAt({"metadata", "resourceVersion"}), "7");  // the Update is conditional
  EXPECT_EQ(out.StrAt({"spec", "renewTime"}), "2026-01-01T00:00:10.500000Z");

  yaml::Node taken = ApplyLeaseAction(read, LeaseAction::kTake, Ctx(1, 2, "r2", l.renew_ms + 9000), "argocd");
  EXPECT_EQ(taken.StrAt({"spec", "holderIdentity"}), "r2");
  EXPECT_EQ(taken.StrAt({"metadata", "annotations", "capstan.io/holder-shard"}), "2");
  yaml::Node created = ApplyLeaseAction(yaml::Node(), LeaseAction::kCreate, Ctx(3, 3, "r3", 0), "argocd");
  EXPECT_EQ(created.StrAt({"metadata", "name"}), "capstan-controller-shard-3");
  EXPECT_EQ(created.StrAt({"spec", "holderIdentity"}), "r3");
  EXPECT_EQ(created.At({"spec", "leaseDurationSeconds"})->AsInt(0), 4);
}

}  // namespace
}  // namespace capstan::controller
