#include "resource/defaults.h"

#include <gtest/gtest.h>

#include "yaml/yaml.h"

namespace capstan::resource {
namespace {

yaml::Node Defaulted(const char* text) {
  yaml::Node obj = yaml::ParseOne(text);
  ApplyDefaults(obj, Gvk::Of(obj));
  return obj;
}

TEST(ApplyDefaults, DeploymentAndItsPodTemplate) {
  yaml::Node d = Defaulted(R"(apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
      - name: a
        image: nginx
        ports: [{containerPort: 80}]
)");
  EXPECT_EQ(d.StrAt({"spec", "replicas"}), "1");
  EXPECT_EQ(d.StrAt({"spec", "strategy", "rollingUpdate", "maxSurge"}), "25%");
  EXPECT_EQ(d.StrAt({"spec", "template", "spec", "restartPolicy"}), "Always");
  const yaml::Node& c = d.At({"spec", "template", "spec", "containers"})->items[0];
  EXPECT_EQ(c.StrAt({"imagePullPolicy"}), "Always");  // no tag
  EXPECT_EQ(c.At({"ports"})->items[0].StrAt({"protocol"}), "TCP");
}

TEST(ApplyDefaults, VersionDependentAndExplicitValuesKept) {
  yaml::Node old = Defaulted("apiVersion: extensions/v1beta1\nkind: Deployment\nspec: {replicas: 3}\n");
  EXPECT_EQ(old.StrAt({"spec", "replicas"}), "3");
  EXPECT_EQ(old.StrAt({"spec", "revisionHistoryLimit"}), "2147483647");
  // Job: parallelism alone leaves completions unset.
  yaml::Node job = Defaulted("apiVersion: batch/v1\nkind: Job\nspec: {parallelism: 2}\n");
  EXPECT_EQ(job.At({"spec", "completions"}), nullptr);
  yaml::Node lb = Defaulted("apiVersion: v1\nkind: Service\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n");
  EXPECT_EQ(lb.StrAt({"spec", "externalTrafficPolicy"}), "Cluster");
  EXPECT_EQ(lb.StrAt({"spec", "allocateLoadBalancerNodePorts"}), "true");
  EXPECT_EQ(lb.At({"spec", "ports"})->items[0].StrAt({"targetPort"}), "80");
  // Unknown kinds and wrongly typed fields are left alone.
  yaml::Node cr = Defaulted("apiVersion: example.com/v1\nkind: Deployment\nspec: {}\n");
  EXPECT_EQ(cr.At({"spec", "replicas"}), nullptr);
  yaml::Node bad = Defaulted("apiVersion: apps/v1\nkind: Deployment\nspec: [1]\n");
  EXPECT_TRUE(bad.At({"spec"})->IsSeq());
}

}  // namespace
}  // namespace capstan::resource
