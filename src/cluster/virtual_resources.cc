// Resources without stored objects: pod logs (simulated: the local cluster
// runs no containers, so a pod's log is what its simulated kubelet did),
// exec/attach/portforward (refused with a Status saying why), and the
// self-subject reviews behind `kubectl auth can-i` (the cluster's one
// token is its administrator: everything is allowed).
#include <string>

#include "cluster/api.h"
#include "cluster/protobuf.h"
#include "cluster/status.h"
#include "yaml/yaml.h"

namespace capstan::cluster {
namespace {

using yaml::Node;

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

// The container's simulated output: a start line, and for `echo`/`sh -c
// "echo ..."` commands what they would print.
std::string SimulatedLog(const Node& pod, const Node& container) {
  std::string started = pod.StrAt({"status", "startTime"}, pod.StrAt({"metadata", "creationTimestamp"}));
  std::string out;
  std::vector<std::string> argv;
  for (const char* f : {"command", "args"})
    if (const Node* a = container.Get(f); a && a->IsSeq())
      for (const auto& x : a->items) argv.push_back(x.Str());
  if (!argv.empty() && (argv[0] == "echo" || argv[0] == "/bin/echo")) {
    out += Join(std::vector<std::string>(argv.begin() + 1, argv.end()), " ") + "\n";
  } else if (argv.size() >= 3 && (argv[0] == "sh" || argv[0] == "/bin/sh") && argv[1] == "-c" &&
             argv[2].rfind("echo ", 0) == 0) {
    out += argv[2].substr(5) + "\n";
  } else {
    out += "capstan local cluster: container " + container.StrAt({"name"}) + " (image " +
           container.StrAt({"image"}) + ") simulated since " + started +
           "; no process runs, so there is no real output\n";
  }
  return out;
}

}  // namespace

Response Api::PodLog(const Request& req, const ApiPath& p) {
  auto so = store_->Get(p.res.StoreKey(), p.ns, p.name);
  if (!so) throw NotFound(p.res, p.name);
  Node pod = yaml::ParseJson(so->json);
  const Node* containers = pod.At({"spec", "containers"});
  std::vector<std::string> names;
  if (containers && containers->IsSeq())
    for (const auto& c : containers->items) names.push_back(c.StrAt({"name"}));
  std::string want = req.Query("container");
  if (want.empty()) {
    if (names.size() != 1)
      throw BadRequest("a container name must be specified for pod " + p.name + ", choose one of: [" +
                       Join(names, " ") + "]");
    want = names[0];
  }
  const Node* container = nullptr;
  for (const auto& c : containers->items)
    if (c.StrAt({"name"}) == want) container = &c;
  if (!container)
    throw BadRequest("container " + want + " is not valid for pod " + p.name);
  std::string phase = pod.StrAt({"status", "phase"});
  if (phase == "Pending" || phase.empty())
    throw BadRequest("container \"" + want + "\" in pod \"" + p.name +
                     "\" is waiting to start: ContainerCreating");
  if (req.QueryBool("previous"))
    throw BadRequest("previous terminated container \"" + want + "\" in pod \"" + p.name +
                     "\" not found");
  std::string log = SimulatedLog(pod, *container);
  if (std::string t = req.Query("tailLines"); t == "0") log.clear();
  Response r;
  r.content_type = "text/plain";
  r.body = log;
  return r;
}

Response Api::PodConnect(const Request& req, const ApiPath& p) {
  if (!store_->Get(p.res.StoreKey(), p.ns, p.name)) throw NotFound(p.res, p.name);
  (void)req;
  ApiError e(400, "BadRequest",
             "pods/" + p.subresource + " is not supported by the capstan local cluster: it simulates "
             "pods and runs no containers, so there is nothing to " +
                 (p.subresource == "portforward" ? std::string("forward a port to")
                                                 : std::string("connect to")));
  throw e;
}

Response Api::Review(const Request& req, const ApiPath& p) {
  Node obj;
  std::string ct = req.Header("content-type");
  try {
    if (ct.rfind("application/vnd.kubernetes.protobuf", 0) == 0) {
      std::string error;
      auto decoded = DecodeProtobufObject(req.body, &error);
      if (!decoded) throw BadRequest(error);
      obj = *decoded;
    } else {
      obj = yaml::ParseJson(req.body, "body");
    }
  } catch (const ApiError&) {
    throw;
  } catch (const std::exception& e) {
    throw BadRequest(std::string("couldn't get version/kind; json parse error: ") + e.what());
  }
  if (!obj.IsMap()) throw BadRequest("the object provided is unrecognized (must be a JSON/YAML object)");
  obj.Set("apiVersion", Node::String(p.res.ApiVersion()));
  obj.Set("kind", Node::String(p.res.kind));
  Node st = Node::Map();
  if (p.res.kind == "SelfSubjectAccessReview") {
    if (!obj.At({"spec", "resourceAttributes"}) && !obj.At({"spec", "nonResourceAttributes"}))
      throw Invalid(p.res.kind, p.res.group, "",
                    {{"FieldValueRequired",
                      "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified",
                      "spec.resourceAttributes"}});
    st.Set("allowed", Node::Bool(true));
    st.Set("reason", Node::String("the capstan local cluster's token is its administrator"));
  } else {
    auto all = [] {
      Node s = Node::Seq();
      s.items.push_back(Node::String("*"));
      return s;
    };
    Node rule = Node::Map();
    rule.Set("verbs", all());
    rule.Set("apiGroups", all());
    rule.Set("resources", all());
    Node rules = Node::Seq();
    rules.items.push_back(rule);
    st.Set("resourceRules", rules);
    Node nr = Node::Map();
    nr.Set("verbs", all());
    nr.Set("nonResourceURLs", all());
    Node nrules = Node::Seq();
    nrules.items.push_back(nr);
    st.Set("nonResourceRules", nrules);
    st.Set("incomplete", Node::Bool(false));
  }
  obj.Set("status", st);
  if (!obj.Get("metadata")) obj.Set("metadata", Node::Map());
  Response r;
  r.status = 201;
  r.body = yaml::EmitJson(obj);
  return r;
}

}  // namespace capstan::cluster
