// Argo CD's REST API (server/*/*.proto paths and JSON shapes) over the
// Applications and AppProjects stored in a cluster, independent of the HTTP
// library: Handle() takes a parsed request and returns a response (or a
// stream). Every endpoint authenticates (bearer token or the argocd.token
// cookie; cookie-authenticated writes need the X-CSRF-Token header equal to
// the argocd.csrf cookie) and checks RBAC; list endpoints filter what the
// caller may not see, and a denied request learns nothing about the object.
// Secret data is masked in every response.
//
// Operations (sync, rollback) run in-process through app::Manager with the
// same one-operation-per-Application claim and resourceVersion-checked
// status writes as `capstan app sync` (app/operation_lock.h), unless a
// controller holds its Lease (capstan-controller[-shard-N], or
// argocd-application-controller) in the apps namespace: then the server
// only writes the Application's `operation` field for it, refused while
// an operation is in progress. Terminating an
// in-process operation stops it at its next wait, as Argo CD's controller
// does (sync::EngineOptions::terminated).
#ifndef CAPSTAN_SERVER_API_H_
#define CAPSTAN_SERVER_API_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/kube_target.h"
#include "app/manager.h"
#include "kube/client.h"
#include "server/app_cache.h"
#include "server/notifications.h"
#include "server/session.h"

namespace capstan::server {

struct Request {
  std::string method, path;
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote_addr;
  std::string Header(const std::string& name) const;
  std::string Query(const std::string& name) const;
  std::vector<std::string> QueryAll(const std::string& name) const;
  std::string Cookie(const std::string& name) const;
};

// A streaming body: called once; `write` returns false when the client is
// gone; the stream ends when the function returns.
using StreamFn = std::function<void(const std::function<bool(const std::string&)>& write)>;

struct Response {
  int status = 200;
  // With a charset parameter: cpp-httplib then does not compress (Debian's
  // build compresses exact "application/json" with Brotli at quality 11,
  // ~300 KB/s: 10 s for the list of 1,500 apps in a browser).
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  StreamFn stream;
};

struct ApiOptions {
  std::string ns = "argocd";
  bool secure_cookies = true;   // Secure attribute (HTTPS)
  std::string version = "v0.1.0";
  std::string cache_dir;        // Git cache for in-process operations
  std::vector<std::string> servers;  // destination server URLs the target serves
  SessionOptions session;
  size_t max_webhook_bytes = 50u << 20;
};

class Api {
 public:
  Api(kube::Client& client, ApiOptions options);
  ~Api();
  // Creates argocd-secret/admin password when missing (returns the new
  // admin password, "" when it existed) and starts the Application cache.
  std::string Start();
  void Stop();  // ends streams and waits for in-process operations

  Response Handle(const Request& req);

  Sessions& sessions() { return sessions_; }
  AppCache& apps() { return cache_; }
  app::Manager& manager() { return *manager_; }

 private:
  struct Call;
  Response Route(Call& c);
  // endpoints
  Response Version(Call& c);
  Response Settings(Call& c);
  Response Login(Call& c);
  Response Logout(Call& c);
  Response UserInfo(Call& c);
  Response CanI(Call& c, const std::vector<std::string>& seg);
  Response AccountToken(Call& c, const std::string& account);
  Response UpdatePassword(Call& c);
  Response ListApps(Call& c);
  Response CreateApp(Call& c);
  Response GetApp(Call& c, const std::string& name);
  Response UpdateApp(Call& c, const std::string& name, bool spec_only);
  Response PatchApp(Call& c, const std::string& name);
  Response DeleteApp(Call& c, const std::string& name);
  Response SyncApp(Call& c, const std::string& name);
  Response RollbackApp(Call& c, const std::string& name);
  Response TerminateOperation(Call& c, const std::string& name);
  Response ResourceTree(Call& c, const std::string& name);
  Response ManagedResources(Call& c, const std::string& name);
  Response Manifests(Call& c, const std::string& name);
  Response Events(Call& c, const std::string& name);
  Response RevisionMetadata(Call& c, const std::string& name, const std::string& revision);
  Response StreamApps(Call& c);
  Response StreamTree(Call& c, const std::string& name);
  Response ListProjects(Call& c);
  Response GetProject(Call& c, const std::string& name);
  Response WriteProject(Call& c, const std::string& name, bool create);
  Response DeleteProject(Call& c, const std::string& name);
  Response ProjectToken(Call& c, const std::string& project, const std::string& role, const std::string& iat);
  Response Webhook(Call& c);

  bool Can(const Call& c, const std::string& res, const std::string& act, const std::string& obj);
  // The cached app when the caller may `act` on it; else fills `denied`
  // with 403 (or 404 when the caller could see it) and returns nullptr.
  std::shared_ptr<const CachedApp> AppFor(Call& c, const std::string& name, const std::string& act,
                                          Response* denied);
  yaml::Node ResourceTreeOf(const yaml::Node& app);
  bool ControllerActive();
  // Runs `op` (a refresh, a delete) for app `name` on a background
  // thread; false when this server runs one for it.
  bool StartOperation(const std::string& name, std::function<void()> op);
  // Joins the operation threads that ended; ops_mu_ held.
  void JoinEndedThreadsLocked();
  // Runs `work` on a background thread as app `name`'s operation, after
  // claiming it in the cluster as `capstan app` does (app::ClaimOperation:
  // operationState Running, checked by resourceVersion) and recording
  // `operation` in .operation and operationState with `message`;
  // .operation is removed when it ends, Failed with the error when it
  // throws. 409 "another operation is already in progress" while another
  // operation (this server's, a CLI's, a controller's) holds the app.
  // The thread's terminate flag is what OperationTerminateRequested()
  // (api_internal.h) reads. Answers with the app as it is then.
  Response RunOperation(const std::string& name, const yaml::Node& operation, const std::string& message,
                        const app::SyncRequest& claim, std::function<void(app::Application&)> work);
  // Ends the operation `work` ran: removes .operation and, when `error` is
  // set or a terminate was not recorded by the sync, writes Failed.
  void FinishOperation(const std::string& name, const std::string& error, bool terminate_requested);

  kube::Client& client_;
  ApiOptions options_;
  Sessions sessions_;
  AppCache cache_;
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<app::KubeTarget> target_;
  std::unique_ptr<app::Manager> manager_;
  std::atomic<bool> stopping_{false};
  std::mutex ops_mu_;
  struct RunningOp {
    std::shared_ptr<std::atomic<bool>> terminate;  // null: cannot be terminated (delete, refresh)
  };
  std::map<std::string, RunningOp> running_ops_;  // guarded by ops_mu_
  std::vector<std::thread> op_threads_;               // guarded by ops_mu_
  std::vector<std::thread::id> finished_op_threads_;  // ended, to be joined (ops_mu_)
};

// JSON error body in grpc-gateway's shape {"error","code","message"}.
Response ErrorResponse(int http_status, const std::string& message);

}  // namespace capstan::server

#endif  // CAPSTAN_SERVER_API_H_
