#!/usr/bin/env python3
"""capstan build vs kubectl kustomize: wall time and peak memory.

    run_bench.py --capstan BUILD/capstan [--kubectl kubectl] [--shared ../shared] [--repeat N]

Generates the 23-service x 3-overlay GitOps tree (gen_tree.py) in a temp
dir, then renders, with each tool in turn, every output case of the
kustomize conformance corpus plus every overlay of the tree and the
aggregate of all of them. Prints total wall time and peak RSS (largest
single process, from getrusage of the children) per tool and the ratios.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def targets(shared, tree):
    out = []
    cases = os.path.join(shared, 'conformance', 'kustomize', 'cases')
    for name in sorted(os.listdir(cases)):
        d = os.path.join(cases, name)
        if os.path.exists(os.path.join(d, 'expected.yaml')):
            with open(os.path.join(d, 'target')) as fh:
                out.append((d, os.path.normpath(os.path.join('input', fh.read().strip()))))
    svc_root = os.path.join(tree, 'services')
    for svc in sorted(os.listdir(svc_root)):
        for env in ('dev', 'staging', 'production'):
            out.append((tree, os.path.join('services', svc, 'overlays', env)))
    for env in ('dev', 'staging', 'production', 'all'):
        out.append((tree, env))
    return out


def child(cmd, items, repeat):
    """Runs in a fresh process so getrusage(RUSAGE_CHILDREN) covers one tool."""
    t0 = time.perf_counter()
    failures = 0
    for _ in range(repeat):
        for cwd, arg in items:
            p = subprocess.run(cmd + [arg], cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            failures += p.returncode != 0
    wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({'wall': wall, 'maxrss_kb': ru.ru_maxrss, 'failures': failures,
                      'cpu': ru.ru_utime + ru.ru_stime,
                      'runs': repeat * len(items)}))


def measure(cmd, items, repeat):
    p = subprocess.run([sys.executable, __file__, '--child', json.dumps(cmd), '--repeat', str(repeat)],
                       input=json.dumps(items), stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--capstan', help='path to the capstan binary')
    ap.add_argument('--kubectl', default='kubectl')
    ap.add_argument('--shared', default=os.path.join(HERE, '..', '..', '..', 'shared'))
    ap.add_argument('--repeat', type=int, default=1)
    ap.add_argument('--child')
    args = ap.parse_args()
    if args.child:
        child(json.loads(args.child), json.loads(sys.stdin.read()), args.repeat)
        return 0
    if not args.capstan:
        ap.error('--capstan is required')
    with tempfile.TemporaryDirectory() as tmp:
        tree = os.path.join(tmp, 'tree')
        subprocess.run([sys.executable, os.path.join(HERE, 'gen_tree.py'), tree], check=True)
        items = targets(os.path.abspath(args.shared), tree)
        cap = measure([os.path.abspath(args.capstan), 'build'], items, args.repeat)
        kub = measure([args.kubectl, 'kustomize'], items, args.repeat)
    print('renders per tool: %d (%d conformance output cases + 69 overlays + 4 aggregates) x %d' % (
        cap['runs'] // args.repeat, len(items) - 73, args.repeat))
    for name, r in (('capstan build', cap), ('kubectl kustomize', kub)):
        print('%-18s wall %8.3f s   cpu %8.3f s   peak RSS %8.1f MiB   failed renders %d' % (
            name, r['wall'], r['cpu'], r['maxrss_kb'] / 1024.0, r['failures']))
    print('ratio (kubectl / capstan): wall %.1fx   cpu %.1fx   peak RSS %.1fx' % (
        kub['wall'] / cap['wall'], kub['cpu'] / max(1e-9, cap['cpu']),
        kub['maxrss_kb'] / max(1, cap['maxrss_kb'])))
    print('load average during the run: %.1f %.1f %.1f (wall ratios shrink on a loaded machine)' % os.getloadavg())
    return 0


if __name__ == '__main__':
    sys.exit(main())
