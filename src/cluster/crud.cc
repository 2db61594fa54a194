// GET/LIST/POST/PUT/PATCH/DELETE on API resources.

#include <algorithm>
#include <random>

#include "base/base64.h"
#include "cluster/admission.h"
#include "cluster/config_data.h"
#include "cluster/schema_check.h"
#include "cluster/api.h"
#include "cluster/server_side_apply.h"
#include "cluster/protobuf.h"
#include "cluster/selector.h"
#include "cluster/status.h"
#include "cluster/table.h"
#include "resource/patch.h"
#include "yaml/yaml.h"

namespace capstan::cluster {
namespace {

using yaml::Node;

Response JsonOut(int status, const Node& n) {
  Response r;
  r.status = status;
  r.body = yaml::EmitJson(n);
  return r;
}

bool WantsTable(const Request& req) {
  return req.Header("accept").find("as=Table") != std::string::npos;
}

std::string RandomSuffix() {
  static const char kAlnum[] = "bcdfghjklmnpqrstvwxz2456789";
  static thread_local std::mt19937 rng(std::random_device{}());
  std::string s;
  for (int i = 0; i < 5; ++i) s += kAlnum[rng() % 27];
  return s;
}

Node ParseBody(const Request& req, const char* what) {
  const std::string& b = req.body;
  if (req.Header("content-type").rfind("application/vnd.kubernetes.protobuf", 0) == 0) {
    std::string error;
    if (auto obj = DecodeProtobufObject(b, &error)) return *obj;
    throw BadRequest(std::string(what) + error);
  }
  size_t i = b.find_first_not_of(" \t\r\n");
  if (i == std::string::npos) throw BadRequest("the body of the request was empty");
  try {
    if (b[i] == '{' || b[i] == '[') return yaml::ParseJson(b, "body");
    std::string ct = req.Header("content-type");
    return yaml::ParseOne(b, "body");
  } catch (const std::exception& e) {
    throw BadRequest(std::string(what) + e.what());
  }
}

std::string Manager(const Request& req) {
  std::string m = req.Query("fieldManager");
  if (!m.empty()) return m;
  std::string ua = req.Header("user-agent");
  size_t slash = ua.find('/');
  if (!ua.empty()) return ua.substr(0, slash);
  return "unknown";
}

bool DryRun(const Request& req) {
  auto range = req.query.equal_range("dryRun");
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second == "All") return true;
    if (!it->second.empty()) throw BadRequest("Invalid dry run value: " + it->second);
  }
  return false;
}

void CheckIdentity(const ResourceInfo& r, const ApiPath& p, Node& obj, bool create) {
  if (!obj.IsMap()) throw BadRequest("the object provided is unrecognized (must be a JSON/YAML object)");
  std::string kind = obj.StrAt({"kind"});
  std::string av = obj.StrAt({"apiVersion"});
  if (kind.empty()) {
    obj.Set("kind", Node::String(r.kind));
  } else if (kind != r.kind) {
    throw BadRequest("the kind of the provided object (" + kind +
                     ") does not match the kind of the requested resource (" + r.kind + ")");
  }
  if (av.empty()) {
    obj.Set("apiVersion", Node::String(r.ApiVersion()));
  } else if (av != r.ApiVersion()) {
    throw BadRequest("the API version in the data (" + av +
                     ") does not match the expected API version (" + r.ApiVersion() + ")");
  }
  Node& md = obj.GetOrCreateMap("metadata");
  if (!md.IsMap()) throw BadRequest("metadata must be an object");
  std::string ns = md.StrAt({"namespace"});
  if (r.namespaced) {
    if (!ns.empty() && ns != p.ns)
      throw BadRequest("the namespace of the provided object does not match the namespace sent on the request");
    md.Set("namespace", Node::String(p.ns));
  } else {
    md.Remove("namespace");
  }
  if (!create || !p.name.empty()) {
    std::string name = md.StrAt({"name"});
    if (name.empty() && !p.name.empty()) {
      md.Set("name", Node::String(p.name));
    } else if (!p.name.empty() && name != p.name) {
      throw BadRequest("the name of the object (" + name + ") does not match the name on the URL (" +
                       p.name + ")");
    }
  }
}

// Moves managedFields right after the other metadata fields kube-apiserver
// prints first; purely cosmetic, skipped.

Node ScaleOf(const ResourceInfo& r, const Node& obj) {
  Node s = Node::Map();
  s.Set("kind", Node::String("Scale"));
  s.Set("apiVersion", Node::String("autoscaling/v1"));
  Node md = Node::Map();
  for (const char* f : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"})
    if (const Node* v = obj.At({"metadata", f})) md.Set(f, *v);
  s.Set("metadata", md);
  Node spec = Node::Map();
  spec.Set("replicas", Node::Int(obj.At({"spec", "replicas"}) ? obj.At({"spec", "replicas"})->AsInt() : 0));
  s.Set("spec", spec);
  Node st = Node::Map();
  st.Set("replicas", Node::Int(obj.At({"status", "replicas"}) ? obj.At({"status", "replicas"})->AsInt() : 0));
  std::string sel;
  if (const Node* ml = obj.At({"spec", "selector", "matchLabels"}); ml && ml->IsMap())
    for (const auto& f : ml->fields) sel += (sel.empty() ? "" : ",") + f.key.Str() + "=" + f.value.Str();
  if (!sel.empty()) st.Set("selector", Node::String(sel));
  s.Set("status", st);
  return s;
}

int64_t RvOf(const Node& obj) {
  std::string rv = obj.StrAt({"metadata", "resourceVersion"});
  if (rv.empty()) return 0;
  try {
    size_t pos;
    int64_t v = std::stoll(rv, &pos);
    if (pos != rv.size()) throw std::invalid_argument(rv);
    return v;
  } catch (const std::exception&) {
    throw BadRequest("invalid resourceVersion: " + rv);
  }
}

}  // namespace

Response Api::Resource(const Request& req, const ApiPath& p) {
  const std::string& m = req.method;
  if (p.res.create_only) {
    if (m != "POST" || !p.name.empty()) throw MethodNotSupported(p.res, m == "GET" ? "get" : m);
    return Review(req, p);
  }
  if (p.subresource == "log") {
    if (m != "GET") throw MethodNotSupported(p.res, m);
    return PodLog(req, p);
  }
  if (p.subresource == "exec" || p.subresource == "attach" || p.subresource == "portforward")
    return PodConnect(req, p);
  if (p.watch_prefix || (m == "GET" && req.QueryBool("watch")))
    return Watch(req, p);
  if (p.name.empty()) {
    if (m == "GET") return List(req, p);
    if (m == "POST") return Create(req, p);
    if (m == "DELETE") return DeleteCollection(req, p);
    throw MethodNotSupported(p.res, m == "PUT" ? "update" : m == "PATCH" ? "patch" : m);
  }
  if (m == "GET") return Get(req, p);
  if (m == "PUT") return Update(req, p);
  if (m == "PATCH") return Patch(req, p);
  if (m == "DELETE") {
    if (!p.subresource.empty()) throw MethodNotSupported(p.res, "delete");
    return Delete(req, p);
  }
  if (m == "POST") throw MethodNotSupported(p.res, "create");
  throw ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

Response Api::Get(const Request& req, const ApiPath& p) {
  auto so = store_->Get(p.res.StoreKey(), p.ns, p.name);
  if (!so) throw NotFound(p.res, p.name);
  if (p.subresource == "scale") return JsonOut(200, ScaleOf(p.res, yaml::ParseJson(so->json)));
  if (WantsTable(req)) {
    Node obj = yaml::ParseJson(so->json);
    return JsonOut(200, ToTable(p.res, {obj}, req.Query("includeObject", "Metadata"),
                                std::to_string(so->rv), ""));
  }
  Response r;
  r.body = so->json;
  return r;
}

Response Api::List(const Request& req, const ApiPath& p) {
  Selector labels, fields;
  try {
    labels = Selector::ParseLabels(req.Query("labelSelector"));
  } catch (const std::invalid_argument& e) {
    throw BadRequest(std::string("unable to parse requirement: ") + e.what());
  }
  try {
    fields = Selector::ParseFields(req.Query("fieldSelector"));
  } catch (const std::invalid_argument& e) {
    throw BadRequest(e.what());
  }
  for (const auto& r : fields.requirements()) {
    static const std::set<std::string> ok = {
        "metadata.name", "metadata.namespace", "status.phase", "spec.nodeName",
        "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.podIP",
        "spec.unschedulable", "type", "involvedObject.kind", "involvedObject.name",
        "involvedObject.namespace", "involvedObject.uid", "status.successful", "spec.type"};
    if (!ok.count(r.key) || (p.res.custom && r.key.rfind("metadata.", 0) != 0))
      throw BadRequest("field label not supported: " + r.key);
  }
  // resourceVersion/resourceVersionMatch: the store keeps no snapshots, so
  // an exact read is only possible at the current revision; older ones are
  // gone (410, as a compacted etcd answers) and newer ones time out.
  if (std::string rv = req.Query("resourceVersion"); !rv.empty() && rv != "0") {
    int64_t want = 0;
    try {
      size_t pos;
      want = std::stoll(rv, &pos);
      if (pos != rv.size() || want < 0) throw std::invalid_argument(rv);
    } catch (const std::exception&) {
      throw BadRequest("invalid resource version: strconv.ParseUint: parsing \"" + rv + "\": invalid syntax");
    }
    std::string match = req.Query("resourceVersionMatch");
    if (!match.empty() && match != "Exact" && match != "NotOlderThan")
      throw BadRequest("resourceVersionMatch: Unsupported value: \"" + match +
                       "\": supported values: \"Exact\", \"NotOlderThan\"");
    if (want > store_->CurrentRv()) WaitForResourceVersion(want);
    if (match == "Exact" && want < store_->CurrentRv())
      throw Gone("The resourceVersion for the provided list is too old.");
  } else if (!req.Query("resourceVersionMatch").empty() && rv.empty()) {
    throw ApiError(422, "Invalid", "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
  }
  size_t limit = 0;
  if (std::string l = req.Query("limit"); !l.empty()) {
    try {
      long long v = std::stoll(l);
      limit = v > 0 ? static_cast<size_t>(v) : 0;
    } catch (const std::exception&) {
      throw BadRequest("invalid limit: " + l);
    }
  }
  std::string after;
  if (std::string c = req.Query("continue"); !c.empty()) {
    Node tok;
    try {
      std::string json;
      if (!base::Base64Decode(c, &json)) throw BadRequest("continue key is not valid: illegal base64 data");
      tok = yaml::ParseJson(json);
    } catch (const ApiError&) {
      throw;
    } catch (const std::exception& e) {
      throw BadRequest(std::string("continue key is not valid: ") + e.what());
    }
    after = tok.StrAt({"start"});
    if (after.rfind(p.res.StoreKey() + "/", 0) != 0)
      throw BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
  // Scan (with filtering) until `limit` matches.
  std::vector<std::shared_ptr<const StoredObject>> out;
  std::string next;
  int64_t list_rv = 0;
  bool filtering = !labels.Empty() || !fields.Empty();
  std::string cursor = after;
  while (true) {
    std::string chunk_next;
    auto chunk = store_->List(p.res.StoreKey(), p.ns, cursor, filtering ? 0 : limit,
                              &chunk_next, &list_rv);
    for (const auto& o : chunk) {
      if (filtering) {
        if (!labels.Matches(o->index.labels)) continue;
        if (!fields.Empty()) {
          if (!fields.Matches(o->index.fields)) continue;
        }
        if (limit && out.size() == limit) {
          // One more match exists: continue from the last returned key.
          next = "more";
          break;
        }
      }
      out.push_back(o);
    }
    if (!filtering) next = chunk_next;
    break;
  }
  std::string continue_token;
  if (!next.empty() && !out.empty()) {
    std::string name, ns;
    for (const auto& f : out.back()->index.fields) {
      if (f.first == "metadata.name") name = f.second;
      if (f.first == "metadata.namespace") ns = f.second;
    }
    std::string key = Store::Key(p.res.StoreKey(), ns, name);
    Node tok = Node::Map();
    tok.Set("v", Node::String("meta.k8s.io/v1"));
    tok.Set("rv", Node::Int(list_rv));
    tok.Set("start", Node::String(key));
    continue_token = base::Base64Encode(yaml::EmitJson(tok));
  }
  if (WantsTable(req)) {
    std::vector<Node> objs;
    objs.reserve(out.size());
    for (const auto& o : out) objs.push_back(yaml::ParseJson(o->json));
    return JsonOut(200, ToTable(p.res, objs, req.Query("includeObject", "Metadata"),
                                std::to_string(list_rv), continue_token));
  }
  Response r;
  std::string& b = r.body;
  b.reserve(256 + out.size() * 512);
  b += "{\"kind\":\"" + p.res.list_kind + "\",\"apiVersion\":\"" + p.res.ApiVersion() +
       "\",\"metadata\":{\"resourceVersion\":\"" + std::to_string(list_rv) + "\"";
  if (!continue_token.empty()) b += ",\"continue\":\"" + continue_token + "\"";
  b += "},\"items\":[";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i) b += ',';
    b += out[i]->json;
  }
  b += "]}";
  return r;
}

// Namespace checks shared by create paths.
static void CheckNamespace(Store* store, Registry* reg, const ResourceInfo& r, const std::string& ns,
                           const std::string& name) {
  if (!r.namespaced) return;
  auto nsinfo = reg->Find("", "v1", "namespaces");
  auto so = store->Get(nsinfo->StoreKey(), "", ns);
  if (!so) throw NotFound(*nsinfo, ns);
  Node nso = yaml::ParseJson(so->json);
  if (!nso.StrAt({"metadata", "deletionTimestamp"}).empty()) {
    ApiError e = Forbidden(r, name, "unable to create new content in namespace " + ns +
                                        " because it is being terminated");
    e.causes.push_back({"NamespaceTerminating",
                        "namespace " + ns + " is being terminated", "metadata.namespace"});
    throw e;
  }
}

static void CrdEstablish(Node& crd) {
  Node st = Node::Map();
  Node conds = Node::Seq();
  std::string now = NowRfc3339();
  auto cond = [&](const char* type, const char* reason, const char* msg) {
    Node c = Node::Map();
    c.Set("type", Node::String(type));
    c.Set("status", Node::String("True"));
    c.Set("lastTransitionTime", Node::String(now));
    c.Set("reason", Node::String(reason));
    c.Set("message", Node::String(msg));
    conds.items.push_back(c);
  };
  cond("NamesAccepted", "NoConflicts", "no conflicts found");
  cond("Established", "InitialNamesAccepted", "the initial names have been accepted");
  st.Set("conditions", conds);
  if (const Node* names = crd.At({"spec", "names"})) st.Set("acceptedNames", *names);
  Node stored = Node::Seq();
  if (const Node* vs = crd.At({"spec", "versions"}); vs && vs->IsSeq())
    for (const auto& v : vs->items)
      if (v.StrAt({"storage"}) == "true") stored.items.push_back(Node::String(v.StrAt({"name"})));
  st.Set("storedVersions", stored);
  crd.Set("status", st);
}

Response Api::Create(const Request& req, const ApiPath& p) {
  if (!p.subresource.empty()) throw MethodNotSupported(p.res, "create");
  bool dry = DryRun(req);
  Node obj = ParseBody(req, "couldn't get version/kind; json parse error: ");
  CheckIdentity(p.res, p, obj, true);
  Node& md = *obj.Get("metadata");
  std::string name = md.StrAt({"name"});
  if (name.empty() && !md.StrAt({"generateName"}).empty()) {
    name = md.StrAt({"generateName"}) + RandomSuffix();
    md.Set("name", Node::String(name));
  }
  if (p.res.namespaced && p.ns.empty()) throw ResourceNotFound();
  PrepareCreate(p.res, obj, store_->CurrentRv() + 1);
  CheckBuiltInTypes(p.res, obj);
  DecodeAndValidateConfigData(p.res, obj);
  Validate(p.res, obj);
  CheckNamespace(store_, registry_, p.res, p.ns, name);
  if (p.res.kind == "CustomResourceDefinition") CrdEstablish(obj);
  TrackUpdate(Node(), obj, Manager(req), "", NowRfc3339(), *registry_->ApplySchema());
  if (dry) {
    if (store_->Get(p.res.StoreKey(), p.ns, name)) throw AlreadyExists(p.res, name);
    return JsonOut(201, obj);
  }
  WriteResult w = store_->Create(p.res.StoreKey(), p.ns, name, obj);
  if (w == WriteResult::kExists) throw AlreadyExists(p.res, name);
  if (p.res.kind == "CustomResourceDefinition") registry_->AddCrd(obj);
  return JsonOut(201, obj);
}

// Stores `obj` as the new state of an existing object (`old`), applying
// update admission. Returns the stored object; throws on conflicts.
static Node CommitUpdate(Store* store, Registry* reg, const ResourceInfo& r, const ApiPath& p,
                         const Node& old, Node obj, int64_t expect_rv, const std::string& manager,
                         bool dry, bool* conflict) {
  *conflict = false;
  PrepareUpdate(r, old, obj, p.subresource == "status");
  CheckBuiltInTypes(r, obj);
  DecodeAndValidateConfigData(r, obj);
  Validate(r, obj);
  if (!manager.empty()) TrackUpdate(old, obj, manager, p.subresource, NowRfc3339(), *reg->ApplySchema());
  // No-op writes keep the resourceVersion (kubectl apply twice = no change).
  Node cmp = obj;
  cmp.GetOrCreateMap("metadata").Set("resourceVersion", Node::String(old.StrAt({"metadata", "resourceVersion"})));
  Node old_cmp = old;
  if (Node* mf = cmp.GetOrCreateMap("metadata").Get("managedFields"))
    for (auto& e : mf->items) e.Remove("time");
  if (Node* mf = old_cmp.GetOrCreateMap("metadata").Get("managedFields"))
    for (auto& e : mf->items) e.Remove("time");
  if (cmp == old_cmp) return old;
  if (dry) return obj;
  // Removing the last finalizer of an object being deleted deletes it.
  const Node* fin = obj.At({"metadata", "finalizers"});
  if (!obj.StrAt({"metadata", "deletionTimestamp"}).empty() && (!fin || fin->size() == 0) &&
      !(r.kind == "Namespace" && !r.custom)) {
    Node last;
    WriteResult w = store->Delete(r.StoreKey(), p.ns, p.name, expect_rv, &last);
    if (w == WriteResult::kConflict) {
      *conflict = true;
      return Node();
    }
    if (w == WriteResult::kNotFound) throw NotFound(r, p.name);
    if (r.kind == "CustomResourceDefinition") reg->RemoveCrd(last);
    return last;
  }
  WriteResult w = store->Update(r.StoreKey(), p.ns, p.name, obj, expect_rv);
  if (w == WriteResult::kConflict) {
    *conflict = true;
    return Node();
  }
  if (w == WriteResult::kNotFound) throw NotFound(r, p.name);
  if (r.kind == "CustomResourceDefinition") reg->AddCrd(obj);
  return obj;
}

static const char kModified[] =
    "the object has been modified; please apply your changes to the latest version and try again";

Response Api::Update(const Request& req, const ApiPath& p) {
  bool dry = DryRun(req);
  Node body = ParseBody(req, "couldn't get version/kind; json parse error: ");
  auto so = store_->Get(p.res.StoreKey(), p.ns, p.name);
  if (!so) throw NotFound(p.res, p.name);
  Node old = yaml::ParseJson(so->json);
  Node obj;
  if (p.subresource == "scale") {
    if (!body.IsMap()) throw BadRequest("the object provided is unrecognized");
    int64_t rv = RvOf(body);
    if (rv && rv != so->rv) throw Conflict(p.res, p.name, kModified);
    obj = old;
    const Node* reps = body.At({"spec", "replicas"});
    obj.GetOrCreateMap("spec").Set("replicas", Node::Int(reps ? reps->AsInt() : 0));
    ApiPath main = p;
    main.subresource.clear();
    bool conflict;
    Node out = CommitUpdate(store_, registry_, p.res, main, old, obj, so->rv, Manager(req), dry, &conflict);
    if (conflict) throw Conflict(p.res, p.name, kModified);
    return JsonOut(200, ScaleOf(p.res, out));
  }
  CheckIdentity(p.res, p, body, false);
  int64_t rv = RvOf(body);
  if (rv && rv != so->rv) throw Conflict(p.res, p.name, kModified);
  bool conflict;
  Node out = CommitUpdate(store_, registry_, p.res, p, old, body, rv ? rv : so->rv, Manager(req),
                          dry, &conflict);
  if (conflict) throw Conflict(p.res, p.name, kModified);
  return JsonOut(200, out);
}

Response Api::Patch(const Request& req, const ApiPath& p) {
  bool dry = DryRun(req);
  std::string ct = req.Header("content-type");
  ct = ct.substr(0, ct.find(';'));
  enum { kJson, kMerge, kStrategic, kApply } type;
  if (ct == "application/json-patch+json") type = kJson;
  else if (ct == "application/merge-patch+json") type = kMerge;
  else if (ct == "application/strategic-merge-patch+json") type = kStrategic;
  else if (ct == "application/apply-patch+yaml") type = kApply;
  else throw UnsupportedMediaType(ct);
  if (type == kStrategic && p.res.custom)
    throw UnsupportedMediaType(ct);
  Node patch;
  try {
    patch = type == kApply ? yaml::ParseOne(req.body, "body") : yaml::ParseJson(req.body, "body");
  } catch (const std::exception& e) {
    throw BadRequest(std::string("error decoding patch: ") + e.what());
  }
  if (type == kJson ? !patch.IsSeq() : !patch.IsMap())
    throw BadRequest(type == kJson ? "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
                                   : "error decoding patch: the patch must be a JSON object");
  std::string manager = Manager(req);
  if (type == kApply) {
    if (req.Query("fieldManager").empty())
      throw BadRequest("PATCH " + req.path + ": fieldManager is required for apply requests");
    if (!p.subresource.empty() && p.subresource != "status")
      throw MethodNotSupported(p.res, "apply");
    std::string kind = patch.StrAt({"kind"}), av = patch.StrAt({"apiVersion"});
    if (kind.empty() || av.empty())
      throw BadRequest("error decoding YAML: Object 'Kind' is missing in apply request");
    CheckIdentity(p.res, p, patch, false);
  }
  bool force = req.QueryBool("force");
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto so = store_->Get(p.res.StoreKey(), p.ns, p.name);
    if (!so && type != kApply) throw NotFound(p.res, p.name);
    if (!so) {
      // Server-side apply of an absent object creates it.
      ApplyResult ar = ServerSideApply(Node(), patch, manager, force, NowRfc3339(), *registry_->ApplySchema());
      Node obj = ar.object;
      PrepareCreate(p.res, obj, store_->CurrentRv() + 1);
      if (const Node* mf = ar.object.At({"metadata", "managedFields"}))
        obj.GetOrCreateMap("metadata").Set("managedFields", *mf);
      CheckBuiltInTypes(p.res, obj);
  DecodeAndValidateConfigData(p.res, obj);
      Validate(p.res, obj);
      CheckNamespace(store_, registry_, p.res, p.ns, p.name);
      if (p.res.kind == "CustomResourceDefinition") CrdEstablish(obj);
      if (dry) return JsonOut(201, obj);
      WriteResult w = store_->Create(p.res.StoreKey(), p.ns, p.name, obj);
      if (w == WriteResult::kExists) continue;
      if (p.res.kind == "CustomResourceDefinition") registry_->AddCrd(obj);
      return JsonOut(201, obj);
    }
    Node old = yaml::ParseJson(so->json);
    Node target = p.subresource == "scale" ? ScaleOf(p.res, old) : old;
    Node patched;
    std::string track_manager = manager;
    try {
      switch (type) {
        case kJson: patched = resource::ApplyJsonPatch(target, patch); break;
        case kMerge: patched = resource::ApplyMergePatch(target, patch); break;
        case kStrategic: patched = resource::ApplyStrategicMergePatch(
            target, patch, resource::Schema::BuiltIn(), {resource::SmpFlavor::kApiServer}); break;
        case kApply: {
          ApplyResult ar = ServerSideApply(target, patch, manager, force, NowRfc3339(), *registry_->ApplySchema());
          if (!ar.conflicts.empty()) {
            std::string msg = "Apply failed with " + std::to_string(ar.conflicts.size()) +
                              (ar.conflicts.size() == 1 ? " conflict: " : " conflicts: ");
            ApiError e(409, "Conflict", "");
            std::vector<StatusCause> causes;
            for (size_t i = 0; i < ar.conflicts.size(); ++i) {
              const auto& c = ar.conflicts[i];
              std::string who = "conflict with \"" + c.manager + "\"" +
                                (c.api_version.empty() ? "" : " using " + c.api_version);
              msg += (ar.conflicts.size() == 1 ? who + ": " + c.path
                                               : (i ? "\n- " : "\n- ") + who + ": " + c.path);
              causes.push_back({"FieldManagerConflict", who, c.path});
            }
            ApiError err(409, "Conflict", msg);
            err.causes = causes;
            err.has_details = true;
            throw err;
          }
          patched = ar.object;
          track_manager.clear();  // ownership already recorded
          break;
        }
      }
    } catch (const resource::PatchError& e) {
      throw ApiError(422, "Invalid", e.what());
    }
    Node obj;
    if (p.subresource == "scale") {
      obj = old;
      const Node* reps = patched.At({"spec", "replicas"});
      obj.GetOrCreateMap("spec").Set("replicas", Node::Int(reps ? reps->AsInt() : 0));
    } else {
      obj = patched;
      if (!obj.IsMap()) throw BadRequest("the patched object is not an object");
      int64_t rv = RvOf(obj);
      if (rv && rv != so->rv) throw Conflict(p.res, p.name, kModified);
      CheckIdentity(p.res, p, obj, false);
    }
    ApiPath target_path = p;
    if (p.subresource == "scale") target_path.subresource.clear();
    bool conflict;
    Node out = CommitUpdate(store_, registry_, p.res, target_path, old, obj, so->rv,
                            track_manager, dry, &conflict);
    if (conflict) continue;
    if (p.subresource == "scale") return JsonOut(200, ScaleOf(p.res, out));
    return JsonOut(200, out);
  }
  throw Conflict(p.res, p.name, kModified);
}

static Node DeleteOptions(const Request& req) {
  Node opts = Node::Map();
  if (req.Header("content-type").rfind("application/vnd.kubernetes.protobuf", 0) == 0 &&
      !req.body.empty()) {
    std::string error;
    auto decoded = DecodeProtobufObject(req.body, &error);
    if (!decoded) throw BadRequest("couldn't decode DeleteOptions: " + error);
    opts = *decoded;
  } else if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    try {
      opts = yaml::ParseJson(req.body, "body");
    } catch (const std::exception& e) {
      throw BadRequest(std::string("couldn't get version/kind; json parse error: ") + e.what());
    }
    if (!opts.IsMap()) throw BadRequest("the body of the request is not a DeleteOptions object");
  }
  if (std::string pp = req.Query("propagationPolicy"); !pp.empty())
    opts.Set("propagationPolicy", Node::String(pp));
  if (std::string o = req.Query("orphanDependents"); o == "true")
    opts.Set("propagationPolicy", Node::String("Orphan"));
  std::string pp = opts.StrAt({"propagationPolicy"});
  if (!pp.empty() && pp != "Background" && pp != "Foreground" && pp != "Orphan")
    throw Invalid("DeleteOptions", "", "", {{"FieldValueNotSupported",
                                              "Unsupported value: \"" + pp +
                                                  "\": supported values: \"Foreground\", \"Background\", \"Orphan\"",
                                              "propagationPolicy"}});
  return opts;
}

// Deletes (or marks for deletion) one object; returns the response body
// object and whether it is gone.
static Node DeleteOne(Store* store, Registry* reg, const ResourceInfo& r, const std::string& ns,
                      const std::string& name, const Node& opts, bool dry, bool* gone) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto so = store->Get(r.StoreKey(), ns, name);
    if (!so) throw NotFound(r, name);
    Node obj = yaml::ParseJson(so->json);
    if (const Node* pre = opts.Get("preconditions"); pre && pre->IsMap()) {
      std::string uid = pre->StrAt({"uid"}), rv = pre->StrAt({"resourceVersion"});
      if (!uid.empty() && uid != obj.StrAt({"metadata", "uid"}))
        throw Conflict(r, name, "Precondition failed: UID in precondition: " + uid +
                                    ", UID in object meta: " + obj.StrAt({"metadata", "uid"}));
      if (!rv.empty() && rv != obj.StrAt({"metadata", "resourceVersion"}))
        throw Conflict(r, name, "Precondition failed: ResourceVersion in precondition: " + rv +
                                    ", ResourceVersion in object meta: " +
                                    obj.StrAt({"metadata", "resourceVersion"}));
    }
    std::string pp = opts.StrAt({"propagationPolicy"}, "Background");
    Node& md = obj.GetOrCreateMap("metadata");
    Node fins = md.Get("finalizers") && md.Get("finalizers")->IsSeq() ? *md.Get("finalizers") : Node::Seq();
    auto add_fin = [&](const char* f) {
      for (const auto& x : fins.items)
        if (x.Str() == f) return;
      fins.items.push_back(Node::String(f));
    };
    bool is_ns = r.kind == "Namespace" && !r.custom;
    // Foreground waits for dependents; with none, the garbage collector
    // would drop the finalizer at once, so the object goes now (the GC
    // never lists the leaf kinds: pods, configmaps, secrets, ...).
    if (pp == "Foreground" && !is_ns && !store->Dependents(obj.StrAt({"metadata", "uid"})).empty())
      add_fin("foregroundDeletion");
    if (pp == "Orphan" && !is_ns) add_fin("orphan");
    if (is_ns || !fins.items.empty()) {
      bool already = !md.StrAt({"deletionTimestamp"}).empty();
      if (!already) {
        md.Set("deletionTimestamp", Node::String(NowRfc3339()));
        md.Set("deletionGracePeriodSeconds", Node::Int(0));
        if (const Node* g = md.Get("generation")) md.Set("generation", Node::Int(g->AsInt() + 1));
      }
      if (!fins.items.empty()) md.Set("finalizers", fins);
      if (is_ns) obj.GetOrCreateMap("status").Set("phase", Node::String("Terminating"));
      *gone = false;
      if (dry) return obj;
      WriteResult w = store->Update(r.StoreKey(), ns, name, obj, so->rv);
      if (w == WriteResult::kConflict) continue;
      if (w == WriteResult::kNotFound) throw NotFound(r, name);
      return obj;
    }
    *gone = true;
    if (dry) return obj;
    Node last;
    WriteResult w = store->Delete(r.StoreKey(), ns, name, so->rv, &last);
    if (w == WriteResult::kConflict) continue;
    if (w == WriteResult::kNotFound) throw NotFound(r, name);
    if (r.kind == "CustomResourceDefinition") reg->RemoveCrd(last);
    return last;
  }
  throw Conflict(r, name, kModified);
}

Response Api::Delete(const Request& req, const ApiPath& p) {
  bool dry = DryRun(req);
  Node opts = DeleteOptions(req);
  bool gone = false;
  Node obj = DeleteOne(store_, registry_, p.res, p.ns, p.name, opts, dry, &gone);
  if (gone && p.res.kind != "Pod" && !p.res.custom)
    return JsonOut(200, SuccessStatus(p.res, p.name, obj.StrAt({"metadata", "uid"})));
  return JsonOut(gone ? 200 : 200, obj);
}

Response Api::DeleteCollection(const Request& req, const ApiPath& p) {
  bool dry = DryRun(req);
  Node opts = DeleteOptions(req);
  Selector labels;
  try {
    labels = Selector::ParseLabels(req.Query("labelSelector"));
  } catch (const std::invalid_argument& e) {
    throw BadRequest(std::string("unable to parse requirement: ") + e.what());
  }
  Node items = Node::Seq();
  int64_t list_rv = 0;
  for (const auto& o : store_->List(p.res.StoreKey(), p.ns, "", 0, nullptr, &list_rv)) {
    if (!labels.Matches(o->index.labels)) continue;
    Node obj = yaml::ParseJson(o->json);
    bool gone;
    try {
      items.items.push_back(DeleteOne(store_, registry_, p.res, obj.StrAt({"metadata", "namespace"}),
                                      obj.StrAt({"metadata", "name"}), opts, dry, &gone));
    } catch (const ApiError& e) {
      if (e.code != 404) throw;
    }
  }
  Node list = Node::Map();
  list.Set("kind", Node::String(p.res.list_kind));
  list.Set("apiVersion", Node::String(p.res.ApiVersion()));
  Node md = Node::Map();
  md.Set("resourceVersion", Node::String(std::to_string(store_->CurrentRv())));
  list.Set("metadata", md);
  list.Set("items", items);
  return JsonOut(200, list);
}

}  // namespace capstan::cluster
