#include "validate/validate.h"

#include <gtest/gtest.h>

#include <thread>

#include "yaml/yaml.h"

namespace capstan::validate {
namespace {

std::vector<std::pair<std::string, std::string>> Errors(const DocumentResult& d) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Finding& f : d.errors) out.emplace_back(f.path, f.type);
  return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(Validate, Yaml11ScalarsAsSigsK8sYamlReadsThem) {
  auto schemas = Schemas::BuiltIn();
  auto r = ValidateText(*schemas, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: on\n  b: '0755'\n  c: 0755\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(Errors(r[0]), (Pairs{{"data.a", "FieldValueTypeInvalid"}, {"data.c", "FieldValueTypeInvalid"}}));
  EXPECT_NE(r[0].errors[0].detail.find("must be of type string: \"boolean\""), std::string::npos);
}

TEST(Validate, RenderedObjectsKeepTheirTags) {
  auto schemas = Schemas::BuiltIn();
  yaml::Node cm = yaml::ParseOne("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: \"on\", b: yes}\n");
  DocumentResult r = ValidateObject(*schemas, cm);
  EXPECT_TRUE(r.valid) << (r.errors.empty() ? "" : r.errors[0].path);  // YAML 1.2: yes is a string
}

TEST(Validate, DecodeErrorsAreReportedAlone) {
  auto schemas = Schemas::BuiltIn();
  auto r = ValidateText(*schemas,
                        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: x\n  replicas: 2\n"
                        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replica: 2\n  replicas: x\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(Errors(r[0]), (Pairs{{"spec.replicas", "FieldDuplicate"}}));
  EXPECT_EQ(Errors(r[1]), (Pairs{{"spec.replica", "FieldUnknown"}}));
  EXPECT_EQ(r[1].line, 8);  // the line after "---"
}

TEST(Validate, ListMapKeysTakeTheirDefault) {
  auto schemas = Schemas::BuiltIn();
  auto r = ValidateText(*schemas,
                        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n  - {port: 80}\n"
                        "  - {port: 80, protocol: TCP}\n  - {port: 80, protocol: UDP}\n");
  EXPECT_EQ(Errors(r[0]), (Pairs{{"spec.ports[1]", "FieldValueDuplicate"}}));
}

TEST(Validate, CrdFeatures) {
  auto schemas = Schemas::BuiltIn();
  yaml::Node crd = yaml::ParseOne(R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.com}
spec:
  group: example.com
  names: {kind: Thing, plural: things}
  scope: Namespaced
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {x-kubernetes-int-or-string: true}
              blob: {type: string, format: byte}
              tags: {type: array, items: {type: string}, x-kubernetes-list-type: set}
              template: {type: object, x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}
              closed: {type: object}
)");
  EXPECT_EQ(schemas->AddCrds({crd}), 1u);
  auto r = ValidateText(*schemas, R"(apiVersion: example.com/v1
kind: Thing
metadata: {name: t}
spec:
  size: 1.5
  blob: ""
  tags: [a, b, a]
  template: {apiVersion: v1, kind: Pod, metadata: {name: p}, anything: 1}
---
apiVersion: example.com/v1
kind: Thing
metadata: {name: t}
spec: {size: "2", closed: {x: 1}}
---
apiVersion: example.com/v2
kind: Thing
metadata: {name: t}
---
apiVersion: example.com/v1
kind: Other
metadata: {name: t}
)");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(Errors(r[0]), (Pairs{{"spec.size", "FieldValueTypeInvalid"}, {"spec.tags[2]", "FieldValueDuplicate"}}));
  EXPECT_EQ(Errors(r[1]), (Pairs{{"spec.closed.x", "FieldUnknown"}}));
  EXPECT_EQ(Errors(r[2]), (Pairs{{"apiVersion", "SchemaNotFound"}}));
  EXPECT_EQ(Errors(r[3]), (Pairs{{"kind", "SchemaNotFound"}}));
}

TEST(Validate, FetchedDocumentsAndPatches) {
  int fetches = 0;
  auto schemas = Schemas::FromFetch(
      [&](const std::string& path) -> std::optional<std::string> {
        ++fetches;
        if (path != "apis/example.com/v1") return std::nullopt;
        return std::string(R"({"components":{"schemas":{"W":{"type":"object",
          "x-kubernetes-group-version-kind":[{"group":"example.com","version":"v1","kind":"Widget"}],
          "properties":{"apiVersion":{"type":"string"},"kind":{"type":"string"},
          "metadata":{"type":"object","properties":{"name":{"type":"string"}}},
          "size":{"type":"integer","maximum":3}}}}}})");
      },
      "test");
  auto r = ValidateText(*schemas, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nsize: 4\n"
                                  "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nsize: 2\n"
                                  "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n");
  EXPECT_EQ(Errors(r[0]), (Pairs{{"size", "FieldValueInvalid"}}));
  EXPECT_TRUE(r[1].valid);
  EXPECT_EQ(Errors(r[2]), (Pairs{{"apiVersion", "SchemaNotFound"}}));
  EXPECT_EQ(fetches, 2);  // one per group-version, cached
}

TEST(Validate, ConcurrentUseGivesTheSameAnswers) {
  auto schemas = Schemas::BuiltIn();
  const std::string text =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: Bad}\nspec:\n  replicas: '2'\n  selector: {}\n"
      "  template:\n    spec:\n      containers:\n      - {name: c, image: x, ports: [{containerPort: http}]}\n";
  auto expected = Errors(ValidateText(*Schemas::BuiltIn(), text)[0]);
  ASSERT_FALSE(expected.empty());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i)
        if (Errors(ValidateText(*schemas, text)[0]) != expected) ++mismatches[t];
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(Validate, HostileInputNeverThrows) {
  auto schemas = Schemas::BuiltIn();
  std::string deep = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: " + std::string(600, '[') +
                     std::string(600, ']') + "\n";
  auto r = ValidateText(*schemas, deep + "---\n\x01\x02: [\n---\n*alias\n---\n42\n");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_FALSE(r[0].valid);
  for (size_t i = 1; i < 4; ++i) EXPECT_EQ(r[i].errors.at(0).type, "DocumentInvalid") << i;
}

}  // namespace
}  // namespace capstan::validate
