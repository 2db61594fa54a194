#!/usr/bin/env python3
"""Every `capstan lint` check on a failing and a passing object.

    checks_test.py CAPSTAN_BIN

GOOD is a small application (Deployment, StatefulSet, CronJob, Services,
PDBs, NetworkPolicy, Ingress, HPA, ConfigMap) on which no check fires, not
even the optional ones. Each case breaks it in one place and expects its
check to fire there; the same check must stay silent on GOOD. A check with no
case here fails the test, so new checks come with their objects.
"""
import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

BIN = None


def container(name, image):
    return {
        'name': name, 'image': image, 'imagePullPolicy': 'Always',
        'ports': [{'containerPort': 8080, 'name': 'http'}],
        'env': [{'name': 'LOG_LEVEL', 'valueFrom': {'configMapKeyRef': {'name': 'web-config', 'key': 'log-level'}}},
                {'name': 'DB_PASSWORD', 'valueFrom': {'secretKeyRef': {'name': 'web-secret', 'key': 'password'}}}],
        'resources': {'requests': {'cpu': '250m', 'memory': '256Mi', 'ephemeral-storage': '1Gi'},
                      'limits': {'cpu': '250m', 'memory': '256Mi', 'ephemeral-storage': '1Gi'}},
        'readinessProbe': {'httpGet': {'path': '/ready', 'port': 8080}, 'periodSeconds': 5},
        'livenessProbe': {'httpGet': {'path': '/live', 'port': 8080}, 'periodSeconds': 10},
        'securityContext': {'runAsUser': 10001, 'runAsGroup': 10001, 'runAsNonRoot': True,
                            'readOnlyRootFilesystem': True, 'allowPrivilegeEscalation': False,
                            'privileged': False, 'seccompProfile': {'type': 'RuntimeDefault'}},
    }


def pod_spec(app):
    return {
        'containers': [container(app, 'registry.example.com/%s:1.4.2' % app)],
        'affinity': {'podAntiAffinity': {'preferredDuringSchedulingIgnoredDuringExecution': [{
            'weight': 100, 'podAffinityTerm': {'topologyKey': 'kubernetes.io/hostname',
                                               'labelSelector': {'matchLabels': {'app': app}}}}]}},
    }


def meta(name, **extra):
    m = {'name': name, 'namespace': 'shop', 'labels': {'app': name}}
    m.update(extra)
    return m


GOOD = [
    {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': meta('web'),
     'spec': {'replicas': 3, 'selector': {'matchLabels': {'app': 'web'}},
              'template': {'metadata': {'labels': {'app': 'web', 'tier': 'front'}}, 'spec': pod_spec('web')}}},
    {'apiVersion': 'v1', 'kind': 'Service', 'metadata': meta('web'),
     'spec': {'selector': {'app': 'web'}, 'ports': [{'name': 'http', 'port': 80, 'targetPort': 8080}]}},
    {'apiVersion': 'policy/v1', 'kind': 'PodDisruptionBudget', 'metadata': meta('web'),
     'spec': {'minAvailable': 1, 'selector': {'matchLabels': {'app': 'web'}}}},
    {'apiVersion': 'networking.k8s.io/v1', 'kind': 'NetworkPolicy', 'metadata': meta('default'),
     'spec': {'podSelector': {}, 'policyTypes': ['Ingress', 'Egress'], 'ingress': [{}], 'egress': [{}]}},
    {'apiVersion': 'networking.k8s.io/v1', 'kind': 'NetworkPolicy', 'metadata': meta('web-ingress'),
     'spec': {'podSelector': {'matchExpressions': [{'key': 'tier', 'operator': 'In', 'values': ['front']}]},
              'ingress': [{'ports': [{'port': 8080}]}]}},
    {'apiVersion': 'networking.k8s.io/v1', 'kind': 'Ingress', 'metadata': meta('web'),
     'spec': {'rules': [{'host': 'shop.example.com', 'http': {'paths': [
         {'path': '/', 'pathType': 'Prefix', 'backend': {'service': {'name': 'web', 'port': {'number': 80}}}}]}}]}},
    {'apiVersion': 'autoscaling/v2', 'kind': 'HorizontalPodAutoscaler', 'metadata': meta('web'),
     'spec': {'scaleTargetRef': {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'name': 'web'},
              'minReplicas': 3, 'maxReplicas': 10}},
    {'apiVersion': 'apps/v1', 'kind': 'StatefulSet', 'metadata': meta('db'),
     'spec': {'replicas': 2, 'serviceName': 'db', 'selector': {'matchLabels': {'app': 'db'}},
              'template': {'metadata': {'labels': {'app': 'db'}}, 'spec': pod_spec('db')}}},
    {'apiVersion': 'v1', 'kind': 'Service', 'metadata': meta('db'),
     'spec': {'clusterIP': 'None', 'selector': {'app': 'db'}, 'ports': [{'name': 'pg', 'port': 5432}]}},
    {'apiVersion': 'policy/v1', 'kind': 'PodDisruptionBudget', 'metadata': meta('db'),
     'spec': {'maxUnavailable': 1, 'selector': {'matchLabels': {'app': 'db'}}}},
    {'apiVersion': 'batch/v1', 'kind': 'CronJob', 'metadata': meta('backup'),
     'spec': {'schedule': '0 3 * * *', 'startingDeadlineSeconds': 300, 'jobTemplate': {'spec': {'template': {
         'metadata': {'labels': {'app': 'backup'}},
         'spec': dict(pod_spec('backup'), restartPolicy='OnFailure')}}}}},
    {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': meta('web-config'),
     'data': {'log-level': 'info', 'database-url': 'postgres://db.shop:5432/web?sslmode=require'}},
]
for o in GOOD:
    if o['kind'] == 'CronJob':
        # a CronJob is not behind a Service: no probes needed, none given
        c = o['spec']['jobTemplate']['spec']['template']['spec']['containers'][0]
        del c['readinessProbe'], c['livenessProbe']


def find(objs, kind, name):
    return next(o for o in objs if o['kind'] == kind and o['metadata']['name'] == name)


def web_container(objs):
    return find(objs, 'Deployment', 'web')['spec']['template']['spec']['containers'][0]


def web_pod(objs):
    return find(objs, 'Deployment', 'web')['spec']['template']['spec']


def remove(objs, kind, name):
    objs.remove(find(objs, kind, name))


# check id -> (mutation of GOOD, (kind, name) of the object that must carry the finding)
CASES = {
    'container-resources': (lambda o: web_container(o)['resources']['limits'].pop('memory'), ('Deployment', 'web')),
    'container-ephemeral-storage-request-and-limit':
        (lambda o: web_container(o)['resources']['limits'].pop('ephemeral-storage'), ('Deployment', 'web')),
    'container-image-tag': (lambda o: web_container(o).update(image='registry.example.com/web:latest'), ('Deployment', 'web')),
    'container-image-pull-policy': (lambda o: web_container(o).update(imagePullPolicy='IfNotPresent'), ('Deployment', 'web')),
    'environment-variable-key-duplication':
        (lambda o: web_container(o)['env'].append(copy.deepcopy(web_container(o)['env'][0])), ('Deployment', 'web')),
    'container-security-context-user-group-id':
        (lambda o: web_container(o)['securityContext'].update(runAsUser=1000), ('Deployment', 'web')),
    'container-security-context-privileged':
        (lambda o: web_container(o)['securityContext'].update(privileged=True), ('Deployment', 'web')),
    'container-security-context-readonlyrootfilesystem':
        (lambda o: web_container(o)['securityContext'].pop('readOnlyRootFilesystem'), ('Deployment', 'web')),
    'container-security-context-privilege-escalation':
        (lambda o: web_container(o)['securityContext'].update(allowPrivilegeEscalation=True), ('Deployment', 'web')),
    'container-security-context-run-as-non-root':
        (lambda o: web_container(o)['securityContext'].pop('runAsNonRoot'), ('Deployment', 'web')),
    'container-cpu-requests-equal-limits':
        (lambda o: web_container(o)['resources']['limits'].update(cpu='1'), ('Deployment', 'web')),
    'container-memory-requests-equal-limits':
        (lambda o: web_container(o)['resources']['limits'].update(memory='1Gi'), ('Deployment', 'web')),
    'container-seccomp-profile': (lambda o: web_container(o)['securityContext'].pop('seccompProfile'), ('Deployment', 'web')),
    'pod-probes': (lambda o: web_container(o).pop('readinessProbe'), ('Deployment', 'web')),
    'pod-probes-identical':
        (lambda o: web_container(o).update(livenessProbe=copy.deepcopy(web_container(o)['readinessProbe'])), ('Deployment', 'web')),
    'pod-networkpolicy': (lambda o: find(o, 'NetworkPolicy', 'default')['spec'].update(
        podSelector={'matchExpressions': [{'key': 'app', 'operator': 'NotIn', 'values': ['db']}]}), ('StatefulSet', 'db')),
    'networkpolicy-targets-pod':
        (lambda o: find(o, 'NetworkPolicy', 'web-ingress')['spec']['podSelector']['matchExpressions'][0].update(values=['back']),
         ('NetworkPolicy', 'web-ingress')),
    'deployment-has-poddisruptionbudget': (lambda o: remove(o, 'PodDisruptionBudget', 'web'), ('Deployment', 'web')),
    'statefulset-has-poddisruptionbudget': (lambda o: remove(o, 'PodDisruptionBudget', 'db'), ('StatefulSet', 'db')),
    'poddisruptionbudget-has-policy': (lambda o: find(o, 'PodDisruptionBudget', 'web')['spec'].pop('minAvailable'),
                                       ('PodDisruptionBudget', 'web')),
    'deployment-replicas': (lambda o: (remove(o, 'HorizontalPodAutoscaler', 'web'),
                                       find(o, 'Deployment', 'web')['spec'].update(replicas=1)), ('Deployment', 'web')),
    'deployment-strategy': (lambda o: find(o, 'Deployment', 'web')['spec'].update(strategy={'type': 'Recreate'}),
                            ('Deployment', 'web')),
    'deployment-has-host-podantiaffinity': (lambda o: web_pod(o).pop('affinity'), ('Deployment', 'web')),
    'statefulset-has-host-podantiaffinity':
        (lambda o: find(o, 'StatefulSet', 'db')['spec']['template']['spec'].pop('affinity'), ('StatefulSet', 'db')),
    'statefulset-has-servicename': (lambda o: find(o, 'Service', 'db')['spec'].pop('clusterIP'), ('StatefulSet', 'db')),
    'service-targets-pod': (lambda o: find(o, 'Service', 'web')['spec'].update(selector={'app': 'webb'}), ('Service', 'web')),
    'service-type': (lambda o: find(o, 'Service', 'web')['spec'].update(type='NodePort'), ('Service', 'web')),
    'ingress-targets-service':
        (lambda o: find(o, 'Ingress', 'web')['spec']['rules'][0]['http']['paths'][0]['backend']['service']['port'].update(number=8081),
         ('Ingress', 'web')),
    'horizontalpodautoscaler-has-target':
        (lambda o: find(o, 'HorizontalPodAutoscaler', 'web')['spec']['scaleTargetRef'].update(name='wbe'),
         ('HorizontalPodAutoscaler', 'web')),
    'horizontalpodautoscaler-replicas':
        (lambda o: find(o, 'HorizontalPodAutoscaler', 'web')['spec'].update(minReplicas=1), ('HorizontalPodAutoscaler', 'web')),
    'cronjob-has-deadline': (lambda o: find(o, 'CronJob', 'backup')['spec'].pop('startingDeadlineSeconds'), ('CronJob', 'backup')),
    'cronjob-restartpolicy':
        (lambda o: find(o, 'CronJob', 'backup')['spec']['jobTemplate']['spec']['template']['spec'].update(restartPolicy='Always'),
         ('CronJob', 'backup')),
    'label-values': (lambda o: find(o, 'ConfigMap', 'web-config')['metadata']['labels'].update(team='-core-'),
                     ('ConfigMap', 'web-config')),
    'stable-version': (lambda o: find(o, 'PodDisruptionBudget', 'web').update(apiVersion='policy/v1beta1'),
                       ('PodDisruptionBudget', 'web')),
    'configmap-no-secrets':
        (lambda o: find(o, 'ConfigMap', 'web-config')['data'].update({'database-url': 'postgres://web:hunter2@db.shop:5432/web'}),
         ('ConfigMap', 'web-config')),
    'env-no-literal-secrets': (lambda o: web_container(o)['env'][1].update(value='hunter2') or web_container(o)['env'][1].pop('valueFrom'),
                               ('Deployment', 'web')),
    'env-from-configmap': (lambda o: web_container(o)['env'].append({'name': 'LOG_FORMAT', 'value': 'json'}), ('Deployment', 'web')),
}


def all_checks():
    out = subprocess.run([BIN, 'lint', '--list-checks'], capture_output=True, text=True, check=True).stdout
    return [l.split()[0] for l in out.splitlines() if l.strip()]


def lint(objs, *args):
    with tempfile.NamedTemporaryFile('w', suffix='.yaml', delete=False) as f:
        f.write('\n---\n'.join(json.dumps(o) for o in objs))
        path = f.name
    try:
        p = subprocess.run([BIN, 'lint', '-o', 'json', path] + list(args), capture_output=True, text=True, timeout=60)
        if p.returncode not in (0, 1):
            raise AssertionError('capstan lint exited %d: %s' % (p.returncode, p.stderr))
        return p.returncode, json.loads(p.stdout)
    finally:
        os.unlink(path)


class LintChecks(unittest.TestCase):
    def test_every_check_has_a_case(self):
        self.assertEqual(sorted(all_checks()), sorted(CASES))

    def test_good_is_clean_with_every_optional_check(self):
        code, findings = lint(GOOD, '--enable', ','.join(all_checks()), '--fail-on', 'warning')
        self.assertEqual(findings, [])
        self.assertEqual(code, 0)

    def test_each_check_fires_on_its_failing_object(self):
        checks = all_checks()
        for check, (mutate, (kind, name)) in CASES.items():
            with self.subTest(check=check):
                objs = copy.deepcopy(GOOD)
                mutate(objs)
                _, findings = lint(objs, '--enable', ','.join(checks), '--fail-on', 'never')
                mine = [f for f in findings if f['check'] == check]
                self.assertTrue(mine, 'no %s finding; got %s' % (check, [f['check'] for f in findings]))
                self.assertTrue(all((f['kind'], f['name']) == (kind, name) for f in mine), mine)

    def test_ignore_and_enable_annotations(self):
        objs = copy.deepcopy(GOOD)
        web_container(objs)['imagePullPolicy'] = 'IfNotPresent'
        web_container(objs)['resources']['limits']['cpu'] = '1'
        code, findings = lint(objs)
        self.assertEqual(code, 1)
        self.assertEqual([f['check'] for f in findings], ['container-image-pull-policy'])  # optional check is off
        find(objs, 'Deployment', 'web')['metadata']['annotations'] = {
            'kube-score/ignore': 'container-image-pull-policy', 'kube-score/enable': 'container-cpu-requests-equal-limits'}
        code, findings = lint(objs)
        self.assertEqual([f['check'] for f in findings], ['container-cpu-requests-equal-limits'])

    def test_fail_on(self):
        objs = copy.deepcopy(GOOD)
        find(objs, 'Service', 'web')['spec']['type'] = 'NodePort'  # a warning only
        self.assertEqual(lint(objs)[0], 0)
        self.assertEqual(lint(objs, '--fail-on', 'warning')[0], 1)
        web_container(objs)['image'] = 'nginx'
        self.assertEqual(lint(objs)[0], 1)
        self.assertEqual(lint(objs, '--fail-on', 'never')[0], 0)

    def test_secret_values_never_printed(self):
        objs = copy.deepcopy(GOOD)
        find(objs, 'ConfigMap', 'web-config')['data']['api-token'] = 's3cr3t-value'
        for fmt in ('text', 'json', 'junit', 'sarif'):
            p = subprocess.run([BIN, 'lint', '-o', fmt, '-'], input=json.dumps(objs[-1]), capture_output=True, text=True)
            self.assertIn('api-token', p.stdout)
            self.assertNotIn('s3cr3t-value', p.stdout + p.stderr)


if __name__ == '__main__':
    BIN = sys.argv[1]
    unittest.main(argv=sys.argv[:1], verbosity=2)
