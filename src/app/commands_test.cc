#include "app/commands.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace capstan::app {
namespace {

namespace fs = std::filesystem;

TEST(CommandsTest, ResourceFlagNamespacedAndClusterScoped) {
  EXPECT_EQ(ParseResourceFlag("apps:Deployment:web", "shop"), "apps/Deployment/shop/web");
  EXPECT_EQ(ParseResourceFlag("apps:Deployment:other/web", "shop"), "apps/Deployment/other/web");
  EXPECT_EQ(ParseResourceFlag(":Namespace:shop", "shop"), "/Namespace//shop");
  EXPECT_THROW(ParseResourceFlag("Deployment/web", "shop"), AppError);
}

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/capstan-commands-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  void Write(const std::string& name, const std::string& text) {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name) << text;
  }
};

TEST(CommandsTest, ReadDocumentsOfADirectoryInFileOrder) {
  TempDir d;
  d.Write("b.yaml", "kind: Application\nmetadata: {name: b}\n---\nkind: AppProject\nmetadata: {name: p}\n");
  d.Write("a/x.yml", "kind: Application\nmetadata: {name: a}\n");
  d.Write("notes.txt", "not yaml: [");
  std::vector<Document> docs = ReadDocuments(d.path.string());
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].object.StrAt({"metadata", "name"}), "a");
  EXPECT_EQ(docs[0].where, (d.path / "a/x.yml").string());
  EXPECT_EQ(docs[1].object.StrAt({"metadata", "name"}), "b");
  EXPECT_EQ(docs[2].object.StrAt({"kind"}), "AppProject");
}

TEST(CommandsTest, ReadDocumentsRejectsNonMappingNamingTheFile) {
  TempDir d;
  d.Write("list.yaml", "- a\n- b\n");
  try {
    ReadDocuments((d.path / "list.yaml").string());
    FAIL() << "expected AppError";
  } catch (const AppError& e) {
    EXPECT_NE(std::string(e.what()).find("list.yaml: a document is not a mapping"), std::string::npos);
  }
  EXPECT_THROW(ReadDocuments((d.path / "missing.yaml").string()), AppError);
}

}  // namespace
}  // namespace capstan::app
