#include "base/base64.h"

#include <gtest/gtest.h>

namespace capstan::base {
namespace {

TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(Base64Encode("\xfb\xff", Base64Alphabet::kUrl), "-_8=");
}

TEST(Base64, DecodesLikeGoStdEncoding) {
  std::string out;
  ASSERT_TRUE(Base64Decode("Zm9v\r\nYmFy", &out));
  EXPECT_EQ(out, "foobar");
  ASSERT_TRUE(Base64Decode("Zg==", &out));
  EXPECT_EQ(out, "f");
  EXPECT_FALSE(Base64Decode("Zg", &out));      // padding required
  EXPECT_FALSE(Base64Decode("Zg=a", &out));    // data after '='
  EXPECT_FALSE(Base64Decode("Z===", &out));
  EXPECT_FALSE(Base64Decode("Zm9 v", &out));   // space is not skipped
  EXPECT_FALSE(Base64Decode("-_8=", &out));    // URL symbols in std
  ASSERT_TRUE(Base64Decode("-_8=", &out, Base64Alphabet::kUrl));
  EXPECT_EQ(out, "\xfb\xff");
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  ASSERT_TRUE(Base64Decode(Base64Encode(bytes), &out));
  EXPECT_EQ(out, bytes);
}

TEST(Base64, LenientSkipsBlanksAndMissingPadding) {
  std::string out;
  ASSERT_TRUE(Base64DecodeLenient(" Zm9v\tYg", &out));
  EXPECT_EQ(out, "foob");
  EXPECT_FALSE(Base64DecodeLenient("Z", &out));
  EXPECT_FALSE(Base64DecodeLenient("Zm9v!", &out));
}

}  // namespace
}  // namespace capstan::base
