// Which host a chart download belongs to (passCredentials) and redaction.
#include "app/chart_http.h"

#include <gtest/gtest.h>

namespace capstan::app {
namespace {

TEST(ChartHttpTest, OriginsDecideWhereCredentialsGo) {
  EXPECT_EQ(UrlOrigin("https://Charts.Example.com/stable/web-1.0.0.tgz"), "https://charts.example.com");
  EXPECT_EQ(UrlOrigin("https://charts.example.com:8443/x"), "https://charts.example.com:8443");
  EXPECT_EQ(UrlOrigin("https://user:pw@charts.example.com/x"), "https://charts.example.com");
  // Another port, scheme or host is another origin: no credentials without passCredentials.
  EXPECT_NE(UrlOrigin("https://charts.example.com/x"), UrlOrigin("https://charts.example.com:444/x"));
  EXPECT_NE(UrlOrigin("https://charts.example.com/x"), UrlOrigin("http://charts.example.com/x"));
  EXPECT_NE(UrlOrigin("https://charts.example.com/x"), UrlOrigin("https://charts.example.com.evil.io/x"));
  EXPECT_EQ(UrlOrigin("https://charts.example.com?x=1"), "https://charts.example.com");
  EXPECT_EQ(UrlOrigin("not a url"), "");
}

TEST(ChartHttpTest, RedactsUserInfo) {
  EXPECT_EQ(RedactChartUrl("https://u:tok@h.example/p/index.yaml"), "https://h.example/p/index.yaml");
  EXPECT_EQ(RedactChartUrl("https://h.example/p@x"), "https://h.example/p@x");
  EXPECT_EQ(RedactChartUrl("https://h.example"), "https://h.example");
}

}  // namespace
}  // namespace capstan::app
