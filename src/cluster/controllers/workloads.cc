// StatefulSet, DaemonSet, Job and CronJob controllers: simplified, but with
// the status fields `kubectl rollout status` and `kubectl wait` read.
#include <algorithm>
#include <ctime>

#include "cluster/api.h"
#include "cluster/controllers/ctx.h"

namespace capstan::cluster {

using yaml::Node;

bool PodAvailable(Ctx& c, const Node& pod, int64_t min_ready_seconds);

namespace {

std::vector<Node> Owned(Ctx& c, const ResourceInfo& r, const std::string& ns, const std::string& uid) {
  std::vector<Node> out;
  for (auto& p : c.List(r, ns))
    if (IsControlledBy(p, uid)) out.push_back(std::move(p));
  return out;
}

Node WithLabel(Node tmpl, const std::string& k, const std::string& v) {
  tmpl.GetOrCreateMap("metadata").GetOrCreateMap("labels").Set(k, Node::String(v));
  return tmpl;
}

}  // namespace

void RunStatefulSets(Ctx& c) {
  ResourceInfo sts_r = c.Res("apps", "statefulsets");
  ResourceInfo pods_r = c.Res("", "pods");
  for (const Node& before : c.List(sts_r)) {
    if (!before.StrAt({"metadata", "deletionTimestamp"}).empty()) continue;
    Node s = before;
    std::string ns = s.StrAt({"metadata", "namespace"}), name = s.StrAt({"metadata", "name"});
    std::string uid = s.StrAt({"metadata", "uid"});
    const Node* tmpl = s.At({"spec", "template"});
    if (!tmpl) continue;
    int64_t replicas = IntAt(s, {"spec", "replicas"}, 1);
    std::string rev = name + "-" + TemplateHash(*tmpl);
    bool parallel = s.StrAt({"spec", "podManagementPolicy"}) == "Parallel";
    auto pods = Owned(c, pods_r, ns, uid);
    std::map<int64_t, Node> by_ord;
    for (auto& p : pods) {
      std::string pn = p.StrAt({"metadata", "name"});
      by_ord[std::atoll(pn.substr(pn.rfind('-') + 1).c_str())] = p;
    }
    bool all_ready_so_far = true;
    for (int64_t i = 0; i < replicas; ++i) {
      auto it = by_ord.find(i);
      if (it == by_ord.end()) {
        if (!parallel && !all_ready_so_far) break;
        std::string pn = name + "-" + std::to_string(i);
        Node t = WithLabel(WithLabel(WithLabel(*tmpl, "controller-revision-hash", rev),
                                     "statefulset.kubernetes.io/pod-name", pn),
                           "apps.kubernetes.io/pod-index", std::to_string(i));
        Node pod = PodFromTemplate(t, s, pn, ns);
        pod.GetOrCreateMap("spec").Set("hostname", Node::String(pn));
        if (std::string svc = s.StrAt({"spec", "serviceName"}); !svc.empty())
          pod.GetOrCreateMap("spec").Set("subdomain", Node::String(svc));
        c.Create(pods_r, pod);
        all_ready_so_far = false;
        if (!parallel) break;
        continue;
      }
      if (!PodReady(it->second)) all_ready_so_far = false;
    }
    // Scale down from the highest ordinal.
    for (auto it = by_ord.rbegin(); it != by_ord.rend(); ++it)
      if (it->first >= replicas) {
        c.Delete(pods_r, it->second);
        if (!parallel) break;
      }
    // Rolling update: replace the highest-ordinal outdated pod when all are ready.
    int64_t ready = 0, updated = 0, current = 0, available = 0;
    bool every_ready = true;
    for (auto& [ord, p] : by_ord) {
      if (ord >= replicas) continue;
      if (PodReady(p)) ++ready; else every_ready = false;
      if (PodAvailable(c, p, IntAt(s, {"spec", "minReadySeconds"}))) ++available;
      if (p.StrAt({"metadata", "labels", "controller-revision-hash"}) == rev) ++updated;
      ++current;
    }
    if (s.StrAt({"spec", "updateStrategy", "type"}, "RollingUpdate") == "RollingUpdate" && every_ready) {
      for (auto it = by_ord.rbegin(); it != by_ord.rend(); ++it) {
        if (it->first >= replicas) continue;
        if (it->second.StrAt({"metadata", "labels", "controller-revision-hash"}) != rev) {
          c.Delete(pods_r, it->second);
          break;
        }
      }
    }
    Node st = Node::Map();
    st.Set("observedGeneration", Node::Int(IntAt(s, {"metadata", "generation"}, 1)));
    st.Set("replicas", Node::Int(current));
    if (ready) st.Set("readyReplicas", Node::Int(ready));
    if (current) st.Set("currentReplicas", Node::Int(updated == current ? current : current - updated));
    if (updated) st.Set("updatedReplicas", Node::Int(updated));
    std::string cur_rev = before.StrAt({"status", "currentRevision"}, rev);
    if (updated == replicas && ready == replicas) cur_rev = rev;
    st.Set("currentRevision", Node::String(cur_rev));
    st.Set("updateRevision", Node::String(rev));
    st.Set("collisionCount", Node::Int(0));
    st.Set("availableReplicas", Node::Int(available));
    s.Set("status", st);
    c.Update(sts_r, before, s);
  }
}

void RunDaemonSets(Ctx& c) {
  ResourceInfo ds_r = c.Res("apps", "daemonsets");
  ResourceInfo pods_r = c.Res("", "pods");
  std::vector<std::string> nodes;
  for (const auto& n : c.List(c.Res("", "nodes"))) nodes.push_back(n.StrAt({"metadata", "name"}));
  for (const Node& before : c.List(ds_r)) {
    if (!before.StrAt({"metadata", "deletionTimestamp"}).empty()) continue;
    Node d = before;
    std::string ns = d.StrAt({"metadata", "namespace"}), name = d.StrAt({"metadata", "name"});
    std::string uid = d.StrAt({"metadata", "uid"});
    const Node* tmpl = d.At({"spec", "template"});
    if (!tmpl) continue;
    std::string hash = TemplateHash(*tmpl);
    auto pods = Owned(c, pods_r, ns, uid);
    std::map<std::string, Node> by_node;
    for (auto& p : pods) by_node[p.StrAt({"spec", "nodeName"})] = p;
    int64_t ready = 0, updated = 0, available = 0, scheduled = 0;
    bool replaced = false;
    for (const auto& node : nodes) {
      auto it = by_node.find(node);
      if (it == by_node.end()) {
        Node pod = PodFromTemplate(WithLabel(*tmpl, "controller-revision-hash", hash), d,
                                   name + "-" + RandomSuffix5(), ns);
        pod.GetOrCreateMap("spec").Set("nodeName", Node::String(node));
        c.Create(pods_r, pod);
        continue;
      }
      ++scheduled;
      const Node& p = it->second;
      bool up = p.StrAt({"metadata", "labels", "controller-revision-hash"}) == hash;
      if (up) ++updated;
      if (PodReady(p)) ++ready;
      if (PodAvailable(c, p, IntAt(d, {"spec", "minReadySeconds"}))) ++available;
      if (!up && !replaced && PodActive(p)) {
        c.Delete(pods_r, p);  // maxUnavailable 1: one node at a time
        replaced = true;
      }
    }
    Node st = Node::Map();
    st.Set("currentNumberScheduled", Node::Int(scheduled));
    st.Set("desiredNumberScheduled", Node::Int(static_cast<int64_t>(nodes.size())));
    st.Set("numberAvailable", Node::Int(available));
    st.Set("numberMisscheduled", Node::Int(0));
    st.Set("numberReady", Node::Int(ready));
    if (static_cast<int64_t>(nodes.size()) > available)
      st.Set("numberUnavailable", Node::Int(static_cast<int64_t>(nodes.size()) - available));
    st.Set("observedGeneration", Node::Int(IntAt(d, {"metadata", "generation"}, 1)));
    st.Set("updatedNumberScheduled", Node::Int(updated));
    d.Set("status", st);
    c.Update(ds_r, before, d);
  }
}

void RunJobs(Ctx& c) {
  ResourceInfo job_r = c.Res("batch", "jobs");
  ResourceInfo pods_r = c.Res("", "pods");
  for (const Node& before : c.List(job_r)) {
    if (!before.StrAt({"metadata", "deletionTimestamp"}).empty()) continue;
    Node j = before;
    Node st = j.Get("status") ? *j.Get("status") : Node::Map();
    const Node* done = FindCondition(st, "Complete");
    const Node* failed_c = FindCondition(st, "Failed");
    if ((done && done->StrAt({"status"}) == "True") || (failed_c && failed_c->StrAt({"status"}) == "True"))
      continue;
    std::string ns = j.StrAt({"metadata", "namespace"}), name = j.StrAt({"metadata", "name"});
    std::string uid = j.StrAt({"metadata", "uid"});
    const Node* tmpl = j.At({"spec", "template"});
    if (!tmpl) continue;
    bool suspended = j.StrAt({"spec", "suspend"}) == "true";
    int64_t completions = IntAt(j, {"spec", "completions"}, 1);
    int64_t parallelism = IntAt(j, {"spec", "parallelism"}, 1);
    int64_t backoff = IntAt(j, {"spec", "backoffLimit"}, 6);
    auto pods = Owned(c, pods_r, ns, uid);
    int64_t active = 0, succeeded = 0, failed = 0, ready = 0;
    for (const auto& p : pods) {
      std::string phase = p.StrAt({"status", "phase"});
      if (phase == "Succeeded") ++succeeded;
      else if (phase == "Failed") ++failed;
      else {
        ++active;
        if (PodReady(p)) ++ready;
      }
    }
    if (!st.Has("startTime") && !suspended) st.Set("startTime", Node::String(NowRfc3339()));
    if (!suspended && failed <= backoff) {
      int64_t want = std::min(parallelism, completions - succeeded);
      for (int64_t i = active; i < want; ++i) {
        Node pod = PodFromTemplate(*tmpl, j, name + "-" + RandomSuffix5(), ns);
        if (c.Create(pods_r, pod)) ++active;
      }
    }
    if (succeeded) st.Set("succeeded", Node::Int(succeeded)); else st.Remove("succeeded");
    if (failed) st.Set("failed", Node::Int(failed)); else st.Remove("failed");
    if (active) st.Set("active", Node::Int(active)); else st.Remove("active");
    st.Set("ready", Node::Int(ready));
    st.Set("terminating", Node::Int(0));
    st.Set("uncountedTerminatedPods", Node::Map());
    if (succeeded >= completions) {
      std::string now = NowRfc3339();
      Node a = Condition("SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods");
      Node b = Condition("Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods");
      a.Set("lastProbeTime", Node::String(now));
      b.Set("lastProbeTime", Node::String(now));
      SetCondition(st, a);
      SetCondition(st, b);
      st.Set("completionTime", Node::String(now));
      st.Remove("active");
    } else if (failed > backoff) {
      std::string now = NowRfc3339();
      Node a = Condition("FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
      Node b = Condition("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
      a.Set("lastProbeTime", Node::String(now));
      b.Set("lastProbeTime", Node::String(now));
      SetCondition(st, a);
      SetCondition(st, b);
      for (const auto& p : pods)
        if (PodActive(p)) c.Delete(pods_r, p);
      st.Remove("active");
    }
    j.Set("status", st);
    c.Update(job_r, before, j);
  }
}

namespace {

// One cron field ("*", "*/5", "1,2", "1-5", "3") matches `v`.
bool CronField(const std::string& f, int v) {
  size_t start = 0;
  while (start <= f.size()) {
    size_t comma = f.find(',', start);
    std::string part = f.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    int step = 1;
    if (size_t sl = part.find('/'); sl != std::string::npos) {
      step = std::max(1, std::atoi(part.c_str() + sl + 1));
      part = part.substr(0, sl);
    }
    int lo = 0, hi = 1 << 20;
    if (part != "*") {
      size_t dash = part.find('-');
      lo = std::atoi(part.c_str());
      hi = dash == std::string::npos ? (step > 1 ? 1 << 20 : lo) : std::atoi(part.c_str() + dash + 1);
    }
    if (v >= lo && v <= hi && (v - lo) % step == 0) return true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

bool CronMatches(const std::string& schedule, time_t t) {
  std::string s = schedule;
  if (s == "@hourly") s = "0 * * * *";
  if (s == "@daily" || s == "@midnight") s = "0 0 * * *";
  if (s == "@weekly") s = "0 0 * * 0";
  if (s == "@monthly") s = "0 0 1 * *";
  if (s == "@yearly" || s == "@annually") s = "0 0 1 1 *";
  std::vector<std::string> f;
  size_t p = 0;
  while (p < s.size()) {
    size_t q = s.find(' ', p);
    if (q == std::string::npos) q = s.size();
    if (q > p) f.push_back(s.substr(p, q - p));
    p = q + 1;
  }
  if (f.size() != 5) return false;
  struct tm tm;
  gmtime_r(&t, &tm);
  return CronField(f[0], tm.tm_min) && CronField(f[1], tm.tm_hour) && CronField(f[2], tm.tm_mday) &&
         CronField(f[3], tm.tm_mon + 1) && CronField(f[4], tm.tm_wday);
}

}  // namespace

void RunCronJobs(Ctx& c) {
  ResourceInfo cj_r = c.Res("batch", "cronjobs");
  ResourceInfo job_r = c.Res("batch", "jobs");
  static const time_t wall_start = time(nullptr);
  // Simulated wall clock: start + simulated seconds.
  time_t now = wall_start + static_cast<time_t>(c.Now());
  for (const Node& before : c.List(cj_r)) {
    if (!before.StrAt({"metadata", "deletionTimestamp"}).empty()) continue;
    if (before.StrAt({"spec", "suspend"}) == "true") continue;
    Node cj = before;
    std::string ns = cj.StrAt({"metadata", "namespace"}), name = cj.StrAt({"metadata", "name"});
    std::string uid = cj.StrAt({"metadata", "uid"});
    time_t minute = now - now % 60;
    std::string key = "cron/" + uid;
    auto it = c.progress_at.find(key);
    double last = it == c.progress_at.end() ? static_cast<double>(minute) : it->second;
    c.progress_at[key] = static_cast<double>(minute);
    auto jobs = Owned(c, job_r, ns, uid);
    Node active = Node::Seq();
    for (const auto& j : jobs) {
      const Node* d = j.Get("status") ? FindCondition(*j.Get("status"), "Complete") : nullptr;
      const Node* f = j.Get("status") ? FindCondition(*j.Get("status"), "Failed") : nullptr;
      if (d || f) continue;
      Node ref = Node::Map();
      ref.Set("apiVersion", Node::String("batch/v1"));
      ref.Set("kind", Node::String("Job"));
      ref.Set("name", Node::String(j.StrAt({"metadata", "name"})));
      ref.Set("namespace", Node::String(ns));
      ref.Set("uid", Node::String(j.StrAt({"metadata", "uid"})));
      ref.Set("resourceVersion", Node::String(j.StrAt({"metadata", "resourceVersion"})));
      active.items.push_back(ref);
    }
    Node& st = cj.GetOrCreateMap("status");
    for (time_t t = static_cast<time_t>(last) + 60; t <= minute; t += 60) {
      if (!CronMatches(cj.StrAt({"spec", "schedule"}), t)) continue;
      if (cj.StrAt({"spec", "concurrencyPolicy"}) == "Forbid" && !active.items.empty()) continue;
      Node job = Node::Map();
      Node& md = job.GetOrCreateMap("metadata");
      md.Set("name", Node::String(name + "-" + std::to_string(t / 60)));
      md.Set("namespace", Node::String(ns));
      Node refs = Node::Seq();
      refs.items.push_back(OwnerRef(cj));
      md.Set("ownerReferences", refs);
      if (const Node* jt = cj.At({"spec", "jobTemplate", "metadata", "labels"})) md.Set("labels", *jt);
      job.Set("spec", cj.At({"spec", "jobTemplate", "spec"}) ? *cj.At({"spec", "jobTemplate", "spec"}) : Node::Map());
      c.Create(job_r, job);
      struct tm tm;
      gmtime_r(&t, &tm);
      char buf[32];
      strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
      st.Set("lastScheduleTime", Node::String(buf));
    }
    if (active.items.empty()) st.Remove("active"); else st.Set("active", active);
    c.Update(cj_r, before, cj);
  }
}

}  // namespace capstan::cluster
