// CronJobs: a Job from the template at each matching minute of the
// schedule (simulated clock).
#include <algorithm>
#include <ctime>

#include "cluster/api.h"
#include "cluster/controllers/ctx.h"

namespace capstan::cluster {

using yaml::Node;

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
    auto jobs = OwnedBy(c, job_r, ns, uid);
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
