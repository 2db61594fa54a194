#!/usr/bin/env python3
"""Compare capstan SMP (both flavours) with kubectl kustomize / kubectl patch --local."""
import json, os, subprocess, sys, tempfile, yaml
TOOL = '/tmp/res-tool/smp_tool'

def run(cmd, cwd=None):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr

def kustomize(target, patch):
    d = tempfile.mkdtemp(prefix='kz')
    open(os.path.join(d, 't.yaml'), 'w').write(target)
    open(os.path.join(d, 'p.yaml'), 'w').write(patch)
    open(os.path.join(d, 'kustomization.yaml'), 'w').write('resources:\n- t.yaml\npatches:\n- path: p.yaml\n')
    rc, out, err = run(['kubectl', 'kustomize', d])
    if rc: return ('ERR', err.strip().splitlines()[-1] if err.strip() else '')
    docs = [x for x in yaml.safe_load_all(out) if x is not None]
    return docs[0] if docs else None

def kpatch(target, patch):
    d = tempfile.mkdtemp(prefix='kp')
    open(os.path.join(d, 't.yaml'), 'w').write(target)
    pj = json.dumps(yaml.safe_load(patch))
    rc, out, err = run(['kubectl', 'patch', '--local', '-f', os.path.join(d, 't.yaml'), '--type', 'strategic', '-p', pj, '-o', 'yaml'])
    if rc: return ('ERR', err.strip())
    return yaml.safe_load(out)

def mine(flavor, target, patch):
    d = tempfile.mkdtemp(prefix='mn')
    open(os.path.join(d, 't.yaml'), 'w').write(target)
    open(os.path.join(d, 'p.yaml'), 'w').write(patch)
    rc, out, err = run([TOOL, flavor, os.path.join(d, 't.yaml'), os.path.join(d, 'p.yaml')])
    if rc: return ('ERR', err.strip())
    return yaml.safe_load(out)

def main():
    cases = yaml.safe_load(open(sys.argv[1]))
    flavors = sys.argv[2] if len(sys.argv) > 2 else 'ka'
    bad = 0
    for c in cases:
        for fl in flavors:
            want = kustomize(c['target'], c['patch']) if fl == 'k' else kpatch(c['target'], c['patch'])
            got = mine(fl, c['target'], c['patch'])
            ok = (want == got) or (isinstance(want, tuple) and isinstance(got, tuple))
            if not ok: bad += 1
            print(('ok  ' if ok else 'FAIL'), fl, c['name'])
            if not ok or os.environ.get('V'):
                print('  want:', json.dumps(want)); print('  got: ', json.dumps(got))
    print('failures:', bad)
main()
