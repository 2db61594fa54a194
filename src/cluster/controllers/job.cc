// Jobs: pods until completions succeed (or backoffLimit fails), with the
// status fields and conditions `kubectl wait` reads (simplified).
#include <algorithm>
#include <ctime>

#include "cluster/api.h"
#include "cluster/controllers/ctx.h"

namespace capstan::cluster {

using yaml::Node;

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
    auto pods = OwnedBy(c, pods_r, ns, uid);
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

}  // namespace capstan::cluster
