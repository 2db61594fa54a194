#!/usr/bin/env python3
"""Generates src/validate/k8s_1_32_schemas.json from the Kubernetes OpenAPI v3
documents (../shared/k8s-openapi/v1.32, laid out as /openapi/v3).

The output is one compact JSON document that capstan embeds in the binary:

  {"components": {<name>: <schema>, ...},     # union of every GV document
   "gvs": {"<group/version>": {<kind>: <component name>, ...}, ...}}

Only what validation reads is kept: descriptions, examples and patch
strategies are dropped. A component name means the same schema in every GV
document (checked here), so one union serves all group-versions.

Usage: tools/gen_validate_schemas.py [OPENAPI_DIR] > src/validate/k8s_1_32_schemas.json
"""
import glob
import json
import os
import sys

DROP = {'description', 'example', 'externalDocs', 'x-kubernetes-patch-strategy',
        'x-kubernetes-patch-merge-key', 'x-kubernetes-map-type', 'title', 'x-kubernetes-unions'}


def strip(s):
    """Strips a schema object (not a properties map)."""
    if isinstance(s, list):
        return [strip(x) for x in s]
    if not isinstance(s, dict):
        return s
    out = {}
    for k, v in s.items():
        if k in DROP:
            continue
        if k == 'default' and not isinstance(v, (str, int, float, bool)):
            continue  # only scalar defaults matter (list-map keys)
        if k == 'properties':
            out[k] = {pk: strip(pv) for pk, pv in v.items()}
        elif k in ('items', 'additionalProperties', 'not'):
            out[k] = strip(v) if isinstance(v, dict) else v
        elif k in ('allOf', 'anyOf', 'oneOf'):
            out[k] = [strip(x) for x in v]
        else:
            out[k] = v
    return out


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), '..', '..', 'shared', 'k8s-openapi', 'v1.32')
    comps, gvs = {}, {}
    files = sorted(glob.glob(os.path.join(root, 'api', '*.json')) +
                   glob.glob(os.path.join(root, 'apis', '*', '*.json')))
    for f in files:
        rel = os.path.relpath(f, root)
        parts = rel[:-5].split(os.sep)
        group, version = ('', parts[1]) if parts[0] == 'api' else (parts[1], parts[2])
        gv = version if group == '' else group + '/' + version
        doc = json.load(open(f))
        kinds = {}
        for name, s in doc.get('components', {}).get('schemas', {}).items():
            st = strip(s)
            if name in comps and comps[name] != st:
                sys.exit('component %s differs between documents (%s)' % (name, rel))
            comps[name] = st
            for gvk in s.get('x-kubernetes-group-version-kind', []):
                if gvk.get('group', '') == group and gvk.get('version') == version:
                    kinds[gvk['kind']] = name
        gvs[gv] = kinds
    for s in comps.values():
        s.pop('x-kubernetes-group-version-kind', None)
    json.dump({'components': comps, 'gvs': gvs}, sys.stdout, separators=(',', ':'), sort_keys=True)


if __name__ == '__main__':
    main()
