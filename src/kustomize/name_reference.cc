// Name references: after names changed (prefix, suffix, hash, namespace),
// every field that refers to a renamed object by its old name gets the new
// one (kustomize's nameReference back references). Candidates are chosen
// by previous name, kind, namespace reachability, prefixes/suffixes, as
// kustomize does, and an ambiguous reference is an error.
#include <set>
#include <unordered_map>

#include "kustomize/internal.h"

namespace capstan::kustomize {

namespace {

using Cands = std::vector<const Resource*>;

// {"a","b","c"} and {"b","c"} end the same way; an empty list only matches
// an empty list.
bool SameEnding(std::vector<std::string> a, std::vector<std::string> b) {
  if (a.size() > b.size()) std::swap(a, b);
  size_t diff = b.size() - a.size();
  if (a.empty()) return diff == 0;
  for (size_t i = a.size(); i-- > 0;)
    if (b[i + diff] != a[i]) return false;
  return true;
}

bool PrevNameMatches(const Resource& r, const std::string& name) {
  for (const auto& id : r.prev_ids)
    if (id.name == name) return true;
  return false;
}

bool PrevIdSelectedBy(const Resource& r, const Gvk& gvk) {
  for (const auto& id : r.prev_ids)
    if (GvkSelects(gvk, id.gvk)) return true;
  return false;
}

// Current ids, computed once per pass (name references never rename).
using IdCache = std::unordered_map<const Resource*, ResId>;

struct Ref {
  const IdCache& ids;
  const Resource& referrer;
  const Gvk& target;
  const FieldSpec& spec;
  const Cands& candidates;  // what the referrer can see

  Cands Sieve(const Cands& in, const std::function<bool(const Resource&)>& keep) const {
    Cands out;
    for (const auto* c : in)
      if (keep(*c)) out.push_back(c);
    return out;
  }

  const Resource* SelectReferral(const std::string& old_name, const Cands& pool, bool by_ns) const {
    Cands c = Sieve(pool, [&](const Resource& r) { return PrevNameMatches(r, old_name); });
    c = Sieve(c, [&](const Resource& r) { return PrevIdSelectedBy(r, target); });
    if (spec.path.size() >= 12 && spec.path.compare(spec.path.size() - 12, 12, "roleRef/name") == 0) {
      std::string kind = referrer.obj.StrAt({"roleRef", "kind"});
      std::string group = referrer.obj.StrAt({"roleRef", "apiGroup"});
      c = Sieve(c, [&](const Resource& r) {
        const ResId& id = ids.at(&r);
        return id.gvk.kind == kind && id.gvk.group == group;
      });
    }
    const ResId& ref_id = ids.at(&referrer);
    if (!IsClusterScoped(ref_id)) {
      c = Sieve(c, [&](const Resource& r) {
        const ResId& id = ids.at(&r);
        return IsClusterScoped(id) || id.gvk.kind == "ServiceAccount" || NsEquals(id.ns, ref_id.ns);
      });
    }
    if (c.size() == 1) return c[0];
    for (bool allow_empty : {true, false}) {
      c = Sieve(c, [&](const Resource& r) {
        auto same = [&](const std::vector<std::string>& a, const std::vector<std::string>& b) {
          if (allow_empty && (a.empty() || b.empty())) return true;
          return SameEnding(a, b);
        };
        return same(r.prefixes, referrer.prefixes) && same(r.suffixes, referrer.suffixes);
      });
      if (c.size() == 1) return c[0];
    }
    if (c.empty()) return nullptr;
    bool same = true;
    for (const auto* x : c) {
      same = same && x->Name() == c[0]->Name();
      if (by_ns) same = same && x->Namespace() == c[0]->Namespace();
    }
    if (same) return c[0];
    std::string names;
    for (const auto* x : c) names += " " + IdString(x->CurId());
    Fail(IdString(ref_id) + ": field " + spec.path + ": found multiple possible referrals:" + names);
  }

  void SetScalar(Node& n) const {
    if (!n.IsScalar()) return;
    const Resource* r = SelectReferral(n.value, candidates, false);
    if (!r || r->Name() == n.value) return;
    n = Str(r->Name());
  }

  void SetMapping(Node& n) const {
    Node* name = n.Get("name");
    if (!name) Fail(IdString(referrer.CurId()) + ": field " + spec.path + ": path config error; no 'name' field in node");
    Cands pool = candidates;
    if (const Node* ns = n.Get("namespace")) {
      Cands by_org, by_cur;
      for (const auto* c : candidates) {
        // Grouped by effective namespace ("" is "default"); cluster-scoped
        // objects are in no group.
        if (IsClusterScoped(ids.at(c))) continue;
        if (NsEquals(c->OrgId().ns, ns->value)) by_org.push_back(c);
        if (NsEquals(c->Namespace(), ns->value)) by_cur.push_back(c);
      }
      pool = !by_org.empty() ? by_org : by_cur;
    }
    std::string old_name = name->value;
    const Resource* r = SelectReferral(old_name, pool, true);
    if (!r) return;
    if (r->Name() == old_name && r->Namespace().empty()) return;
    n.Set("name", Str(r->Name()));
    if (r->Namespace().empty()) return;
    n.Set("namespace", Str(r->Namespace()));
  }

  void Set(Node& n) const {
    if (n.IsNull()) return;
    if (n.IsScalar()) {
      SetScalar(n);
    } else if (n.IsMap()) {
      SetMapping(n);
    } else if (n.IsSeq()) {
      for (auto& item : n.items) {
        if (item.IsScalar()) {
          SetScalar(item);
        } else if (item.IsMap()) {
          SetMapping(item);
        }
      }
    }
  }
};

// What `referrer` may refer to: same namespace, cluster-scoped, or a
// namespace its RoleBinding subjects name.
Cands CouldBeReferenced(const ResList& res, const IdCache& ids, const Resource& referrer) {
  Cands out;
  const ResId& rid = ids.at(&referrer);
  if (IsClusterScoped(rid)) {
    for (const auto& r : res) out.push_back(&r);
    return out;
  }
  std::set<std::string> rb_ns;
  if (rid.gvk.kind == "RoleBinding") {
    if (const Node* subjects = referrer.obj.Get("subjects"); subjects && subjects->IsSeq()) {
      for (const auto& s : subjects->items) {
        const Node* ns = s.Get("namespace");
        if (!ns || s.StrAt({"kind"}) != "ServiceAccount") continue;
        if (!ns->IsScalar() || ns->IsNull() || ns->tag == yaml::kNullTag) {
          Fail("Invalid Input: namespace is blank for resource " + IdString(rid));
        }
        rb_ns.insert(ns->value);
      }
    }
  }
  for (const auto& r : res) {
    const ResId& id = ids.at(&r);
    if (IsClusterScoped(id) || NsEquals(id.ns, rid.ns) || rb_ns.count(id.ns)) out.push_back(&r);
  }
  return out;
}

}  // namespace

void FixNameReferences(ResList& res, const std::vector<NameRefEntry>& refs) {
  Node leaf;
  IdCache ids;
  for (const auto& r : res) ids.emplace(&r, r.CurId());
  for (auto& referrer : res) {
    Gvk org = referrer.OrgId().gvk;
    Cands candidates;
    bool have_candidates = false;
    for (const auto& entry : refs) {
      for (const auto& spec : entry.referrers) {
        if (!GvkSelects(spec.gvk, org)) continue;
        if (!have_candidates) {
          candidates = CouldBeReferenced(res, ids, referrer);
          have_candidates = true;
        }
        FieldSpec no_create = spec;
        no_create.create = false;
        Ref ref{ids, referrer, entry.gvk, spec, candidates};
        ApplyFieldSpec(referrer.obj, no_create, leaf, [&](Node& n) { ref.Set(n); });
      }
    }
  }
}

}  // namespace capstan::kustomize
