#include "kustomize/helm_charts.h"

#include "helm/helm.h"
#include "kustomize/internal.h"
#include "kustomize/resources.h"
#include "yaml/yaml.h"

namespace capstan::kustomize {

void InflateHelmCharts(Accumulator& ra, const Loader& loader, const Node& k, const std::string& file) {
  const Node* charts = k.Get("helmCharts");
  if (charts == nullptr || charts->IsNull()) return;
  if (!charts->IsSeq()) Fail(file + ": helmCharts: expected a list");
  std::string chart_home = "charts";
  if (const Node* g = k.Get("helmGlobals"); g && g->IsMap() && !g->StrAt({"chartHome"}).empty())
    chart_home = g->StrAt({"chartHome"});
  for (size_t i = 0; i < charts->items.size(); ++i) {
    const Node& c = charts->items[i];
    std::string where = file + ": helmCharts[" + std::to_string(i) + "]";
    std::string name = c.StrAt({"name"});
    if (name.empty()) Fail(where + ": name is required");
    if (!c.StrAt({"repo"}).empty() && !loader.IsDir(chart_home + "/" + name))
      Fail(where + ": chart \"" + name + "\" is not in " + chart_home + "/ (pulling from repo " +
           c.StrAt({"repo"}) + " is not supported; vendor the chart)");
    if (!loader.IsDir(chart_home + "/" + name)) Fail(where + ": no chart \"" + name + "\" in " + chart_home + "/");
    helm::TemplateOptions o;
    o.chart_path = loader.Resolve(chart_home + "/" + name);
    o.release_name = c.StrAt({"releaseName"}, "release-name");
    o.namespace_ = c.StrAt({"namespace"}, "default");
    o.kube_version = c.StrAt({"kubeVersion"});
    o.include_crds = c.StrAt({"includeCRDs"}) == "true";
    o.skip_tests = c.StrAt({"skipTests"}) == "true";
    if (const Node* api = c.Get("apiVersions"); api && api->IsSeq())
      for (const auto& a : api->items) o.api_versions.push_back(a.value);
    std::string merge = c.StrAt({"valuesMerge"}, "override");
    std::string values_file;
    if (!c.StrAt({"valuesFile"}).empty()) values_file = loader.Resolve(c.StrAt({"valuesFile"}));
    std::string inline_yaml;
    if (const Node* vi = c.Get("valuesInline"); vi && vi->IsMap()) inline_yaml = yaml::EmitJson(*vi);
    if (merge == "replace" && !inline_yaml.empty()) {
      o.values_yaml.push_back(inline_yaml);
    } else if (merge == "merge") {
      if (!inline_yaml.empty()) o.values_yaml.push_back(inline_yaml);
      if (!values_file.empty()) o.values_yaml.push_back(loader.ReadFile(c.StrAt({"valuesFile"})));
    } else {
      if (!values_file.empty()) o.value_files.push_back(values_file);
      if (!inline_yaml.empty()) o.values_yaml.push_back(inline_yaml);
    }
    if (const Node* add = c.Get("additionalValuesFiles"); add && add->IsSeq())
      for (const auto& f : add->items) o.value_files.push_back(loader.Resolve(f.value));
    bool skip_hooks = c.StrAt({"skipHooks"}) == "true";
    helm::TemplateResult r;
    try {
      r = helm::Template(o);
    } catch (const helm::HelmError& e) {
      Fail(where + ": chart \"" + name + "\": " + e.what());
    }
    std::string text = r.output;
    if (skip_hooks) {
      // --no-hooks: drop documents carrying a helm.sh/hook annotation
      std::vector<Node> docs = yaml::ParseAll(text, where);
      text.clear();
      for (const auto& d : docs) {
        if (d.IsMap() && !d.StrAt({"metadata", "annotations", "helm.sh/hook"}).empty()) continue;
        text += "---\n" + yaml::EmitYaml(d);
      }
    }
    ResList parsed = ParseResources(text, o.chart_path);
    AppendAll(ra.res, std::move(parsed), where);
  }
}

}  // namespace capstan::kustomize
