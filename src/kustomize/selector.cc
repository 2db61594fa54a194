// Target selectors (patches, replacements): anchored regular expressions on
// group/version/kind/name/namespace plus label and annotation selectors.
#include <regex>
#include <stdexcept>

#include "kustomize/internal.h"
#include "resource/selector.h"

namespace capstan::kustomize {

Selector ParseSelector(const Node& n) {
  Selector s;
  if (!n.IsMap()) Fail("target selector must be a mapping");
  s.gvk.group = n.StrAt({"group"});
  s.gvk.version = n.StrAt({"version"});
  s.gvk.kind = n.StrAt({"kind"});
  s.name = n.StrAt({"name"});
  s.ns = n.StrAt({"namespace"});
  s.label_selector = n.StrAt({"labelSelector"});
  s.annotation_selector = n.StrAt({"annotationSelector"});
  return s;
}

namespace {

struct Rx {
  bool any = true;
  std::regex rx;
  explicit Rx(const std::string& pattern) {
    if (pattern.empty()) return;
    any = false;
    try {
      rx = std::regex("^(?:" + pattern + ")$");
    } catch (const std::regex_error&) {
      Fail("target selector: invalid regular expression '" + pattern + "'");
    }
  }
  bool Match(const std::string& s) const { return any || std::regex_match(s, rx); }
};

std::string EffectiveNs(const ResId& id) {
  if (IsClusterScoped(id)) return "";
  return id.ns.empty() ? "default" : id.ns;
}

}  // namespace

bool MatchLabelSelector(const Node* labels, const std::string& selector) {
  resource::Selector sel;
  try {
    sel = resource::Selector::ParseLabels(selector);
  } catch (const std::invalid_argument& e) {
    Fail("invalid label selector '" + selector + "': " + e.what());
  }
  resource::KeyValues kv;
  if (labels && labels->IsMap())
    for (const auto& f : labels->fields) kv.emplace_back(f.key.value, f.value.value);
  return sel.Matches(kv);
}

std::vector<size_t> Select(const ResList& res, const Selector& s) {
  Rx name(s.name), ns(s.ns), group(s.gvk.group), version(s.gvk.version), kind(s.gvk.kind);
  std::vector<size_t> out;
  for (size_t i = 0; i < res.size(); ++i) {
    const Resource& r = res[i];
    ResId cur = r.CurId(), org = r.OrgId();
    if (!ns.Match(EffectiveNs(org)) && !ns.Match(EffectiveNs(cur))) continue;
    if (!name.Match(org.name) && !name.Match(cur.name)) continue;
    if (!group.Match(cur.gvk.group) || !version.Match(cur.gvk.version) || !kind.Match(cur.gvk.kind))
      continue;
    if (!s.label_selector.empty() &&
        !MatchLabelSelector(r.obj.At({"metadata", "labels"}), s.label_selector))
      continue;
    if (!s.annotation_selector.empty() &&
        !MatchLabelSelector(r.obj.At({"metadata", "annotations"}), s.annotation_selector))
      continue;
    out.push_back(i);
  }
  return out;
}

}  // namespace capstan::kustomize
