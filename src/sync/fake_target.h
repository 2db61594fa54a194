// An in-memory Target for unit tests (and the benchmark's engine-only
// mode): a map of objects, an ordered log of calls, fault injection, and a
// hook to play controllers (set status after an apply).
#ifndef CAPSTAN_SYNC_FAKE_TARGET_H_
#define CAPSTAN_SYNC_FAKE_TARGET_H_

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sync/target.h"

namespace capstan::sync {

class FakeTarget : public Target {
 public:
  FakeTarget();
  std::optional<yaml::Node> Get(const resource::ResId& id) override;
  std::vector<yaml::Node> ListByLabel(const std::string& key, const std::string& value) override;
  yaml::Node Apply(const yaml::Node& obj, const ApplyOptions& opts) override;
  void Delete(const resource::ResId& id, const DeleteOptions& opts) override;
  yaml::Node UpdateStatus(const yaml::Node& obj) override;
  std::vector<yaml::Node> List(const resource::Gvk& gvk, const std::string& ns) override;

  // Stores an object as is (test setup); no log entry.
  void Put(const yaml::Node& obj);
  bool Has(const std::string& kind, const std::string& ns, const std::string& name) const;
  const yaml::Node* Find(const std::string& kind, const std::string& ns, const std::string& name) const;
  size_t size() const { return objects_.size(); }

  // "apply Kind/ns/name", "delete Kind/ns/name" (ns empty for cluster
  // scope); dry runs are not logged.
  std::vector<std::string> log;
  // "Kind/name" -> remaining failures (-1 = always) of Apply, and message.
  struct Failure {
    int remaining = -1;
    std::string message = "admission webhook denied the request";
    int code = 422;
  };
  std::map<std::string, Failure> fail_apply;
  // Called with the stored object after each real (not dry-run) apply.
  std::function<void(yaml::Node& stored)> on_apply;
  // API groups served without a CRD (custom kinds need a stored CRD).
  std::set<std::string> builtin_groups;

 private:
  static std::string Key(const std::string& kind, const std::string& ns, const std::string& name);
  bool KindServed(const resource::Gvk& gvk) const;
  std::map<std::string, yaml::Node> objects_;
  int64_t next_version_ = 1;
};

}  // namespace capstan::sync

#endif  // CAPSTAN_SYNC_FAKE_TARGET_H_
