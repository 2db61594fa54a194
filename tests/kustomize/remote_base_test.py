#!/usr/bin/env python3
"""Remote bases through `capstan build`, with file:// Git repositories.

    remote_base_test.py CAPSTAN

A kustomization whose resources name a Git URL (`file://REPO//base?ref=v1`)
renders that base at the pinned ref; a second ref of the same repository
gives the other content; --offline works from a filled cache and fails
clearly on an empty one; a symlink in the remote repository that leaves it
is refused; a plain HTTP(S) file URL is a clear error.
"""
import os
import shutil
import subprocess
import sys
import tempfile


def sh(*args, cwd=None):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


def main():
    capstan = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix='capstan-remote-base-')
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
            print('FAIL', what)

    def build(app, *extra, cache='cache'):
        return subprocess.run([capstan, 'build', os.path.join(tmp, app), '--cache-dir', os.path.join(tmp, cache),
                               *extra], capture_output=True, text=True)

    try:
        work = os.path.join(tmp, 'work')
        os.makedirs(work)
        sh('git', 'init', '-q', '-b', 'main', work)
        sh('git', '-C', work, 'config', 'user.email', 't@example.com')
        sh('git', '-C', work, 'config', 'user.name', 'T')
        write(os.path.join(work, 'base/kustomization.yaml'), 'resources: [cm.yaml]\n')
        write(os.path.join(work, 'base/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n')
        sh('git', '-C', work, 'add', '-A')
        sh('git', '-C', work, 'commit', '-q', '-m', 'one')
        sh('git', '-C', work, 'tag', 'v1')
        write(os.path.join(work, 'base/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n')
        sh('git', '-C', work, 'add', '-A')
        sh('git', '-C', work, 'commit', '-q', '-m', 'two')
        sh('git', '-C', work, 'checkout', '-q', '-b', 'evil')
        os.symlink('../../../etc', os.path.join(work, 'escape'))
        sh('git', '-C', work, 'add', '-A')
        sh('git', '-C', work, 'commit', '-q', '-m', 'evil')
        sh('git', '-C', work, 'checkout', '-q', 'main')
        repo = os.path.join(tmp, 'repo.git')
        sh('git', 'clone', '-q', '--bare', work, repo)
        url = 'file://' + repo

        write(os.path.join(tmp, 'app/kustomization.yaml'), 'namePrefix: p-\nresources:\n- %s//base?ref=v1\n' % url)
        r = build('app')
        check(r.returncode == 0 and 'name: p-one' in r.stdout, 'ref=v1 renders the tagged base: %r %r' % (r.stdout, r.stderr))

        # The same repository at its default branch, spelled with .git/ and no //.
        write(os.path.join(tmp, 'head/kustomization.yaml'), 'resources:\n- %s/base\n' % url)
        r = build('head')
        check(r.returncode == 0 and 'name: two' in r.stdout, 'default branch renders: %r %r' % (r.stdout, r.stderr))

        # The whole build from a URL, as `kustomize build URL`.
        r = subprocess.run([capstan, 'build', url + '//base?ref=v1', '--cache-dir', os.path.join(tmp, 'cache')],
                           capture_output=True, text=True)
        check(r.returncode == 0 and 'name: one' in r.stdout, 'build URL renders: %r' % r.stderr)

        r = build('app', '--offline')
        check(r.returncode == 0 and 'name: p-one' in r.stdout, '--offline uses the cache: %r' % r.stderr)
        r = build('app', '--offline', cache='empty-cache')
        check(r.returncode != 0 and 'not in the Git cache (--offline)' in r.stderr and r.stdout == '',
              '--offline with an empty cache fails clearly: %r' % r.stderr)

        # A repository holding a symlink out of itself never becomes a snapshot.
        write(os.path.join(tmp, 'bad/kustomization.yaml'), 'resources:\n- %s//base?ref=evil\n' % url)
        r = build('bad')
        check(r.returncode != 0 and 'escape: symlink points outside the repository' in r.stderr,
              'escaping symlink refused: %r' % r.stderr)

        write(os.path.join(tmp, 'http/kustomization.yaml'),
              'resources:\n- https://raw.githubusercontent.com/o/r/main/deploy.yaml\n')
        r = build('http')
        check(r.returncode != 0 and 'HTTP(S) file URLs are not supported' in r.stderr and
              os.path.join(tmp, 'http') in r.stderr,
              'HTTP file URL is a clear error: %r' % r.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('%d passed, %d failed' % (7 - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
