// Watch: list, then stream newline-delimited events; resume from the last
// resourceVersion when a request ends or the connection drops; re-list when
// the server says that version is gone (410), as client-go's reflector does.
#include <exception>

#include "kube/client_impl.h"
#include "kube/util.h"
#include "yaml/yaml.h"

namespace capstan::kube {
namespace {

// Splits a byte stream into lines and decodes each as a watch event.
class EventStream {
 public:
  EventStream(std::string what, std::string* rv, const std::function<bool(const WatchEvent&)>& on_event)
      : what_(std::move(what)), rv_(rv), on_event_(on_event) {}

  // Returns false to end the stream (caller stop, 410, error).
  bool Feed(std::string_view chunk) {
    buffer_.append(chunk);
    size_t start = 0;
    for (;;) {
      size_t nl = buffer_.find('\n', start);
      if (nl == std::string::npos) break;
      std::string_view line(buffer_.data() + start, nl - start);
      start = nl + 1;
      if (line.find_first_not_of(" \r\t") == std::string_view::npos) continue;
      if (!Line(line)) {
        buffer_.erase(0, start);
        return false;
      }
    }
    buffer_.erase(0, start);
    return true;
  }

  bool stopped_by_caller = false;
  bool gone = false;
  bool saw_event = false;
  std::exception_ptr error;

 private:
  bool Line(std::string_view line) {
    try {
      yaml::Node ev = yaml::ParseJson(line, what_);
      WatchEvent e;
      e.type = ev.StrAt({"type"});
      if (yaml::Node* obj = ev.Get("object")) e.object = std::move(*obj);
      if (e.type == "ERROR") {
        // The object is a Status; 410 means our resourceVersion is too old.
        KubeError err = ErrorFromResponse(0, EmitJsonOf(e.object), what_);
        if (IsGone(err)) {
          gone = true;
        } else {
          error = std::make_exception_ptr(err);
        }
        return false;
      }
      saw_event = true;
      std::string rv = e.object.StrAt({"metadata", "resourceVersion"});
      if (!rv.empty()) *rv_ = rv;
      if (!on_event_(e)) {
        stopped_by_caller = true;
        return false;
      }
      return true;
    } catch (...) {
      error = std::current_exception();
      return false;
    }
  }

  static std::string EmitJsonOf(const yaml::Node& n) { return yaml::EmitJson(n); }

  std::string what_;
  std::string* rv_;
  const std::function<bool(const WatchEvent&)>& on_event_;
  std::string buffer_;
};

}  // namespace

void Client::Watch(const Gvk& gvk, const std::string& ns, const WatchOptions& options,
                   const std::function<bool(const WatchEvent&)>& on_event) {
  ApiResource r = Resource(gvk);
  std::string watch_ns = r.namespaced ? ns : "";
  std::string rv = options.resource_version;
  auto stopped = [&] { return options.stop && options.stop->load(); };

  // Returns false when the caller asked to stop while being handed the list.
  auto relist = [&]() -> bool {
    ListOptions lo;
    lo.label_selector = options.label_selector;
    lo.field_selector = options.field_selector;
    if (options.on_list_page) {
      lo.on_page = options.on_list_page;
      lo.limit = options.list_page_size;
    }
    yaml::Node list = List(gvk, watch_ns, lo);
    rv = list.StrAt({"metadata", "resourceVersion"});
    if (options.on_list) {
      options.on_list(list);
      return true;
    }
    // Without on_list the items arrive as ADDED events (kubectl get -w).
    if (yaml::Node* items = list.Get("items")) {
      for (auto& item : items->items) {
        WatchEvent e{"ADDED", std::move(item)};
        if (!on_event(e)) return false;
      }
    }
    return true;
  };

  if (rv.empty() && !relist()) return;
  int failures = 0;
  while (!stopped()) {
    std::string q = "?watch=1";
    if (!rv.empty()) q += "&resourceVersion=" + UrlEncode(rv);
    if (options.allow_bookmarks) q += "&allowWatchBookmarks=true";
    if (options.timeout_seconds > 0) q += "&timeoutSeconds=" + std::to_string(options.timeout_seconds);
    if (!options.label_selector.empty()) q += "&labelSelector=" + UrlEncode(options.label_selector);
    if (!options.field_selector.empty()) q += "&fieldSelector=" + UrlEncode(options.field_selector);
    HttpRequest req;
    req.path = ResourcePath(r, watch_ns, "") + q;
    // The server ends the request after timeoutSeconds; the client-side
    // limit only catches a silently dead connection.
    req.timeout = options.timeout_seconds > 0 ? std::chrono::seconds(options.timeout_seconds + 30)
                                              : std::chrono::seconds(0);
    std::string what = Describe(req);
    EventStream stream(what, &rv, on_event);
    HttpResponse resp;
    try {
      resp = impl_->Send(req, true, [&](std::string_view chunk) { return stream.Feed(chunk); }, options.stop);
    } catch (const KubeError& e) {
      // The connection dropped (maybe mid-stream): resume from the last
      // resourceVersion after a backoff, a bounded number of times in a row.
      if (e.code != 0 || ++failures >= std::max(1, impl_->options.max_attempts)) throw;
      impl_->clock->SleepMs(impl_->Backoff(failures).count());
      continue;
    }
    if (stream.error) std::rethrow_exception(stream.error);
    if (stream.stopped_by_caller || stopped()) return;
    if (resp.status == 410 || stream.gone) {
      if (!relist()) return;
      failures = 0;
      continue;
    }
    if (resp.status < 200 || resp.status >= 300) throw ErrorFromResponse(resp.status, resp.body, what);
    if (stream.saw_event) {
      failures = 0;
    } else {
      // An empty stream: a quiet resource, or a server ending watches at
      // once. Pause briefly so the latter cannot spin.
      impl_->clock->SleepMs(impl_->Backoff(1).count());
    }
  }
}

}  // namespace capstan::kube
