// `capstan init`: the plan's repository layout from templates.
#include "delivery/scaffold.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "delivery/error.h"

namespace capstan::delivery {
namespace {

namespace fs = std::filesystem;

using Vars = std::map<std::string, std::string>;

// Replaces every @NAME@ of the template by vars[NAME].
std::string Fill(std::string_view tmpl, const Vars& vars) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t at = tmpl.find('@', i);
    size_t end = at == std::string_view::npos ? at : tmpl.find('@', at + 1);
    if (at == std::string_view::npos || end == std::string_view::npos) {
      out.append(tmpl.substr(i));
      break;
    }
    auto it = vars.find(std::string(tmpl.substr(at + 1, end - at - 1)));
    if (it == vars.end()) {
      out.append(tmpl.substr(i, end - i));
      i = end;
      continue;
    }
    out.append(tmpl.substr(i, at - i));
    out.append(it->second);
    i = end + 1;
  }
  return out;
}

const char kBaseKustomization[] = R"(apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- serviceaccount.yaml
- rbac.yaml
- configmap.yaml
- service.yaml
- deployment.yaml
- pdb.yaml
- networkpolicy.yaml
)";

const char kDeployment[] = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: @S@
  labels:
    app.kubernetes.io/name: @S@
    app.kubernetes.io/component: @COMP@
spec:
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: @S@
  template:
    metadata:
      labels:
        app.kubernetes.io/name: @S@
        app.kubernetes.io/component: @COMP@
    spec:
      serviceAccountName: @S@
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              topologyKey: kubernetes.io/hostname
              labelSelector:
                matchLabels:
                  app.kubernetes.io/name: @S@
      volumes:
      - name: tmp
        emptyDir: {}
      containers:
      - name: @S@
        image: @REGISTRY@/@S@:@TAG@
        imagePullPolicy: Always
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities:
            drop: ["ALL"]
        volumeMounts:
        - name: tmp
          mountPath: /tmp
        ports:
        - containerPort: 80
          name: http
        - containerPort: 81
          name: grpc
        env:
        - name: DATABASE_URL
          valueFrom:
            configMapKeyRef:
              name: @S@-config
              key: database-url
        - name: REDIS_URL
          valueFrom:
            configMapKeyRef:
              name: @S@-config
              key: redis-url
        resources:
          requests:
            ephemeral-storage: "256Mi"
            memory: "128Mi"
            cpu: "100m"
          limits:
            ephemeral-storage: "1Gi"
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
)";

const char kService[] = R"(apiVersion: v1
kind: Service
metadata:
  name: @S@
  labels:
    app.kubernetes.io/name: @S@
    app.kubernetes.io/component: @COMP@
spec:
  selector:
    app.kubernetes.io/name: @S@
  ports:
  - port: 80
    targetPort: 80
    name: http
  - port: 81
    targetPort: 81
    name: grpc
  type: ClusterIP
)";

const char kConfigMap[] = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: @S@-config
  labels:
    app.kubernetes.io/name: @S@
data:
  database-url: postgres://postgresql.infrastructure:5432/@DB@?sslmode=disable
  redis-url: redis://redis.infrastructure:6379/0
  log-level: info
)";

const char kPdb[] = R"(apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: @S@
  labels:
    app.kubernetes.io/name: @S@
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: @S@
)";

const char kNetworkPolicy[] = R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: @S@
  labels:
    app.kubernetes.io/name: @S@
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: @S@
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - namespaceSelector: {}
    ports:
    - port: 80
    - port: 81
  egress:
  - {}
)";

const char kServiceAccount[] = R"(apiVersion: v1
kind: ServiceAccount
metadata:
  name: @S@
  labels:
    app.kubernetes.io/name: @S@
)";

const char kRbac[] = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: @S@
  labels:
    app.kubernetes.io/name: @S@
rules:
- apiGroups: [""]
  resources: ["configmaps", "secrets"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: @S@
  labels:
    app.kubernetes.io/name: @S@
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: @S@
subjects:
- kind: ServiceAccount
  name: @S@
)";

const char kOverlay[] = R"(apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ../../base
namespace: @NS@
images:
- name: @REGISTRY@/@S@
  newTag: @TAG@
patches:
- target:
    kind: ConfigMap
    name: @S@-config
  patch: |-
    - op: replace
      path: /data/database-url
      value: postgres://postgresql.infrastructure-@SUFFIX@:5432/@DB@?sslmode=disable
    - op: replace
      path: /data/redis-url
      value: redis://redis.infrastructure-@SUFFIX@:6379/0
)";

const char kProductionPatch[] = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: @S@
spec:
  replicas: @REPLICAS@
  template:
    spec:
      containers:
      - name: @S@
        resources:
          requests:
            memory: "256Mi"
            cpu: "250m"
          limits:
            memory: "1Gi"
            cpu: "1"
)";

const char kAppKustomization[] = R"(apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- base/
namespace: @S@
commonLabels:
  app.kubernetes.io/name: @S@
  app.kubernetes.io/component: @COMP@
  app.kubernetes.io/part-of: microservices
images:
- name: @REGISTRY@/@S@
  newTag: @TAG@
)";

const char kApplication[] = R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: @NAME@
  namespace: argocd
  labels:
    app.kubernetes.io/name: @LABEL@
    app.kubernetes.io/environment: @ENV@
spec:
  project: @PROJECT@
  source:
    repoURL: @REPO@
    targetRevision: main
    path: @PATH@
  destination:
    server: https://kubernetes.default.svc
    namespace: @NS@
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
)";

const char kProject[] = R"(apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: @PROJECT@
  namespace: argocd
spec:
  description: @DESC@
  sourceRepos:
  - @REPO@
  destinations:
@DESTS@  clusterResourceWhitelist:
  - group: ''
    kind: Namespace
  namespaceResourceWhitelist:
  - group: '*'
    kind: '*'
  roles:
  - name: @ROLE@
    description: Admin access to @ENV@ environment
    policies:
    - p, proj:@PROJECT@:@ROLE@, applications, *, @PROJECT@/*, allow
)";

const char kPostgres[] = R"(apiVersion: v1
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
apiVersion: v1
kind: ConfigMap
metadata:
  name: postgresql-config
  labels:
    app: postgresql
data:
  database: microservices
  # A subdirectory of the volume: initdb refuses a mount point (lost+found).
  pgdata: /var/lib/postgresql/data/pgdata
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgresql
  labels:
    app: postgresql
  annotations:
    argocd.argoproj.io/sync-wave: "-1"
    # The image's files belong to its postgres user (uid 999, gid 999), below
    # kube-score's 10000 threshold, so the uid/gid check does not apply.
    kube-score/ignore: container-security-context-user-group-id
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
      # The image's postgres user (postgres:15: uid 999, gid 999); fsGroup makes
      # the data volume writable for it.
      securityContext:
        runAsNonRoot: true
        runAsUser: 999
        runAsGroup: 999
        fsGroup: 999
        seccompProfile:
          type: RuntimeDefault
      volumes:
      - name: run
        emptyDir: {}
      - name: tmp
        emptyDir: {}
      containers:
      - name: postgresql
        image: postgres:15
        imagePullPolicy: Always
        securityContext:
          runAsNonRoot: true
          runAsUser: 999
          runAsGroup: 999
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities:
            drop: ["ALL"]
        env:
        - name: POSTGRES_DB
          valueFrom:
            configMapKeyRef:
              name: postgresql-config
              key: database
        - name: PGDATA
          valueFrom:
            configMapKeyRef:
              name: postgresql-config
              key: pgdata
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
          name: postgres
        # The root filesystem is read-only: the data directory stays on the
        # claim; the socket directory and /tmp are emptyDirs.
        volumeMounts:
        - name: postgres-storage
          mountPath: /var/lib/postgresql/data
        - name: run
          mountPath: /var/run/postgresql
        - name: tmp
          mountPath: /tmp
        resources:
          requests:
            ephemeral-storage: "256Mi"
            memory: "256Mi"
            cpu: "250m"
          limits:
            ephemeral-storage: "1Gi"
            memory: "1Gi"
            cpu: "1"
        livenessProbe:
          exec:
            command: ["sh", "-c", "pg_isready -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\""]
          initialDelaySeconds: 30
          periodSeconds: 10
        readinessProbe:
          exec:
            command: ["sh", "-c", "pg_isready -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\""]
          initialDelaySeconds: 5
          periodSeconds: 5
  volumeClaimTemplates:
  - metadata:
      name: postgres-storage
    spec:
      accessModes: ["ReadWriteOnce"]
      resources:
        requests:
          storage: 20Gi
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: postgresql
  labels:
    app: postgresql
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app: postgresql
---
# Port 5432 only, from the application namespaces (each environment overlay
# narrows the namespaces to its own); postgres itself
# opens no connections.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: postgresql
  labels:
    app: postgresql
spec:
  podSelector:
    matchLabels:
      app: postgresql
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - namespaceSelector: {}
    ports:
    - port: 5432
  egress: []
)";

const char kRedis[] = R"(apiVersion: v1
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
    # One replica on purpose: this is a plain cache, a second replica would be
    # a second, unsynchronised cache (replication needs Sentinel or Cluster).
    # The image's files belong to its redis user (uid 999, gid 1000), below
    # kube-score's 10000 threshold, so the uid/gid check does not apply.
    kube-score/ignore: deployment-replicas, container-security-context-user-group-id
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
      # The image's redis user (redis:7-alpine: uid 999, gid 1000).
      securityContext:
        runAsNonRoot: true
        runAsUser: 999
        runAsGroup: 1000
        fsGroup: 1000
        seccompProfile:
          type: RuntimeDefault
      volumes:
      - name: data
        emptyDir: {}
      - name: tmp
        emptyDir: {}
      containers:
      - name: redis
        image: redis:7-alpine
        imagePullPolicy: Always
        securityContext:
          runAsNonRoot: true
          runAsUser: 999
          runAsGroup: 1000
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities:
            drop: ["ALL"]
        # The root filesystem is read-only: redis writes its snapshots to /data
        # (a cache, so an emptyDir) and temporary files to /tmp.
        volumeMounts:
        - name: data
          mountPath: /data
        - name: tmp
          mountPath: /tmp
        ports:
        - containerPort: 6379
          name: redis
        resources:
          requests:
            ephemeral-storage: "256Mi"
            memory: "64Mi"
            cpu: "50m"
          limits:
            ephemeral-storage: "1Gi"
            memory: "256Mi"
            cpu: "250m"
        livenessProbe:
          tcpSocket:
            port: 6379
          initialDelaySeconds: 15
          periodSeconds: 10
        readinessProbe:
          tcpSocket:
            port: 6379
          periodSeconds: 5
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: redis
  labels:
    app: redis
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app: redis
---
# Port 6379 only, from the application namespaces (each environment overlay
# narrows the namespaces to its own); redis itself
# opens no connections.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: redis
  labels:
    app: redis
spec:
  podSelector:
    matchLabels:
      app: redis
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - namespaceSelector: {}
    ports:
    - port: 6379
  egress: []
)";

// Narrows the redis and postgresql NetworkPolicies to one environment's application namespaces.
const char kInfrastructureNetworkPolicyPatch[] = R"(# Only this environment's application namespaces reach the databases.
patches:
- target:
    kind: NetworkPolicy
  patch: |-
    - op: replace
      path: /spec/ingress/0/from
      value:
      - namespaceSelector:
          matchExpressions:
          - key: kubernetes.io/metadata.name
            operator: In
            values:
@NAMESPACES@)";

const char kIngressPath[] = R"(      - path: /@S@
        pathType: Prefix
        backend:
          service:
            name: @S@
            port:
              number: 80
)";

const char kIngress[] = R"(apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: microservices-ingress
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /
    nginx.ingress.kubernetes.io/ssl-redirect: "true"
    cert-manager.io/cluster-issuer: letsencrypt-prod
    # The routed Services belong to the applications' own Applications, not to
    # this one, so a check of this target alone cannot see them.
    kube-score/ignore: ingress-targets-service
spec:
  tls:
  - hosts:
    - api.@DOMAIN@
    secretName: api-tls
  rules:
  - host: api.@DOMAIN@
    http:
      paths:
@PATHS@)";

// The files of apps/<service>/base/, each a template of the service's vars.
struct BaseFile {
  const char* name;
  const char* tmpl;
};
const BaseFile kBaseFiles[] = {
    {"kustomization.yaml", kBaseKustomization}, {"deployment.yaml", kDeployment},
    {"service.yaml", kService},                 {"configmap.yaml", kConfigMap},
    {"serviceaccount.yaml", kServiceAccount},   {"rbac.yaml", kRbac},
    {"pdb.yaml", kPdb},                         {"networkpolicy.yaml", kNetworkPolicy},
};

std::string Kustomization(const std::vector<std::string>& resources, const std::string& ns = "") {
  std::string s = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
  if (!ns.empty()) s += "namespace: " + ns + "\n";
  s += "resources:\n";
  for (const std::string& r : resources) s += "- " + r + "\n";
  return s;
}

// DNS-1123 label: what a service or environment name must be to be a namespace part.
void CheckName(const std::string& what, const std::string& n) {
  static const std::regex kLabel("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  if (n.size() > 40 || !std::regex_match(n, kLabel)) {
    throw Error(what + " \"" + n + "\": expected a lowercase DNS label (a-z, 0-9, -), at most 40 characters");
  }
}

struct Env {
  std::string name, suffix, project;
  int replicas;
};

Env EnvOf(const std::string& e) {
  if (e == "production") return {e, "prod", "production-environment", 3};
  if (e == "staging") return {e, e, "staging-environment", 2};
  return {e, e, e + "-environment", 1};
}

std::string Describe(const std::string& env) {
  if (env == "dev") return "Development environment for k3d cluster";
  std::string d = env + " environment";
  d[0] = static_cast<char>(toupper(d[0]));
  return d;
}

}  // namespace

std::map<std::string, std::string> ScaffoldFiles(const ScaffoldOptions& o) {
  if (o.services.empty()) throw Error("--services: give at least one service");
  if (o.environments.empty()) throw Error("--environments: give at least one environment");
  std::set<std::string> seen;
  for (const std::string& s : o.services) {
    CheckName("service", s);
    if (!seen.insert(s).second) throw Error("service \"" + s + "\" given twice");
  }
  for (const std::string& e : o.environments) CheckName("environment", e);
  for (const auto& [s, g] : o.groups) {
    if (!seen.count(s)) throw Error("--group " + s + "=" + g + ": no such service");
    CheckName("group", g);
  }
  auto group = [&](const std::string& s) { return o.groups.count(s) ? o.groups.at(s) : o.default_group; };
  auto component = [&](const std::string& s) {
    return o.components.count(s) ? o.components.at(s) : std::string("backend");
  };
  std::map<std::string, std::string> files;
  for (const std::string& s : o.services) {
    std::string db = s;
    for (char& c : db) c = c == '-' ? '_' : c;
    Vars v{{"S", s}, {"COMP", component(s)}, {"REGISTRY", o.registry}, {"TAG", o.tag}, {"DB", db}};
    std::string dir = "apps/" + s + "/";
    for (const BaseFile& f : kBaseFiles) files[dir + "base/" + f.name] = Fill(f.tmpl, v);
    for (const std::string& e : o.environments) {
      Env env = EnvOf(e);
      Vars ev = v;
      ev["NS"] = group(s) + "-" + env.suffix;
      ev["SUFFIX"] = env.suffix;
      ev["REPLICAS"] = std::to_string(env.replicas);
      std::string text = Fill(kOverlay, ev);
      if (e == "production") {
        text += "- path: deployment-patch.yaml\n";
        files[dir + "overlays/" + e + "/deployment-patch.yaml"] = Fill(kProductionPatch, ev);
      } else {
        text += "replicas:\n- name: " + s + "\n  count: " + std::to_string(env.replicas) + "\n";
      }
      files[dir + "overlays/" + e + "/kustomization.yaml"] = text;
    }
    files[dir + "kustomization.yaml"] = Fill(kAppKustomization, v);
  }
  // Groups in order of first use, then infrastructure.
  std::vector<std::string> groups;
  for (const std::string& s : o.services) {
    if (std::find(groups.begin(), groups.end(), group(s)) == groups.end()) groups.push_back(group(s));
  }
  groups.push_back("infrastructure");
  for (const std::string& e : o.environments) {
    Env env = EnvOf(e);
    auto app = [&](const std::string& name, const std::string& label, const std::string& path, const std::string& ns) {
      return Fill(kApplication, {{"NAME", name}, {"LABEL", label}, {"ENV", e}, {"PROJECT", env.project},
                                 {"REPO", o.repo_url}, {"PATH", path}, {"NS", ns}});
    };
    for (const std::string& s : o.services) {
      files["environments/" + e + "/apps/" + s + ".yaml"] =
          app(s + "-" + env.suffix, s, "apps/" + s + "/overlays/" + e, group(s) + "-" + env.suffix);
    }
    files["environments/" + e + "/apps/infrastructure.yaml"] =
        app("infrastructure-" + env.suffix, "infrastructure", "infrastructure/overlays/" + e,
            "infrastructure-" + env.suffix);
    files["environments/" + e + "/apps/ingress.yaml"] =
        app("ingress-" + env.suffix, "ingress", "infrastructure/overlays/" + e + "/ingress",
            group(o.services[0]) + "-" + env.suffix);
    std::string dests;
    for (const std::string& g : groups) {
      dests += "  - namespace: '" + g + "-" + env.suffix + "'\n    server: https://kubernetes.default.svc\n";
    }
    files["projects/" + env.project + ".yaml"] =
        Fill(kProject, {{"PROJECT", env.project}, {"DESC", Describe(e)}, {"REPO", o.repo_url}, {"DESTS", dests},
                        {"ROLE", env.suffix + "-admin"}, {"ENV", e}});
    // The databases' NetworkPolicies admit this environment's application namespaces only.
    std::string app_namespaces;
    for (const std::string& g : groups) {
      if (g != "infrastructure") app_namespaces += "            - " + g + "-" + env.suffix + "\n";
    }
    files["infrastructure/overlays/" + e + "/kustomization.yaml"] =
        Kustomization({"../../databases", "../../cache"}, "infrastructure-" + env.suffix) +
        Fill(kInfrastructureNetworkPolicyPatch, {{"NAMESPACES", app_namespaces}});
    files["infrastructure/overlays/" + e + "/ingress/kustomization.yaml"] =
        Kustomization({"../../../ingress"}, group(o.services[0]) + "-" + env.suffix);
  }
  files["infrastructure/databases/kustomization.yaml"] = Kustomization({"postgresql.yaml"});
  files["infrastructure/databases/postgresql.yaml"] = kPostgres;
  files["infrastructure/cache/kustomization.yaml"] = Kustomization({"redis.yaml"});
  files["infrastructure/cache/redis.yaml"] = kRedis;
  files["infrastructure/ingress/kustomization.yaml"] = Kustomization({"ingress.yaml"});
  std::string paths;
  std::vector<std::string> routed = o.ingress_services;
  if (routed.empty()) routed.assign(o.services.begin(), o.services.begin() + std::min<size_t>(3, o.services.size()));
  for (const std::string& s : routed) {
    if (!seen.count(s)) throw Error("--ingress-services " + s + ": no such service");
    paths += Fill(kIngressPath, {{"S", s}});
  }
  files["infrastructure/ingress/ingress.yaml"] = Fill(kIngress, {{"DOMAIN", o.domain}, {"PATHS", paths}});
  return files;
}

void WriteScaffold(const std::string& dir, const std::map<std::string, std::string>& files) {
  std::error_code ec;
  fs::path target = fs::absolute(dir);
  if (fs::exists(target, ec) && !(fs::is_directory(target, ec) && fs::is_empty(target, ec))) {
    throw Error(dir + ": already exists and is not empty; capstan init writes a new repository");
  }
  fs::path tmp = target.parent_path() / ("." + target.filename().string() + ".capstan-init-" + std::to_string(getpid()));
  fs::remove_all(tmp, ec);
  try {
    for (const auto& [rel, text] : files) {
      fs::path p = tmp / rel;
      fs::create_directories(p.parent_path());
      std::ofstream out(p, std::ios::binary);
      out << text;
      if (!out) throw Error(p.string() + ": cannot write");
    }
    if (fs::exists(target, ec)) fs::remove(target);  // the empty directory
    fs::rename(tmp, target);
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(tmp, ec);
    throw Error(dir + ": " + e.what());
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace capstan::delivery
