#include "diff/unified.h"

#include <gtest/gtest.h>

#include <string>

namespace capstan::diff {
namespace {

TEST(UnifiedDiff, EqualTextsGiveNothing) { EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb\n", "x", "y"), ""); }

TEST(UnifiedDiff, OneChangedLineWithContext) {
  std::string from = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  std::string to = "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n";
  EXPECT_EQ(UnifiedDiff(from, to, "live", "desired"),
            "--- live\n+++ desired\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n");
}

TEST(UnifiedDiff, SeparateHunksAndPureAdditions) {
  std::string from, to;
  for (int i = 0; i < 20; ++i) from += std::to_string(i) + "\n";
  to = "new\n" + from.substr(0, from.size() - 3);  // add at top, drop "19"
  std::string d = UnifiedDiff(from, to, "a", "b", 1);
  EXPECT_EQ(d, "--- a\n+++ b\n@@ -1 +1,2 @@\n+new\n 0\n@@ -19,2 +20 @@\n 18\n-19\n");
}

TEST(UnifiedDiff, FromEmpty) {
  EXPECT_EQ(UnifiedDiff("", "a\nb\n", "live", "desired"), "--- live\n+++ desired\n@@ -0,0 +1,2 @@\n+a\n+b\n");
}

TEST(UnifiedDiff, HugeRewritesStayBounded) {
  std::string from, to;
  for (int i = 0; i < 30000; ++i) {
    from += "a" + std::to_string(i) + "\n";
    to += "b" + std::to_string(i) + "\n";
  }
  std::string d = UnifiedDiff(from, to, "x", "y");
  EXPECT_NE(d.find("@@ -1,30000 +1,30000 @@"), std::string::npos);
}

}  // namespace
}  // namespace capstan::diff
