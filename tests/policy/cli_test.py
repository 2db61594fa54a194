#!/usr/bin/env python3
"""`capstan policy` command-line behaviour users rely on.

    cli_test.py CAPSTAN TESTDATA

Gatekeeper eval (match, parameters, details, AdmissionReview, inventory),
load errors naming the file and the built-in, bounded evaluation of hostile
policies, the JSON query contract, and `policy test` failures.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

CAPSTAN, DATA = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
failures = []


def run(args, stdin=None, timeout=60):
    t0 = time.time()
    p = subprocess.run([CAPSTAN, 'policy'] + args, input=stdin, capture_output=True, text=True,
                       timeout=timeout, cwd=DATA)
    return p, time.time() - t0


def check(name, cond, detail=''):
    print('%s %s%s' % ('ok  ' if cond else 'FAIL', name, (': ' + detail) if not cond and detail else ''))
    if not cond:
        failures.append(name)


def gk(obj, *extra):
    p, _ = run(['eval', '--template', 'template.yaml', '--constraint', 'constraint.yaml', '-o', 'json']
               + list(extra) + [obj])
    try:
        return p, json.loads(p.stdout)['violations']
    except ValueError:
        return p, None


# ---- Gatekeeper evaluation ------------------------------------------------
p, v = gk('pod_prod.yaml')
check('violation with message and details', v is not None and len(v) == 1
      and v[0]['msg'] == 'Pod/web must have labels {"owner"}' and v[0]['details'] == {'missing': ['owner']},
      p.stdout + p.stderr)
p, v = gk('pod_dev.yaml')
check('namespaces excludes other namespace', v == [], p.stdout + p.stderr)
p, v = gk('pod_nonamespace.yaml')
check('object without namespace is not disqualified', v == [], p.stdout + p.stderr)
p, v = gk('deployment_prod.yaml')
check('kinds excludes other kind', v == [], p.stdout + p.stderr)
p, v = gk('delete_review.yaml')
check('AdmissionReview DELETE reviews oldObject (lib function with else)',
      v is not None and [x['msg'] for x in v] == ['deleting shop'], p.stdout + p.stderr)
p, v = gk('pod_nonamespace.yaml', '--inventory', 'inventory.yaml')
check('data.inventory.namespace[ns][apiVersion][kind][name]',
      v is not None and [x['msg'] for x in v] == ['configmap team/owners already names this owner'],
      p.stdout + p.stderr)
p, _ = run(['eval', '--template', 'template.yaml', '--constraint', 'constraint.yaml', 'pod_prod.yaml'])
check('text output, exit 1 on deny violations', p.returncode == 1 and 'must have labels' in p.stdout,
      p.stdout + p.stderr)

p, _ = run(['eval', '--template', 'template.yaml', '--constraint', 'constraint.yaml', '-'],
           stdin=open(os.path.join(DATA, 'pod_prod.yaml')).read() + '---\n' + open(os.path.join(DATA, 'pod_dev.yaml')).read()
           + '---\n' + open(os.path.join(DATA, 'pod_prod.yaml')).read().replace('name: web', 'name: api'))
check('a stream of objects from stdin: violations of each, named',
      p.returncode == 1 and p.stdout.count('must have labels') == 2 and 'Pod prod/api' in p.stdout, p.stdout + p.stderr)

# ---- load errors ------------------------------------------------------------
p, _ = run(['eval', '--template', 'bad_builtin_template.yaml', '--constraint', 'constraint.yaml', 'pod_prod.yaml'])
check('unsupported built-in fails the load naming it and the file',
      p.returncode == 1 and 'http.send' in p.stderr and 'bad_builtin_template.yaml' in p.stderr
      and p.stdout == '' and len(p.stderr.strip().splitlines()) == 1, p.stderr)
p, _ = run(['eval', '--template', 'bad_syntax_template.yaml', '--constraint', 'constraint.yaml', 'pod_prod.yaml'])
check('syntax error names the file and line',
      p.returncode == 1 and 'bad_syntax_template.yaml' in p.stderr and ':4:' in p.stderr
      and 'rego_parse_error' in p.stderr, p.stderr)
p, _ = run(['eval', '--template', 'template.yaml', 'pod_prod.yaml'])
check('usage error exits 2', p.returncode == 2, p.stderr)
p, _ = run(['eval', '--template', 'missing.yaml', '--constraint', 'constraint.yaml', 'pod_prod.yaml'])
check('missing file is named', p.returncode == 1 and 'missing.yaml' in p.stderr, p.stderr)


# ---- JSON query contract and bounded evaluation ---------------------------------
def query(module, q, input=None):
    req = {'modules': {'test-0.rego': module}, 'data': {}, 'query': q}
    if input is not None:
        req['input'] = input
    p, secs = run(['eval'], stdin=json.dumps(req), timeout=60)
    try:
        return json.loads(p.stdout), secs
    except ValueError:
        return {'error': 'not JSON: ' + p.stdout + p.stderr}, secs


out, _ = query('package t\nimport rego.v1\nq contains x if {\n some x in input.xs\n x > 1\n}\n', 'data.t.q = v',
               {'xs': [1, 2, 3]})
check('query result bindings, sets as sorted arrays', out == {'result': [{'v': [2, 3]}]}, json.dumps(out))

hostile = {
    'infinite recursion (function)': ('package t\nf(x) := y if { y := f(x + 1) }\np := f(1)\n', 'rego_recursion_error'),
    'infinite recursion (rules)': ('package t\np if q\nq if p\n', 'rego_recursion_error'),
    'huge range': ('package t\np := count(numbers.range(1, 10000000000))\n', 'eval_limit_error'),
    'huge comprehension': ('package t\nimport rego.v1\np := count([1 | some a in numbers.range(1, 100000); '
                           'some b in numbers.range(1, 100000)])\n', 'eval_limit_error'),
    'endless iteration': ('package t\nimport rego.v1\nr := numbers.range(1, 100000)\n'
                          'p if { some a in r; some b in r; a == -1 }\n', 'eval_limit_error'),
    'exponential string': ('package t\nimport rego.v1\ns0 := "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n'
                           + ''.join('s%d := concat("", [s%d, s%d])\n' % (i + 1, i, i) for i in range(40))
                           + 'p := count(s40)\n', 'eval_limit_error'),
}
for name, (module, code) in hostile.items():
    out, secs = query(module, 'data.t.p = x')
    check('hostile policy ends with an error: ' + name,
          out.get('code') == code and 'result' not in out, json.dumps(out)[:300])

out, _ = query('package t\np := opa.runtime()\n', 'data.t.p = x')
check('no runtime/file access built-ins', 'opa.runtime' in out.get('error', ''), json.dumps(out))
out, _ = query('package t\np := ' + '[' * 5000 + ']' * 5000 + '\n', 'data.t.p = x')
check('deeply nested source is a parse error', out.get('code') == 'rego_parse_error', json.dumps(out)[:300])

# ---- policy test -------------------------------------------------------------
p, _ = run(['test', 'suite'])
check('policy test reports a failing assertion', p.returncode == 1 and 'wrong-expectation' in p.stdout
      and 'expected at least one violation' in p.stdout and p.stdout.strip().endswith('1 passed, 1 failed'),
      p.stdout + p.stderr)

# ---- capstan check --policy --------------------------------------------------
with tempfile.TemporaryDirectory() as repo:
    os.makedirs(os.path.join(repo, 'app'))
    pod = open(os.path.join(DATA, 'pod_prod.yaml')).read()
    with open(os.path.join(repo, 'app', 'pod.yaml'), 'w') as f:
        f.write(pod)
    with open(os.path.join(repo, 'app', 'kustomization.yaml'), 'w') as f:
        f.write('resources:\n- pod.yaml\n')
    policy_args = ['--policy', os.path.join(DATA, 'template.yaml'), '--policy', os.path.join(DATA, 'constraint.yaml')]
    p = subprocess.run([CAPSTAN, 'check', '--no-lint', '--no-validate', '-o', 'json'] + policy_args + [repo],
                       capture_output=True, text=True, timeout=60)
    try:
        findings = json.loads(p.stdout)['targets'][0]['findings']
    except (ValueError, KeyError, IndexError):
        findings = None
    check('check --policy fails the target on a deny violation',
          p.returncode == 1 and findings == [{'tool': 'policy', 'rule': 'CapstanTestLabels/need-owner',
                                              'severity': 'error', 'object': 'v1 Pod prod/web', 'path': '',
                                              'message': 'Pod/web must have labels {"owner"}'}],
          p.stdout + p.stderr)
    with open(os.path.join(repo, 'app', 'pod.yaml'), 'w') as f:
        f.write(pod.replace('namespace: prod', 'namespace: prod\n  labels: {owner: a}'))
    p = subprocess.run([CAPSTAN, 'check', '--no-lint', '--no-validate'] + policy_args + [repo],
                       capture_output=True, text=True, timeout=60)
    check('check --policy passes a compliant object', p.returncode == 0, p.stdout + p.stderr)
    p = subprocess.run([CAPSTAN, 'check', '--no-lint', '--no-validate', '--policy',
                        os.path.join(DATA, 'bad_builtin_template.yaml'), repo],
                       capture_output=True, text=True, timeout=60)
    check('check --policy: a template that does not load is named',
          p.returncode == 1 and 'bad_builtin_template.yaml' in p.stderr and 'http.send' in p.stderr, p.stderr)

print('%d failed' % len(failures))
sys.exit(1 if failures else 0)
