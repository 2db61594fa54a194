#include "resource/resource.h"

#include <gtest/gtest.h>

#include "yaml/yaml.h"

namespace capstan::resource {
namespace {

TEST(Gvk, FromApiVersion) {
  Gvk core = Gvk::FromApiVersion("v1", "ConfigMap");
  EXPECT_EQ(core.group, "");
  EXPECT_EQ(core.version, "v1");
  EXPECT_EQ(core.ApiVersion(), "v1");
  Gvk apps = Gvk::FromApiVersion("apps/v1", "Deployment");
  EXPECT_EQ(apps.group, "apps");
  EXPECT_EQ(apps.version, "v1");
  EXPECT_EQ(apps.kind, "Deployment");
  EXPECT_EQ(apps.ApiVersion(), "apps/v1");
}

TEST(ApiPath, CoreGroupUnderApiOthersUnderApis) {
  EXPECT_EQ(ApiPath("", "v1"), "/api/v1");
  EXPECT_EQ(ApiPath("apps", "v1"), "/apis/apps/v1");
  EXPECT_EQ(ApiPath("rbac.authorization.k8s.io", "v1"), "/apis/rbac.authorization.k8s.io/v1");
}

TEST(ResourcePath, CollectionObjectNamespaceAndSubresource) {
  EXPECT_EQ(ResourcePath("", "v1", "namespaces"), "/api/v1/namespaces");
  EXPECT_EQ(ResourcePath("", "v1", "pods", "ns1"), "/api/v1/namespaces/ns1/pods");
  EXPECT_EQ(ResourcePath("apps", "v1", "deployments", "ns1", "web"), "/apis/apps/v1/namespaces/ns1/deployments/web");
  EXPECT_EQ(ResourcePath("apps", "v1", "deployments", "ns1", "web", "status"),
            "/apis/apps/v1/namespaces/ns1/deployments/web/status");
  EXPECT_EQ(ResourcePath("rbac.authorization.k8s.io", "v1", "clusterroles", "", "view"),
            "/apis/rbac.authorization.k8s.io/v1/clusterroles/view");
}

TEST(Gvk, OfObjectIgnoresMissingAndNonScalarFields) {
  Gvk g = Gvk::Of(yaml::ParseOne("apiVersion: networking.k8s.io/v1\nkind: Ingress\n"));
  EXPECT_EQ(g, (Gvk{"networking.k8s.io", "v1", "Ingress"}));
  Gvk odd = Gvk::Of(yaml::ParseOne("apiVersion: [x]\nkind: {a: b}\n"));
  EXPECT_EQ(odd, Gvk{});
}

TEST(ResId, OfAndString) {
  yaml::Node obj = yaml::ParseOne("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: prod\n");
  ResId id = ResId::Of(obj);
  EXPECT_EQ(id.gvk.kind, "Deployment");
  EXPECT_EQ(id.ns, "prod");
  EXPECT_EQ(id.name, "web");
  EXPECT_EQ(id.String(), "apps/v1/Deployment/prod/web");
  yaml::Node ns = yaml::ParseOne("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n");
  EXPECT_EQ(ResId::Of(ns).String(), "v1/Namespace/prod");
}

TEST(IsClusterScoped, BuiltinKinds) {
  for (auto [api, kind] : std::vector<std::pair<const char*, const char*>>{
           {"v1", "Namespace"},
           {"v1", "Node"},
           {"v1", "PersistentVolume"},
           {"rbac.authorization.k8s.io/v1", "ClusterRole"},
           {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding"},
           {"apiextensions.k8s.io/v1", "CustomResourceDefinition"},
           {"storage.k8s.io/v1", "StorageClass"},
           {"scheduling.k8s.io/v1", "PriorityClass"},
           {"apiregistration.k8s.io/v1", "APIService"},
           {"admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"},
           {"admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"},
           {"networking.k8s.io/v1", "IngressClass"},
           {"storage.k8s.io/v1", "CSIDriver"},
           {"node.k8s.io/v1", "RuntimeClass"},
           {"certificates.k8s.io/v1", "CertificateSigningRequest"},
           {"rbac.authorization.k8s.io/v1beta1", "ClusterRole"},  // old version, same scope
       }) {
    EXPECT_TRUE(IsClusterScoped(Gvk::FromApiVersion(api, kind))) << api << " " << kind;
  }
  for (auto [api, kind] : std::vector<std::pair<const char*, const char*>>{
           {"v1", "ConfigMap"},
           {"v1", "Service"},
           {"apps/v1", "Deployment"},
           {"rbac.authorization.k8s.io/v1", "Role"},
           {"batch/v1", "CronJob"},
           {"networking.k8s.io/v1", "Ingress"},
           {"example.com/v1", "Widget"},  // unknown kinds are namespaced
       }) {
    EXPECT_FALSE(IsClusterScoped(Gvk::FromApiVersion(api, kind))) << api << " " << kind;
  }
}

}  // namespace
}  // namespace capstan::resource
