// capstan promote SERVICE --from dev --to staging: copy image tags between
// overlays, show the diff, optionally commit and push.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>

#include "cli/command.h"
#include "delivery/error.h"
#include "delivery/promote.h"
#include "delivery/publish.h"
#include "diff/unified.h"
#include "git/git.h"

namespace {

namespace delivery = capstan::delivery;

int RunPromote(int argc, char** argv) {
  CLI::App app{"Copy the image tags (and only them) of SERVICE from one environment's overlay to another "
               "(apps/SERVICE/overlays/ENV), show the diff, optionally commit and push",
               "capstan promote"};
  delivery::PromoteRequest req;
  std::string message, remote = "origin", credentials;
  bool commit = false, push = false, dry_run = false;
  app.add_option("SERVICE", req.service, "Service (apps/SERVICE)")->required();
  app.add_option("--from", req.from, "Source environment, e.g. dev")->required();
  app.add_option("--to", req.to, "Target environment, e.g. staging")->required();
  app.add_option("--repo", req.repo, "GitOps repository checkout (default .)");
  app.add_flag("--commit", commit, "Commit the change with libgit2 as the configured author");
  app.add_flag("--push", push, "Commit and push (fetch, rebase the change and retry once if rejected)");
  app.add_option("-m,--message", message, "Commit message");
  app.add_option("--remote", remote, "Remote to push to (default origin)");
  app.add_option("--credentials", credentials, "Repository credentials file (as `capstan app --credentials`)");
  app.add_flag("--dry-run", dry_run, "Print the diff, write nothing");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    std::string summary;
    delivery::FileChange change = delivery::PlanPromote(req, &summary);
    std::string diff = capstan::diff::UnifiedDiff(change.before, change.after, "a/" + change.path, "b/" + change.path);
    std::fwrite(diff.data(), 1, diff.size(), stdout);
    if (dry_run) return 0;
    if (!change.changed()) {
      std::printf("%s already has the images of %s%s\n", req.to.c_str(), req.from.c_str(),
                  push ? "" : ", nothing to do");
      if (!push) return 0;  // with --push, still push an earlier run's unpushed commit
    }
    delivery::PublishOptions po;
    po.commit = commit;
    po.push = push;
    po.remote = remote;
    po.message = message.empty() ? summary + "\n" : message;
    if (!credentials.empty()) po.credentials = capstan::git::Credentials::Load(credentials);
    delivery::PublishResult r = delivery::Publish({change}, po);
    if (!r.commit.empty()) std::printf("committed %s\n", r.commit.substr(0, 12).c_str());
    if (r.pushed) std::printf("pushed to %s%s\n", remote.c_str(), r.rebased ? " (after fetching and rebasing)" : "");
    else if (push) std::printf("%s is up to date, nothing to push\n", remote.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstan promote: %s\n", e.what());
    return 1;
  }
}

const capstan::cli::Command kCmd("promote", "Copy image tags of a service from one environment's overlay to another",
                                 RunPromote);

}  // namespace
