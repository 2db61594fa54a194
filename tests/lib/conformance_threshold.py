#!/usr/bin/env python3
"""Runs a conformance corpus runner and fails below a pass threshold
(validate, policy; kustomize's also gates byte-identical outputs:
tests/kustomize/conformance_threshold.py).

    conformance_threshold.py RUNNER CMD MIN_PASSED [RUNNER ARGS...]

The runner exits non-zero when any case fails and prints "N passed, N
failed"; fewer passing cases than MIN_PASSED is a regression. Raise
MIN_PASSED when cases are fixed.
"""
import re
import subprocess
import sys


def main():
    runner, cmd, min_passed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    p = subprocess.run([sys.executable, runner, '--cmd', cmd, '--jobs', '2'] + sys.argv[4:],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(p.stdout)
    m = re.search(r'^(\d+) passed, (\d+) failed$', p.stdout, re.M)
    if not m:
        print('could not read the runner summary')
        return 1
    n_pass, n_fail = int(m.group(1)), int(m.group(2))
    ok = n_pass >= min_passed
    print('threshold: passed %d >= %d (%.1f%% of %d): %s' % (
        n_pass, min_passed, 100.0 * n_pass / max(1, n_pass + n_fail), n_pass + n_fail,
        'ok' if ok else 'REGRESSION'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
