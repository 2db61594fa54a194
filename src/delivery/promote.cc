#include "delivery/promote.h"

#include <algorithm>
#include <filesystem>

#include "delivery/error.h"

namespace capstan::delivery {

namespace fs = std::filesystem;

std::string OverlayDir(const std::string& repo, const std::string& service, const std::string& env) {
  return (fs::path(repo) / "apps" / service / "overlays" / env).string();
}

FileChange PlanPromote(const PromoteRequest& req, std::string* summary) {
  if (req.service.empty() || req.from.empty() || req.to.empty()) {
    throw Error("promote needs SERVICE, --from and --to");
  }
  if (req.from == req.to) throw Error("--from and --to are both " + req.from);
  for (const std::string& part : {req.service, req.from, req.to}) {
    if (part.find('/') != std::string::npos || part == "..") throw Error("\"" + part + "\" is not a service or environment name");
  }
  std::string src_dir = OverlayDir(req.repo, req.service, req.from);
  std::string dst_dir = OverlayDir(req.repo, req.service, req.to);
  std::error_code ec;
  if (!fs::is_directory(fs::path(req.repo) / "apps" / req.service, ec)) {
    throw Error(req.repo + ": no service " + req.service + " (apps/" + req.service + " is missing)");
  }
  std::string src_file, dst_file;
  try {
    src_file = FindKustomizationFile(src_dir);
  } catch (const Error&) {
    throw Error(src_dir + ": overlay " + req.from + " of " + req.service + " is missing (no kustomization.yaml)");
  }
  try {
    dst_file = FindKustomizationFile(dst_dir);
  } catch (const Error&) {
    throw Error(dst_dir + ": overlay " + req.to + " of " + req.service + " is missing (no kustomization.yaml)");
  }
  std::vector<ImageEntry> src = ReadImages(ReadFile(src_file), src_file);
  if (src.empty()) throw Error(src_file + ": images: none to promote");
  FileChange c;
  c.path = dst_file;
  c.before = ReadFile(dst_file);
  std::vector<ImageEntry> dst = ReadImages(c.before, dst_file);
  std::vector<ImageEntry> args;
  std::string s;
  for (const ImageEntry& e : src) {
    ImageEntry a = e;
    bool in_target = std::any_of(dst.begin(), dst.end(), [&](const ImageEntry& d) { return d.name == e.name; });
    if (in_target) a.new_name = "*";
    args.push_back(a);
    s += " " + e.name + (e.new_tag.empty() ? "" : ":" + e.new_tag) + (e.digest.empty() ? "" : "@" + e.digest);
  }
  c.after = EditImages(c.before, args, dst_file);
  if (summary) *summary = "Promote " + req.service + " from " + req.from + " to " + req.to + ":" + s;
  return c;
}

}  // namespace capstan::delivery
