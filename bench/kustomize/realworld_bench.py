#!/usr/bin/env python3
"""capstan build vs kubectl kustomize over the real-world corpus: time and memory.

    realworld_bench.py --capstan BUILD/capstan [--shared ../shared] [--jobs 1] [--cpu]

Runs ../shared/conformance/kustomize-realworld/run.py --reference (both tools
over the same 167 cases in one run; the ratio is candidate/reference of the
summed per-case times), then measures the peak RSS of each tool on the
largest case (kube-prometheus) with getrusage. Not part of the test suite.
"""
import argparse
import os
import resource
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def peak_rss_kb(cmd, cwd):
    pid = os.fork()
    if pid == 0:
        os.chdir(cwd)
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execvp(cmd[0], cmd)
    _, status, usage = os.wait4(pid, 0)
    return usage.ru_maxrss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--capstan', required=True)
    ap.add_argument('--shared', default=os.path.join(HERE, '..', '..', '..', 'shared'))
    ap.add_argument('--jobs', type=int, default=1)
    ap.add_argument('--cpu', action='store_true', help='also sum CPU time per tool over the corpus')
    a = ap.parse_args()
    corpus = os.path.join(a.shared, 'conformance', 'kustomize-realworld')
    capstan = os.path.abspath(a.capstan)
    p = subprocess.run([sys.executable, os.path.join(corpus, 'run.py'), '--cmd', capstan + ' build',
                        '--jobs', str(a.jobs), '--reference'], stdout=subprocess.PIPE, text=True)
    tail = [l for l in p.stdout.splitlines() if not l.startswith(('ok ', 'PASS'))]
    print('\n'.join(tail[-5:]))
    trees = os.path.join(corpus, 'trees')
    if a.cpu:
        # CPU seconds (user+sys of the child) summed per tool: steadier than
        # wall time on a shared machine.
        import json
        dirs = [c['dir'] for c in json.load(open(os.path.join(corpus, 'cases.json')))]
        totals = {}
        for name, cmd in (('capstan', [capstan, 'build']), ('kubectl', ['kubectl', 'kustomize'])):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            for d in dirs:
                subprocess.run(cmd + [d], cwd=trees, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            totals[name] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print('CPU time summed over %d cases: capstan %.2f s, kubectl %.2f s, ratio %.3f' % (
            len(dirs), totals['capstan'], totals['kubectl'], totals['capstan'] / totals['kubectl']))
    mine = peak_rss_kb([capstan, 'build', 'kube-prometheus'], trees)
    ref = peak_rss_kb(['kubectl', 'kustomize', 'kube-prometheus'], trees)
    print('peak RSS on kube-prometheus: capstan %d KB, kubectl %d KB, ratio %.3f' % (mine, ref, mine / ref))
    return p.returncode


if __name__ == '__main__':
    sys.exit(main())
