#include "resource/selector.h"

#include <gtest/gtest.h>

namespace capstan::resource {
namespace {

TEST(SelectorTest, EqualityAndSetBased) {
  KeyValues kv = {{"app", "web"}, {"tier", "front"}};
  EXPECT_TRUE(Selector::ParseLabels("app=web").Matches(kv));
  EXPECT_TRUE(Selector::ParseLabels("app==web,tier").Matches(kv));
  EXPECT_FALSE(Selector::ParseLabels("app!=web").Matches(kv));
  EXPECT_TRUE(Selector::ParseLabels("app in (web, api)").Matches(kv));
  EXPECT_FALSE(Selector::ParseLabels("app notin (web)").Matches(kv));
  EXPECT_TRUE(Selector::ParseLabels("!missing").Matches(kv));
  EXPECT_FALSE(Selector::ParseLabels("missing").Matches(kv));
  EXPECT_TRUE(Selector::ParseLabels("").Matches(kv));
}

TEST(SelectorTest, BadSyntaxThrows) {
  EXPECT_THROW(Selector::ParseLabels("app in web"), std::invalid_argument);
  EXPECT_THROW(Selector::ParseLabels("app=we b!"), std::invalid_argument);
  EXPECT_THROW(Selector::ParseFields("metadata.name"), std::invalid_argument);
}

TEST(SelectorTest, FieldsTreatMissingAsEmpty) {
  KeyValues kv = {{"metadata.name", "x"}};
  EXPECT_TRUE(Selector::ParseFields("metadata.name=x").Matches(kv));
  EXPECT_TRUE(Selector::ParseFields("spec.nodeName=").Matches(kv));
  EXPECT_FALSE(Selector::ParseFields("metadata.name!=x").Matches(kv));
}

}  // namespace
}  // namespace capstan::resource
