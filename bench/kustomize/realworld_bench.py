#!/usr/bin/env python3
"""capstan build vs kubectl kustomize over the real-world corpus: time and memory.

    realworld_bench.py --capstan BUILD/capstan [--shared ../shared] [--jobs 1]

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
    a = ap.parse_args()
    corpus = os.path.join(a.shared, 'conformance', 'kustomize-realworld')
    capstan = os.path.abspath(a.capstan)
    p = subprocess.run([sys.executable, os.path.join(corpus, 'run.py'), '--cmd', capstan + ' build',
                        '--jobs', str(a.jobs), '--reference'], stdout=subprocess.PIPE, text=True)
    tail = [l for l in p.stdout.splitlines() if not l.startswith(('ok ', 'PASS'))]
    print('\n'.join(tail[-5:]))
    trees = os.path.join(corpus, 'trees')
    mine = peak_rss_kb([capstan, 'build', 'kube-prometheus'], trees)
    ref = peak_rss_kb(['kubectl', 'kustomize', 'kube-prometheus'], trees)
    print('peak RSS on kube-prometheus: capstan %d KB, kubectl %d KB, ratio %.3f' % (mine, ref, mine / ref))
    return p.returncode


if __name__ == '__main__':
    sys.exit(main())
