#include "cli/app_print.h"

#include <algorithm>

#include "resource/resource.h"

namespace capstan::cli {
namespace {

void Table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
}

std::string Or(const std::string& s, const std::string& fallback) { return s.empty() ? fallback : s; }

}  // namespace

AppRow RowOf(const app::Application& a, const std::string& notes) {
  AppRow r;
  r.name = a.name;
  r.sync = Or(a.object.StrAt({"status", "sync", "status"}), "Unknown");
  r.health = Or(a.object.StrAt({"status", "health", "status"}), "Unknown");
  r.ns = a.destination.namespace_;
  std::string rev = a.object.StrAt({"status", "sync", "revision"});
  r.revision = rev.size() > 7 ? rev.substr(0, 7) : Or(rev, "-");
  r.notes = notes;
  return r;
}

void PrintAppTable(std::ostream& out, const std::vector<AppRow>& rows) {
  std::vector<std::vector<std::string>> t = {{"NAME", "SYNC STATUS", "HEALTH", "NAMESPACE", "REVISION", "NOTES"}};
  for (const auto& r : rows) t.push_back({r.name, r.sync, r.health, r.ns, r.revision, r.notes});
  Table(out, t);
}

void PrintAppDetails(std::ostream& out, const app::Application& a, const std::string& notes) {
  const auto& o = a.object;
  std::vector<std::vector<std::string>> head = {
      {"Name:", a.namespace_ + "/" + a.name},
      {"Project:", a.project},
      {"Server:", Or(a.destination.server, a.destination.name)},
      {"Namespace:", a.destination.namespace_},
      {"Repo:", a.source.repo_url},
      {"Target:", Or(a.source.target_revision, "HEAD")},
      {"Path:", a.source.path},
      {"SyncWindow:", "Sync Allowed"},
      {"Sync Policy:", a.sync_policy.automated ? "Automated" + std::string(a.sync_policy.prune ? " (Prune)" : "")
                                               : "Manual"},
      {"Sync Status:", Or(o.StrAt({"status", "sync", "status"}), "Unknown") + " to " +
                           Or(o.StrAt({"status", "sync", "revision"}), a.source.target_revision)},
      {"Health Status:", Or(o.StrAt({"status", "health", "status"}), "Unknown")},
  };
  if (!notes.empty()) head.push_back({"Notes:", notes});
  std::string op = o.StrAt({"status", "operationState", "phase"});
  if (!op.empty()) head.push_back({"Last Operation:", op + ": " + o.StrAt({"status", "operationState", "message"})});
  Table(out, head);
  const yaml::Node* res = o.At({"status", "resources"});
  if (!res || !res->IsSeq() || res->items.empty()) return;
  out << "\n";
  std::vector<std::vector<std::string>> t = {{"GROUP", "KIND", "NAMESPACE", "NAME", "STATUS", "HEALTH", "MESSAGE"}};
  for (const auto& r : res->items) {
    std::string status = r.StrAt({"status"});
    if (r.Get("requiresPruning")) status += " (requires pruning)";
    t.push_back({r.StrAt({"group"}), r.StrAt({"kind"}), r.StrAt({"namespace"}), r.StrAt({"name"}), status,
                 r.StrAt({"health", "status"}), r.StrAt({"health", "message"})});
  }
  Table(out, t);
}

void PrintSyncResult(std::ostream& out, const app::Application& a, const app::SyncOutcome& r) {
  std::vector<std::vector<std::string>> head = {
      {"Name:", a.namespace_ + "/" + a.name},
      {"Operation:", "Sync"},
      {"Sync Revision:", r.revision},
      {"Phase:", r.result.phase},
      {"Message:", r.result.message},
  };
  if (r.result.retry_count > 0) head.push_back({"Retries:", std::to_string(r.result.retry_count)});
  if (!r.after.sync_status.empty()) {
    head.push_back({"Sync Status:", r.after.sync_status});
    head.push_back({"Health Status:", r.after.health});
  }
  Table(out, head);
  if (r.result.resources.empty()) return;
  out << "\n";
  std::vector<std::vector<std::string>> t = {{"GROUP", "KIND", "NAMESPACE", "NAME", "STATUS", "HOOK", "MESSAGE"}};
  for (const auto& rr : r.result.resources)
    t.push_back({rr.id.gvk.group, rr.id.gvk.kind, rr.id.ns, rr.id.name, rr.status,
                 rr.hook_type.empty() ? "" : rr.hook_type + " " + rr.hook_phase, rr.message});
  Table(out, t);
}

void PrintSyncTable(std::ostream& out, const std::vector<SyncRow>& rows) {
  std::vector<std::vector<std::string>> t = {{"NAME", "PHASE", "SYNC STATUS", "HEALTH", "MESSAGE"}};
  for (const auto& r : rows) t.push_back({r.name, r.phase, r.sync, r.health, r.message});
  Table(out, t);
}

void PrintHistory(std::ostream& out, const app::Application& a) {
  std::vector<std::vector<std::string>> t = {{"ID", "DATE", "REVISION"}};
  if (const yaml::Node* h = a.object.At({"status", "history"}); h && h->IsSeq()) {
    for (const auto& e : h->items) {
      std::string rev = e.StrAt({"revision"});
      std::string path = e.StrAt({"source", "path"});
      t.push_back({e.Get("id") ? e.Get("id")->value : "", e.StrAt({"deployedAt"}),
                   path.empty() ? rev : rev + " (" + path + ")"});
    }
  }
  Table(out, t);
}

}  // namespace capstan::cli
