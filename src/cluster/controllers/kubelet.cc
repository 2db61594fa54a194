// Scheduler + kubelet simulation: pods get a node, an IP, and container
// states that follow the simulation rules (normal, crashloop, imagepull,
// notready, slow, fail).
#include <cmath>

#include "cluster/api.h"
#include "cluster/controllers/ctx.h"

namespace capstan::cluster {

using yaml::Node;

namespace {

std::string ImageId(const std::string& image) {
  uint32_t h = 2166136261u;
  for (unsigned char c : image) {
    h ^= c;
    h *= 16777619u;
  }
  char buf[80];
  snprintf(buf, sizeof buf, "%08x%08x%08x%08x%08x%08x%08x%08x", h, h ^ 0x5bd1e995, h * 3, h ^ 0xdeadbeef,
           h * 7, h ^ 0x1234567, h * 11, h ^ 0x89abcdef);
  std::string repo = image.substr(0, image.find_first_of(":@"));
  if (repo.find('/') == std::string::npos) repo = "docker.io/library/" + repo;
  return repo + "@sha256:" + buf;
}

std::string Iso(double offset_wall_seconds) {
  time_t t = time(nullptr) + static_cast<time_t>(offset_wall_seconds);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

void RunKubelet(Ctx& c) {
  ResourceInfo pods = c.Res("", "pods");
  ResourceInfo nodes_r = c.Res("", "nodes");
  std::vector<std::string> nodes;
  for (const auto& n : c.List(nodes_r)) nodes.push_back(n.StrAt({"metadata", "name"}));
  if (nodes.empty()) return;
  int pod_index = 0;
  for (const Node& before : c.List(pods)) {
    ++pod_index;
    Node pod = before;
    std::string uid = pod.StrAt({"metadata", "uid"});
    std::string phase = pod.StrAt({"status", "phase"});
    if (phase == "Succeeded" || phase == "Failed") continue;
    if (!pod.StrAt({"metadata", "deletionTimestamp"}).empty()) {
      // Graceful termination is instant here once finalizers are gone.
      const Node* fins = pod.At({"metadata", "finalizers"});
      if (!fins || fins->size() == 0) c.Delete(pods, pod);
      continue;
    }
    Node& spec = pod.GetOrCreateMap("spec");
    Node& st = pod.GetOrCreateMap("status");
    // Schedule.
    if (spec.StrAt({"nodeName"}).empty()) {
      uint32_t h = 0;
      for (char ch : pod.StrAt({"metadata", "name"})) h = h * 31 + static_cast<unsigned char>(ch);
      spec.Set("nodeName", Node::String(nodes[h % nodes.size()]));
      SetCondition(st, Condition("PodScheduled", "True", "", ""));
    }
    double age = c.SeenFor(uid);
    Simulation sim = c.rules.For(pod);
    double start = c.options.pod_start_seconds;
    if (age < start * 0.5) {
      if (!(pod == before)) c.Update(pods, before, pod);
      continue;
    }
    std::string node = spec.StrAt({"nodeName"});
    int node_idx = 1;
    for (size_t i = 0; i < nodes.size(); ++i)
      if (nodes[i] == node) node_idx = static_cast<int>(i) + 1;
    if (!st.Has("startTime")) st.Set("startTime", Node::String(NowRfc3339()));
    if (!st.Has("hostIP")) {
      std::string host = "172.18.0." + std::to_string(node_idx + 1);
      st.Set("hostIP", Node::String(host));
      Node hips = Node::Seq();
      Node hip = Node::Map();
      hip.Set("ip", Node::String(host));
      hips.items.push_back(hip);
      st.Set("hostIPs", hips);
      uint32_t h = 0;
      for (char ch : uid) h = h * 131 + static_cast<unsigned char>(ch);
      std::string ip = "10.244." + std::to_string(node_idx) + "." + std::to_string(h % 250 + 2);
      st.Set("podIP", Node::String(ip));
      Node pips = Node::Seq();
      Node pip = Node::Map();
      pip.Set("ip", Node::String(ip));
      pips.items.push_back(pip);
      st.Set("podIPs", pips);
    }
    bool run_to_completion = spec.StrAt({"restartPolicy"}) != "Always";
    bool running = age >= start;
    bool ready = running;
    Node statuses = Node::Seq();
    std::vector<std::string> unready;
    const Node* containers = spec.Get("containers");
    const Node* old_statuses = before.At({"status", "containerStatuses"});
    bool all_done = true, failed = false;
    if (containers && containers->IsSeq()) {
      for (size_t i = 0; i < containers->items.size(); ++i) {
        const Node& ctr = containers->items[i];
        std::string name = ctr.StrAt({"name"});
        std::string image = ctr.StrAt({"image"});
        Node cs = Node::Map();
        const Node* prev = nullptr;
        if (old_statuses && old_statuses->IsSeq())
          for (const auto& o : old_statuses->items)
            if (o.StrAt({"name"}) == name) prev = &o;
        cs.Set("name", Node::String(name));
        Node state = Node::Map();
        Node last = Node::Map();
        bool cready = false;
        int64_t restarts = 0;
        std::string started_at = prev ? prev->StrAt({"state", "running", "startedAt"}) : "";
        if (started_at.empty()) started_at = NowRfc3339();
        switch (sim.behavior) {
          case Behavior::kImagePull: {
            Node w = Node::Map();
            bool backoff = static_cast<int64_t>(age / 5) % 2 == 1;
            w.Set("reason", Node::String(backoff ? "ImagePullBackOff" : "ErrImagePull"));
            w.Set("message", Node::String(backoff ? "Back-off pulling image \"" + image + "\""
                                                  : "failed to pull and unpack image \"" + image +
                                                        "\": not found"));
            state.Set("waiting", w);
            all_done = false;
            break;
          }
          case Behavior::kCrashLoop: {
            // Restarts with exponential back-off: 10s, 20s, 40s ... (capped at 5m).
            double t = age - start, backoff = 10;
            while (t >= 0) {
              t -= backoff;
              if (t >= 0) ++restarts;
              backoff = std::min(backoff * 2, 300.0);
            }
            Node w = Node::Map();
            w.Set("reason", Node::String("CrashLoopBackOff"));
            w.Set("message", Node::String("back-off " + std::to_string(static_cast<int>(std::min(10.0 * std::pow(2, restarts), 300.0))) +
                                          "s restarting failed container=" + name + " pod=" +
                                          pod.StrAt({"metadata", "name"}) + "_" +
                                          pod.StrAt({"metadata", "namespace"}) + "(" + uid + ")"));
            state.Set("waiting", w);
            Node term = Node::Map();
            term.Set("exitCode", Node::Int(1));
            term.Set("reason", Node::String("Error"));
            term.Set("startedAt", Node::String(started_at));
            term.Set("finishedAt", Node::String(NowRfc3339()));
            term.Set("containerID", Node::String("containerd://" + uid.substr(0, 8) + std::to_string(restarts)));
            if (prev && prev->At({"lastState", "terminated"}) &&
                IntAt(*prev, {"restartCount"}) == restarts)
              last = *prev->Get("lastState");
            else
              last.Set("terminated", term);
            ++restarts;  // the first crash happened at start
            all_done = false;
            break;
          }
          default: {
            if (!running) {
              Node w = Node::Map();
              w.Set("reason", Node::String("ContainerCreating"));
              state.Set("waiting", w);
              all_done = false;
              break;
            }
            if (run_to_completion) {
              bool fail = sim.behavior == Behavior::kFail;
              Node term = Node::Map();
              term.Set("exitCode", Node::Int(fail ? 1 : 0));
              term.Set("reason", Node::String(fail ? "Error" : "Completed"));
              term.Set("startedAt", Node::String(started_at));
              term.Set("finishedAt", Node::String(NowRfc3339()));
              term.Set("containerID", Node::String("containerd://" + uid.substr(0, 8)));
              if (fail) failed = true;
              if (age < start * 2) {
                Node r = Node::Map();
                r.Set("startedAt", Node::String(started_at));
                state.Set("running", r);
                all_done = false;
              } else {
                state.Set("terminated", term);
              }
              break;
            }
            Node r = Node::Map();
            r.Set("startedAt", Node::String(started_at));
            state.Set("running", r);
            all_done = false;
            cready = sim.behavior == Behavior::kNotReady ? false
                     : sim.behavior == Behavior::kSlow   ? age >= start + sim.ready_after
                                                         : true;
          }
        }
        cs.Set("state", state);
        cs.Set("lastState", last);
        cs.Set("ready", Node::Bool(cready));
        cs.Set("restartCount", Node::Int(restarts));
        cs.Set("image", Node::String(image));
        cs.Set("imageID", Node::String(sim.behavior == Behavior::kImagePull ? "" : ImageId(image)));
        if (state.Has("running") || state.Has("terminated") || sim.behavior == Behavior::kCrashLoop)
          cs.Set("containerID", Node::String("containerd://" + ImageId(uid + name).substr(ImageId(uid + name).size() - 64)));
        cs.Set("started", Node::Bool(state.Has("running")));
        statuses.items.push_back(cs);
        if (!cready) {
          ready = false;
          unready.push_back(name);
        }
      }
    }
    st.Set("containerStatuses", statuses);
    if (run_to_completion && all_done) {
      st.Set("phase", Node::String(failed ? "Failed" : "Succeeded"));
      ready = false;
    } else if (sim.behavior == Behavior::kImagePull || (!running && sim.behavior != Behavior::kCrashLoop)) {
      st.Set("phase", Node::String("Pending"));
    } else {
      st.Set("phase", Node::String("Running"));
    }
    std::string unready_list;
    for (size_t i = 0; i < unready.size(); ++i) unready_list += (i ? " " : "") + unready[i];
    SetCondition(st, Condition("PodReadyToStartContainers", running ? "True" : "False", "", ""));
    SetCondition(st, Condition("Initialized", "True", "", ""));
    if (ready) {
      SetCondition(st, Condition("Ready", "True", "", ""));
      SetCondition(st, Condition("ContainersReady", "True", "", ""));
      if (!c.ready_since.count(uid)) c.ready_since[uid] = c.Now();
    } else {
      std::string reason = run_to_completion && all_done ? "PodCompleted" : "ContainersNotReady";
      std::string msg = reason == "PodCompleted" ? "" : "containers with unready status: [" + unready_list + "]";
      SetCondition(st, Condition("Ready", "False", reason, msg));
      SetCondition(st, Condition("ContainersReady", "False", reason, msg));
      c.ready_since.erase(uid);
    }
    SetCondition(st, Condition("PodScheduled", "True", "", ""));
    // Keep condition order stable as kubelet reports it.
    if (Node* cs = st.Get("conditions"); cs && cs->IsSeq()) {
      static const char* order[] = {"PodReadyToStartContainers", "Initialized", "Ready",
                                    "ContainersReady", "PodScheduled"};
      std::vector<Node> sorted;
      for (const char* t : order)
        for (const auto& x : cs->items)
          if (x.StrAt({"type"}) == t) sorted.push_back(x);
      for (const auto& x : cs->items) {
        bool known = false;
        for (const char* t : order) known |= x.StrAt({"type"}) == t;
        if (!known) sorted.push_back(x);
      }
      cs->items = sorted;
    }
    if (!(pod == before)) c.Update(pods, before, pod);
  }
  (void)Iso;
  (void)pod_index;
}

}  // namespace capstan::cluster
