#include "diff/quantity.h"

#include <gtest/gtest.h>

namespace capstan::diff {
namespace {

std::string Q(std::string_view s) { return CanonicalQuantity(s).value_or("<invalid>"); }

TEST(Quantity, DecimalCanonicalForms) {
  EXPECT_EQ(Q("0.2"), "200m");
  EXPECT_EQ(Q("1.5"), "1500m");
  EXPECT_EQ(Q("1000m"), "1");
  EXPECT_EQ(Q("1000"), "1k");
  EXPECT_EQ(Q("1500"), "1500");
  EXPECT_EQ(Q("2000000"), "2M");
  EXPECT_EQ(Q("25m"), "25m");
  EXPECT_EQ(Q("0"), "0");
  EXPECT_EQ(Q("0m"), "0");
  EXPECT_EQ(Q("-0.5"), "-500m");
}

TEST(Quantity, BinaryCanonicalForms) {
  EXPECT_EQ(Q("1024Mi"), "1Gi");
  EXPECT_EQ(Q("1536Mi"), "1536Mi");
  EXPECT_EQ(Q("0.5Gi"), "512Mi");
  EXPECT_EQ(Q("30Gi"), "30Gi");
  // Small binary values print in decimal.
  EXPECT_EQ(Q("0.5Ki"), "512");
}

TEST(Quantity, ExponentFormKeepsExponent) {
  EXPECT_EQ(Q("1e3"), "1e3");
  EXPECT_EQ(Q("12e2"), "1200");
}

TEST(Quantity, PrecisionBelowNanoRoundsUp) { EXPECT_EQ(Q("0.0000000001"), "1n"); }

TEST(Quantity, InvalidInputs) {
  EXPECT_FALSE(CanonicalQuantity("invalid"));
  EXPECT_FALSE(CanonicalQuantity(""));
  EXPECT_FALSE(CanonicalQuantity("1Qi"));
  EXPECT_FALSE(CanonicalQuantity("1.2.3"));
  EXPECT_FALSE(CanonicalQuantity("m"));
}

}  // namespace
}  // namespace capstan::diff
