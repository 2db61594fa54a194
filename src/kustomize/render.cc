// Render: the whole build. Accumulates the top kustomization (which
// recurses into bases and components), then the steps kustomize runs only
// once at the top: hash suffixes, name references, vars, dropping
// local-config objects, build metadata, ordering, and kustomize's output
// key order.
#include <algorithm>
#include <filesystem>

#include "kustomize/output.h"
#include "kustomize/remote.h"
#include "kustomize/target.h"

namespace capstan::kustomize {

static std::vector<yaml::Node> RenderImpl(const std::string& dir, const Options& options);

// Every failure leaves as one kustomize::Error, whatever layer raised it.
std::vector<yaml::Node> Render(const std::string& dir, const Options& options) {
  try {
    return RenderImpl(dir, options);
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw Error(dir + ": out of memory");
  } catch (const std::exception& e) {
    throw Error(e.what());
  }
}

static std::vector<yaml::Node> RenderImpl(const std::string& arg, const Options& given) {
  std::error_code ec;
  std::string dir = arg;
  Options options = given;
  if (!std::filesystem::is_directory(dir, ec) && Loader::IsRemote(dir)) {
    // `kustomize build <git URL>`: build inside a fetched snapshot.
    if (!options.fetch_remote) Fail(dir + ": remote kustomizations are not available here");
    RemoteRef ref = ParseRemoteRef(arg);
    std::string snapshot;
    try {
      snapshot = options.fetch_remote(ref.repo_url, ref.ref);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      Fail(arg + ": " + e.what());
    }
    dir = (std::filesystem::path(snapshot) / ref.subdir).string();
    options.confine_to = snapshot;
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    Fail("'" + arg + "' must be a directory containing a kustomization file");
  }
  Target top(Loader(dir, options), options, false);
  top.Load();
  Accumulator ra;
  top.AccumulateInto(ra);

  for (auto& r : ra.res) {
    if (!r.needs_hash) continue;
    std::string hash = HashResource(r.obj);
    r.StorePreviousId();
    r.SetName(r.Name() + "-" + hash);
  }
  FixNameReferences(ra.res, ra.config.name_reference);
  ResolveVars(ra.res, ra.vars, ra.config.var_reference);
  ra.res.erase(std::remove_if(ra.res.begin(), ra.res.end(), [](const Resource& r) { return r.local_config; }),
               ra.res.end());

  const Node& k = top.kustomization();
  std::string order = k.StrAt({"sortOptions", "order"});
  if (order.empty() || order == "legacy") {
    SortLegacy(ra.res, k.At({"sortOptions", "legacySortOptions"}));
  } else if (order != "fifo") {
    Fail(top.file() + ": sortOptions.order: unknown sort order '" + order + "'");
  }
  bool origin = false, transformations = false, managed_by = false;
  if (const Node* bm = k.Get("buildMetadata"); bm && bm->IsSeq()) {
    for (const auto& b : bm->items) {
      if (b.value == "originAnnotations") origin = true;
      if (b.value == "transformerAnnotations") transformations = true;
      if (b.value == "managedByLabel") managed_by = true;
    }
  }
  for (auto& r : ra.res) {
    // kubectl's embedded kustomize (the reference) reports its version as "(devel)".
    if (managed_by)
      r.obj.GetOrCreateMap("metadata").GetOrCreateMap("labels").Set("app.kubernetes.io/managed-by",
                                                                     Str("kustomize-(devel)"));
    if (origin && !r.origin.empty())
      r.obj.GetOrCreateMap("metadata").GetOrCreateMap("annotations").Set("config.kubernetes.io/origin", Str(r.origin));
    if (transformations && !r.transformations.empty())
      r.obj.GetOrCreateMap("metadata")
          .GetOrCreateMap("annotations")
          .Set("alpha.config.kubernetes.io/transformations", Str(r.transformations));
  }
  // kustomize writes every object through kyaml, which clears an empty or
  // null metadata.annotations (ClearEmptyAnnotations); labels stay as written.
  for (auto& r : ra.res) {
    if (Node* md = r.obj.Get("metadata"); md && md->IsMap()) {
      const Node* a = md->Get("annotations");
      if (a && (a->IsNull() || (a->IsMap() && a->fields.empty()))) md->Remove("annotations");
    }
  }
  std::vector<yaml::Node> out;
  out.reserve(ra.res.size());
  for (auto& r : ra.res) out.push_back(KustomizeOutputForm(std::move(r.obj)));
  return out;
}

std::string OutputFileName(const yaml::Node& obj) {
  std::string api = obj.StrAt({"apiVersion"});
  std::string s = api + "_" + obj.StrAt({"kind"}) + "_" + obj.StrAt({"metadata", "name"}) + ".yaml";
  std::replace(s.begin(), s.end(), '/', '_');
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace capstan::kustomize
