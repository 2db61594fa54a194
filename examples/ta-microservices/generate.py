#!/usr/bin/env python3
"""Writes the ta-microservices GitOps repository laid out as the platform
team's plan (docs: shared/seed/gitops-plan.md) says. Run once; the YAML it
writes is committed, so reviewers read YAML, not this script.

    python3 examples/ta-microservices/generate.py
"""
import os
import shutil

ROOT = os.path.dirname(os.path.abspath(__file__))
REPO_URL = "https://gitlab.com/ta-microservices/gitops.git"
REGISTRY = "registry.gitlab.com/ta-microservices"

SERVICES = ["auth", "user", "gateway", "catalog", "admin", "warehouse", "pricing",
            "customer", "frontend", "order", "checkout", "return", "fulfillment",
            "shipping", "location", "search", "promotion", "review", "loyalty-rewards",
            "notification", "payment", "analytics", "common-operations"]
# Namespace group of each service, as the plan's status table places them.
GROUP = {s: "core-business" for s in SERVICES}
GROUP.update({"admin": "frontend-services", "frontend": "frontend-services",
              "search": "integration-services", "loyalty-rewards": "integration-services",
              "analytics": "support-services"})
COMPONENT = {"admin": "frontend", "frontend": "frontend"}
ENVS = {  # env -> (namespace suffix, project, app suffix, replicas, image tag)
    "dev": ("dev", "dev-environment", "dev", 1, "v1.0.0"),
    "staging": ("staging", "staging-environment", "staging", 2, "v1.0.0"),
    "production": ("prod", "production-environment", "prod", 3, "v1.0.0"),
}


def write(rel, text):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text.lstrip("\n"))


def base(s):
    comp = COMPONENT.get(s, "backend")
    write(f"apps/{s}/base/kustomization.yaml", f"""
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- serviceaccount.yaml
- rbac.yaml
- configmap.yaml
- service.yaml
- deployment.yaml
""")
    write(f"apps/{s}/base/deployment.yaml", f"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {s}
  labels:
    app.kubernetes.io/name: {s}
    app.kubernetes.io/component: {comp}
spec:
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: {s}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {s}
        app.kubernetes.io/component: {comp}
    spec:
      serviceAccountName: {s}
      containers:
      - name: {s}
        image: {REGISTRY}/{s}:v1.0.0
        ports:
        - containerPort: 80
          name: http
        - containerPort: 81
          name: grpc
        env:
        - name: DATABASE_URL
          valueFrom:
            configMapKeyRef:
              name: {s}-config
              key: database-url
        - name: REDIS_URL
          valueFrom:
            configMapKeyRef:
              name: {s}-config
              key: redis-url
        resources:
          requests:
            memory: "128Mi"
            cpu: "100m"
          limits:
            memory: "512Mi"
            cpu: "500m"
        livenessProbe:
          httpGet:
            path: /health/live
            port: 80
          initialDelaySeconds: 30
          periodSeconds: 10
        readinessProbe:
          httpGet:
            path: /health/ready
            port: 80
          initialDelaySeconds: 5
          periodSeconds: 5
""")
    write(f"apps/{s}/base/service.yaml", f"""
apiVersion: v1
kind: Service
metadata:
  name: {s}
  labels:
    app.kubernetes.io/name: {s}
    app.kubernetes.io/component: {comp}
spec:
  selector:
    app.kubernetes.io/name: {s}
  ports:
  - port: 80
    targetPort: 80
    name: http
  - port: 81
    targetPort: 81
    name: grpc
  type: ClusterIP
""")
    db = s.replace("-", "_")
    write(f"apps/{s}/base/configmap.yaml", f"""
apiVersion: v1
kind: ConfigMap
metadata:
  name: {s}-config
  labels:
    app.kubernetes.io/name: {s}
data:
  database-url: postgres://postgresql.infrastructure:5432/{db}?sslmode=disable
  redis-url: redis://redis.infrastructure:6379/0
  log-level: info
""")
    write(f"apps/{s}/base/serviceaccount.yaml", f"""
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {s}
  labels:
    app.kubernetes.io/name: {s}
""")
    write(f"apps/{s}/base/rbac.yaml", f"""
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {s}
  labels:
    app.kubernetes.io/name: {s}
rules:
- apiGroups: [""]
  resources: ["configmaps", "secrets"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {s}
  labels:
    app.kubernetes.io/name: {s}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {s}
subjects:
- kind: ServiceAccount
  name: {s}
""")


def overlays(s):
    for env, (suffix, _, _, replicas, tag) in ENVS.items():
        ns = f"{GROUP[s]}-{suffix}"
        text = f"""
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ../../base
namespace: {ns}
images:
- name: {REGISTRY}/{s}
  newTag: {tag}
"""
        db = s.replace("-", "_")
        # Connection strings point at this environment's infrastructure namespace.
        text += f"""patches:
- target:
    kind: ConfigMap
    name: {s}-config
  patch: |-
    - op: replace
      path: /data/database-url
      value: postgres://postgresql.infrastructure-{suffix}:5432/{db}?sslmode=disable
    - op: replace
      path: /data/redis-url
      value: redis://redis.infrastructure-{suffix}:6379/0
"""
        if env == "production":
            # Production: 3 replicas and more headroom, as a strategic merge patch.
            text += "- path: deployment-patch.yaml\n"
            write(f"apps/{s}/overlays/{env}/deployment-patch.yaml", f"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {s}
spec:
  replicas: {replicas}
  template:
    spec:
      containers:
      - name: {s}
        resources:
          requests:
            memory: "256Mi"
            cpu: "250m"
          limits:
            memory: "1Gi"
            cpu: "1"
""")
        else:
            text += f"replicas:\n- name: {s}\n  count: {replicas}\n"
        write(f"apps/{s}/overlays/{env}/kustomization.yaml", text)
    # The plan's per-app kustomization: the base with the plan's labels.
    write(f"apps/{s}/kustomization.yaml", f"""
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- base/
namespace: {s}
commonLabels:
  app.kubernetes.io/name: {s}
  app.kubernetes.io/component: {COMPONENT.get(s, "backend")}
  app.kubernetes.io/part-of: microservices
images:
- name: {REGISTRY}/{s}
  newTag: v1.0.0
""")


def application(name, project, path, ns, labels, env):
    label_text = "".join(f"    {k}: {v}\n" for k, v in labels.items())
    return f"""
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {name}
  namespace: argocd
  labels:
{label_text}spec:
  project: {project}
  source:
    repoURL: {REPO_URL}
    targetRevision: main
    path: {path}
  destination:
    server: https://kubernetes.default.svc
    namespace: {ns}
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
    syncOptions:
    - CreateNamespace=true
    retry:
      limit: 5
      backoff:
        duration: 5s
        factor: 2
        maxDuration: 3m
"""


def environments():
    for env, (suffix, project, app_suffix, _, _) in ENVS.items():
        for s in SERVICES:
            write(f"environments/{env}/apps/{s}.yaml",
                  application(f"{s}-{app_suffix}", project, f"apps/{s}/overlays/{env}",
                              f"{GROUP[s]}-{suffix}",
                              {"app.kubernetes.io/name": s, "app.kubernetes.io/environment": env}, env))
        write(f"environments/{env}/apps/infrastructure.yaml",
              application(f"infrastructure-{app_suffix}", project, f"infrastructure/overlays/{env}",
                          f"infrastructure-{suffix}",
                          {"app.kubernetes.io/name": "infrastructure",
                           "app.kubernetes.io/environment": env}, env))
        write(f"environments/{env}/apps/ingress.yaml",
              application(f"ingress-{app_suffix}", project, f"infrastructure/overlays/{env}/ingress",
                          f"core-business-{suffix}",
                          {"app.kubernetes.io/name": "ingress",
                           "app.kubernetes.io/environment": env}, env))


def projects():
    for env, (suffix, project, _, _, _) in ENVS.items():
        role = {"dev": "dev-admin", "staging": "staging-admin", "production": "prod-admin"}[env]
        desc = {"dev": "Development environment for k3d cluster",
                "staging": "Staging environment",
                "production": "Production environment"}[env]
        dests = "".join(f"  - namespace: '{g}-{suffix}'\n    server: https://kubernetes.default.svc\n"
                        for g in ["core-business", "frontend-services", "integration-services",
                                  "support-services", "infrastructure"])
        write(f"projects/{project}.yaml", f"""
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: {project}
  namespace: argocd
spec:
  description: {desc}
  sourceRepos:
  - {REPO_URL}
  destinations:
{dests}  clusterResourceWhitelist:
  - group: ''
    kind: Namespace
  namespaceResourceWhitelist:
  - group: '*'
    kind: '*'
  roles:
  - name: {role}
    description: Admin access to {env} environment
    policies:
    - p, proj:{project}:{role}, applications, *, {project}/*, allow
""")


def infrastructure():
    write("infrastructure/databases/kustomization.yaml", """
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- postgresql.yaml
""")
    write("infrastructure/databases/postgresql.yaml", """
apiVersion: v1
kind: Service
metadata:
  name: postgresql
  labels:
    app: postgresql
spec:
  clusterIP: None
  selector:
    app: postgresql
  ports:
  - port: 5432
    name: postgres
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgresql
  annotations:
    argocd.argoproj.io/sync-wave: "-1"
spec:
  serviceName: postgresql
  replicas: 1
  selector:
    matchLabels:
      app: postgresql
  template:
    metadata:
      labels:
        app: postgresql
    spec:
      containers:
      - name: postgresql
        image: postgres:15
        env:
        - name: POSTGRES_DB
          value: microservices
        - name: POSTGRES_USER
          valueFrom:
            secretKeyRef:
              name: postgres-secret
              key: username
        - name: POSTGRES_PASSWORD
          valueFrom:
            secretKeyRef:
              name: postgres-secret
              key: password
        ports:
        - containerPort: 5432
        volumeMounts:
        - name: postgres-storage
          mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
  - metadata:
      name: postgres-storage
    spec:
      accessModes: ["ReadWriteOnce"]
      resources:
        requests:
          storage: 20Gi
""")
    write("infrastructure/cache/kustomization.yaml", """
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- redis.yaml
""")
    write("infrastructure/cache/redis.yaml", """
apiVersion: v1
kind: Service
metadata:
  name: redis
  labels:
    app: redis
spec:
  selector:
    app: redis
  ports:
  - port: 6379
    name: redis
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: redis
  labels:
    app: redis
  annotations:
    argocd.argoproj.io/sync-wave: "-1"
spec:
  replicas: 1
  selector:
    matchLabels:
      app: redis
  template:
    metadata:
      labels:
        app: redis
    spec:
      containers:
      - name: redis
        image: redis:7-alpine
        ports:
        - containerPort: 6379
          name: redis
        resources:
          requests:
            memory: "64Mi"
            cpu: "50m"
          limits:
            memory: "256Mi"
            cpu: "250m"
        readinessProbe:
          tcpSocket:
            port: 6379
          periodSeconds: 5
""")
    paths = "".join(f"""      - path: /{s}
        pathType: Prefix
        backend:
          service:
            name: {s}
            port:
              number: 80
""" for s in ["auth", "user", "catalog"])
    write("infrastructure/ingress/kustomization.yaml", """
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ingress.yaml
""")
    write("infrastructure/ingress/ingress.yaml", f"""
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: microservices-ingress
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /
    nginx.ingress.kubernetes.io/ssl-redirect: "true"
    cert-manager.io/cluster-issuer: letsencrypt-prod
spec:
  tls:
  - hosts:
    - api.ta-microservices.com
    secretName: api-tls
  rules:
  - host: api.ta-microservices.com
    http:
      paths:
{paths}""")
    for env, (suffix, _, _, _, _) in ENVS.items():
        # The database credentials are not kept in Git: the postgres-secret is
        # created out of band (sealed secrets are the plan's next step).
        # The Ingress routes to Services in core-business-<env>, so it lives there.
        write(f"infrastructure/overlays/{env}/kustomization.yaml", f"""
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: infrastructure-{suffix}
resources:
- ../../databases
- ../../cache
""")
        write(f"infrastructure/overlays/{env}/ingress/kustomization.yaml", f"""
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: core-business-{suffix}
resources:
- ../../../ingress
""")


def main():
    for d in ["apps", "environments", "projects", "infrastructure"]:
        shutil.rmtree(os.path.join(ROOT, d), ignore_errors=True)
    for s in SERVICES:
        base(s)
        overlays(s)
    environments()
    projects()
    infrastructure()


if __name__ == "__main__":
    main()
