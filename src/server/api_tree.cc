// Read-only views of one Application: resource tree, managed resources
// (live and desired, Secret data masked), manifests, events, revision
// metadata, and the event streams.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>

#include "app/compare.h"
#include "diff/diff.h"
#include "health/health.h"
#include "server/api_internal.h"
#include "sync/plan.h"

namespace capstan::server {

using yaml::Node;

namespace {

Node StripLive(Node obj) {
  if (Node* md = obj.Get("metadata"); md && md->IsMap()) {
    md->Remove("managedFields");
    if (Node* ann = md->Get("annotations"); ann && ann->IsMap()) {
      ann->Remove("kubectl.kubernetes.io/last-applied-configuration");
      if (ann->size() == 0) md->Remove("annotations");
    }
  }
  return obj;
}

// Argo CD's pod info: the reason a person looks for, containers ready/total, restarts.
void PodInfo(const Node& pod, Node* node) {
  std::string reason = pod.StrAt({"status", "reason"});
  if (reason.empty()) reason = pod.StrAt({"status", "phase"});
  int ready = 0, total = 0, restarts = 0;
  if (const Node* cs = pod.At({"status", "containerStatuses"}); cs && cs->IsSeq()) {
    for (const auto& c : cs->items) {
      ++total;
      if (c.Get("ready") && c.Get("ready")->AsBool()) ++ready;
      if (c.Get("restartCount")) restarts += static_cast<int>(c.Get("restartCount")->AsInt());
      std::string w = c.StrAt({"state", "waiting", "reason"});
      std::string t = c.StrAt({"state", "terminated", "reason"});
      if (!w.empty()) reason = w;
      else if (!t.empty()) reason = t;
    }
  } else if (const Node* spec = pod.At({"spec", "containers"}); spec && spec->IsSeq()) {
    total = static_cast<int>(spec->items.size());
  }
  if (pod.At({"metadata", "deletionTimestamp"})) reason = "Terminating";
  Node info = Node::Seq();
  auto add = [&](const std::string& k, const std::string& v) {
    Node i = Node::Map();
    i.Set("name", Node::String(k));
    i.Set("value", Node::String(v));
    info.items.push_back(i);
  };
  add("Status Reason", reason);
  add("Containers", std::to_string(ready) + "/" + std::to_string(total));
  if (restarts) add("Restart Count", std::to_string(restarts));
  node->Set("info", info);
  Node images = Node::Seq();
  if (const Node* spec = pod.At({"spec", "containers"}); spec && spec->IsSeq())
    for (const auto& c : spec->items) images.items.push_back(Node::String(c.StrAt({"image"})));
  node->Set("images", images);
}

Node TreeNode(const Node& obj) {
  resource::ResId id = resource::ResId::Of(obj);
  Node n = Node::Map();
  n.Set("group", Node::String(id.gvk.group));
  n.Set("version", Node::String(id.gvk.version));
  n.Set("kind", Node::String(id.gvk.kind));
  n.Set("namespace", Node::String(id.ns));
  n.Set("name", Node::String(id.name));
  n.Set("uid", Node::String(obj.StrAt({"metadata", "uid"})));
  n.Set("resourceVersion", Node::String(obj.StrAt({"metadata", "resourceVersion"})));
  n.Set("createdAt", Node::String(obj.StrAt({"metadata", "creationTimestamp"})));
  if (auto h = health::Assess(obj)) {
    Node hn = Node::Map();
    hn.Set("status", Node::String(std::string(health::CodeName(h->code))));
    if (!h->message.empty()) hn.Set("message", Node::String(h->message));
    n.Set("health", hn);
  }
  if (id.gvk.group.empty() && id.gvk.kind == "Pod") PodInfo(obj, &n);
  return n;
}

}  // namespace

Node Api::ResourceTreeOf(const Node& app) {
  Node nodes = Node::Seq();
  std::set<std::string> uids, namespaces;
  std::string dest_ns = app.StrAt({"spec", "destination", "namespace"});
  if (!dest_ns.empty()) namespaces.insert(dest_ns);
  if (const Node* rs = app.At({"status", "resources"}); rs && rs->IsSeq()) {
    for (const auto& r : rs->items) {
      resource::ResId id{{r.StrAt({"group"}), r.StrAt({"version"}), r.StrAt({"kind"})}, r.StrAt({"namespace"}),
                         r.StrAt({"name"})};
      if (id.gvk.version.empty()) continue;
      Node live;
      try {
        live = client_.Get(id);
      } catch (const std::exception&) {
        continue;  // not live: no tree node (Argo CD shows it as missing in the list only)
      }
      Node n = TreeNode(live);
      if (const Node* h = r.Get("health"); h && h->IsMap()) n.Set("health", *h);
      uids.insert(n.StrAt({"uid"}));
      if (!id.ns.empty()) namespaces.insert(id.ns);
      nodes.items.push_back(std::move(n));
    }
  }
  // Children by ownerReferences: ReplicaSets, Pods, Jobs, ... of the managed objects.
  std::vector<Node> candidates;
  for (const auto& ns : namespaces)
    for (const resource::Gvk& gvk : {resource::Gvk{"apps", "v1", "ReplicaSet"}, resource::Gvk{"", "v1", "Pod"},
                                     resource::Gvk{"batch", "v1", "Job"}, resource::Gvk{"apps", "v1", "ControllerRevision"}}) {
      try {
        Node list = client_.List(gvk, ns);
        if (const Node* items = list.Get("items"); items && items->IsSeq())
          for (const auto& o : items->items) {
            Node copy = o;
            if (copy.StrAt({"kind"}).empty()) copy.Set("kind", Node::String(gvk.kind));
            if (copy.StrAt({"apiVersion"}).empty()) copy.Set("apiVersion", Node::String(gvk.ApiVersion()));
            candidates.push_back(std::move(copy));
          }
      } catch (const std::exception&) {
      }
    }
  bool added = true;
  std::set<size_t> used;
  while (added) {
    added = false;
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (used.count(i)) continue;
      const Node& o = candidates[i];
      const Node* owners = o.At({"metadata", "ownerReferences"});
      if (!owners || !owners->IsSeq()) continue;
      Node parents = Node::Seq();
      for (const auto& ref : owners->items) {
        if (!uids.count(ref.StrAt({"uid"}))) continue;
        Node p = Node::Map();
        resource::Gvk g = resource::Gvk::FromApiVersion(ref.StrAt({"apiVersion"}), ref.StrAt({"kind"}));
        p.Set("group", Node::String(g.group));
        p.Set("kind", Node::String(g.kind));
        p.Set("namespace", Node::String(o.StrAt({"metadata", "namespace"})));
        p.Set("name", Node::String(ref.StrAt({"name"})));
        p.Set("uid", Node::String(ref.StrAt({"uid"})));
        parents.items.push_back(p);
      }
      if (parents.items.empty()) continue;
      Node n = TreeNode(o);
      n.Set("parentRefs", parents);
      uids.insert(n.StrAt({"uid"}));
      nodes.items.push_back(std::move(n));
      used.insert(i);
      added = true;
    }
  }
  Node tree = Node::Map();
  tree.Set("nodes", nodes);
  tree.Set("orphanedNodes", Node::Seq());
  tree.Set("hosts", Node::Seq());
  return tree;
}

Response Api::ResourceTree(Call& c, const std::string& name) {
  Response denied;
  auto a = AppFor(c, name, "get", &denied);
  if (!a) return denied;
  return Json(ResourceTreeOf(a->object));
}

Response Api::ManagedResources(Call& c, const std::string& name) {
  Response denied;
  auto a = AppFor(c, name, "get", &denied);
  if (!a) return denied;
  app::Application application = manager_->Get(name);
  app::Comparison cmp = manager_->Refresh(application);
  std::map<std::string, const Node*> desired, live;
  for (const auto& d : cmp.desired) desired[sync::GroupKindKey(resource::ResId::Of(d))] = &d;
  for (const auto& l : cmp.live) live[sync::GroupKindKey(resource::ResId::Of(l))] = &l;
  Node items = Node::Seq();
  for (const auto& r : cmp.resources) {
    std::string key = sync::GroupKindKey(r.id);
    std::optional<Node> d, l;
    if (desired.count(key)) d = *desired[key];
    if (live.count(key)) l = StripLive(*live[key]);
    diff::HideSecretData(d ? &*d : nullptr, l ? &*l : nullptr);
    if (l) l = StripLive(*l);
    Node item = Node::Map();
    item.Set("group", Node::String(r.id.gvk.group));
    item.Set("kind", Node::String(r.id.gvk.kind));
    item.Set("namespace", Node::String(r.id.ns));
    item.Set("name", Node::String(r.id.name));
    item.Set("targetState", Node::String(d ? yaml::EmitJson(*d) : "null"));
    item.Set("liveState", Node::String(l ? yaml::EmitJson(*l) : "null"));
    item.Set("normalizedLiveState", Node::String(l ? yaml::EmitJson(*l) : "null"));
    item.Set("predictedLiveState", Node::String(d ? yaml::EmitJson(*d) : "null"));
    item.Set("diff", Node::String(r.diff));
    item.Set("status", Node::String(r.status));
    item.Set("hook", Node::Bool(r.hook));
    item.Set("requiresPruning", Node::Bool(r.requires_pruning));
    items.items.push_back(item);
  }
  Node b = Node::Map();
  b.Set("items", items);
  Node fresh = client_.Get({kApplicationGvk, options_.ns, name});
  cache_.Put(fresh);
  return Json(b);
}

Response Api::Manifests(Call& c, const std::string& name) {
  Response denied;
  auto a = AppFor(c, name, "get", &denied);
  if (!a) return denied;
  app::Application application = manager_->Get(name);
  // Argo CD's GetManifests: rendered at ?revision= (SHA, tag or branch;
  // default the target revision); the Application's status is untouched.
  app::Comparison cmp = manager_->Preview(application, c.req.Query("revision"));
  Node manifests = Node::Seq();
  for (Node d : cmp.desired) {
    diff::HideSecretData(&d, nullptr);
    manifests.items.push_back(Node::String(yaml::EmitJson(d)));
  }
  Node b = Node::Map();
  b.Set("manifests", manifests);
  b.Set("revision", Node::String(cmp.revision));
  b.Set("namespace", Node::String(application.destination.namespace_));
  b.Set("server", Node::String(application.destination.server));
  b.Set("sourceType", Node::String(application.source.helm ? "Helm" : "Kustomize"));
  return Json(b);
}

Response Api::Events(Call& c, const std::string& name) {
  Response denied;
  auto a = AppFor(c, name, "get", &denied);
  if (!a) return denied;
  Node tree = ResourceTreeOf(a->object);
  std::set<std::string> uids;
  std::set<std::string> namespaces{options_.ns};
  for (const auto& n : tree.Get("nodes")->items) {
    uids.insert(n.StrAt({"uid"}));
    if (!n.StrAt({"namespace"}).empty()) namespaces.insert(n.StrAt({"namespace"}));
  }
  std::string app_uid = a->object.StrAt({"metadata", "uid"});
  std::vector<Node> events;
  for (const auto& ns : namespaces) {
    try {
      Node list = client_.List({"", "v1", "Event"}, ns);
      if (const Node* items = list.Get("items"); items && items->IsSeq())
        for (const auto& e : items->items) {
          std::string uid = e.StrAt({"involvedObject", "uid"});
          bool about_app = e.StrAt({"involvedObject", "kind"}) == "Application" &&
                           e.StrAt({"involvedObject", "name"}) == name;
          if (about_app || (!uid.empty() && (uids.count(uid) || uid == app_uid))) events.push_back(e);
        }
    } catch (const std::exception&) {
    }
  }
  auto when = [](const Node& e) {
    std::string t = e.StrAt({"lastTimestamp"});
    return t.empty() ? e.StrAt({"eventTime"}) : t;
  };
  std::sort(events.begin(), events.end(), [&](const Node& x, const Node& y) { return when(x) < when(y); });
  Node items = Node::Seq();
  for (auto& e : events) items.items.push_back(std::move(e));
  Node b = Node::Map();
  b.Set("metadata", Node::Map());
  b.Set("items", items);
  return Json(b);
}

Response Api::RevisionMetadata(Call& c, const std::string& name, const std::string& revision) {
  Response denied;
  auto a = AppFor(c, name, "get", &denied);
  if (!a) return denied;
  std::string repo = a->object.StrAt({"spec", "source", "repoURL"});
  git::RepoCache::CommitInfo info;
  try {
    info = manager_->repos().Info(repo, revision);
  } catch (const std::exception& e) {
    return ErrorResponse(404, "revision " + revision + " not found in " + repo);
  }
  Node b = Node::Map();
  b.Set("author", Node::String(info.author));
  b.Set("date", Node::String(Rfc3339(info.time)));
  b.Set("tags", Node::Seq());
  b.Set("message", Node::String(info.summary));
  return Json(b);
}

// --- streams -----------------------------------------------------------------

namespace {
// Events waiting for one stream client.
struct Mailbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> items;
  bool overflow = false;
  void Push(std::string s) {
    {
      std::lock_guard<std::mutex> l(mu);
      if (items.size() > 10000) overflow = true;  // a client this slow is dropped
      else items.push_back(std::move(s));
    }
    cv.notify_one();
  }
};
}  // namespace

Response Api::StreamApps(Call& c) {
  auto box = std::make_shared<Mailbox>();
  auto settings = c.settings;
  auto may_get = std::make_shared<Rbac::ObjectMatcher>(settings->rbac.For(c.who->Subjects(), "applications", "get"));
  std::string only = c.req.Query("name");
  std::vector<std::string> projects = c.req.QueryAll("projects");
  std::set<std::string> project_set(projects.begin(), projects.end());
  std::string selector = c.req.Query("selector");
  // `settings` is captured to keep the rules may_get points to alive.
  int id = cache_.Subscribe([=](const std::string& type, const std::shared_ptr<const CachedApp>& a) {
    (void)settings;
    if (!only.empty() && a->name != only) return;
    if (!project_set.empty() && !project_set.count(a->project)) return;
    if (!may_get->Allows(a->project + "/" + a->name)) return;
    box->Push("data: {\"result\":{\"type\":\"" + type + "\",\"application\":" + a->json + "}}\n\n");
  });
  Response r;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.stream = [this, box, id](const std::function<bool(const std::string&)>& write) {
    auto last = std::chrono::steady_clock::now();
    // The first write opens the stream for the client right away.
    bool ok = write(": stream open\n\n");
    while (ok && !stopping_) {
      std::deque<std::string> batch;
      {
        std::unique_lock<std::mutex> l(box->mu);
        box->cv.wait_for(l, std::chrono::milliseconds(500), [&] { return !box->items.empty() || box->overflow; });
        if (box->overflow) break;
        batch.swap(box->items);
      }
      std::string out;
      for (auto& s : batch) out += s;
      if (!out.empty()) {
        ok = write(out);
        last = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - last > std::chrono::seconds(10)) {
        ok = write(": keepalive\n\n");
        last = std::chrono::steady_clock::now();
      }
    }
    cache_.Unsubscribe(id);
  };
  return r;
}

Response Api::StreamTree(Call& c, const std::string& name) {
  Response denied;
  auto a = AppFor(c, name, "get", &denied);
  if (!a) return denied;
  auto box = std::make_shared<Mailbox>();
  int id = cache_.Subscribe([box, name](const std::string& type, const std::shared_ptr<const CachedApp>& app) {
    if (app->name == name) box->Push(type);
  });
  Response r;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.stream = [this, box, id, name](const std::function<bool(const std::string&)>& write) {
    std::string last;
    bool ok = true;
    while (ok && !stopping_) {
      auto a = cache_.Get(name);
      if (!a) break;
      std::string tree = yaml::EmitJson(ResourceTreeOf(a->object));
      if (tree != last) {
        ok = write("data: {\"result\":" + tree + "}\n\n");
        last = tree;
      } else {
        ok = write(": keepalive\n\n");
      }
      // Pods change without the Application changing: look again every 2 s.
      std::unique_lock<std::mutex> l(box->mu);
      box->cv.wait_for(l, std::chrono::seconds(2), [&] { return !box->items.empty(); });
      box->items.clear();
    }
    cache_.Unsubscribe(id);
  };
  return r;
}

}  // namespace capstan::server
