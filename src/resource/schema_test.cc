#include "resource/schema.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "resource/test_util.h"
#include "yaml/yaml.h"

namespace capstan::resource {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string SharedDir() {
  const char* env = std::getenv("CAPSTAN_SHARED");
  return env ? env : "../shared";
}

Schema::TypeRef Walk(const Schema& s, Schema::TypeRef t, std::initializer_list<const char*> path) {
  for (const char* p : path) t = s.FieldType(t, p);
  return t;
}

TEST(ListExtensions, ReadsListTypeAndMapKeys) {
  ListExtensions e = ReadListExtensions(yaml::ParseOne(
      "type: array\nx-kubernetes-list-type: map\nx-kubernetes-list-map-keys: [containerPort, protocol]\n"));
  EXPECT_TRUE(e.has_list_type);
  EXPECT_EQ(e.list_type, "map");
  EXPECT_TRUE(e.has_map_keys);
  EXPECT_EQ(e.map_keys, (std::vector<std::string>{"containerPort", "protocol"}));
  EXPECT_EQ(e.error, "");

  ListExtensions none = ReadListExtensions(yaml::ParseOne("type: array\n"));
  EXPECT_FALSE(none.has_list_type);
  EXPECT_FALSE(none.has_map_keys);
  EXPECT_EQ(none.error, "");
}

TEST(ListExtensions, MalformedOnesAreReportedNotRead) {
  ListExtensions e = ReadListExtensions(yaml::ParseOne("x-kubernetes-list-type: [map]\nx-kubernetes-list-map-keys: x\n"));
  EXPECT_FALSE(e.has_list_type);
  EXPECT_FALSE(e.has_map_keys);
  EXPECT_EQ(e.error, "x-kubernetes-list-type is not a string");  // the first one
  ListExtensions k = ReadListExtensions(yaml::ParseOne("x-kubernetes-list-type: set\nx-kubernetes-list-map-keys: x\n"));
  EXPECT_TRUE(k.has_list_type);
  EXPECT_EQ(k.error, "x-kubernetes-list-map-keys is not a list");
}

TEST(Schema, BuiltInKnowsWorkloadMergeKeys) {
  const Schema& s = Schema::BuiltIn();
  Schema::TypeRef dep = s.TypeFor(Gvk::FromApiVersion("apps/v1", "Deployment"));
  ASSERT_NE(dep, nullptr);
  Schema::TypeRef pod = Walk(s, dep, {"spec", "template", "spec"});
  ASSERT_NE(pod, nullptr);
  const ListMeta* containers = s.FieldListMeta(pod, "containers");
  ASSERT_NE(containers, nullptr);
  EXPECT_EQ(containers->strategy, "merge");
  EXPECT_EQ(containers->merge_key, "name");
  EXPECT_EQ(containers->list_type, "map");
  const ListMeta* volumes = s.FieldListMeta(pod, "volumes");
  ASSERT_NE(volumes, nullptr);
  EXPECT_EQ(volumes->strategy, "merge,retainKeys");
  Schema::TypeRef container = s.FieldType(pod, "containers");
  const ListMeta* ports = s.FieldListMeta(container, "ports");
  ASSERT_NE(ports, nullptr);
  EXPECT_EQ(ports->merge_key, "containerPort");
  EXPECT_EQ(ports->map_keys, (std::vector<std::string>{"containerPort", "protocol"}));
  EXPECT_EQ(s.FieldListMeta(container, "args"), nullptr);
  const ListMeta* fin = s.FieldListMeta(s.FieldType(dep, "metadata"), "finalizers");
  ASSERT_NE(fin, nullptr);
  EXPECT_EQ(fin->strategy, "merge");
  EXPECT_NE(s.TypeFor(Gvk::FromApiVersion("batch/v1", "CronJob")), nullptr);
  EXPECT_EQ(s.TypeFor(Gvk::FromApiVersion("example.com/v1", "Widget")), nullptr);
  EXPECT_EQ(Schema().TypeFor(Gvk::FromApiVersion("apps/v1", "Deployment")), nullptr);  // empty schema
}

TEST(Schema, ListMetaAtWalksAPathForServerSideApply) {
  const Schema& s = Schema::BuiltIn();
  Gvk dep = Gvk::FromApiVersion("apps/v1", "Deployment");
  const ListMeta* ports = s.ListMetaAt(dep, std::vector<std::string>{"spec", "template", "spec", "containers", "ports"});
  ASSERT_NE(ports, nullptr);
  EXPECT_EQ(ports->list_type, "map");
  EXPECT_EQ(ports->map_keys, (std::vector<std::string>{"containerPort", "protocol"}));
  Gvk svc = Gvk::FromApiVersion("v1", "Service");
  const ListMeta* svc_ports = s.ListMetaAt(svc, std::vector<std::string_view>{"spec", "ports"});
  ASSERT_NE(svc_ports, nullptr);
  EXPECT_EQ(svc_ports->merge_key, "port");
  EXPECT_EQ(svc_ports->map_keys, (std::vector<std::string>{"port", "protocol"}));
  // Unknown kinds and paths, and lists without metadata: nullptr (atomic).
  EXPECT_EQ(s.ListMetaAt(Gvk::FromApiVersion("example.com/v1", "Widget"), std::vector<std::string>{"spec", "ports"}), nullptr);
  EXPECT_EQ(s.ListMetaAt(dep, std::vector<std::string>{"spec", "template", "spec", "containers", "args"}), nullptr);
  EXPECT_EQ(s.ListMetaAt(dep, std::vector<std::string>{}), nullptr);
}

TEST(Schema, CopiesAreIndependent) {
  Schema a = Schema::BuiltIn();
  Schema b = a;
  b.AddOpenApi(yaml::ParseOne(R"(
definitions:
  x.W:
    x-kubernetes-group-version-kind: [{group: x.io, version: v1, kind: W}]
    properties: {l: {type: array, x-kubernetes-patch-strategy: merge, x-kubernetes-patch-merge-key: k, items: {type: object}}}
)"));
  EXPECT_NE(b.TypeFor(Gvk::FromApiVersion("x.io/v1", "W")), nullptr);
  EXPECT_EQ(a.TypeFor(Gvk::FromApiVersion("x.io/v1", "W")), nullptr);
  EXPECT_NE(b.TypeFor(Gvk::FromApiVersion("apps/v1", "Deployment")), nullptr);
  ASSERT_NE(b.FieldListMeta(b.TypeFor(Gvk::FromApiVersion("x.io/v1", "W")), "l"), nullptr);
  EXPECT_EQ(b.FieldListMeta(b.TypeFor(Gvk::FromApiVersion("x.io/v1", "W")), "l")->merge_key, "k");
}

TEST(Schema, AddOpenApiV3InlineAndAllOf) {
  Schema s;
  s.AddOpenApi(yaml::ParseOne(R"(
components:
  schemas:
    io.example.v1.Thing:
      x-kubernetes-group-version-kind: [{group: example.io, version: v1, kind: Thing}]
      properties:
        spec:
          type: object
          properties:
            rules:
              type: array
              x-kubernetes-list-type: map
              x-kubernetes-list-map-keys: [host, port]
              x-kubernetes-patch-strategy: merge
              x-kubernetes-patch-merge-key: host
              items: {allOf: [{$ref: "#/components/schemas/io.example.v1.Rule"}]}
    io.example.v1.Rule:
      properties:
        paths: {type: array, x-kubernetes-patch-strategy: merge, items: {type: string}}
)"));
  Schema::TypeRef t = s.TypeFor(Gvk::FromApiVersion("example.io/v1", "Thing"));
  ASSERT_NE(t, nullptr);
  Schema::TypeRef spec = s.FieldType(t, "spec");
  ASSERT_NE(spec, nullptr);
  const ListMeta* rules = s.FieldListMeta(spec, "rules");
  ASSERT_NE(rules, nullptr);
  EXPECT_EQ(rules->map_keys, (std::vector<std::string>{"host", "port"}));
  Schema::TypeRef rule = s.FieldType(spec, "rules");
  ASSERT_NE(rule, nullptr);
  ASSERT_NE(s.FieldListMeta(rule, "paths"), nullptr);
  EXPECT_EQ(s.FieldListMeta(rule, "paths")->strategy, "merge");
}

TEST(Schema, AddOpenApiRejectsBadDocumentsAndStaysUnchanged) {
  Schema s = Schema::BuiltIn();
  EXPECT_THROW(s.AddOpenApi(yaml::ParseOne("[1]")), std::runtime_error);
  EXPECT_THROW(s.AddOpenApi(yaml::ParseOne("swagger: '2.0'\n")), std::runtime_error);
  EXPECT_THROW(s.AddOpenApi(yaml::ParseOne("definitions:\n  a.B:\n    x-kubernetes-group-version-kind: 3\n")),
               std::runtime_error);
  try {
    s.AddOpenApi(yaml::ParseOne(
        "definitions:\n  a.B:\n    properties:\n      l: {x-kubernetes-list-map-keys: x}\n"));
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("a.B"), std::string::npos) << e.what();
  }
  EXPECT_NE(s.TypeFor(Gvk::FromApiVersion("apps/v1", "Deployment")), nullptr);
}

// kustomize's own custom-schema fixture (openapi: path: mycrd_schema.json).
TEST(Schema, KustomizeCustomSchemaFixture) {
  fs::path p = fs::path(SharedDir()) /
               "conformance/kustomize/cases/openapicustomschema__TestCustomOpenApiFieldBasicUsage/input/mycrd_schema.json";
  if (!fs::exists(p)) GTEST_SKIP() << "no shared data at " << p;
  Schema s;
  s.AddOpenApi(yaml::ParseJson(ReadFile(p), p.string()));
  for (const char* api : {"example.com/v1alpha1", "v1alpha1"}) {
    Schema::TypeRef t = s.TypeFor(Gvk::FromApiVersion(api, "MyCRD"));
    ASSERT_NE(t, nullptr) << api;
    Schema::TypeRef pod = Walk(s, t, {"spec", "template", "spec"});
    ASSERT_NE(pod, nullptr);
    ASSERT_NE(s.FieldListMeta(pod, "containers"), nullptr);
    EXPECT_EQ(s.FieldListMeta(pod, "containers")->merge_key, "name");
    const ListMeta* ports = s.FieldListMeta(s.FieldType(pod, "containers"), "ports");
    ASSERT_NE(ports, nullptr);
    EXPECT_EQ(ports->map_keys, (std::vector<std::string>{"containerPort", "protocol"}));
  }
}

// The compiled-in table must agree with the OpenAPI documents it came from:
// every field with patch metadata reachable from a kind, and every kind's scope.
class OpenApiAgreement : public ::testing::Test {
 protected:
  std::map<std::string, yaml::Node> schemas;
  std::map<std::tuple<std::string, std::string, std::string>, bool> namespaced;
  const Schema& builtin = Schema::BuiltIn();
  int checked = 0;
  std::set<std::pair<std::string, Schema::TypeRef>> seen;

  static std::string RefTarget(const yaml::Node& prop) {
    if (!prop.IsMap()) return "";
    if (const yaml::Node* r = prop.Get("$ref")) return r->Str().substr(r->Str().rfind('/') + 1);
    if (const yaml::Node* all = prop.Get("allOf"); all && all->IsSeq())
      for (const yaml::Node& sub : all->items)
        if (std::string t = RefTarget(sub); !t.empty()) return t;
    if (const yaml::Node* items = prop.Get("items")) return RefTarget(*items);
    return "";
  }

  static bool HasMeta(const yaml::Node& prop) {
    std::string lt = prop.StrAt({"x-kubernetes-list-type"});
    return prop.Has("x-kubernetes-patch-strategy") || prop.Has("x-kubernetes-patch-merge-key") || lt == "map" ||
           lt == "set";
  }

  bool MetaBelow(const std::string& name, std::set<std::string>& visiting) {
    if (!visiting.insert(name).second) return false;
    auto it = schemas.find(name);
    if (it == schemas.end()) return false;
    if (const yaml::Node* props = it->second.Get("properties"))
      for (const yaml::Field& f : props->fields)
        if (HasMeta(f.value) || (!RefTarget(f.value).empty() && MetaBelow(RefTarget(f.value), visiting)))
          return true;
    return false;
  }

  void Check(const std::string& name, Schema::TypeRef t, const std::string& where) {
    if (!seen.insert({name, t}).second) return;
    auto it = schemas.find(name);
    ASSERT_NE(it, schemas.end()) << name;
    const yaml::Node* props = it->second.Get("properties");
    if (props == nullptr) return;
    for (const yaml::Field& f : props->fields) {
      const std::string field = f.key.Str();
      const yaml::Node& prop = f.value;
      std::string path = where + "." + field;
      const ListMeta* m = builtin.FieldListMeta(t, field);
      if (HasMeta(prop)) {
        ASSERT_NE(m, nullptr) << path;
        EXPECT_EQ(m->strategy, prop.StrAt({"x-kubernetes-patch-strategy"})) << path;
        EXPECT_EQ(m->merge_key, prop.StrAt({"x-kubernetes-patch-merge-key"})) << path;
        EXPECT_EQ(m->list_type, prop.StrAt({"x-kubernetes-list-type"})) << path;
        std::vector<std::string> keys;
        if (const yaml::Node* k = prop.Get("x-kubernetes-list-map-keys"))
          for (const yaml::Node& x : k->items) keys.push_back(x.Str());
        EXPECT_EQ(m->map_keys, keys) << path;
        ++checked;
      } else {
        EXPECT_EQ(m, nullptr) << path;
      }
      std::string child = RefTarget(prop);
      if (child.empty()) continue;
      Schema::TypeRef ct = builtin.FieldType(t, field);
      std::set<std::string> visiting;
      if (ct == nullptr) {
        EXPECT_FALSE(MetaBelow(child, visiting)) << path << " (" << child << ") was pruned but has patch metadata";
      } else {
        Check(child, ct, path);
      }
    }
  }
};

TEST_F(OpenApiAgreement, CompiledTableMatchesOpenApiFolder) {
  fs::path dir = fs::path(SharedDir()) / "k8s-openapi/v1.32";
  if (!fs::exists(dir)) GTEST_SKIP() << "no OpenAPI folder at " << dir;
  std::vector<std::pair<Gvk, std::string>> kinds;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    yaml::Node doc = yaml::ParseJson(ReadFile(e.path()), e.path().string());
    if (const yaml::Node* s = doc.At({"components", "schemas"}))
      for (const yaml::Field& f : s->fields) schemas.emplace(f.key.Str(), f.value);
    if (const yaml::Node* paths = doc.Get("paths"))
      for (const yaml::Field& p : paths->fields)
        for (const yaml::Field& op : p.value.fields) {
          const yaml::Node* g = op.value.Get("x-kubernetes-group-version-kind");
          if (g == nullptr) continue;
          auto key = std::make_tuple(g->StrAt({"group"}), g->StrAt({"version"}), g->StrAt({"kind"}));
          bool ns = p.key.Str().find("/namespaces/{namespace}/") != std::string::npos;
          namespaced[key] = namespaced[key] || ns;
        }
  }
  ASSERT_GT(schemas.size(), 500u);
  int kinds_checked = 0;
  for (const auto& [name, s] : schemas) {
    const yaml::Node* gvks = s.Get("x-kubernetes-group-version-kind");
    if (gvks == nullptr) continue;
    for (const yaml::Node& g : gvks->items) {
      Gvk gvk{g.StrAt({"group"}), g.StrAt({"version"}), g.StrAt({"kind"})};
      auto ns = namespaced.find({gvk.group, gvk.version, gvk.kind});
      if (ns == namespaced.end()) continue;  // List and option types are not served kinds
      EXPECT_EQ(IsClusterScoped(gvk), !ns->second) << gvk.ApiVersion() << " " << gvk.kind;
      Schema::TypeRef t = builtin.TypeFor(gvk);
      ASSERT_NE(t, nullptr) << gvk.ApiVersion() << " " << gvk.kind;
      Check(name, t, gvk.ApiVersion() + "/" + gvk.kind);
      ++kinds_checked;
    }
  }
  EXPECT_GT(kinds_checked, 80);
  EXPECT_GT(checked, 80);
  std::cout << "checked " << checked << " fields with patch metadata across " << kinds_checked << " kinds\n";
}

}  // namespace
}  // namespace capstan::resource
