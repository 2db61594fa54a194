#!/usr/bin/env python3
"""capstan helm template vs helm template (v3.17.2): wall time and peak memory.

    run_bench.py --capstan BUILD/capstan --helm HELM [--shared ../shared] [--repeat N] [--runs N] [--filter REGEX]

Renders every case of the Helm conformance corpus (charts from public
repositories and feature charts, with the corpus runner's exact arguments)
with each tool in turn, each tool's runs in a fresh child process so that
getrusage(RUSAGE_CHILDREN) covers that tool only. Prints total wall time, CPU
time (user+sys of the children; the fairer figure on a shared, loaded
machine) and the peak RSS of the largest single process per tool, and the
ratios; with --runs N, N such measurements one after the other, each with
the load average before it (the machine is shared: report the load).
Get the reference with tests/clients/fetch_helm.sh.
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time


def cases(shared, pattern):
    root = os.path.join(shared, 'conformance', 'helm')
    sys.path.insert(0, root)
    import run  # the corpus runner: args_for_case
    out = []
    cdir = os.path.join(root, 'cases')
    for name in sorted(os.listdir(cdir)):
        if pattern and not re.search(pattern, name):
            continue
        d = os.path.join(cdir, name)
        with open(os.path.join(d, 'case.json')) as fh:
            case = json.load(fh)
        out.append((d, run.args_for_case(case, d, root)))
    return out


def child(cmd, items, repeat):
    t0 = time.perf_counter()
    failures = 0
    for _ in range(repeat):
        for cwd, args in items:
            p = subprocess.run(cmd + args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            failures += p.returncode != 0
    wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({'wall': wall, 'cpu': ru.ru_utime + ru.ru_stime, 'rss_kb': ru.ru_maxrss, 'failures': failures}))


def measure(cmd, items, repeat):
    p = subprocess.run([sys.executable, __file__, '--child', json.dumps({'cmd': cmd, 'items': items, 'repeat': repeat})],
                       stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--capstan')
    ap.add_argument('--helm')
    ap.add_argument('--shared', default=os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared'))
    ap.add_argument('--repeat', type=int, default=1)
    ap.add_argument('--runs', type=int, default=1)
    ap.add_argument('--filter', default='')
    ap.add_argument('--child')
    a = ap.parse_args()
    if a.child:
        c = json.loads(a.child)
        child(c['cmd'], c['items'], c['repeat'])
        return 0
    a.capstan, a.helm = os.path.abspath(a.capstan), os.path.abspath(a.helm)
    items = cases(a.shared, a.filter)
    for run in range(a.runs):
        if a.runs > 1:
            print('run %d of %d' % (run + 1, a.runs))
        print('load average before: %.2f %.2f %.2f' % os.getloadavg())
        cap = measure([a.capstan, 'helm', 'template'], items, a.repeat)
        ref = measure([a.helm, 'template'], items, a.repeat)
        n = len(items) * a.repeat
        print('cases rendered: %d (x%d)' % (len(items), a.repeat))
        print('capstan: %.2f s wall, %.2f s CPU, %.1f ms/case, peak RSS %.1f MB, %d non-zero exits' % (
            cap['wall'], cap['cpu'], 1000 * cap['wall'] / n, cap['rss_kb'] / 1024, cap['failures']))
        print('helm:    %.2f s wall, %.2f s CPU, %.1f ms/case, peak RSS %.1f MB, %d non-zero exits' % (
            ref['wall'], ref['cpu'], 1000 * ref['wall'] / n, ref['rss_kb'] / 1024, ref['failures']))
        print('speed-up: %.1fx wall, %.1fx CPU; memory: %.1fx less peak RSS' % (
            ref['wall'] / cap['wall'], ref['cpu'] / max(cap['cpu'], 1e-9), ref['rss_kb'] / max(cap['rss_kb'], 1)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
