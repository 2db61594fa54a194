// Kustomize v5.5.0's builtin transformer configuration (the field specs of
// api/konfig/builtinpluginconsts): which fields namePrefix, commonLabels,
// namespace, images, replicas, vars and name references touch by default.
// One spec per line: "<section> <group> <version> <kind> <path> <c|->" with
// "-" for an empty part; nameReference lines start with the referred-to
// group/version/kind.
#include <sstream>

#include "kustomize/internal.h"

namespace capstan::kustomize {
namespace {

constexpr const char* kBuiltin = R"(namePrefix - - - metadata/name -
nameSuffix - - - metadata/name -
commonLabels - v1 Service spec/selector c
commonLabels - v1 ReplicationController spec/selector c
commonLabels - - Deployment spec/selector/matchLabels c
commonLabels apps - Deployment spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels -
commonLabels apps - Deployment spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels -
commonLabels apps - Deployment spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels -
commonLabels apps - Deployment spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels -
commonLabels apps - Deployment spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels -
commonLabels - - ReplicaSet spec/selector/matchLabels c
commonLabels - - DaemonSet spec/selector/matchLabels c
commonLabels apps - StatefulSet spec/selector/matchLabels c
commonLabels apps - StatefulSet spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels -
commonLabels apps - StatefulSet spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels -
commonLabels apps - StatefulSet spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels -
commonLabels apps - StatefulSet spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels -
commonLabels apps - StatefulSet spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels -
commonLabels batch - Job spec/selector/matchLabels -
commonLabels batch - CronJob spec/jobTemplate/spec/selector/matchLabels -
commonLabels policy - PodDisruptionBudget spec/selector/matchLabels -
commonLabels networking.k8s.io - NetworkPolicy spec/podSelector/matchLabels -
commonLabels networking.k8s.io - NetworkPolicy spec/ingress/from/podSelector/matchLabels -
commonLabels networking.k8s.io - NetworkPolicy spec/egress/to/podSelector/matchLabels -
commonLabels - - - metadata/labels c
commonLabels - v1 ReplicationController spec/template/metadata/labels c
commonLabels - - Deployment spec/template/metadata/labels c
commonLabels - - ReplicaSet spec/template/metadata/labels c
commonLabels - - DaemonSet spec/template/metadata/labels c
commonLabels apps - StatefulSet spec/template/metadata/labels c
commonLabels apps - StatefulSet spec/volumeClaimTemplates[]/metadata/labels c
commonLabels batch - Job spec/template/metadata/labels c
commonLabels batch - CronJob spec/jobTemplate/metadata/labels c
commonLabels batch - CronJob spec/jobTemplate/spec/template/metadata/labels c
templateLabels - - - metadata/labels c
templateLabels - v1 ReplicationController spec/template/metadata/labels c
templateLabels - - Deployment spec/template/metadata/labels c
templateLabels - - ReplicaSet spec/template/metadata/labels c
templateLabels - - DaemonSet spec/template/metadata/labels c
templateLabels apps - StatefulSet spec/template/metadata/labels c
templateLabels apps - StatefulSet spec/volumeClaimTemplates[]/metadata/labels c
templateLabels batch - Job spec/template/metadata/labels c
templateLabels batch - CronJob spec/jobTemplate/metadata/labels c
templateLabels batch - CronJob spec/jobTemplate/spec/template/metadata/labels c
commonAnnotations - - - metadata/annotations c
commonAnnotations - v1 ReplicationController spec/template/metadata/annotations c
commonAnnotations - - Deployment spec/template/metadata/annotations c
commonAnnotations - - ReplicaSet spec/template/metadata/annotations c
commonAnnotations - - DaemonSet spec/template/metadata/annotations c
commonAnnotations - - StatefulSet spec/template/metadata/annotations c
commonAnnotations batch - Job spec/template/metadata/annotations c
commonAnnotations batch - CronJob spec/jobTemplate/metadata/annotations c
commonAnnotations batch - CronJob spec/jobTemplate/spec/template/metadata/annotations c
namespace - - Namespace metadata/name c
namespace apiregistration.k8s.io - APIService spec/service/namespace c
namespace apiextensions.k8s.io - CustomResourceDefinition spec/conversion/webhook/clientConfig/service/namespace -
varReference - - CronJob spec/jobTemplate/spec/template/spec/containers/args -
varReference - - CronJob spec/jobTemplate/spec/template/spec/containers/command -
varReference - - CronJob spec/jobTemplate/spec/template/spec/containers/env/value -
varReference - - CronJob spec/jobTemplate/spec/template/spec/containers/volumeMounts/mountPath -
varReference - - CronJob spec/jobTemplate/spec/template/spec/initContainers/args -
varReference - - CronJob spec/jobTemplate/spec/template/spec/initContainers/command -
varReference - - CronJob spec/jobTemplate/spec/template/spec/initContainers/env/value -
varReference - - CronJob spec/jobTemplate/spec/template/spec/initContainers/volumeMounts/mountPath -
varReference - - CronJob spec/jobTemplate/spec/template/volumes/nfs/server -
varReference - - DaemonSet spec/template/spec/containers/args -
varReference - - DaemonSet spec/template/spec/containers/command -
varReference - - DaemonSet spec/template/spec/containers/env/value -
varReference - - DaemonSet spec/template/spec/containers/volumeMounts/mountPath -
varReference - - DaemonSet spec/template/spec/initContainers/args -
varReference - - DaemonSet spec/template/spec/initContainers/command -
varReference - - DaemonSet spec/template/spec/initContainers/env/value -
varReference - - DaemonSet spec/template/spec/initContainers/volumeMounts/mountPath -
varReference - - DaemonSet spec/template/spec/volumes/nfs/server -
varReference - - Deployment spec/template/spec/containers/args -
varReference - - Deployment spec/template/spec/containers/command -
varReference - - Deployment spec/template/spec/containers/env/value -
varReference - - Deployment spec/template/spec/containers/volumeMounts/mountPath -
varReference - - Deployment spec/template/spec/initContainers/args -
varReference - - Deployment spec/template/spec/initContainers/command -
varReference - - Deployment spec/template/spec/initContainers/env/value -
varReference - - Deployment spec/template/spec/initContainers/volumeMounts/mountPath -
varReference - - Deployment spec/template/spec/volumes/nfs/server -
varReference - - Deployment spec/template/metadata/annotations -
varReference - - Ingress spec/rules/host -
varReference - - Ingress spec/tls/hosts -
varReference - - Ingress spec/tls/secretName -
varReference - - Job spec/template/spec/containers/args -
varReference - - Job spec/template/spec/containers/command -
varReference - - Job spec/template/spec/containers/env/value -
varReference - - Job spec/template/spec/containers/volumeMounts/mountPath -
varReference - - Job spec/template/spec/initContainers/args -
varReference - - Job spec/template/spec/initContainers/command -
varReference - - Job spec/template/spec/initContainers/env/value -
varReference - - Job spec/template/spec/initContainers/volumeMounts/mountPath -
varReference - - Job spec/template/spec/volumes/nfs/server -
varReference - - Pod spec/containers/args -
varReference - - Pod spec/containers/command -
varReference - - Pod spec/containers/env/value -
varReference - - Pod spec/containers/volumeMounts/mountPath -
varReference - - Pod spec/initContainers/args -
varReference - - Pod spec/initContainers/command -
varReference - - Pod spec/initContainers/env/value -
varReference - - Pod spec/initContainers/volumeMounts/mountPath -
varReference - - Pod spec/volumes/nfs/server -
varReference - - ReplicaSet spec/template/spec/containers/args -
varReference - - ReplicaSet spec/template/spec/containers/command -
varReference - - ReplicaSet spec/template/spec/containers/env/value -
varReference - - ReplicaSet spec/template/spec/containers/volumeMounts/mountPath -
varReference - - ReplicaSet spec/template/spec/initContainers/args -
varReference - - ReplicaSet spec/template/spec/initContainers/command -
varReference - - ReplicaSet spec/template/spec/initContainers/env/value -
varReference - - ReplicaSet spec/template/spec/initContainers/volumeMounts/mountPath -
varReference - - ReplicaSet spec/template/spec/volumes/nfs/server -
varReference - - Service spec/ports/port -
varReference - - Service spec/ports/targetPort -
varReference - - StatefulSet spec/template/spec/containers/args -
varReference - - StatefulSet spec/template/spec/containers/command -
varReference - - StatefulSet spec/template/spec/containers/env/value -
varReference - - StatefulSet spec/template/spec/containers/volumeMounts/mountPath -
varReference - - StatefulSet spec/template/spec/initContainers/args -
varReference - - StatefulSet spec/template/spec/initContainers/command -
varReference - - StatefulSet spec/template/spec/initContainers/env/value -
varReference - - StatefulSet spec/template/spec/initContainers/volumeMounts/mountPath -
varReference - - StatefulSet spec/volumeClaimTemplates/spec/nfs/server -
varReference - - PersistentVolume spec/nfs/server -
varReference - - - metadata/labels -
varReference - - - metadata/annotations -
images - - - spec/containers[]/image c
images - - - spec/initContainers[]/image c
images - - - spec/template/spec/containers[]/image c
images - - - spec/template/spec/initContainers[]/image c
replicas - - Deployment spec/replicas c
replicas - - ReplicationController spec/replicas c
replicas - - ReplicaSet spec/replicas c
replicas - - StatefulSet spec/replicas c
nameReference - - Deployment - - HorizontalPodAutoscaler spec/scaleTargetRef/name -
nameReference - - ReplicationController - - HorizontalPodAutoscaler spec/scaleTargetRef/name -
nameReference - - ReplicaSet - - HorizontalPodAutoscaler spec/scaleTargetRef/name -
nameReference - - StatefulSet - - HorizontalPodAutoscaler spec/scaleTargetRef/name -
nameReference - v1 ConfigMap - v1 Pod spec/volumes/configMap/name -
nameReference - v1 ConfigMap - v1 Pod spec/containers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - v1 Pod spec/initContainers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - v1 Pod spec/containers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - v1 Pod spec/initContainers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - v1 Pod spec/volumes/projected/sources/configMap/name -
nameReference - v1 ConfigMap - - PodTemplate template/spec/volumes/configMap/name -
nameReference - v1 ConfigMap - - PodTemplate template/spec/containers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - - PodTemplate template/spec/initContainers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - - PodTemplate template/spec/containers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - - PodTemplate template/spec/initContainers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - - PodTemplate template/spec/volumes/projected/sources/configMap/name -
nameReference - v1 ConfigMap - - Deployment spec/template/spec/volumes/configMap/name -
nameReference - v1 ConfigMap - - Deployment spec/template/spec/containers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - - Deployment spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - - Deployment spec/template/spec/containers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - - Deployment spec/template/spec/initContainers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - - Deployment spec/template/spec/volumes/projected/sources/configMap/name -
nameReference - v1 ConfigMap - - ReplicaSet spec/template/spec/volumes/configMap/name -
nameReference - v1 ConfigMap - - ReplicaSet spec/template/spec/containers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - - ReplicaSet spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - - ReplicaSet spec/template/spec/containers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - - ReplicaSet spec/template/spec/initContainers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - - ReplicaSet spec/template/spec/volumes/projected/sources/configMap/name -
nameReference - v1 ConfigMap - - DaemonSet spec/template/spec/volumes/configMap/name -
nameReference - v1 ConfigMap - - DaemonSet spec/template/spec/containers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - - DaemonSet spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - - DaemonSet spec/template/spec/containers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - - DaemonSet spec/template/spec/initContainers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - - DaemonSet spec/template/spec/volumes/projected/sources/configMap/name -
nameReference - v1 ConfigMap - - StatefulSet spec/template/spec/volumes/configMap/name -
nameReference - v1 ConfigMap - - StatefulSet spec/template/spec/containers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - - StatefulSet spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - - StatefulSet spec/template/spec/containers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - - StatefulSet spec/template/spec/initContainers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - - StatefulSet spec/template/spec/volumes/projected/sources/configMap/name -
nameReference - v1 ConfigMap - - Job spec/template/spec/volumes/configMap/name -
nameReference - v1 ConfigMap - - Job spec/template/spec/containers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - - Job spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - - Job spec/template/spec/containers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - - Job spec/template/spec/initContainers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - - Job spec/template/spec/volumes/projected/sources/configMap/name -
nameReference - v1 ConfigMap - - CronJob spec/jobTemplate/spec/template/spec/volumes/configMap/name -
nameReference - v1 ConfigMap - - CronJob spec/jobTemplate/spec/template/spec/volumes/projected/sources/configMap/name -
nameReference - v1 ConfigMap - - CronJob spec/jobTemplate/spec/template/spec/containers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - - CronJob spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name -
nameReference - v1 ConfigMap - - CronJob spec/jobTemplate/spec/template/spec/containers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - - CronJob spec/jobTemplate/spec/template/spec/initContainers/envFrom/configMapRef/name -
nameReference - v1 ConfigMap - - Node spec/configSource/configMap -
nameReference - v1 ConfigMap - - Role rules/resourceNames -
nameReference - v1 ConfigMap - - ClusterRole rules/resourceNames -
nameReference - v1 ConfigMap - - Ingress metadata/annotations/nginx.ingress.kubernetes.io\/fastcgi-params-configmap -
nameReference - v1 Secret - v1 Pod spec/volumes/secret/secretName -
nameReference - v1 Secret - v1 Pod spec/containers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - v1 Pod spec/initContainers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - v1 Pod spec/containers/envFrom/secretRef/name -
nameReference - v1 Secret - v1 Pod spec/initContainers/envFrom/secretRef/name -
nameReference - v1 Secret - v1 Pod spec/imagePullSecrets/name -
nameReference - v1 Secret - v1 Pod spec/volumes/projected/sources/secret/name -
nameReference - v1 Secret - - PodTemplate template/spec/volumes/secret/secretName -
nameReference - v1 Secret - - PodTemplate template/spec/containers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - - PodTemplate template/spec/initContainers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - - PodTemplate template/spec/containers/envFrom/secretRef/name -
nameReference - v1 Secret - - PodTemplate template/spec/initContainers/envFrom/secretRef/name -
nameReference - v1 Secret - - PodTemplate template/spec/imagePullSecrets/name -
nameReference - v1 Secret - - PodTemplate template/spec/volumes/projected/sources/secret/name -
nameReference - v1 Secret - - Deployment spec/template/spec/volumes/secret/secretName -
nameReference - v1 Secret - - Deployment spec/template/spec/containers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - - Deployment spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - - Deployment spec/template/spec/containers/envFrom/secretRef/name -
nameReference - v1 Secret - - Deployment spec/template/spec/initContainers/envFrom/secretRef/name -
nameReference - v1 Secret - - Deployment spec/template/spec/imagePullSecrets/name -
nameReference - v1 Secret - - Deployment spec/template/spec/volumes/projected/sources/secret/name -
nameReference - v1 Secret - - ReplicaSet spec/template/spec/volumes/secret/secretName -
nameReference - v1 Secret - - ReplicaSet spec/template/spec/containers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - - ReplicaSet spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - - ReplicaSet spec/template/spec/containers/envFrom/secretRef/name -
nameReference - v1 Secret - - ReplicaSet spec/template/spec/initContainers/envFrom/secretRef/name -
nameReference - v1 Secret - - ReplicaSet spec/template/spec/imagePullSecrets/name -
nameReference - v1 Secret - - ReplicaSet spec/template/spec/volumes/projected/sources/secret/name -
nameReference - v1 Secret - - DaemonSet spec/template/spec/volumes/secret/secretName -
nameReference - v1 Secret - - DaemonSet spec/template/spec/containers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - - DaemonSet spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - - DaemonSet spec/template/spec/containers/envFrom/secretRef/name -
nameReference - v1 Secret - - DaemonSet spec/template/spec/initContainers/envFrom/secretRef/name -
nameReference - v1 Secret - - DaemonSet spec/template/spec/imagePullSecrets/name -
nameReference - v1 Secret - - DaemonSet spec/template/spec/volumes/projected/sources/secret/name -
nameReference - v1 Secret - - StatefulSet spec/template/spec/volumes/secret/secretName -
nameReference - v1 Secret - - StatefulSet spec/template/spec/containers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - - StatefulSet spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - - StatefulSet spec/template/spec/containers/envFrom/secretRef/name -
nameReference - v1 Secret - - StatefulSet spec/template/spec/initContainers/envFrom/secretRef/name -
nameReference - v1 Secret - - StatefulSet spec/template/spec/imagePullSecrets/name -
nameReference - v1 Secret - - StatefulSet spec/template/spec/volumes/projected/sources/secret/name -
nameReference - v1 Secret - - Job spec/template/spec/volumes/secret/secretName -
nameReference - v1 Secret - - Job spec/template/spec/containers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - - Job spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - - Job spec/template/spec/containers/envFrom/secretRef/name -
nameReference - v1 Secret - - Job spec/template/spec/initContainers/envFrom/secretRef/name -
nameReference - v1 Secret - - Job spec/template/spec/imagePullSecrets/name -
nameReference - v1 Secret - - Job spec/template/spec/volumes/projected/sources/secret/name -
nameReference - v1 Secret - - CronJob spec/jobTemplate/spec/template/spec/volumes/secret/secretName -
nameReference - v1 Secret - - CronJob spec/jobTemplate/spec/template/spec/volumes/projected/sources/secret/name -
nameReference - v1 Secret - - CronJob spec/jobTemplate/spec/template/spec/containers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - - CronJob spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - - CronJob spec/jobTemplate/spec/template/spec/containers/envFrom/secretRef/name -
nameReference - v1 Secret - - CronJob spec/jobTemplate/spec/template/spec/initContainers/envFrom/secretRef/name -
nameReference - v1 Secret - - CronJob spec/jobTemplate/spec/template/spec/imagePullSecrets/name -
nameReference - v1 Secret - - Ingress spec/tls/secretName -
nameReference - v1 Secret - - Ingress metadata/annotations/ingress.kubernetes.io\/auth-secret -
nameReference - v1 Secret - - Ingress metadata/annotations/nginx.ingress.kubernetes.io\/auth-secret -
nameReference - v1 Secret - - Ingress metadata/annotations/nginx.ingress.kubernetes.io\/auth-tls-secret -
nameReference - v1 Secret - - Ingress spec/tls/secretName -
nameReference - v1 Secret - - ServiceAccount imagePullSecrets/name -
nameReference - v1 Secret - - StorageClass parameters/secretName -
nameReference - v1 Secret - - StorageClass parameters/adminSecretName -
nameReference - v1 Secret - - StorageClass parameters/userSecretName -
nameReference - v1 Secret - - StorageClass parameters/secretRef -
nameReference - v1 Secret - - Role rules/resourceNames -
nameReference - v1 Secret - - ClusterRole rules/resourceNames -
nameReference - v1 Secret serving.knative.dev v1 Service spec/template/spec/containers/env/valueFrom/secretKeyRef/name -
nameReference - v1 Secret - - PersistentVolume spec/azureFile/secretName -
nameReference - v1 Service apps - StatefulSet spec/serviceName -
nameReference - v1 Service - - Ingress spec/rules/http/paths/backend/serviceName -
nameReference - v1 Service - - Ingress spec/backend/serviceName -
nameReference - v1 Service - - Ingress spec/rules/http/paths/backend/service/name -
nameReference - v1 Service - - Ingress spec/defaultBackend/service/name -
nameReference - v1 Service apiregistration.k8s.io - APIService spec/service/name -
nameReference - v1 Service admissionregistration.k8s.io - ValidatingWebhookConfiguration webhooks/clientConfig/service -
nameReference - v1 Service admissionregistration.k8s.io - MutatingWebhookConfiguration webhooks/clientConfig/service -
nameReference rbac.authorization.k8s.io - Role rbac.authorization.k8s.io - RoleBinding roleRef/name -
nameReference rbac.authorization.k8s.io - ClusterRole rbac.authorization.k8s.io - RoleBinding roleRef/name -
nameReference rbac.authorization.k8s.io - ClusterRole rbac.authorization.k8s.io - ClusterRoleBinding roleRef/name -
nameReference - v1 ServiceAccount rbac.authorization.k8s.io - RoleBinding subjects -
nameReference - v1 ServiceAccount rbac.authorization.k8s.io - ClusterRoleBinding subjects -
nameReference - v1 ServiceAccount - - Pod spec/serviceAccountName -
nameReference - v1 ServiceAccount - - StatefulSet spec/template/spec/serviceAccountName -
nameReference - v1 ServiceAccount - - Deployment spec/template/spec/serviceAccountName -
nameReference - v1 ServiceAccount - - ReplicationController spec/template/spec/serviceAccountName -
nameReference - v1 ServiceAccount - - CronJob spec/jobTemplate/spec/template/spec/serviceAccountName -
nameReference - v1 ServiceAccount - - Job spec/template/spec/serviceAccountName -
nameReference - v1 ServiceAccount - - DaemonSet spec/template/spec/serviceAccountName -
nameReference - v1 PersistentVolumeClaim - - Pod spec/volumes/persistentVolumeClaim/claimName -
nameReference - v1 PersistentVolumeClaim - - StatefulSet spec/template/spec/volumes/persistentVolumeClaim/claimName -
nameReference - v1 PersistentVolumeClaim - - Deployment spec/template/spec/volumes/persistentVolumeClaim/claimName -
nameReference - v1 PersistentVolumeClaim - - ReplicationController spec/template/spec/volumes/persistentVolumeClaim/claimName -
nameReference - v1 PersistentVolumeClaim - - CronJob spec/jobTemplate/spec/template/spec/volumes/persistentVolumeClaim/claimName -
nameReference - v1 PersistentVolumeClaim - - Job spec/template/spec/volumes/persistentVolumeClaim/claimName -
nameReference - v1 PersistentVolumeClaim - - DaemonSet spec/template/spec/volumes/persistentVolumeClaim/claimName -
nameReference - v1 PersistentVolume - - PersistentVolumeClaim spec/volumeName -
nameReference - v1 PersistentVolume - - ClusterRole rules/resourceNames -
nameReference storage.k8s.io v1 StorageClass - - PersistentVolume spec/storageClassName -
nameReference storage.k8s.io v1 StorageClass - - PersistentVolumeClaim spec/storageClassName -
nameReference storage.k8s.io v1 StorageClass - - StatefulSet spec/volumeClaimTemplates/spec/storageClassName -
nameReference scheduling.k8s.io v1 PriorityClass - - Pod spec/priorityClassName -
nameReference scheduling.k8s.io v1 PriorityClass - - StatefulSet spec/template/spec/priorityClassName -
nameReference scheduling.k8s.io v1 PriorityClass - - Deployment spec/template/spec/priorityClassName -
nameReference scheduling.k8s.io v1 PriorityClass - - ReplicationController spec/template/spec/priorityClassName -
nameReference scheduling.k8s.io v1 PriorityClass - - CronJob spec/jobTemplate/spec/template/spec/priorityClassName -
nameReference scheduling.k8s.io v1 PriorityClass - - Job spec/template/spec/priorityClassName -
nameReference scheduling.k8s.io v1 PriorityClass - - DaemonSet spec/template/spec/priorityClassName -
nameReference networking.k8s.io/v1 v1 IngressClass - - Ingress spec/ingressClassName -
nameReference admissionregistration.k8s.io - ValidatingAdmissionPolicy admissionregistration.k8s.io - ValidatingAdmissionPolicyBinding spec/policyName -
)";

std::string Dash(const std::string& s) { return s == "-" ? std::string() : s; }

TransformerConfig Build() {
  TransformerConfig c;
  std::istringstream in(kBuiltin);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream ls(line);
    std::string section, g, v, k, path, create;
    ls >> section;
    Gvk target;
    if (section == "nameReference") {
      ls >> g >> v >> k;
      target = {Dash(g), Dash(v), Dash(k)};
    }
    ls >> g >> v >> k >> path >> create;
    FieldSpec fs{{Dash(g), Dash(v), Dash(k)}, path, create == "c"};
    if (section == "nameReference") {
      if (c.name_reference.empty() || !(c.name_reference.back().gvk == target))
        c.name_reference.push_back({target, {}});
      c.name_reference.back().referrers.push_back(fs);
      continue;
    }
    FsSlice* dst = section == "namePrefix"          ? &c.name_prefix
                   : section == "nameSuffix"        ? &c.name_suffix
                   : section == "commonLabels"      ? &c.common_labels
                   : section == "templateLabels"    ? &c.template_labels
                   : section == "commonAnnotations" ? &c.common_annotations
                   : section == "namespace"         ? &c.name_space
                   : section == "varReference"      ? &c.var_reference
                   : section == "images"            ? &c.images
                                                    : &c.replicas;
    dst->push_back(fs);
  }
  return c;
}

}  // namespace

const TransformerConfig& BuiltinConfig() {
  static const TransformerConfig config = Build();  // immutable after first use
  return config;
}

}  // namespace capstan::kustomize
