// Watch: newline-delimited JSON events over a chunked response.
#include <chrono>

#include "cluster/api.h"
#include "cluster/selector.h"
#include "cluster/status.h"
#include "yaml/yaml.h"

namespace capstan::cluster {

void Api::WaitForResourceVersion(int64_t rv) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (store_->CurrentRv() < rv) {
    if (std::chrono::steady_clock::now() >= deadline || stopping_)
      throw ResourceVersionTooLarge(rv, store_->CurrentRv());
    std::vector<WatchEvent> ignored;
    store_->EventsSince(store_->CurrentRv(), "-", 100, &ignored);
  }
}

Response Api::Watch(const Request& req, const ApiPath& p) {
  Selector labels, fields;
  try {
    labels = Selector::ParseLabels(req.Query("labelSelector"));
    fields = Selector::ParseFields(req.Query("fieldSelector"));
  } catch (const std::invalid_argument& e) {
    throw BadRequest(e.what());
  }
  if (!p.name.empty()) fields = Selector::ParseFields("metadata.name=" + p.name);
  std::string rv_text = req.Query("resourceVersion");
  int64_t since = 0;
  bool initial = rv_text.empty() || rv_text == "0";
  if (req.QueryBool("sendInitialEvents")) initial = true;
  if (!rv_text.empty()) {
    try {
      size_t pos;
      since = std::stoll(rv_text, &pos);
      if (pos != rv_text.size() || since < 0) throw std::invalid_argument(rv_text);
    } catch (const std::exception&) {
      throw BadRequest("invalid resource version: strconv.ParseUint: parsing \"" + rv_text +
                       "\": invalid syntax");
    }
  }
  if (since > 0) WaitForResourceVersion(since);
  bool bookmarks = req.QueryBool("allowWatchBookmarks");
  bool initial_end_bookmark = req.QueryBool("sendInitialEvents");
  double timeout = 0;
  if (std::string t = req.Query("timeoutSeconds"); !t.empty()) timeout = std::atof(t.c_str());
  ResourceInfo res = p.res;
  std::string ns = p.ns;
  Store* store = store_;
  int bookmark_ms = config_.bookmark_interval_ms;
  Response r;
  // Not plain "application/json": httplib would gzip the stream and hold
  // small events in the compressor's buffer.
  r.content_type = "application/json;stream=watch";
  r.stream = [=, this](const ChunkWriter& write) {
    auto matches = [&](const StoredObject& o) {
      return labels.Matches(o.index.labels) && fields.Matches(o.index.fields);
    };
    auto event_line = [](const std::string& type, const std::string& json) {
      return "{\"type\":\"" + type + "\",\"object\":" + json + "}\n";
    };
    auto bookmark = [&](int64_t rv, bool initial_end) {
      std::string md = "{\"resourceVersion\":\"" + std::to_string(rv) + "\"";
      if (initial_end) md += ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}";
      md += "}";
      return event_line("BOOKMARK", "{\"kind\":\"" + res.kind + "\",\"apiVersion\":\"" +
                                        res.ApiVersion() + "\",\"metadata\":" + md + "}");
    };
    int64_t last = since;
    if (initial) {
      int64_t list_rv = 0;
      auto objs = store->List(res.StoreKey(), ns, "", 0, nullptr, &list_rv);
      for (const auto& o : objs)
        if (matches(*o) && !write(event_line("ADDED", o->json))) return;
      last = list_rv;
      if (initial_end_bookmark && !write(bookmark(last, true))) return;
    }
    auto start = std::chrono::steady_clock::now();
    auto last_bookmark = start;
    while (!stopping_) {
      std::vector<WatchEvent> evs;
      int64_t upto = last;
      if (!store->EventsSince(last, res.StoreKey(), 1000, &evs, &upto)) {
        ApiError e = Gone("too old resource version: " + std::to_string(last) + " (" +
                          std::to_string(store->CompactedRv() + 1) + ")");
        write(event_line("ERROR", yaml::EmitJson(e.ToStatus())));
        return;
      }
      for (const auto& e : evs) {
        last = e.rv;
        if (!ns.empty() && e.ns != ns) continue;
        bool now = matches(*e.object);
        std::string type = e.type;
        if (e.type == "MODIFIED" && e.prev) {
          // Entering the selection is ADDED, leaving it DELETED.
          bool before = matches(*e.prev);
          if (!before && !now) continue;
          if (!before) type = "ADDED";
          else if (!now) type = "DELETED";
        } else if (!now) {
          continue;
        }
        if (!write(event_line(type, e.object->json))) return;
      }
      if (upto > last) last = upto;
      auto now = std::chrono::steady_clock::now();
      if (bookmarks && now - last_bookmark > std::chrono::milliseconds(bookmark_ms)) {
        last_bookmark = now;
        if (!write(bookmark(last, false))) return;
      }
      if (timeout > 0 && now - start > std::chrono::duration<double>(timeout)) return;
      if (evs.empty() && !write("")) return;  // liveness probe: is the client still there?
    }
  };
  return r;
}

}  // namespace capstan::cluster
