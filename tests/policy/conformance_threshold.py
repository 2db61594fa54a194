#!/usr/bin/env python3
"""Runs a `capstan policy` conformance runner and fails below a threshold.

    conformance_threshold.py RUNNER CMD MIN_PASSED

The runners exit non-zero when any case fails; this wrapper turns their
`N passed, N failed` summary into a regression gate.
"""
import re
import subprocess
import sys


def main():
    runner, cmd, min_passed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    p = subprocess.run([sys.executable, runner, '--cmd', cmd, '--jobs', '2'],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(p.stdout)
    m = re.search(r'^(\d+) passed, (\d+) failed$', p.stdout, re.M)
    if not m:
        print('could not read the runner summary')
        return 1
    n_pass = int(m.group(1))
    ok = n_pass >= min_passed
    print('threshold: passed %d >= %d: %s' % (n_pass, min_passed, 'ok' if ok else 'REGRESSION'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
