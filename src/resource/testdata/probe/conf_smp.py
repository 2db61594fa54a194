#!/usr/bin/env python3
"""Applies the SMP patches of simple kustomize conformance cases with capstan's
kustomize flavour and compares with the expected output (documents as a multiset)."""
import json, os, subprocess, sys, tempfile, yaml
TOOL = '/tmp/res-tool/smp_tool'
root = '/work/shared/conformance/kustomize/cases'
names = sys.argv[1:]
ok = bad = skip = 0
for c in names:
    base = os.path.join(root, c, 'input', open(os.path.join(root, c, 'target')).read().strip())
    kf = os.path.join(base, 'kustomization.yaml')
    k = yaml.safe_load(open(kf))
    try:
        docs = []
        for r in k.get('resources', []):
            p = os.path.join(base, r)
            if os.path.isdir(p): raise RuntimeError('dir resource')
            docs += [d for d in yaml.safe_load_all(open(p)) if d]
        patches = []
        for p in k.get('patchesStrategicMerge', []) or []:
            if '\n' in p or ':' in p: patches += [d for d in yaml.safe_load_all(p) if d]
            else: patches += [d for d in yaml.safe_load_all(open(os.path.join(base, p))) if d]
        for p in k.get('patches', []) or []:
            t = p.get('target')
            if t and set(t) - {'kind', 'name', 'group', 'version'}: raise RuntimeError('selector target')
            text = p.get('patch') or open(os.path.join(base, p['path'])).read()
            d = yaml.safe_load(text)
            if isinstance(d, list): raise RuntimeError('json6902')
            for x in yaml.safe_load_all(text):
                if x:
                    if t: x['_target'] = t
                    patches.append(x)
    except Exception as e:
        print('skip', c, e); skip += 1; continue
    err = None
    for p in patches:
        t = p.pop('_target', None)
        if t:
            hits = [i for i, d in enumerate(docs) if all(d.get('kind') == t.get('kind', d.get('kind')) and d['metadata']['name'] == t.get('name', d['metadata']['name']) for _ in [0])]
        else:
            hits = [i for i, d in enumerate(docs) if d.get('kind') == p.get('kind') and d['metadata']['name'] == p.get('metadata', {}).get('name')]
        for i in hits:
            keep = (docs[i]['kind'], docs[i]['metadata']['name'])
            d = tempfile.mkdtemp()
            open(d + '/t', 'w').write(yaml.safe_dump(docs[i])); open(d + '/p', 'w').write(yaml.safe_dump(p))
            r = subprocess.run([TOOL, 'k', d + '/t', d + '/p'], capture_output=True, text=True)
            if r.returncode: err = r.stderr; break
            docs[i] = yaml.safe_load(r.stdout)
            if docs[i]: docs[i]['kind'], docs[i]['metadata']['name'] = keep
    docs = [d for d in docs if d]
    exp = os.path.join(root, c, 'expected.yaml')
    if not os.path.exists(exp):
        res = err is not None
    else:
        want = [d for d in yaml.safe_load_all(open(exp)) if d]
        key = lambda d: json.dumps(d, sort_keys=True)
        res = err is None and sorted(map(key, docs)) == sorted(map(key, want))
    print('ok  ' if res else 'FAIL', c, err or '')
    if res: ok += 1
    else:
        bad += 1
        if os.environ.get('V'): print(yaml.safe_dump_all(docs))
print(ok, 'ok', bad, 'bad', skip, 'skipped')
