#!/usr/bin/env python3
"""capstan validate from the outside: bad input, output formats, flags.

    cli_test.py CAPSTAN_BIN SHARED_DIR
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

BIN = SHARED = None

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
"""


def run(args, stdin=None, cwd=None):
    p = subprocess.run([BIN, 'validate'] + args, input=stdin, capture_output=True, text=True, cwd=cwd,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


class ValidateCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        p = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w') as f:
            f.write(text)
        return p

    def test_valid_file_exits_zero(self):
        code, out, _ = run([self.write('d.yaml', DEPLOYMENT)])
        self.assertEqual(code, 0, out)
        self.assertIn('1 valid, 0 invalid', out)

    def test_text_output_names_file_object_and_field(self):
        bad = DEPLOYMENT.replace('replicas: 2', 'replicas: "two"')
        code, out, _ = run([self.write('d.yaml', bad)])
        self.assertEqual(code, 1)
        line = [l for l in out.splitlines() if 'FieldValueTypeInvalid' in l][0]
        self.assertIn('d.yaml:1:', line)
        self.assertIn('apps/v1 Deployment web', line)
        self.assertIn('spec.replicas', line)

    def test_not_yaml_not_a_map_unknown_kind_each_get_an_error(self):
        text = ('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n'
                'key: [unclosed\n---\n- a\n- list\n---\n'
                'apiVersion: v1\nkind: Confgmap\nmetadata: {name: x}\n')
        code, out, err = run(['--output', 'json', self.write('m.yaml', text)])
        self.assertEqual(code, 1, err)
        docs = json.loads(out)
        self.assertEqual([d['valid'] for d in docs], [True, False, False, False])
        self.assertEqual(docs[1]['errors'][0]['type'], 'DocumentInvalid')
        self.assertRegex(docs[1]['errors'][0]['detail'], r"^failed to parse yaml: line [56]: did not find expected ',' or ']'")
        self.assertEqual(docs[2]['errors'][0]['type'], 'DocumentInvalid')
        self.assertIn('not a YAML mapping', docs[2]['errors'][0]['detail'])
        self.assertEqual((docs[3]['errors'][0]['path'], docs[3]['errors'][0]['type']), ('kind', 'SchemaNotFound'))

    def test_ignore_missing_schemas_skips(self):
        text = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n'
        code, _, _ = run([self.write('w.yaml', text)])
        self.assertEqual(code, 1)
        code, out, _ = run(['--ignore-missing-schemas', self.write('w.yaml', text)])
        self.assertEqual(code, 0, out)
        self.assertIn('1 skipped', out)

    def test_fifty_megabyte_file(self):
        # ~50 MB: 40,000 ConfigMaps with 1 KB values, one with a bad value.
        value = 'x' * 1200
        parts = []
        for i in range(40000):
            parts.append('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\ndata:\n  k: %s\n' % (i, value))
        parts[39999] = parts[39999].replace('  k: ', '  n: 1\n  k: ')
        p = self.write('big.yaml', '---\n'.join(parts))
        self.assertGreater(os.path.getsize(p), 48 << 20)
        code, out, err = run(['--output', 'json', p])
        self.assertEqual(code, 1, err)
        docs = json.loads(out)
        self.assertEqual(len(docs), 40000)
        invalid = [d for d in docs if not d['valid']]
        self.assertEqual(len(invalid), 1)
        self.assertEqual(invalid[0]['name'], 'cm-39999')
        self.assertEqual(invalid[0]['errors'][0]['path'], 'data.n')

    def test_stdin_and_directory(self):
        code, out, _ = run(['-'], stdin=DEPLOYMENT)
        self.assertEqual(code, 0, out)
        self.write('tree/a.yaml', DEPLOYMENT)
        self.write('tree/sub/b.yml', DEPLOYMENT.replace('name: web', 'name: Bad_Name', 1))
        self.write('tree/notes.txt', 'not yaml: [')
        code, out, _ = run(['--output', 'json', os.path.join(self.dir, 'tree')])
        self.assertEqual(code, 1)
        docs = json.loads(out)
        self.assertEqual(len(docs), 2)
        self.assertEqual(docs[1]['errors'][0]['path'], 'metadata.name')

    def test_junit_and_sarif(self):
        bad = DEPLOYMENT.replace('image: nginx:1.27', 'image: nginx:1.27\n        imagePullPolicy: [x]')
        p = self.write('d.yaml', bad)
        code, out, _ = run(['--output', 'junit', p])
        self.assertEqual(code, 1)
        root = ET.fromstring(out)
        self.assertEqual(root.get('failures'), '1')
        self.assertIn('imagePullPolicy', root.find('.//failure').text)
        code, out, _ = run(['--output', 'sarif', p])
        sarif = json.loads(out)
        res = sarif['runs'][0]['results']
        self.assertEqual(res[0]['ruleId'], 'validate/FieldValueTypeInvalid')
        self.assertEqual(res[0]['locations'][0]['physicalLocation']['artifactLocation']['uri'], p)

    def test_schema_dir_and_crd_in_input(self):
        openapi = os.path.join(SHARED, 'k8s-openapi', 'v1.32')
        code, out, _ = run(['--schema-dir', openapi, self.write('d.yaml', DEPLOYMENT)])
        self.assertEqual(code, 0, out)
        code, _, err = run(['--schema-dir', self.dir, self.write('d.yaml', DEPLOYMENT)])
        self.assertEqual(code, 1)
        self.assertIn('not an OpenAPI v3 directory', err)
        crd = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer, maximum: 5}
              port: {x-kubernetes-int-or-string: true}
              name: {type: string, pattern: '^[a-z]+$'}
            x-kubernetes-validations:
            - rule: self.size > 0 && self.name.startsWith('a')
              message: name must start with a
            - rule: self.name.lowerAscii() == self.name
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec: {size: 9, port: http, name: Bad1}
"""
        code, out, _ = run(['--output', 'json', self.write('w.yaml', crd)])
        self.assertEqual(code, 1)
        docs = json.loads(out)
        self.assertTrue(docs[0]['valid'], docs[0])
        self.assertEqual(sorted((e['path'], e['type']) for e in docs[1]['errors']),
                         [('spec', 'FieldValueInvalid'), ('spec.name', 'FieldValueInvalid'), ('spec.size', 'FieldValueInvalid')])
        self.assertIn('name must start with a', [e['detail'] for e in docs[1]['errors'] if e['path'] == 'spec'][0])
        self.assertIn('1 x-kubernetes-validations (CEL) rule(s) outside', docs[1]['warnings'][0])

    def test_kustomize_input(self):
        self.write('k/kustomization.yaml', 'resources: [d.yaml]\nnamePrefix: p-\n')
        self.write('k/d.yaml', DEPLOYMENT.replace('replicas: 2', 'replicas: 2\n  replica: 3'))
        code, out, _ = run(['--output', 'json', '--kustomize', os.path.join(self.dir, 'k')])
        self.assertEqual(code, 1)
        docs = json.loads(out)
        self.assertEqual(docs[0]['name'], 'p-web')
        self.assertEqual(docs[0]['errors'][0]['type'], 'FieldUnknown')

    def test_secret_values_never_shown(self):
        text = ('apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  password: hunter2!\n'
                '  token: 12345\n')
        for fmt in ('text', 'json', 'junit', 'sarif'):
            code, out, err = run(['--output', fmt, self.write('s.yaml', text)])
            self.assertEqual(code, 1)
            self.assertIn('data.password', out)
            self.assertNotIn('hunter2', out + err)
            self.assertNotIn('12345', out + err)

    def test_usage_errors(self):
        code, _, err = run([])
        self.assertEqual(code, 2)
        code, _, err = run(['no/such/file.yaml'])
        self.assertEqual(code, 1)
        self.assertIn('no/such/file.yaml: cannot open file', err)


if __name__ == '__main__':
    BIN, SHARED = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
