// Round-trips every expected.yaml of the kustomize conformance corpus:
// kustomize printed those bytes, so parse + emit must give them back
// unchanged. This is the acceptance test of the emitter.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "yaml/yaml.h"

namespace capstan::yaml {
namespace {

namespace fs = std::filesystem;

fs::path SharedDir() {
  const char* env = std::getenv("CAPSTAN_SHARED");
  return env && *env ? fs::path(env) : fs::path("../shared");
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(CorpusTest, ExpectedOutputsRoundTripByteForByte) {
  fs::path cases = SharedDir() / "conformance" / "kustomize" / "cases";
  if (!fs::exists(cases)) GTEST_SKIP() << "no corpus at " << cases;
  int passed = 0, failed = 0;
  for (const auto& entry : fs::directory_iterator(cases)) {
    fs::path expected = entry.path() / "expected.yaml";
    if (!fs::exists(expected)) continue;
    std::string text = ReadFile(expected);
    std::string got;
    try {
      got = EmitYamlStream(ParseAll(text, expected.string()));
    } catch (const ParseError& e) {
      got = std::string("ParseError: ") + e.what();
    }
    if (got == text) {
      ++passed;
    } else {
      ++failed;
      ADD_FAILURE() << entry.path().filename() << " differs:\n--- expected\n"
                    << text.substr(0, 2000) << "\n--- got\n" << got.substr(0, 2000);
    }
  }
  std::cout << "corpus round-trip: " << passed << " passed, " << failed << " failed\n";
  EXPECT_GT(passed, 0);
}

// Every input YAML of the corpus parses; the preserving emitter round-trips
// the documents, and the kustomize-style output is a fixed point.
TEST(CorpusTest, InputsParseAndReparse) {
  fs::path cases = SharedDir() / "conformance" / "kustomize" / "cases";
  if (!fs::exists(cases)) GTEST_SKIP() << "no corpus at " << cases;
  int files = 0, parse_errors = 0;
  for (const auto& entry : fs::recursive_directory_iterator(cases)) {
    if (!entry.is_regular_file()) continue;
    auto ext = entry.path().extension();
    if (ext != ".yaml" && ext != ".yml") continue;
    if (entry.path().filename() == "expected.yaml") continue;
    ++files;
    std::string text = ReadFile(entry.path());
    std::vector<Node> docs;
    try {
      docs = ParseAll(text, entry.path().string());
    } catch (const ParseError&) {
      ++parse_errors;  // the corpus has deliberately malformed inputs
      continue;
    }
    std::string kept = EmitYamlStreamPreserving(docs);
    std::vector<Node> again = ParseAll(kept, "re-emitted");
    ASSERT_EQ(docs.size(), again.size()) << entry.path();
    for (size_t i = 0; i < docs.size(); ++i)
      EXPECT_TRUE(docs[i] == again[i]) << entry.path() << " doc " << i << "\n" << kept;
    EXPECT_EQ(kept, EmitYamlStreamPreserving(again)) << entry.path();
    std::string out = EmitYamlStream(docs);
    EXPECT_EQ(out, EmitYamlStream(ParseAll(out, "re-emitted"))) << entry.path();
  }
  std::cout << "corpus inputs: " << files << " files, " << parse_errors << " parse errors\n";
}

}  // namespace
}  // namespace capstan::yaml
