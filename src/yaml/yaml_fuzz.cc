// libFuzzer target: hostile bytes through every entry point of src/yaml.
// Properties: nothing crashes; what EmitYamlStream / EmitYamlStreamPreserving
// / EmitJson print parses again; kustomize-style output is a fixed point.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "yaml/yaml.h"

using namespace capstan::yaml;

namespace {

void Check(bool ok, const char* what, const std::string& text) {
  if (ok) return;
  std::fprintf(stderr, "property failed: %s\n--- text\n%s\n---\n", what, text.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseLimits limits;
  limits.max_alias_expansion = 10000;
  limits.max_depth = 64;
  std::vector<Node> docs;
  try {
    docs = ParseAll(text, "fuzz", limits);
  } catch (const ParseError&) {
  }
  if (!docs.empty()) {
    std::string out = EmitYamlStream(docs);
    std::vector<Node> again;
    try {
      again = ParseAll(out, "canonical");
    } catch (const ParseError& e) {
      Check(false, e.what(), out);
    }
    Check(EmitYamlStream(again) == out, "canonical output is not a fixed point", out);
    std::string kept = EmitYamlStreamPreserving(docs);
    try {
      ParseAll(kept, "preserving");
    } catch (const ParseError& e) {
      Check(false, e.what(), kept);
    }
    for (const Node& d : docs) {
      std::string json = EmitJson(d);
      try {
        ParseJson(json, "json");
      } catch (const ParseError& e) {
        Check(false, e.what(), json);
      }
      EmitJson(d, 2);
      std::string sorted = EmitJsonSorted(d);
      try {
        ParseJson(sorted, "json-sorted");
      } catch (const ParseError& e) {
        Check(false, e.what(), sorted);
      }
    }
  }
  try {
    Node n = ParseJson(text, "fuzz");
    std::string json = EmitJson(n);
    Check(ParseJson(json, "again") == n, "JSON round trip changed the value", json);
    EmitYaml(n);
    // Code-built strings may hold any bytes: the output must still parse.
    Node m = Node::Map();
    m.Set(std::string(text.substr(0, 8)), Node::String(text));
    std::string out = EmitYaml(m);
    try {
      ParseAll(out, "built");
    } catch (const ParseError& e) {
      Check(false, e.what(), out);
    }
  } catch (const ParseError&) {
  }
  ResolvePlainTag(text);
  return 0;
}
