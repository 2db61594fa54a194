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

ContainerState ReadState(Decoder& d, const yaml::Node* state, const std::string& path) {
  ContainerState s;
  if (state == nullptr) return s;
  if (const yaml::Node* w = d.Map(state, "waiting", path + ".waiting"); w != nullptr) {
    s.waiting = true;
    s.waiting_reason = d.Str(w, "reason", path + ".waiting.reason");
    s.waiting_message = d.Str(w, "message", path + ".waiting.message");
  }
  d.Map(state, "running", path + ".running");
  if (const yaml::Node* t = d.Map(state, "terminated", path + ".terminated"); t != nullptr) {
    s.terminated = true;
    s.exit_code = d.Int(t, "exitCode", path + ".terminated.exitCode");
    d.Int(t, "signal", path + ".terminated.signal");
    s.term_reason = d.Str(t, "reason", path + ".terminated.reason");
    s.term_message = d.Str(t, "message", path + ".terminated.message");
  }
  return s;
}

std::vector<ContainerStatus> ReadStatuses(Decoder& d, const yaml::Node* status,
                                          std::string_view key) {
  std::vector<ContainerStatus> out;
  std::string path = ".status." + std::string(key) + "[]";
  for (const yaml::Node* item : d.MapItems(status, key, ".status." + std::string(key))) {
    ContainerStatus cs;
    cs.name = d.Str(item, "name", path + ".name");
    d.Bool(item, "ready", path + ".ready");
    d.Int(item, "restartCount", path + ".restartCount");
    d.Str(item, "image", path + ".image");
    cs.state = ReadState(d, d.Map(item, "state", path + ".state"), path + ".state");
    ContainerState last =
        ReadState(d, d.Map(item, "lastState", path + ".lastState"), path + ".lastState");
    cs.last_terminated = last.terminated;
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
  std::vector<ContainerStatus> init = ReadStatuses(d, st, "initContainerStatuses");
  std::vector<ContainerStatus> ctrs = ReadStatuses(d, st, "containerStatuses");
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
