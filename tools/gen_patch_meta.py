#!/usr/bin/env python3
"""Generates src/resource/builtin_schema.inc from the Kubernetes OpenAPI v3
documents (one JSON file per group/version, as served under /openapi/v3).

The output is the small part of the API that patching needs, as C++
initializers for src/resource/schema.cc:
  - every type from which a field with patch metadata (patch strategy,
    merge key, list type map/set, list map keys) can be reached, with only
    those fields;
  - every kind (group/version/kind) with its root type and whether it lives
    in a namespace (its paths contain /namespaces/{namespace}/).

Usage: tools/gen_patch_meta.py [OPENAPI_DIR] [OUTPUT]
Defaults: ../shared/k8s-openapi/v1.32 and src/resource/builtin_schema.inc,
relative to the repository root.
"""
import glob
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ref_name(ref):
    # "#/components/schemas/X" or "#/definitions/X" -> "X"
    return ref.rsplit('/', 1)[-1]


def child_ref(prop):
    """The named type a property holds (for arrays: the element type)."""
    if not isinstance(prop, dict):
        return None
    if '$ref' in prop:
        return ref_name(prop['$ref'])
    for sub in prop.get('allOf', []) or []:
        r = child_ref(sub)
        if r:
            return r
    if prop.get('type') == 'array' and 'items' in prop:
        return child_ref(prop['items'])
    return None


def meta_of(prop):
    strategy = prop.get('x-kubernetes-patch-strategy', '')
    key = prop.get('x-kubernetes-patch-merge-key', '')
    list_type = prop.get('x-kubernetes-list-type', '')
    map_keys = prop.get('x-kubernetes-list-map-keys', []) or []
    if strategy or key or list_type in ('map', 'set'):
        return (strategy, key, ','.join(map_keys), list_type)
    return None


# Group/versions that kustomize v5.5's built-in schema (Kubernetes 1.21)
# still knows but 1.32 no longer serves. kustomize merges their lists by key
# (e.g. batch/v1beta1 CronJob containers), so they map to the 1.32 successor
# with the same patch metadata. Kinds removed before 1.21 (apps/v1beta2
# Deployment, extensions/v1beta1 Deployment) stay unknown, as in kustomize.
LEGACY = {
    ('admissionregistration.k8s.io', 'v1beta1'): ('admissionregistration.k8s.io', 'v1',
        ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']),
    ('apiextensions.k8s.io', 'v1beta1'): ('apiextensions.k8s.io', 'v1', ['CustomResourceDefinition']),
    ('apiregistration.k8s.io', 'v1beta1'): ('apiregistration.k8s.io', 'v1', ['APIService']),
    ('authentication.k8s.io', 'v1beta1'): ('authentication.k8s.io', 'v1', ['TokenReview']),
    ('authorization.k8s.io', 'v1beta1'): ('authorization.k8s.io', 'v1',
        ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview']),
    ('autoscaling', 'v2beta1'): ('autoscaling', 'v2', ['HorizontalPodAutoscaler']),
    ('autoscaling', 'v2beta2'): ('autoscaling', 'v2', ['HorizontalPodAutoscaler']),
    ('batch', 'v1beta1'): ('batch', 'v1', ['CronJob']),
    ('certificates.k8s.io', 'v1beta1'): ('certificates.k8s.io', 'v1', ['CertificateSigningRequest']),
    ('coordination.k8s.io', 'v1beta1'): ('coordination.k8s.io', 'v1', ['Lease']),
    ('discovery.k8s.io', 'v1beta1'): ('discovery.k8s.io', 'v1', ['EndpointSlice']),
    ('events.k8s.io', 'v1beta1'): ('events.k8s.io', 'v1', ['Event']),
    ('extensions', 'v1beta1'): ('networking.k8s.io', 'v1', ['Ingress']),
    ('flowcontrol.apiserver.k8s.io', 'v1alpha1'): ('flowcontrol.apiserver.k8s.io', 'v1',
        ['FlowSchema', 'PriorityLevelConfiguration']),
    ('flowcontrol.apiserver.k8s.io', 'v1beta1'): ('flowcontrol.apiserver.k8s.io', 'v1',
        ['FlowSchema', 'PriorityLevelConfiguration']),
    ('networking.k8s.io', 'v1beta1'): ('networking.k8s.io', 'v1', ['Ingress', 'IngressClass']),
    ('node.k8s.io', 'v1alpha1'): ('node.k8s.io', 'v1', ['RuntimeClass']),
    ('node.k8s.io', 'v1beta1'): ('node.k8s.io', 'v1', ['RuntimeClass']),
    ('policy', 'v1beta1'): ('policy', 'v1', ['PodDisruptionBudget']),
    ('rbac.authorization.k8s.io', 'v1alpha1'): ('rbac.authorization.k8s.io', 'v1',
        ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']),
    ('rbac.authorization.k8s.io', 'v1beta1'): ('rbac.authorization.k8s.io', 'v1',
        ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']),
    ('scheduling.k8s.io', 'v1alpha1'): ('scheduling.k8s.io', 'v1', ['PriorityClass']),
    ('scheduling.k8s.io', 'v1beta1'): ('scheduling.k8s.io', 'v1', ['PriorityClass']),
    ('storage.k8s.io', 'v1alpha1'): ('storage.k8s.io', 'v1', ['VolumeAttachment', 'CSIStorageCapacity']),
    ('storage.k8s.io', 'v1beta1'): ('storage.k8s.io', 'v1',
        ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment', 'CSIStorageCapacity']),
}
# Retired cluster-scoped kinds without a successor (scope only, no schema).
LEGACY_CLUSTER_SCOPED = [('policy', 'v1beta1', 'PodSecurityPolicy'), ('extensions', 'v1beta1', 'PodSecurityPolicy')]


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '..', 'shared', 'k8s-openapi', 'v1.32')
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, 'src', 'resource', 'builtin_schema.inc')
    files = sorted(glob.glob(os.path.join(src, '**', '*.json'), recursive=True))
    if not files:
        sys.exit('no OpenAPI documents under %s' % src)

    schemas = {}
    namespaced = {}  # (g, v, k) -> bool
    for path in files:
        with open(path) as f:
            doc = json.load(f)
        for name, s in (doc.get('components', {}).get('schemas', {}) or {}).items():
            schemas.setdefault(name, s)
        for p, item in (doc.get('paths', {}) or {}).items():
            for op in item.values():
                if not isinstance(op, dict):
                    continue
                gvk = op.get('x-kubernetes-group-version-kind')
                if not gvk:
                    continue
                key = (gvk['group'], gvk['version'], gvk['kind'])
                ns = '/namespaces/{namespace}/' in p
                namespaced[key] = namespaced.get(key, False) or ns

    # fields[type] = {field: (child type or None, meta or None)}
    fields = {}
    for name, s in schemas.items():
        fs = {}
        for fname, prop in (s.get('properties', {}) or {}).items():
            fs[fname] = (child_ref(prop), meta_of(prop))
        ap = s.get('additionalProperties')
        if isinstance(ap, dict):
            r = child_ref(ap)
            if r:
                fs['*'] = (r, None)
        fields[name] = fs

    # Types from which patch metadata is reachable (fixpoint).
    relevant = set()
    changed = True
    while changed:
        changed = False
        for name, fs in fields.items():
            if name in relevant:
                continue
            if any(m or (c in relevant) for c, m in fs.values()):
                relevant.add(name)
                changed = True

    kinds = []
    for name, s in schemas.items():
        for gvk in s.get('x-kubernetes-group-version-kind', []) or []:
            key = (gvk['group'], gvk['version'], gvk['kind'])
            if key in namespaced:  # served kinds only (not List/options types)
                kinds.append((key, name))
    by_gvk = {key: name for key, name in kinds}
    for (g, v), (sg, sv, ks) in LEGACY.items():
        for k in ks:
            if (g, v, k) in by_gvk or (sg, sv, k) not in by_gvk:
                continue
            kinds.append(((g, v, k), by_gvk[(sg, sv, k)]))
            namespaced[(g, v, k)] = namespaced[(sg, sv, k)]
    kinds.sort()

    types = sorted(relevant | {n for _, n in kinds})
    index = {n: i for i, n in enumerate(types)}
    metas = []
    meta_index = {}
    rows = []
    type_rows = []
    for n in types:
        first = len(rows)
        for fname in sorted(fields.get(n, {})):
            c, m = fields[n][fname]
            if not m and c not in relevant:
                continue
            mi = -1
            if m:
                if m not in meta_index:
                    meta_index[m] = len(metas)
                    metas.append(m)
                mi = meta_index[m]
            rows.append((fname, index[c] if c in relevant else -1, mi))
        type_rows.append((n, first, len(rows) - first))

    def q(s):
        return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'

    lines = ['// Generated by tools/gen_patch_meta.py from the Kubernetes v1.32 OpenAPI',
             '// documents. Do not edit; rerun the generator.',
             '// %d types, %d fields, %d patch metadata entries, %d kinds.' % (
                 len(type_rows), len(rows), len(metas), len(kinds)),
             '']
    lines.append('static const BuiltinMeta kBuiltinMetas[] = {')
    for m in metas:
        lines.append('    {%s, %s, %s, %s},' % tuple(q(x) for x in m))
    lines.append('};')
    lines.append('static const BuiltinField kBuiltinFields[] = {')
    for fname, c, mi in rows:
        lines.append('    {%s, %d, %d},' % (q(fname), c, mi))
    lines.append('};')
    lines.append('static const BuiltinType kBuiltinTypes[] = {')
    for n, first, count in type_rows:
        lines.append('    {%s, %d, %d},' % (q(n), first, count))
    lines.append('};')
    lines.append('static const BuiltinKind kBuiltinKinds[] = {')
    for (g, v, k), n in kinds:
        lines.append('    {%s, %s, %s, %d, %s},' % (q(g), q(v), q(k), index[n],
                                                   'true' if namespaced[(g, v, k)] else 'false'))
    lines.append('};')
    lines.append('// Retired kinds known only for their scope.')
    lines.append('static const BuiltinKind kLegacyClusterScoped[] = {')
    for g, v, k in LEGACY_CLUSTER_SCOPED:
        lines.append('    {%s, %s, %s, -1, false},' % (q(g), q(v), q(k)))
    lines.append('};')
    text = '\n'.join(lines) + '\n'
    tmp = out + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, out)
    print('%s: %d bytes, %d types, %d fields, %d kinds' % (out, len(text), len(type_rows), len(rows), len(kinds)))


if __name__ == '__main__':
    main()
