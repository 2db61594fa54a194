#!/usr/bin/env python3
"""capstan check on a small repository with one target per outcome, and on
the example repository.

    check_test.py CAPSTAN_BIN REPO_ROOT
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest
import xml.etree.ElementTree as ET

BIN = ROOT = None

GOOD_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001}
      containers:
      - name: web
        image: registry.example.com/web:1.2.3
        imagePullPolicy: Always
        securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}
        resources:
          requests: {cpu: 100m, memory: 64Mi, ephemeral-storage: 64Mi}
          limits: {cpu: 100m, memory: 64Mi, ephemeral-storage: 64Mi}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: all}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"""


def run(*args):
    p = subprocess.run([BIN, 'check'] + list(args), capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


class CheckRepo(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.repo = self.tmp.name
        self.write('good/kustomization.yaml', 'resources: [app.yaml]\n')
        self.write('good/app.yaml', GOOD_DEPLOYMENT)
        self.write('invalid/kustomization.yaml', 'resources: [app.yaml]\n')
        self.write('invalid/app.yaml', GOOD_DEPLOYMENT.replace('replicas: 1', 'replicas: "one"'))
        self.write('risky/kustomization.yaml', 'resources: [app.yaml]\n')
        self.write('risky/app.yaml', GOOD_DEPLOYMENT.replace('web:1.2.3', 'web:latest'))
        self.write('broken/kustomization.yaml', 'resources: [missing.yaml]\n')
        self.write('component/kustomization.yaml',
                   'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamePrefix: x-\n')
        self.write('.hidden/kustomization.yaml', 'resources: [missing.yaml]\n')
        self.write('apps/web.yaml', textwrap.dedent("""\
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata: {name: web, namespace: argocd}
            spec:
              project: default
              source: {repoURL: https://example.com/repo.git, path: good, targetRevision: main}
              destination: {server: https://kubernetes.default.svc, namespace: web}
            ---
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata: {name: risky, namespace: argocd}
            spec:
              project: default
              source: {repoURL: https://example.com/repo.git, path: risky, targetRevision: main}
              destination: {server: https://kubernetes.default.svc, namespace: risky}
            """))

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, rel, text):
        p = os.path.join(self.repo, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w') as f:
            f.write(text)

    def test_each_outcome(self):
        junit = os.path.join(self.repo, 'report.xml')
        code, out, err = run(self.repo, '-o', 'json', '--junit', junit, '--jobs', '2')
        self.assertEqual(code, 1, err)
        res = json.loads(out)
        status = {t['name']: t['failed'] for t in res['targets']}
        self.assertEqual(status, {'good': False, 'invalid': True, 'risky': True, 'broken': True})
        by = {t['name']: t for t in res['targets']}
        self.assertEqual([(f['rule'], f['path']) for f in by['invalid']['findings'] if f['tool'] == 'validate'],
                         [('FieldValueTypeInvalid', 'spec.replicas')])
        self.assertEqual({(f['tool'], f['rule'], f['severity']) for f in by['risky']['findings']},
                         {('lint', 'container-image-tag', 'critical'), ('lint', 'deployment-replicas', 'warning')})
        self.assertEqual(by['broken']['findings'][0]['rule'], 'RenderFailed')
        self.assertIn('missing.yaml', by['broken']['findings'][0]['message'])
        root = ET.parse(junit).getroot()
        self.assertEqual(root.get('tests'), '7')   # 2 objects x 3 rendered targets + 1 render failure
        self.assertEqual(root.get('failures'), '3')
        suites = {s.get('name'): s.get('failures') for s in root.findall('testsuite')}
        self.assertEqual(suites, {'good': '0', 'invalid': '1', 'risky': '1', 'broken': '1'})

    def test_fail_on_and_exclude(self):
        code, out, _ = run(self.repo, '--exclude', 'invalid', '--exclude', 'broken', '--fail-on', 'never')
        self.assertEqual(code, 0, out)
        self.assertIn('2 target(s): 2 passed, 0 failed', out)
        self.assertIn('lint/container-image-tag', out)  # reported, not failing

    def test_applications(self):
        code, out, err = run(self.repo, '--applications', '-o', 'json')
        self.assertEqual(code, 1, err)
        res = json.loads(out)
        self.assertEqual({t['name']: t['failed'] for t in res['targets']},
                         {'Application risky (risky)': True, 'Application web (good)': False})

    def test_gatekeeper_policies(self):
        self.write('policies/template.yaml', textwrap.dedent('''\
            apiVersion: templates.gatekeeper.sh/v1
            kind: ConstraintTemplate
            metadata: {name: requiredlabels}
            spec:
              crd: {spec: {names: {kind: RequiredLabels}}}
              targets:
              - target: admission.k8s.gatekeeper.sh
                rego: |
                  package requiredlabels
                  violation[{"msg": msg}] {
                    missing := {l | l := input.parameters.labels[_]; not input.review.object.metadata.labels[l]}
                    count(missing) > 0
                    msg := sprintf("missing labels %v", [missing])
                  }
            '''))
        self.write('policies/constraints.yaml', textwrap.dedent('''\
            apiVersion: constraints.gatekeeper.sh/v1beta1
            kind: RequiredLabels
            metadata: {name: need-team}
            spec:
              match: {kinds: [{apiGroups: [apps], kinds: [Deployment]}]}
              parameters: {labels: [team]}
            ---
            apiVersion: constraints.gatekeeper.sh/v1beta1
            kind: RequiredLabels
            metadata: {name: want-tier}
            spec:
              enforcementAction: warn
              match: {kinds: [{apiGroups: [networking.k8s.io], kinds: [NetworkPolicy]}]}
              parameters: {labels: [tier]}
            '''))
        policies = os.path.join(self.repo, 'policies')
        code, out, err = run(self.repo, '--exclude', 'invalid', '--exclude', 'broken', '--exclude', 'risky',
                             '--exclude', 'policies', '--policy', policies, '-o', 'json')
        self.assertEqual(code, 1, err)
        good = json.loads(out)['targets'][0]
        self.assertTrue(good['failed'])
        pol = sorted((f['rule'], f['severity'], f['object'].split()[1]) for f in good['findings'] if f['tool'] == 'policy')
        self.assertEqual(pol, [('RequiredLabels/need-team', 'error', 'Deployment'),
                               ('RequiredLabels/want-tier', 'warning', 'NetworkPolicy')])
        self.write('good/app.yaml', GOOD_DEPLOYMENT.replace('labels: {app: web}', 'labels: {app: web, team: shop}', 1))
        code, out, err = run(self.repo, '--exclude', 'invalid', '--exclude', 'broken', '--exclude', 'risky',
                             '--exclude', 'policies', '--policy', policies)
        self.assertEqual(code, 0, out + err)
        self.assertIn('policy/RequiredLabels/want-tier [warning]', out)
        self.write('policies/orphan.yaml', 'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: Nope\nmetadata: {name: x}\n')
        code, _, err = run(self.repo, '--policy', policies)
        self.assertEqual(code, 1)
        self.assertIn('no ConstraintTemplate defines kind Nope', err)

    def test_nothing_to_check(self):
        empty = os.path.join(self.repo, 'empty')
        os.makedirs(empty)
        code, _, err = run(empty)
        self.assertEqual(code, 1)
        self.assertIn('no kustomization found', err)


class CheckExample(unittest.TestCase):
    """The example repository: every target passes, infrastructure included."""

    def test_example_kustomizations(self):
        example = os.path.join(ROOT, 'examples', 'ta-microservices')
        code, out, err = run(example, '-o', 'junit')
        self.assertEqual(code, 0, out[-3000:] + err)
        root = ET.fromstring(out)
        self.assertEqual(root.get('failures'), '0')
        names = [s.get('name') for s in root.findall('testsuite')]
        self.assertGreaterEqual(len(names), 23 * 5 + 9)
        for infra in ('infrastructure/cache', 'infrastructure/databases', 'infrastructure/ingress',
                      'infrastructure/overlays/dev', 'infrastructure/overlays/production/ingress'):
            self.assertIn(infra, names)

    def test_example_applications(self):
        example = os.path.join(ROOT, 'examples', 'ta-microservices')
        code, out, err = run(example, '--applications', '-o', 'json')
        res = json.loads(out)
        self.assertEqual(len(res['targets']), 25 * 3, [t['name'] for t in res['targets']])
        self.assertEqual([t['name'] for t in res['targets'] if t['failed']], [])
        self.assertEqual(code, 0)


if __name__ == '__main__':
    BIN, ROOT = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
