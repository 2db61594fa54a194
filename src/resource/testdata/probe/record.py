#!/usr/bin/env python3
"""Records kubectl's results for each case into a test data file."""
import sys, yaml, importlib.util
spec = importlib.util.spec_from_file_location('cmp', '/tmp/res-tool/compare_lib.py')
cmp = importlib.util.module_from_spec(spec); spec.loader.exec_module(cmp)
cases = yaml.safe_load(open(sys.argv[1]))
out = []
for c in cases:
    k = cmp.kustomize(c['target'], c['patch'])
    a = cmp.kpatch(c['target'], c['patch'])
    rec = {'name': c['name'], 'target': yaml.safe_load(c['target']), 'patch': yaml.safe_load(c['patch'])}
    if isinstance(k, tuple): rec['kustomize_error'] = True
    else: rec['kustomize'] = k
    if isinstance(a, tuple): rec['apiserver_error'] = True
    else: rec['apiserver'] = a
    out.append(rec)
hdr = ('# Strategic merge patch cases. Expected results recorded from kubectl v1.32.4:\n'
       '#   kustomize: `kubectl kustomize` with the patch under `patches:` (kustomize v5.5.0)\n'
       '#   apiserver: `kubectl patch --local --type strategic -o yaml`\n'
       '# Regenerate with the probe scripts described in src/resource/README.md.\n')
open(sys.argv[2], 'w').write(hdr + yaml.safe_dump(out, sort_keys=False, default_flow_style=None, width=120))
print(len(out), 'cases')
