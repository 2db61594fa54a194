#include <gtest/gtest.h>

#include "yaml/yaml.h"

namespace capstan::yaml {
namespace {

struct Case {
  const char* text;
  std::string_view tag;
};

TEST(ResolvePlainTagTest, CoreSchemaAsGoYamlV3) {
  const Case cases[] = {
      // YAML 1.2: only true/false spellings are booleans.
      {"true", kBoolTag}, {"True", kBoolTag}, {"TRUE", kBoolTag}, {"false", kBoolTag},
      {"yes", kStrTag}, {"no", kStrTag}, {"on", kStrTag}, {"off", kStrTag}, {"y", kStrTag},
      {"tRUE", kStrTag},
      // Nulls.
      {"", kNullTag}, {"~", kNullTag}, {"null", kNullTag}, {"Null", kNullTag}, {"NULL", kNullTag},
      {"nULL", kStrTag},
      // Integers as Go's ParseInt(s, 0, 64) reads them, underscores dropped.
      {"0", kIntTag}, {"-1", kIntTag}, {"+12", kIntTag}, {"0x1F", kIntTag}, {"0X1f", kIntTag},
      {"0o17", kIntTag}, {"0b101", kIntTag}, {"017", kIntTag}, {"1_000", kIntTag},
      {"-0x10", kIntTag}, {"18446744073709551615", kIntTag},
      // Not integers, but floats by go-yaml's float pattern.
      {"08", kFloatTag}, {"18446744073709551616", kFloatTag}, {"1.5", kFloatTag},
      {"1.", kFloatTag}, {".5", kFloatTag}, {"1e3", kFloatTag}, {"-1.5E-3", kFloatTag},
      {".inf", kFloatTag}, {"-.Inf", kFloatTag}, {"+.INF", kFloatTag}, {".nan", kFloatTag},
      {".NaN", kFloatTag},
      // Strings.
      {"0x", kStrTag}, {"1e", kStrTag}, {".", kStrTag}, {"-", kStrTag}, {"1.2.3", kStrTag},
      {"0xG", kStrTag}, {"_1", kStrTag}, {"1:20", kStrTag}, {"abc", kStrTag},
      {"inf", kStrTag}, {"nan", kStrTag}, {"12abc", kStrTag},
      // Timestamps and the merge key.
      {"2024-01-02", kTimestampTag}, {"2024-1-2", kTimestampTag},
      {"2001-12-14t21:59:43.10-05:00", kTimestampTag}, {"2001-12-14 21:59:43.10", kTimestampTag},
      {"2001-12-14T21:59:43Z", kTimestampTag}, {"2001-12-14T21:59:43", kStrTag},
      {"2024-13-02", kStrTag}, {"2024-02-30", kStrTag}, {"2023-02-29", kStrTag},
      {"2024-02-29", kTimestampTag}, {"2001-12-14T24:00:00Z", kStrTag}, {"<<", kMergeTag},
  };
  for (const Case& c : cases) EXPECT_EQ(ResolvePlainTag(c.text), c.tag) << "'" << c.text << "'";
}

}  // namespace
}  // namespace capstan::yaml
