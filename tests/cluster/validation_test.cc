// What kube-apiserver refuses, the local API server refuses the same way:
// ConfigMap/Secret payloads (decode errors 400, validation 422 with field
// paths), Secret stringData merged into data on write, malformed label
// selectors (400), reads and watches from a resourceVersion the server has
// not reached (504 Timeout) or an Exact one it no longer has (410), and
// boolean query parameters as Go's strconv.ParseBool reads them.
#include <gtest/gtest.h>

#include <string>

#include "cluster/api.h"
#include "cluster/clock.h"
#include "cluster/resources.h"
#include "cluster/store.h"
#include "yaml/yaml.h"

namespace capstan::cluster {
namespace {

class ValidationTest : public ::testing::Test {
 protected:
  ValidationTest() : store_(":memory:", 1000), api_(&store_, &registry_, &clock_, ApiConfig{}) {
    EXPECT_EQ(Call("POST", "/api/v1/namespaces", R"({"metadata":{"name":"default"}})").status, 201);
  }

  Response Call(const std::string& method, const std::string& path, const std::string& body = "",
                const std::string& content_type = "application/json",
                std::multimap<std::string, std::string> query = {}) {
    Request req;
    req.method = method;
    req.path = path;
    req.body = body;
    req.query = std::move(query);
    req.headers["content-type"] = content_type;
    return api_.Handle(req);
  }
  yaml::Node Json(const Response& r) { return yaml::ParseJson(r.body); }
  Response Create(const std::string& plural, const std::string& body) {
    return Call("POST", "/api/v1/namespaces/default/" + plural, body);
  }

  Store store_;
  Registry registry_;
  Clock clock_;
  Api api_;
};

TEST_F(ValidationTest, ConfigMapDataMustBeAMapOfStrings) {
  Response r = Create("configmaps", R"({"metadata":{"name":"a"},"data":{"n":1}})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Json(r).StrAt({"message"}),
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal "
            "number into Go struct field ConfigMap.data of type string");
  r = Create("configmaps", R"({"metadata":{"name":"a"},"data":["x"]})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_FALSE(store_.Get("/configmaps", "default", "a")) << "nothing half-written";
}

TEST_F(ValidationTest, InvalidConfigMapKeyIs422WithFieldPath) {
  Response r = Create("configmaps", R"({"metadata":{"name":"a"},"data":{"a b":"x","ok":"y"}})");
  ASSERT_EQ(r.status, 422) << r.body;
  yaml::Node s = Json(r);
  EXPECT_EQ(s.StrAt({"reason"}), "Invalid");
  const yaml::Node* causes = s.At({"details", "causes"});
  ASSERT_TRUE(causes && causes->IsSeq() && causes->items.size() == 1) << r.body;
  EXPECT_EQ(causes->items[0].StrAt({"field"}), "data[a b]");
  EXPECT_EQ(s.StrAt({"message"}),
            "ConfigMap \"a\" is invalid: data[a b]: Invalid value: \"a b\": a valid config key must "
            "consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  "
            "or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
  r = Create("configmaps", R"({"metadata":{"name":"b"},"data":{"..x":"1"}})");
  EXPECT_EQ(r.status, 422) << r.body;
}

TEST_F(ValidationTest, SecretDataMustBeBase64) {
  Response r = Create("secrets", R"({"metadata":{"name":"s"},"data":{"k":"not base64!"}})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Json(r).StrAt({"message"}),
            "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 3");
  EXPECT_EQ(Create("secrets", R"({"metadata":{"name":"s"},"data":{"k":"YWJj"}})").status, 201);
}

TEST_F(ValidationTest, PayloadOverOneMebibyteIs422) {
  std::string big(1024 * 1024 + 1, 'x');
  Response r = Create("configmaps", R"({"metadata":{"name":"big"},"data":{"k":")" + big + "\"}}");
  EXPECT_EQ(r.status, 422) << r.body.substr(0, 300);
  EXPECT_NE(Json(r).StrAt({"message"}).find("Too long: may not be more than 1048576 bytes"),
            std::string::npos);
  r = Create("secrets", R"({"metadata":{"name":"big"},"stringData":{"k":")" + big + "\"}}");
  EXPECT_EQ(r.status, 422) << r.body.substr(0, 300);
  std::string fits(1024 * 1024, 'x');
  EXPECT_EQ(Create("configmaps", R"({"metadata":{"name":"fits"},"data":{"k":")" + fits + "\"}}").status, 201);
}

TEST_F(ValidationTest, SecretStringDataIsMergedIntoData) {
  Response r = Create("secrets",
                      R"({"metadata":{"name":"s"},"data":{"a":"YQ==","b":"Yg=="},"stringData":{"b":"bee","c":"sea"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto so = store_.Get("/secrets", "default", "s");
  ASSERT_TRUE(so);
  yaml::Node stored = yaml::ParseJson(so->json);
  EXPECT_EQ(stored.Get("stringData"), nullptr);
  EXPECT_EQ(stored.StrAt({"data", "a"}), "YQ==");
  EXPECT_EQ(stored.StrAt({"data", "b"}), "YmVl");  // stringData wins
  EXPECT_EQ(stored.StrAt({"data", "c"}), "c2Vh");
  // The same on patch.
  r = Call("PATCH", "/api/v1/namespaces/default/secrets/s", R"({"stringData":{"d":"dee"}})",
           "application/merge-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).StrAt({"data", "d"}), "ZGVl");
  EXPECT_EQ(Json(r).Get("stringData"), nullptr);
}

TEST_F(ValidationTest, UpdatesAndPatchesAreValidatedToo) {
  ASSERT_EQ(Create("configmaps", R"({"metadata":{"name":"a"},"data":{"k":"v"}})").status, 201);
  Response r = Call("PATCH", "/api/v1/namespaces/default/configmaps/a", R"({"data":{"k":true}})",
                    "application/merge-patch+json");
  EXPECT_EQ(r.status, 400) << r.body;
  r = Call("PUT", "/api/v1/namespaces/default/configmaps/a",
           R"({"metadata":{"name":"a"},"data":{"bad key":"v"}})");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(store_.Get("/configmaps", "default", "a")->json.find("\"k\":\"v\""), std::string::npos);
}

TEST_F(ValidationTest, MalformedLabelSelectorsAre400) {
  for (const char* sel : {"!!!", "a notin ()", "a in ()", "=x"}) {
    Response r = Call("GET", "/api/v1/namespaces/default/configmaps", "", "", {{"labelSelector", sel}});
    EXPECT_EQ(r.status, 400) << sel << ": " << r.body;
    r = Call("GET", "/api/v1/namespaces/default/configmaps", "", "",
             {{"labelSelector", sel}, {"watch", "true"}});
    EXPECT_EQ(r.status, 400) << "watch " << sel << ": " << r.body;
  }
  EXPECT_EQ(Call("GET", "/api/v1/namespaces/default/configmaps", "", "", {{"labelSelector", "!a,b notin (x)"}}).status, 200);
}

TEST_F(ValidationTest, WatchFromAFutureResourceVersionTimesOut) {
  int64_t future = store_.CurrentRv() + 1000;
  Response r = Call("GET", "/api/v1/namespaces/default/configmaps", "", "",
                    {{"watch", "true"}, {"resourceVersion", std::to_string(future)}});
  ASSERT_EQ(r.status, 504) << r.body;
  yaml::Node s = Json(r);
  EXPECT_EQ(s.StrAt({"reason"}), "Timeout");
  EXPECT_EQ(s.StrAt({"details", "retryAfterSeconds"}), "1");
  EXPECT_NE(s.StrAt({"message"}).find("Too large resource version"), std::string::npos);
  EXPECT_FALSE(r.stream);
}

TEST_F(ValidationTest, ExactListOfAnOldResourceVersionIsGone) {
  ASSERT_EQ(Create("configmaps", R"({"metadata":{"name":"a"}})").status, 201);
  std::string old = std::to_string(store_.CurrentRv());
  ASSERT_EQ(Create("configmaps", R"({"metadata":{"name":"b"}})").status, 201);
  Response r = Call("GET", "/api/v1/namespaces/default/configmaps", "", "",
                    {{"resourceVersion", old}, {"resourceVersionMatch", "Exact"}});
  EXPECT_EQ(r.status, 410) << r.body;
  EXPECT_EQ(Json(r).StrAt({"reason"}), "Expired");
  std::string now = std::to_string(store_.CurrentRv());
  r = Call("GET", "/api/v1/namespaces/default/configmaps", "", "",
           {{"resourceVersion", now}, {"resourceVersionMatch", "Exact"}});
  EXPECT_EQ(r.status, 200) << r.body;
  r = Call("GET", "/api/v1/namespaces/default/configmaps", "", "",
           {{"resourceVersion", old}, {"resourceVersionMatch", "NotOlderThan"}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(ValidationTest, BooleanQueryParametersFollowStrconvParseBool) {
  for (const char* t : {"true", "True", "TRUE", "1", "t", "T"}) {
    Response r = Call("GET", "/api/v1/namespaces/default/configmaps", "", "", {{"watch", t}});
    EXPECT_EQ(r.status, 200) << t;
    EXPECT_TRUE(r.stream) << "watch=" << t << " must stream";
  }
  for (const char* f : {"false", "False", "0", "f"}) {
    Response r = Call("GET", "/api/v1/namespaces/default/configmaps", "", "", {{"watch", f}});
    EXPECT_FALSE(r.stream) << "watch=" << f << " must list";
  }
  Response r = Call("GET", "/api/v1/namespaces/default/configmaps", "", "", {{"watch", "yes"}});
  EXPECT_EQ(r.status, 400) << r.body;
}

}  // namespace
}  // namespace capstan::cluster

namespace capstan::cluster {
namespace {

TEST_F(ValidationTest, BuiltInKindsAreTypeCheckedAgainstTheirSchema) {
  Response r = Call("POST", "/apis/apps/v1/namespaces/default/deployments",
                    R"({"metadata":{"name":"d"},"spec":{"replicas":"two","selector":{"matchLabels":{"a":"b"}},
                       "template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Json(r).StrAt({"message"}),
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal "
            "string into Go struct field DeploymentSpec.spec.replicas of type int32");
  r = Create("pods", R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i","ports":{"containerPort":80}}]}})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(Json(r).StrAt({"message"}).find("Go struct field Container.spec.containers.ports of type []ContainerPort"),
            std::string::npos) << r.body;
  r = Create("services", R"({"metadata":{"name":"s"},"spec":{"ports":[{"port":80,"targetPort":"http"}]}})");
  EXPECT_EQ(r.status, 201) << "IntOrString takes a string: " << r.body;
  r = Create("pods", R"({"metadata":{"name":"q"},"spec":{"containers":[{"name":"c","image":"i",
      "resources":{"limits":{"cpu":1.5}}}]}})");
  EXPECT_EQ(r.status, 201) << "a Quantity takes a number: " << r.body;
}

}  // namespace
}  // namespace capstan::cluster

#include "cluster/protobuf.h"

namespace capstan::cluster {
namespace {

TEST_F(ValidationTest, ProtobufBodiesInAndOutWhenAccepted) {
  auto pb = EncodeProtobufObject(yaml::ParseJson(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
    "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}})"));
  ASSERT_TRUE(pb);
  Request req;
  req.method = "POST";
  req.path = "/apis/apps/v1/namespaces/default/deployments";
  req.body = *pb;
  req.headers["content-type"] = "application/vnd.kubernetes.protobuf";
  req.headers["accept"] = "application/vnd.kubernetes.protobuf, application/json";
  Response r = api_.Handle(req);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.content_type, "application/vnd.kubernetes.protobuf");
  auto back = DecodeProtobufObject(r.body);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->StrAt({"metadata", "name"}), "web");
  EXPECT_FALSE(back->StrAt({"metadata", "uid"}).empty());
  EXPECT_EQ(back->At({"spec", "replicas"})->AsInt(), 3);
  // JSON first in Accept: JSON out.
  Response j = Call("GET", "/apis/apps/v1/namespaces/default/deployments/web");
  EXPECT_EQ(j.content_type, "application/json");
  // A malformed protobuf body is a 400 naming the problem, not a 415.
  req.body = std::string("k8s\0", 4) + "\x0a\xff";
  r = api_.Handle(req);
  EXPECT_EQ(r.status, 400);
}

}  // namespace
}  // namespace capstan::cluster
