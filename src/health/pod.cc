// v1 Pod (SPEC.md §3.5).
#include <string>
#include <vector>

#include "health/builtin.h"

namespace capstan::health::internal {

namespace {

struct ContainerState {
  bool waiting = false, terminated = false;
  std::string waiting_reason, waiting_message;
  std::string term_reason, term_message;
  int64_t exit_code = 0;
};

struct ContainerStatus {
  std::string name;
  ContainerState state;
  bool last_terminated = false;
};

// `list` is ".status.containerStatuses[]" or the init one, `which` is
// ".state" or ".lastState".
ContainerState ReadState(Decoder& d, const yaml::Node* item, std::string_view list,
                         std::string_view which) {
  ContainerState s;
  const yaml::Node* state = d.Map(item, which.substr(1), Path(list, which));
  if (state == nullptr) return s;
  if (const yaml::Node* w = d.Map(state, "waiting", Path(list, which, ".waiting"))) {
    s.waiting = true;
    s.waiting_reason = d.Str(w, "reason", Path(list, which, ".waiting.reason"));
    s.waiting_message = d.Str(w, "message", Path(list, which, ".waiting.message"));
  }
  d.Map(state, "running", Path(list, which, ".running"));
  if (const yaml::Node* t = d.Map(state, "terminated", Path(list, which, ".terminated"))) {
    s.terminated = true;
    s.exit_code = d.Int(t, "exitCode", Path(list, which, ".terminated.exitCode"));
    d.Int(t, "signal", Path(list, which, ".terminated.signal"));
    s.term_reason = d.Str(t, "reason", Path(list, which, ".terminated.reason"));
    s.term_message = d.Str(t, "message", Path(list, which, ".terminated.message"));
  }
  return s;
}

std::vector<ContainerStatus> ReadStatuses(Decoder& d, const yaml::Node* status, const char* key,
                                          const char* list_path) {
  std::vector<ContainerStatus> out;
  std::string_view list(list_path);  // ".status.<key>[]"
  for (const yaml::Node* item : d.MapItems(status, key, list.substr(0, list.size() - 2))) {
    ContainerStatus cs;
    cs.name = d.Str(item, "name", Path(list, ".name"));
    d.Bool(item, "ready", Path(list, ".ready"));
    d.Int(item, "restartCount", Path(list, ".restartCount"));
    d.Str(item, "image", Path(list, ".image"));
    cs.state = ReadState(d, item, list, ".state");
    cs.last_terminated = ReadState(d, item, list, ".lastState").terminated;
    out.push_back(std::move(cs));
  }
  return out;
}

bool IsErrorWaitingReason(std::string_view r) {
  auto ends_with = [&](std::string_view suffix) {
    return r.size() >= suffix.size() && r.substr(r.size() - suffix.size()) == suffix;
  };
  return r.substr(0, 3) == "Err" || ends_with("Error") || ends_with("BackOff");
}

}  // namespace

HealthStatus PodHealth(const yaml::Node& obj, const Gvk& gvk) {
  if (gvk.version != "v1") return UnsupportedGvk("Pod", gvk);
  Decoder d;
  d.Metadata(obj);
  const yaml::Node* spec = d.Map(&obj, "spec", ".spec");
  std::string restart_policy = d.Str(spec, "restartPolicy", ".spec.restartPolicy");
  for (const yaml::Node* c : d.MapItems(spec, "containers", ".spec.containers")) {
    d.Str(c, "name", ".spec.containers[].name");
    d.Str(c, "image", ".spec.containers[].image");
  }
  const yaml::Node* st = d.Map(&obj, "status", ".status");
  std::string phase = d.Str(st, "phase", ".status.phase");
  std::string msg = d.Str(st, "message", ".status.message");
  d.Str(st, "reason", ".status.reason");
  std::vector<Condition> conds = d.Conditions(st, "conditions", ".status.conditions");
  std::vector<ContainerStatus> init =
      ReadStatuses(d, st, "initContainerStatuses", ".status.initContainerStatuses[]");
  std::vector<ContainerStatus> ctrs =
      ReadStatuses(d, st, "containerStatuses", ".status.containerStatuses[]");
  if (d.failed()) return DecodeFailed("Pod", d);

  // Hook pods (OnFailure/Never) are left alone here on purpose: marking them
  // Degraded early would break Argo CD's hook handling.
  if (restart_policy == "Always") {
    std::string messages;
    bool any = false;
    for (const ContainerStatus& cs : ctrs) {
      if (!cs.state.waiting || !IsErrorWaitingReason(cs.state.waiting_reason)) continue;
      if (any) messages += ", ";
      messages += cs.state.waiting_message;
      any = true;
    }
    if (any) return {Code::kDegraded, messages};
  }

  if (phase == "Pending") return {Code::kProgressing, msg};
  if (phase == "Succeeded") return {Code::kHealthy, msg};
  if (phase == "Failed") {
    if (!msg.empty()) return {Code::kDegraded, msg};
    for (const auto* list : {&init, &ctrs}) {
      for (const ContainerStatus& cs : *list) {
        if (!cs.state.terminated) continue;
        if (!cs.state.term_message.empty()) return {Code::kDegraded, cs.state.term_message};
        if (cs.state.term_reason == "OOMKilled") return {Code::kDegraded, "OOMKilled"};
        if (cs.state.exit_code != 0) {
          return {Code::kDegraded, "container " + GoQuote(cs.name) + " failed with exit code " +
                                       std::to_string(cs.state.exit_code)};
        }
      }
    }
    return {Code::kDegraded, ""};
  }
  if (phase == "Running") {
    if (restart_policy == "Always") {
      for (const Condition& c : conds) {
        if (c.type != "Ready") continue;
        if (c.status == "True") return {Code::kHealthy, msg};
        break;
      }
      for (const ContainerStatus& cs : ctrs) {
        if (cs.last_terminated) return {Code::kDegraded, msg};
      }
      return {Code::kProgressing, msg};
    }
    if (restart_policy == "OnFailure" || restart_policy == "Never") {
      return {Code::kProgressing, msg};
    }
  }
  return {Code::kUnknown, msg};
}

}  // namespace capstan::health::internal
