#!/usr/bin/env python3
"""Writes a GitOps tree: 23 services x 3 overlays (dev, staging, production).

    gen_tree.py DIR

Each service has a base (Deployment with live/ready probes on ports 80/81,
Service, ConfigMap, ServiceAccount, Role, RoleBinding) and three overlays
(namespace, namePrefix, labels, images, replicas, patches,
configMapGenerator). DIR/<env>/kustomization.yaml aggregates all services of
one environment; DIR/all/kustomization.yaml aggregates the three.
"""
import os
import sys

SERVICES = ['auth', 'user', 'gateway', 'catalog', 'admin', 'warehouse', 'pricing', 'customer',
            'frontend', 'order', 'checkout', 'return', 'fulfillment', 'shipping', 'location',
            'search', 'promotion', 'review', 'loyalty-rewards', 'notification', 'payment',
            'analytics', 'common-operations']
ENVS = {'dev': (1, 'dev'), 'staging': (2, 'stg'), 'production': (3, 'prod')}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as fh:
        fh.write(text)


def base(svc):
    return {
        'kustomization.yaml': '''apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- deployment.yaml
- service.yaml
- configmap.yaml
- rbac.yaml
labels:
- pairs:
    app.kubernetes.io/name: %(s)s
    app.kubernetes.io/part-of: ta-shop
  includeSelectors: true
''' % {'s': svc},
        'deployment.yaml': '''apiVersion: apps/v1
kind: Deployment
metadata:
  name: %(s)s
spec:
  replicas: 1
  selector:
    matchLabels:
      app: %(s)s
  template:
    metadata:
      labels:
        app: %(s)s
    spec:
      serviceAccountName: %(s)s
      containers:
      - name: %(s)s
        image: registry.example.com/ta/%(s)s:1.0.0
        ports:
        - name: http
          containerPort: 80
        - name: management
          containerPort: 81
        envFrom:
        - configMapRef:
            name: %(s)s-config
        livenessProbe:
          httpGet:
            path: /health/live
            port: 81
          initialDelaySeconds: 10
        readinessProbe:
          httpGet:
            path: /health/ready
            port: 81
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            memory: 256Mi
''' % {'s': svc},
        'service.yaml': '''apiVersion: v1
kind: Service
metadata:
  name: %(s)s
spec:
  selector:
    app: %(s)s
  ports:
  - name: http
    port: 80
    targetPort: 80
  - name: management
    port: 81
    targetPort: 81
''' % {'s': svc},
        'configmap.yaml': '''apiVersion: v1
kind: ConfigMap
metadata:
  name: %(s)s-config
data:
  SERVICE_NAME: %(s)s
  LOG_LEVEL: info
  HTTP_PORT: "80"
''' % {'s': svc},
        'rbac.yaml': '''apiVersion: v1
kind: ServiceAccount
metadata:
  name: %(s)s
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: %(s)s
rules:
- apiGroups: [""]
  resources: ["configmaps", "secrets"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: %(s)s
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: %(s)s
subjects:
- kind: ServiceAccount
  name: %(s)s
''' % {'s': svc},
    }


def overlay(svc, env):
    replicas, short = ENVS[env]
    return {
        'kustomization.yaml': '''apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ta-%(env)s
namePrefix: %(short)s-
resources:
- ../../base
labels:
- pairs:
    environment: %(env)s
images:
- name: registry.example.com/ta/%(s)s
  newTag: 1.4.%(r)d
replicas:
- name: %(s)s
  count: %(r)d
configMapGenerator:
- name: %(s)s-env
  literals:
  - ENVIRONMENT=%(env)s
  - FEATURE_FLAGS=search,checkout
patches:
- path: resources-patch.yaml
- target:
    kind: Deployment
    name: %(s)s
  patch: |-
    - op: add
      path: /spec/template/spec/containers/0/env
      value:
      - name: ENVIRONMENT
        value: %(env)s
''' % {'s': svc, 'env': env, 'short': short, 'r': replicas},
        'resources-patch.yaml': '''apiVersion: apps/v1
kind: Deployment
metadata:
  name: %(s)s
spec:
  template:
    spec:
      containers:
      - name: %(s)s
        resources:
          limits:
            memory: %(m)dMi
        envFrom:
        - configMapRef:
            name: %(s)s-env
''' % {'s': svc, 'm': 256 * replicas},
    }


def main():
    root = sys.argv[1]
    for svc in SERVICES:
        for name, text in base(svc).items():
            write(os.path.join(root, 'services', svc, 'base', name), text)
        for env in ENVS:
            for name, text in overlay(svc, env).items():
                write(os.path.join(root, 'services', svc, 'overlays', env, name), text)
    for env in ENVS:
        res = ''.join('- ../services/%s/overlays/%s\n' % (s, env) for s in SERVICES)
        write(os.path.join(root, env, 'kustomization.yaml'), 'resources:\n' + res)
    write(os.path.join(root, 'all', 'kustomization.yaml'),
          'resources:\n' + ''.join('- ../%s\n' % e for e in ENVS))


if __name__ == '__main__':
    main()
