// Runs Argo CD notifications (src/notify) inside `capstan server`: every
// change of an Application (from the AppCache watch) is evaluated against
// argocd-notifications-cm / argocd-notifications-secret; deliveries go to
// the webhook services over HTTP(S) with retries (retryMax, retryWaitMin..
// retryWaitMax, doubling), and the Application's
// notified.notifications.argoproj.io annotation records what was sent.
// Nothing runs while the ConfigMap does not exist. Errors are logged on
// stderr without URLs or headers (they may carry tokens).
#ifndef CAPSTAN_SERVER_NOTIFICATIONS_H_
#define CAPSTAN_SERVER_NOTIFICATIONS_H_

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "kube/client.h"
#include "notify/notify.h"
#include "server/app_cache.h"

namespace capstan::server {

// One HTTP request with retries; returns "" on success, else why it failed.
std::string SendWithRetries(const notify::Request& r, const notify::WebhookService& svc);

class Notifier {
 public:
  Notifier(kube::ResourceClient& client, AppCache& cache, std::string ns);
  ~Notifier();
  void Start();
  void Stop();

 private:
  void Run();
  void Process(const std::string& name);
  kube::ResourceClient& client_;
  AppCache& cache_;
  std::string ns_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> pending_;
  bool stop_ = false;
  int listener_ = 0;
  std::string last_error_;
};

}  // namespace capstan::server

#endif  // CAPSTAN_SERVER_NOTIFICATIONS_H_
