// The cluster as the sync engine sees it: a handful of calls on whole
// objects. The engine never knows whether this is a real API server, the
// local cluster or the in-memory fake used by unit tests.
#ifndef CAPSTAN_SYNC_TARGET_H_
#define CAPSTAN_SYNC_TARGET_H_

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "resource/resource.h"
#include "yaml/node.h"

namespace capstan::sync {

// A failed call. `code` follows HTTP status codes as the API server returns
// them (404 not found, 409 conflict, 422 invalid, 403 forbidden, 0 for
// transport errors). `reason` is the API Status reason when known
// ("NotFound", "AlreadyExists", "Invalid", ...).
class TargetError : public std::runtime_error {
 public:
  TargetError(const std::string& message, int code = 0, std::string reason = "")
      : std::runtime_error(message), code_(code), reason_(std::move(reason)) {}
  int code() const { return code_; }
  const std::string& reason() const { return reason_; }

 private:
  int code_;
  std::string reason_;
};

struct ApplyOptions {
  bool dry_run = false;        // validate and report errors, change nothing
  bool server_side = false;    // server-side apply (field manager "capstan")
  bool replace = false;        // replace (create or PUT) instead of apply
  bool validate = true;        // Validate=false turns off schema validation
  std::string field_manager = "capstan";
};

struct DeleteOptions {
  std::string propagation = "foreground";  // foreground | background | orphan
  bool dry_run = false;
};

class Target {
 public:
  virtual ~Target() = default;
  // The live object, or nullopt when it does not exist.
  virtual std::optional<yaml::Node> Get(const resource::ResId& id) = 0;
  // Every object (all kinds the target serves, all namespaces) carrying
  // label `key` (with value `value`, or any value when `value` is empty).
  virtual std::vector<yaml::Node> ListByLabel(const std::string& key, const std::string& value) = 0;
  // Creates or updates `obj` (namespace already set for namespaced kinds);
  // returns the object as stored (or as it would be, on dry run).
  virtual yaml::Node Apply(const yaml::Node& obj, const ApplyOptions& opts) = 0;
  // Deletes; absent objects are not an error.
  virtual void Delete(const resource::ResId& id, const DeleteOptions& opts) = 0;
  // Writes obj.status of an existing object (the status subresource).
  virtual yaml::Node UpdateStatus(const yaml::Node& obj) = 0;
  // Every object of one kind in a namespace ("" = all namespaces).
  virtual std::vector<yaml::Node> List(const resource::Gvk& gvk, const std::string& ns) = 0;
};

}  // namespace capstan::sync

#endif  // CAPSTAN_SYNC_TARGET_H_
