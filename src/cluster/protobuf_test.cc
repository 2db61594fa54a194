#include "cluster/protobuf.h"

#include <gtest/gtest.h>

#include "cluster/proto_schema.h"
#include "yaml/yaml.h"

namespace capstan::cluster {
namespace {

yaml::Node RoundTrip(const std::string& json) {
  auto pb = EncodeProtobufObject(yaml::ParseJson(json));
  EXPECT_TRUE(pb);
  if (!pb) return yaml::Node();
  EXPECT_EQ(pb->compare(0, 4, std::string("k8s\0", 4)), 0);
  std::string error;
  auto back = DecodeProtobufObject(*pb, &error);
  EXPECT_TRUE(back) << error;
  return back ? *back : yaml::Node();
}

TEST(ProtobufTest, SchemaCoversTheBuiltInKinds) {
  const ProtoSchema& s = ProtoSchema::Kubernetes();
  for (auto [av, kind] : std::vector<std::pair<std::string, std::string>>{
           {"v1", "Pod"}, {"v1", "Service"}, {"v1", "ResourceQuota"}, {"apps/v1", "Deployment"},
           {"batch/v1", "CronJob"}, {"rbac.authorization.k8s.io/v1", "RoleBinding"},
           {"networking.k8s.io/v1", "Ingress"}, {"policy/v1", "PodDisruptionBudget"},
           {"autoscaling/v2", "HorizontalPodAutoscaler"}, {"scheduling.k8s.io/v1", "PriorityClass"},
           {"discovery.k8s.io/v1", "EndpointSlice"}, {"authorization.k8s.io/v1", "SelfSubjectAccessReview"},
           {"v1", "DeleteOptions"}, {"meta.k8s.io/v1", "DeleteOptions"}})
    EXPECT_TRUE(s.ForKind(av, kind)) << av << " " << kind;
  EXPECT_FALSE(s.ForKind("example.com/v1", "Widget"));
}

TEST(ProtobufTest, DeploymentRoundTripsWithSpecialTypes) {
  yaml::Node d = RoundTrip(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","namespace":"default","labels":{"app":"web"},
                "creationTimestamp":"2024-05-06T07:08:09Z"},
    "spec":{"replicas":0,"selector":{"matchLabels":{"app":"web"}},
      "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},
      "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
        {"name":"web","image":"nginx","command":["echo","hi"],
         "ports":[{"containerPort":80,"protocol":"TCP"}],
         "resources":{"limits":{"cpu":"500m","memory":"1Gi"}}}]}}}})");
  EXPECT_EQ(d.StrAt({"kind"}), "Deployment");
  EXPECT_EQ(d.StrAt({"metadata", "creationTimestamp"}), "2024-05-06T07:08:09Z");
  EXPECT_EQ(d.StrAt({"metadata", "labels", "app"}), "web");
  ASSERT_TRUE(d.At({"spec", "replicas"}));
  EXPECT_EQ(d.At({"spec", "replicas"})->AsInt(-1), 0) << "replicas: 0 must survive";
  EXPECT_EQ(d.StrAt({"spec", "strategy", "rollingUpdate", "maxSurge"}), "25%");
  const yaml::Node* mu = d.At({"spec", "strategy", "rollingUpdate", "maxUnavailable"});
  ASSERT_TRUE(mu && mu->IsInt());
  EXPECT_EQ(mu->AsInt(), 1);
  const yaml::Node* c = d.At({"spec", "template", "spec", "containers"});
  ASSERT_TRUE(c && c->IsSeq() && c->items.size() == 1);
  EXPECT_EQ(yaml::EmitJson(*c->items[0].Get("command")), R"(["echo","hi"])");
  EXPECT_EQ(c->items[0].StrAt({"resources", "limits", "cpu"}), "500m");
  EXPECT_EQ(c->items[0].At({"ports"})->items[0].At({"containerPort"})->AsInt(), 80);
}

TEST(ProtobufTest, SecretBytesAreBase64InJson) {
  yaml::Node s = RoundTrip(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},
    "type":"Opaque","data":{"k":"aGVsbG8="}})");
  EXPECT_EQ(s.StrAt({"data", "k"}), "aGVsbG8=");
  EXPECT_EQ(s.StrAt({"type"}), "Opaque");
}

TEST(ProtobufTest, DeleteOptionsAndReviews) {
  yaml::Node o = RoundTrip(R"({"apiVersion":"v1","kind":"DeleteOptions","propagationPolicy":"Foreground",
    "preconditions":{"resourceVersion":"7"}})");
  EXPECT_EQ(o.StrAt({"propagationPolicy"}), "Foreground");
  EXPECT_EQ(o.StrAt({"preconditions", "resourceVersion"}), "7");
  yaml::Node r = RoundTrip(R"({"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
    "spec":{"resourceAttributes":{"verb":"create","resource":"pods","namespace":"default"}}})");
  EXPECT_EQ(r.StrAt({"spec", "resourceAttributes", "verb"}), "create");
}

TEST(ProtobufTest, MalformedBodiesAreRefusedWithAReason) {
  std::string error;
  EXPECT_FALSE(DecodeProtobufObject("{\"kind\":\"Pod\"}", &error));
  EXPECT_NE(error.find("magic"), std::string::npos);
  auto pb = EncodeProtobufObject(yaml::ParseJson(R"({"apiVersion":"v1","kind":"ConfigMap",
    "metadata":{"name":"c"},"data":{"a":"b"}})"));
  ASSERT_TRUE(pb);
  for (size_t cut = 5; cut < pb->size(); cut += 3) {
    error.clear();
    auto d = DecodeProtobufObject(pb->substr(0, cut), &error);  // never crashes
    if (!d) {
      EXPECT_FALSE(error.empty());
    }
  }
  yaml::Node w = yaml::ParseJson(R"({"apiVersion":"example.com/v1","kind":"Widget"})");
  EXPECT_FALSE(EncodeProtobufObject(w)) << "custom kinds stay JSON";
}

}  // namespace
}  // namespace capstan::cluster
