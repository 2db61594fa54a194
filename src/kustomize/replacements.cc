// replacements: copy a field of one object (optionally one part of a
// delimited string) into fields of the selected objects.
#include "kustomize/fieldpath.h"
#include "kustomize/internal.h"

namespace capstan::kustomize {

namespace {

struct IdSel {
  Gvk gvk;
  std::string name, ns;
};

IdSel ParseIdSel(const Node& n) {
  IdSel s;
  s.gvk.group = n.StrAt({"group"});
  s.gvk.version = n.StrAt({"version"});
  s.gvk.kind = n.StrAt({"kind"});
  s.name = n.StrAt({"name"});
  s.ns = n.StrAt({"namespace"});
  return s;
}

bool SelectedBy(const ResId& id, const IdSel& s) {
  return (s.name.empty() || s.name == id.name) && (s.ns.empty() || NsEquals(s.ns, id.ns)) &&
         GvkSelects(s.gvk, id.gvk);
}

bool AnyIdSelected(const Resource& r, const IdSel& s) {
  for (const auto& id : r.AllIds())
    if (SelectedBy(id, s)) return true;
  return false;
}

std::vector<std::string> Split(const std::string& s, const std::string& delim) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t p = s.find(delim, pos);
    if (p == std::string::npos) {
      out.push_back(s.substr(pos));
      return out;
    }
    out.push_back(s.substr(pos, p - pos));
    pos = p + delim.size();
  }
}

std::string Join(const std::vector<std::string>& v, const std::string& delim) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? delim : "") + v[i];
  return out;
}

Node SourceValue(ResList& res, const Node& rep, const std::string& where) {
  const Node* src = rep.Get("source");
  if (!src || !src->IsMap()) Fail(where + ": replacement needs a source");
  IdSel sel = ParseIdSel(*src);
  Resource* match = nullptr;
  for (auto& r : res) {
    if (!AnyIdSelected(r, sel)) continue;
    if (match) Fail(where + ": more than one match for replacement source " + sel.gvk.kind + "/" + sel.name);
    match = &r;
  }
  if (!match) Fail(where + ": nothing selected by replacement source " + sel.gvk.kind + "/" + sel.name);
  std::string path = src->StrAt({"fieldPath"}, "metadata.name");
  if (path.empty()) path = "metadata.name";
  auto hits = FindPath(match->obj, SplitDotPath(path));
  if (hits.empty() || hits[0]->IsNull()) {
    Fail(where + ": fieldPath `" + path + "` is missing for replacement source " + IdString(match->CurId()));
  }
  Node value = *hits[0];
  if (const Node* opt = src->Get("options"); opt && opt->IsMap()) {
    std::string delim = opt->StrAt({"delimiter"});
    if (!delim.empty()) {
      auto parts = Split(value.value, delim);
      int64_t idx = opt->Get("index") ? opt->Get("index")->AsInt() : 0;
      if (idx < 0 || idx >= static_cast<int64_t>(parts.size())) {
        Fail(where + ": options.index " + std::to_string(idx) + " is out of bounds for value " + value.value);
      }
      value = Str(parts[static_cast<size_t>(idx)]);
    }
  }
  return value;
}

void SetValue(Node& target, const Node& value, const Node* opt, const std::string& where) {
  Node v = value;
  std::string delim = opt ? opt->StrAt({"delimiter"}) : "";
  if (!delim.empty()) {
    if (!target.IsScalar()) Fail(where + ": delimiter option can only be used with scalar nodes");
    auto parts = Split(target.value, delim);
    int64_t idx = opt->Get("index") ? opt->Get("index")->AsInt() : 0;
    if (idx < 0) {
      parts.insert(parts.begin(), v.value);
    } else if (idx >= static_cast<int64_t>(parts.size())) {
      parts.push_back(v.value);
    } else {
      parts[static_cast<size_t>(idx)] = v.value;
    }
    v.value = Join(parts, delim);
  }
  if (target.IsScalar()) {
    target.value = v.value;  // keeps the target's type, as kustomize does
  } else {
    target = v;
  }
}

}  // namespace

void ApplyReplacements(ResList& res, const Node& replacements, const std::string& where) {
  for (const auto& rep : replacements.items) {
    if (!rep.IsMap()) Fail(where + ": replacement must be a mapping");
    Node value = SourceValue(res, rep, where);
    const Node* targets = rep.Get("targets");
    if (!targets || !targets->IsSeq()) continue;
    for (const auto& t : targets->items) {
      const Node* select = t.Get("select");
      if (!select || !select->IsMap()) Fail(where + ": target must specify resources to select");
      IdSel sel = ParseIdSel(*select);
      std::string label_sel = select->StrAt({"labelSelector"});
      std::string anno_sel = select->StrAt({"annotationSelector"});
      std::vector<IdSel> rejects;
      if (const Node* rj = t.Get("reject"); rj && rj->IsSeq())
        for (const auto& r : rj->items) rejects.push_back(ParseIdSel(r));
      std::vector<std::string> paths;
      if (const Node* fp = t.Get("fieldPaths"); fp && fp->IsSeq())
        for (const auto& p : fp->items) paths.push_back(p.value);
      if (paths.empty()) paths.push_back("metadata.name");
      const Node* opt = t.Get("options");
      bool create = opt && opt->StrAt({"create"}) == "true";
      for (auto& r : res) {
        if (!label_sel.empty() && !MatchLabelSelector(r.obj.At({"metadata", "labels"}), label_sel)) continue;
        if (!anno_sel.empty() && !MatchLabelSelector(r.obj.At({"metadata", "annotations"}), anno_sel)) continue;
        if (!AnyIdSelected(r, sel)) continue;
        bool rejected = false;
        for (const auto& rj : rejects) rejected = rejected || AnyIdSelected(r, rj);
        if (rejected) continue;
        for (const auto& p : paths) {
          auto segs = SplitDotPath(p);
          std::vector<Node*> fields;
          if (create) {
            if (Node* n = CreatePath(r.obj, segs)) fields.push_back(n);
          } else {
            fields = FindPath(r.obj, segs);
          }
          if (fields.empty()) {
            Fail(where + ": unable to find field \"" + p + "\" in replacement target " + IdString(r.CurId()));
          }
          for (Node* f : fields) {
            if (f->IsNull() && create) {
              *f = value;
              continue;
            }
            SetValue(*f, value, opt, where);
          }
        }
      }
    }
  }
}

}  // namespace capstan::kustomize
