// capstan image set DIR NAME=NEWNAME:TAG|NAME@DIGEST|NAME:TAG@DIGEST...
// `kustomize edit set image` with the rest of the file kept byte-for-byte,
// optionally committed and pushed (a CI job's deploy step).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/command.h"
#include "delivery/error.h"
#include "delivery/image_set.h"
#include "delivery/publish.h"
#include "diff/unified.h"
#include "git/git.h"

namespace {

namespace delivery = capstan::delivery;

int RunImage(int argc, char** argv) {
  CLI::App app{"Edit the images: of a kustomization (as `kustomize edit set image`), keeping the rest "
               "of the file byte-for-byte; optionally commit and push",
               "capstan image"};
  app.require_subcommand(1);
  auto* set = app.add_subcommand("set", "Set new names, tags or digests of images in DIR's kustomization");
  std::string dir, message, remote = "origin", credentials;
  std::vector<std::string> images;
  bool commit = false, push = false, allow_new = false, dry_run = false;
  set->add_option("DIR", dir, "Directory holding kustomization.yaml")->required();
  set->add_option("IMAGE", images,
                  "NAME:TAG, NAME@DIGEST, NAME:TAG@DIGEST or NAME=NEWNAME[:TAG][@DIGEST] (* keeps a value)")
      ->required();
  set->add_flag("--commit", commit, "Commit the change with libgit2 as the configured author");
  set->add_flag("--push", push, "Commit and push the current branch (fetch, rebase and retry once if rejected)");
  set->add_option("-m,--message", message, "Commit message (default: \"Update images: NAME:TAG ...\")");
  set->add_option("--remote", remote, "Remote to push to (default origin)");
  set->add_option("--credentials", credentials, "Repository credentials file (as `capstan app --credentials`)");
  set->add_flag("--allow-new", allow_new, "Add an entry for an image no workload of DIR uses");
  set->add_flag("--dry-run", dry_run, "Print the diff, write nothing");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    std::vector<delivery::ImageEntry> args;
    for (const std::string& a : images) args.push_back(delivery::ParseImageArg(a));
    delivery::ImageSetOptions opts;
    opts.allow_new = allow_new;
    delivery::FileChange change = delivery::PlanImageSet(dir, args, opts);
    std::string diff = capstan::diff::UnifiedDiff(change.before, change.after, "a/" + change.path, "b/" + change.path);
    if (dry_run) {
      std::fwrite(diff.data(), 1, diff.size(), stdout);
      return 0;
    }
    if (!change.changed()) {
      std::printf("%s: images already set%s\n", change.path.c_str(), push ? "" : ", nothing to do");
      if (!push) return 0;  // with --push, still push an earlier run's unpushed commit
    }
    delivery::PublishOptions po;
    po.commit = commit;
    po.push = push;
    po.remote = remote;
    if (!credentials.empty()) po.credentials = capstan::git::Credentials::Load(credentials);
    po.message = message;
    if (po.message.empty()) {
      po.message = "Update images:";
      for (const std::string& a : images) po.message += " " + a;
      po.message += "\n";
    }
    delivery::PublishResult r = delivery::Publish({change}, po);
    std::fwrite(diff.data(), 1, diff.size(), stdout);
    if (!r.commit.empty()) std::printf("committed %s\n", r.commit.substr(0, 12).c_str());
    if (r.pushed) std::printf("pushed to %s%s\n", remote.c_str(), r.rebased ? " (after fetching and rebasing)" : "");
    else if (push) std::printf("%s is up to date, nothing to push\n", remote.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstan image set: %s\n", e.what());
    return 1;
  }
}

const capstan::cli::Command kCmd("image", "Set image names, tags or digests in a kustomization (and commit/push)",
                                 RunImage);

}  // namespace
