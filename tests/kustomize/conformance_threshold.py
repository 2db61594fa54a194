#!/usr/bin/env python3
"""Runs the kustomize conformance corpus and fails below a pass threshold.

    conformance_threshold.py RUNNER CMD MIN_PASSED MIN_IDENTICAL

The corpus runner exits non-zero when any case fails; this wrapper turns its
summary into a regression gate: fewer passing or byte-identical cases than
the recorded numbers is a failure.
"""
import re
import subprocess
import sys


def main():
    runner, cmd, min_passed, min_identical = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    p = subprocess.run([sys.executable, runner, '--cmd', cmd, '--jobs', '2'],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(p.stdout)
    passed = re.search(r'^(\d+) passed, (\d+) failed$', p.stdout, re.M)
    ident = re.search(r'^byte-identical: (\d+)/(\d+)$', p.stdout, re.M)
    if not passed or not ident:
        print('could not read the runner summary')
        return 1
    n_pass, n_ident = int(passed.group(1)), int(ident.group(1))
    ok = n_pass >= min_passed and n_ident >= min_identical
    print('threshold: passed %d >= %d, byte-identical %d >= %d: %s' % (
        n_pass, min_passed, n_ident, min_identical, 'ok' if ok else 'REGRESSION'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
