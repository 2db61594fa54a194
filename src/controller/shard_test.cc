// Sharding: Argo CD's legacy hash and round-robin functions applied to
// Applications, shard ownership with work in flight, and the shard Lease
// protocol (takeover of an expired Lease, hand-back only when drained).
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>

#include "controller/controller.h"
#include "controller/shard.h"
#include "controller/shard_lease.h"
#include "base/clock.h"
#include "kube/client.h"
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
  // Expired: seen unchanged for longer than its duration (this replica's clock).
  LeaseContext c = Ctx(1, 0, "r0", 14001);
  c.unchanged_ms = 4000;
  EXPECT_EQ(DecideShardLease(Lease("r1", 10000, 1), c), LeaseAction::kNone);
  c.unchanged_ms = 4001;
  EXPECT_EQ(DecideShardLease(Lease("r1", 10000, 1), c), LeaseAction::kTake);
  EXPECT_EQ(DecideShardLease(Lease("", 10000, 1), Ctx(1, 0, "r0", 10001)), LeaseAction::kTake);
  // Its renewTime alone never expires it: an hour old by our clock, just seen changing.
  EXPECT_EQ(DecideShardLease(Lease("r1", 10000, 1), Ctx(1, 0, "r0", 10000 + 3600 * 1000)), LeaseAction::kNone);
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


// --- expiry on the local clock (client-go's observedTime) ----------------------------

// A Lease as its holder writes it, renewTime from the holder's clock.
yaml::Node LeaseObject(const std::string& holder, int64_t renew_ms, int64_t transitions = 0) {
  std::string t = base::FormatTime(renew_ms);
  t.insert(t.size() - 1, ".000000");
  return yaml::ParseOne("apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: capstan-controller-shard-1\n"
                        "  namespace: argocd\nspec:\n  holderIdentity: " + holder +
                        "\n  leaseDurationSeconds: 4\n  renewTime: \"" + t + "\"\n  leaseTransitions: " +
                        std::to_string(transitions) + "\n");
}

int64_t LocalMs(base::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.Monotonic().time_since_epoch()).count();
}

TEST(LeaseExpiry, ARenewTimeFarInThePastOrFutureThatKeepsChangingNeverExpires) {
  for (int64_t skew : {-3600 * 1000LL, 3600 * 1000LL, -86400 * 1000LL}) {
    base::FakeClock mine;                          // this replica
    int64_t holder_clock = mine.NowMs() + skew;    // the holder's clock, an hour or a day off
    LeaseObserver observer;
    for (int i = 0; i < 60; ++i) {                 // 60 s of renewals every 1.3 s
      ShardLease l = ReadShardLease(LeaseObject("r1", holder_clock));
      LeaseContext c = Ctx(1, 0, "r0", mine.NowMs());
      c.unchanged_ms = observer.Observe("shard-1", l, LocalMs(mine));
      ASSERT_EQ(DecideShardLease(l, c), LeaseAction::kNone) << "skew " << skew << " at renewal " << i;
      mine.Advance(1300);
      holder_clock += 1300;
    }
  }
}

TEST(LeaseExpiry, ALeaseThatStopsChangingExpiresAfterItsDurationOnTheLocalClock) {
  for (int64_t skew : {-3600 * 1000LL, 0LL, 3600 * 1000LL}) {
    base::FakeClock mine;
    LeaseObserver observer;
    ShardLease l = ReadShardLease(LeaseObject("r1", mine.NowMs() + skew));  // its last renewal
    int64_t first_seen = mine.NowMs();
    LeaseAction a = LeaseAction::kNone;
    while (a == LeaseAction::kNone && mine.NowMs() - first_seen < 60000) {
      LeaseContext c = Ctx(1, 0, "r0", mine.NowMs());
      c.unchanged_ms = observer.Observe("shard-1", l, LocalMs(mine));
      a = DecideShardLease(l, c);
      if (a == LeaseAction::kNone) mine.Advance(100);
    }
    EXPECT_EQ(a, LeaseAction::kTake) << "skew " << skew;
    // Taken once the duration (4 s) has passed since it was seen, not before.
    EXPECT_GT(mine.NowMs() - first_seen, 4000) << "skew " << skew;
    EXPECT_LE(mine.NowMs() - first_seen, 4100) << "skew " << skew;
  }
  // A change of holder or transitions is a change too (a takeover restarts the count).
  LeaseObserver o;
  EXPECT_EQ(o.Observe("x", ReadShardLease(LeaseObject("a", 1000)), 0), 0);
  EXPECT_EQ(o.Observe("x", ReadShardLease(LeaseObject("a", 1000)), 5000), 5000);
  EXPECT_EQ(o.Observe("x", ReadShardLease(LeaseObject("b", 1000)), 6000), 0);
  EXPECT_EQ(o.Observe("x", ReadShardLease(LeaseObject("b", 1000, 1)), 7000), 0);
}

// --- two keepers on one API (a fake Lease store) -------------------------------------

// Leases with resourceVersions, as the API server keeps them (Update is
// conditional on the resourceVersion).
struct LeaseStore {
  std::mutex mu;
  std::map<std::string, yaml::Node> leases;
  int64_t rv = 0;
};

// One replica's connection to the store; `refuse_writes` makes every write
// fail as an unreachable or refusing API server would.
class LeaseClient : public kube::ResourceClient {
 public:
  explicit LeaseClient(LeaseStore& s) : s_(s) {}
  bool refuse_writes = false;
  kube::ApiResource Resource(const kube::Gvk&) override { throw std::logic_error("unused"); }
  std::string DefaultNamespace() const override { return "argocd"; }
  yaml::Node Get(const kube::ResId& id) override {
    std::lock_guard<std::mutex> l(s_.mu);
    auto it = s_.leases.find(id.name);
    if (it == s_.leases.end()) throw kube::KubeError(404, "NotFound", "leases \"" + id.name + "\" not found");
    return it->second;
  }
  yaml::Node List(const kube::Gvk&, const std::string&, const kube::ListOptions&) override { throw std::logic_error("unused"); }
  yaml::Node Create(const yaml::Node& obj, const kube::WriteOptions&) override {
    std::lock_guard<std::mutex> l(s_.mu);
    Refuse();
    std::string name = obj.StrAt({"metadata", "name"});
    if (s_.leases.count(name)) throw kube::KubeError(409, "AlreadyExists", "exists");
    return Store(name, obj);
  }
  yaml::Node Update(const yaml::Node& obj, const kube::WriteOptions&) override {
    std::lock_guard<std::mutex> l(s_.mu);
    Refuse();
    std::string name = obj.StrAt({"metadata", "name"});
    auto it = s_.leases.find(name);
    if (it == s_.leases.end()) throw kube::KubeError(404, "NotFound", "not found");
    if (it->second.StrAt({"metadata", "resourceVersion"}) != obj.StrAt({"metadata", "resourceVersion"}))
      throw kube::KubeError(409, "Conflict", "the object has been modified");
    return Store(name, obj);
  }
  yaml::Node Patch(const kube::ResId&, const yaml::Node&, const kube::PatchOptions&) override { throw std::logic_error("unused"); }
  yaml::Node Apply(const yaml::Node&, const std::string&, bool, bool) override { throw std::logic_error("unused"); }
  yaml::Node Delete(const kube::ResId&, const kube::DeleteOptions&) override { throw std::logic_error("unused"); }
  void Watch(const kube::Gvk&, const std::string&, const kube::WatchOptions&,
             const std::function<bool(const kube::WatchEvent&)>&) override {
    throw std::logic_error("unused");
  }

 private:
  void Refuse() {
    if (refuse_writes) throw kube::KubeError(0, "ConnectionError", "connection refused");
  }
  yaml::Node Store(const std::string& name, yaml::Node obj) {
    obj.GetOrCreateMap("metadata").Set("resourceVersion", yaml::Node::String(std::to_string(++s_.rv)));
    s_.leases[name] = obj;
    return obj;
  }
  LeaseStore& s_;
};

// A replica: its clock, connection, ownership, keeper and what it was told.
struct Replica {
  Replica(LeaseStore& store, int shard, int64_t clock_start_ms)
      : clock(clock_start_ms), client(store) {
    ShardLeaseOptions o;
    o.ns = "argocd";
    o.identity = "r" + std::to_string(shard);
    o.my_shard = shard;
    o.replicas = 2;
    o.duration_ms = 3000;
    o.on_change = [this](int s, bool held) { (held ? gained : lost).push_back({s, clock.NowMs()}); };
    keeper = std::make_unique<ShardLeaseKeeper>(client, o, ownership, clock);
  }
  base::FakeClock clock;
  LeaseClient client;
  ShardOwnership ownership;
  std::unique_ptr<ShardLeaseKeeper> keeper;
  std::vector<std::pair<int, int64_t>> gained, lost;  // (shard, this replica's wall ms)
  int64_t FirstGained(int shard) const {
    for (auto& [s, t] : gained) if (s == shard) return t;
    return -1;
  }
  int64_t FirstLost(int shard) const {
    for (auto& [s, t] : lost) if (s == shard) return t;
    return -1;
  }
};

TEST(ShardLeaseKeeper, ClockSkewBeyondTheDurationNeverTakesALiveReplicasShard) {
  LeaseStore store;
  const int64_t t0 = 1767225600000;
  Replica r0(store, 0, t0), r1(store, 1, t0 - 3600 * 1000);  // r1's clock is an hour behind r0's
  for (int i = 0; i < 200; ++i) {  // 20 s in steps of 100 ms
    r0.keeper->Tick();
    r1.keeper->Tick();
    r0.clock.Advance(100);
    r1.clock.Advance(100);
  }
  EXPECT_TRUE(r0.ownership.Holds(0));
  EXPECT_TRUE(r1.ownership.Holds(1));
  EXPECT_FALSE(r0.ownership.Holds(1)) << "r0 took the shard of r1, whose renewTime is an hour old by r0's clock";
  EXPECT_FALSE(r1.ownership.Holds(0));
  EXPECT_TRUE(r0.lost.empty());
  EXPECT_TRUE(r1.lost.empty());
  // r1 dies (stops renewing): r0 takes shard 1 once it has seen the Lease
  // unchanged for the duration (3 s), not before.
  int64_t died = r0.clock.NowMs();
  while (!r0.ownership.Holds(1) && r0.clock.NowMs() - died < 20000) {
    r0.keeper->Tick();
    r0.clock.Advance(100);
  }
  ASSERT_TRUE(r0.ownership.Holds(1));
  int64_t after = r0.FirstGained(1) - died;
  EXPECT_GT(after, 3000 - 1000);  // its last renewal was up to a renew period (1 s) before
  EXPECT_LE(after, 3000 + 200);
}

TEST(ShardLeaseKeeper, AReplicaThatCannotRenewStopsBeforeAnotherTakesItsShard) {
  for (bool hung : {false, true}) {
    LeaseStore store;
    const int64_t t0 = 1767225600000;
    Replica r0(store, 0, t0), r1(store, 1, t0 + 7200 * 1000);  // skewed too
    for (int i = 0; i < 30; ++i) {
      r0.keeper->Tick();
      r1.keeper->Tick();
      r0.clock.Advance(100);
      r1.clock.Advance(100);
    }
    ASSERT_TRUE(r1.ownership.Holds(1));
    // r1's Lease writes now fail (refused), or its requests hang (no Tick
    // returns: only the watchdog runs).
    r1.client.refuse_writes = true;
    int64_t blocked = r0.clock.NowMs();
    int64_t r1_stopped = -1;
    while (!r0.ownership.Holds(1) && r0.clock.NowMs() - blocked < 20000) {
      r0.keeper->Tick();
      if (hung) r1.keeper->CheckRenewDeadlines();
      else r1.keeper->Tick();
      if (r1_stopped < 0 && !r1.lost.empty()) r1_stopped = r0.clock.NowMs();
      r0.clock.Advance(50);
      r1.clock.Advance(50);
    }
    ASSERT_TRUE(r0.ownership.Holds(1)) << "hung=" << hung;
    ASSERT_GE(r1_stopped, 0) << "r1 never stopped taking work of shard 1 (hung=" << hung << ")";
    EXPECT_EQ(r1.lost.front().first, 1);
    EXPECT_FALSE(r1.ownership.Holds(1));
    int64_t r0_took = r0.FirstGained(1);
    // r1 stopped within its renew deadline (2 s of 3 s) ...
    EXPECT_LE(r1_stopped - blocked, 2000 + 100) << "hung=" << hung;
    // ... and at least 1 s before r0 could start any work of shard 1.
    EXPECT_GE(r0_took - r1_stopped, 900) << "hung=" << hung;
    // Writes allowed again: r1 finds its Lease held by r0 and asks for it back.
    r1.client.refuse_writes = false;
    for (int i = 0; i < 40; ++i) {
      r0.keeper->Tick();
      r1.keeper->Tick();
      r0.clock.Advance(100);
      r1.clock.Advance(100);
      EXPECT_FALSE(r0.ownership.Holds(1) && r1.ownership.Holds(1)) << "both hold shard 1";
    }
    EXPECT_TRUE(r1.ownership.Holds(1)) << "hung=" << hung;
    EXPECT_FALSE(r0.ownership.Holds(1)) << "hung=" << hung;
  }
}

}  // namespace
}  // namespace capstan::controller
