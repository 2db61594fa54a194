// Choosing a chart version from a repository index as Helm does.
#include "helm/repo.h"

#include <gtest/gtest.h>

namespace capstan::helm {
namespace {

const char* kIndex = R"(apiVersion: v1
entries:
  web:
  - name: web
    version: 2.1.0-rc1
    urls: [web-2.1.0-rc1.tgz]
  - name: web
    version: 2.0.0
    urls: [https://cdn.example.com/charts/web-2.0.0.tgz]
  - name: web
    version: 1.2.5
    digest: abc
    urls: [charts/web-1.2.5.tgz]
  - name: web
    version: 1.2.0
    urls: [/x/web-1.2.0.tgz]
  - name: web
    version: 1.0.0
    urls: [web-1.0.0.tgz]
  empty: []
)";

std::string V(const std::string& c) {
  return ResolveChartVersion(kIndex, "http://127.0.0.1:8080/repo/", "web", c, "index.yaml").version;
}

TEST(RepoIndex, ExactVersionsAndConstraints) {
  EXPECT_EQ(V("1.0.0"), "1.0.0");
  EXPECT_EQ(V("1.2.*"), "1.2.5");
  EXPECT_EQ(V(">=1.0 <2.0"), "1.2.5");
  EXPECT_EQ(V(">=1.0, <1.2.5"), "1.2.0");
  EXPECT_EQ(V("~1.2.0"), "1.2.5");
  EXPECT_EQ(V("^1"), "1.2.5");
  EXPECT_EQ(V("*"), "2.0.0");  // pre-releases only when asked for
  EXPECT_EQ(V(""), "2.0.0");
  EXPECT_EQ(V("2.1.0-rc1"), "2.1.0-rc1");
  EXPECT_EQ(V(">=2.1.0-0"), "2.1.0-rc1");
}

TEST(RepoIndex, UrlsResolveAgainstTheRepository) {
  auto r = [](const std::string& c) {
    return ResolveChartVersion(kIndex, "http://127.0.0.1:8080/repo/", "web", c, "index.yaml");
  };
  EXPECT_EQ(r("1.2.5").url, "http://127.0.0.1:8080/repo/charts/web-1.2.5.tgz");
  EXPECT_EQ(r("1.2.5").digest, "abc");
  EXPECT_EQ(r("1.2.0").url, "http://127.0.0.1:8080/x/web-1.2.0.tgz");
  EXPECT_EQ(r("2.0.0").url, "https://cdn.example.com/charts/web-2.0.0.tgz");
}

TEST(RepoIndex, ClearErrors) {
  auto err = [](const std::string& index, const std::string& chart, const std::string& c) {
    try {
      ResolveChartVersion(index, "http://r", chart, c, "http://r/index.yaml");
    } catch (const HelmError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(err(kIndex, "db", "*").find("chart \"db\" not found in http://r"), std::string::npos);
  EXPECT_NE(err(kIndex, "empty", "*").find("not found"), std::string::npos);
  EXPECT_NE(err(kIndex, "web", "3.*").find("no version matching \"3.*\""), std::string::npos);
  EXPECT_NE(err(kIndex, "web", ">=foo").find("invalid version or constraint"), std::string::npos);
  EXPECT_NE(err("<html>not found</html>", "web", "*").find("not a chart repository index"), std::string::npos);
  EXPECT_NE(err("entries: [", "web", "*").find("http://r/index.yaml"), std::string::npos);
}

}  // namespace
}  // namespace capstan::helm
