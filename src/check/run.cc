// Rendering and checking targets in parallel.
#include <atomic>
#include <filesystem>
#include <thread>

#include "app/render.h"
#include "check/check.h"
#include "kustomize/kustomize.h"

namespace capstan::check {
namespace {

template <typename Fn>
void Parallel(size_t n, unsigned jobs, Fn fn) {
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<size_t>(jobs, n));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
}

void Render(const std::string& root, TargetResult* r) {
  const Target& t = r->target;
  if (!t.error.empty()) {
    r->render_error = t.error;
    return;
  }
  try {
    if (t.kind == Target::Kind::kKustomization) {
      r->objects = kustomize::Render((std::filesystem::path(root) / t.path).string());
    } else {
      r->objects = app::RenderSource(root, t.source);
    }
  } catch (const std::exception& e) {
    r->render_error = e.what();
  }
}

bool LintFails(const lint::Finding& f, const std::string& fail_on) {
  if (fail_on == "never") return false;
  if (fail_on == "warning") return true;
  return f.severity == lint::Severity::kCritical;
}

}  // namespace

Result Run(const std::string& root, std::vector<Target> targets, validate::Schemas& schemas, const Options& options) {
  Result result;
  result.targets.resize(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) result.targets[i].target = std::move(targets[i]);
  Parallel(result.targets.size(), options.jobs, [&](size_t i) { Render(root, &result.targets[i]); });
  for (const TargetResult& r : result.targets) schemas.AddCrds(r.objects, /*override_builtin=*/false);
  Parallel(result.targets.size(), options.jobs, [&](size_t i) {
    TargetResult& r = result.targets[i];
    if (!r.render_error.empty()) {
      r.failed = true;
      return;
    }
    if (options.validate) {
      for (size_t k = 0; k < r.objects.size(); ++k) {
        validate::DocumentResult d = validate::ValidateObject(schemas, r.objects[k], options.validate_options);
        d.index = k;
        if (!d.valid) r.failed = true;
        r.validation.push_back(std::move(d));
      }
    }
    if (options.lint) {
      r.lint = lint::Lint(r.objects, options.lint_options);
      for (const lint::Finding& f : r.lint)
        if (LintFails(f, options.lint_fail_on)) r.failed = true;
    }
    for (const PolicyCheck& policy : options.policies) {
      for (PolicyFinding& f : policy(r.objects)) {
        if (f.severity == "error" || f.severity == "critical") r.failed = true;
        r.policy.push_back(std::move(f));
      }
    }
  });
  for (const TargetResult& r : result.targets) result.failed |= r.failed;
  return result;
}

validate::Report ToReport(const Result& result) {
  validate::Report report;
  for (const TargetResult& r : result.targets) {
    const std::string suite = r.target.name;
    std::string file = r.target.kind == Target::Kind::kApplication ? r.target.manifest : r.target.path;
    if (!r.render_error.empty()) {
      report.subjects.push_back({suite, "render", file, 0});
      report.findings.push_back({report.subjects.size() - 1, "render", "RenderFailed", "error", "", r.render_error});
      continue;
    }
    size_t first = report.subjects.size();
    for (const yaml::Node& o : r.objects) {
      std::string ns = o.StrAt({"metadata", "namespace"});
      report.subjects.push_back({suite, o.StrAt({"apiVersion"}) + " " + o.StrAt({"kind"}) + " " +
                                            (ns.empty() ? "" : ns + "/") + o.StrAt({"metadata", "name"}),
                                 file, 0});
    }
    for (const validate::DocumentResult& d : r.validation) {
      for (const validate::Finding& f : d.errors)
        report.findings.push_back({first + d.index, "validate", f.type, "error", f.path, f.detail});
      for (const std::string& w : d.warnings)
        report.findings.push_back({first + d.index, "validate", d.skipped ? "SchemaSkipped" : "CELNotEvaluated", "note", "", w});
    }
    for (const lint::Finding& f : r.lint)
      report.findings.push_back({first + f.object, "lint", f.check, std::string(lint::SeverityName(f.severity)), f.path, f.message});
    for (const PolicyFinding& f : r.policy)
      report.findings.push_back({first + f.object, "policy", f.rule, f.severity, f.path, f.message});
  }
  return report;
}

}  // namespace capstan::check
