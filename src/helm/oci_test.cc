// OCI registry pieces without network: references, tag choice as Helm 3.17,
// manifests and WWW-Authenticate challenges.
#include "helm/oci.h"

#include <gtest/gtest.h>

#include "helm/helm.h"

namespace capstan::helm {
namespace {

TEST(OciTest, WhichRepoUrlsAreOci) {
  EXPECT_TRUE(IsOciRepoUrl("oci://ghcr.io/org/charts"));
  EXPECT_TRUE(IsOciRepoUrl("registry-1.docker.io/bitnamicharts"));  // Argo CD: no scheme = OCI
  EXPECT_FALSE(IsOciRepoUrl("https://charts.example.com"));
  EXPECT_FALSE(IsOciRepoUrl("http://127.0.0.1:8080/charts"));
  EXPECT_FALSE(IsOciRepoUrl(""));
}

TEST(OciTest, ParsesReferences) {
  OciReference r = ParseOciReference("oci://reg.example.com:5000/team/charts/", "web", "f");
  EXPECT_EQ(r.registry, "reg.example.com:5000");
  EXPECT_EQ(r.repository, "team/charts/web");
  EXPECT_EQ(r.chart, "web");
  EXPECT_EQ(r.Display(), "oci://reg.example.com:5000/team/charts/web");
  r = ParseOciReference("ghcr.io/org", "app", "f");
  EXPECT_EQ(r.registry, "ghcr.io");
  EXPECT_EQ(r.repository, "org/app");
  r = ParseOciReference("oci://ghcr.io/org/app", "", "f");  // helm template oci://.../chart
  EXPECT_EQ(r.repository, "org/app");
  EXPECT_EQ(r.chart, "app");
  EXPECT_THROW(ParseOciReference("oci://ghcr.io", "", "f"), HelmError);
  EXPECT_THROW(ParseOciReference("oci:///x", "web", "f"), HelmError);
  EXPECT_THROW(ParseOciReference("oci://ghcr.io/Org", "web", "f"), HelmError);  // upper case
  EXPECT_THROW(ParseOciReference("oci://ghcr.io/org", "../x", "f"), HelmError);
  try {
    ParseOciReference("oci://user:tok@ghcr.io/org", "web", "spec.source.repoURL");
    FAIL();
  } catch (const HelmError& e) {
    EXPECT_EQ(std::string(e.what()).find("tok"), std::string::npos) << e.what();
  }
}

TEST(OciTest, ResolvesTagsAsHelm) {
  std::vector<std::string> tags = ParseTagsList(
      R"({"name":"charts/web","tags":["0.1.0","0.2.0","latest","1.0.0-rc.1","0.2.1_build.7","sha256-abc.sig"]})", "t");
  ASSERT_EQ(tags.size(), 6u);
  EXPECT_EQ(ResolveOciVersion(tags, "", "t"), "0.2.1+build.7");  // newest release; `_` read as `+`
  EXPECT_EQ(ResolveOciVersion(tags, "0.1.0", "t"), "0.1.0");
  EXPECT_EQ(ResolveOciVersion(tags, "~0.2.0", "t"), "0.2.1+build.7");
  EXPECT_EQ(ResolveOciVersion(tags, ">=0.1 <0.2", "t"), "0.1.0");
  EXPECT_EQ(ResolveOciVersion(tags, "1.0.0-rc.1", "t"), "1.0.0-rc.1");  // exact match wins
  EXPECT_EQ(TagOf("0.2.1+build.7"), "0.2.1_build.7");
  EXPECT_THROW(ResolveOciVersion(tags, "9.9.9", "t"), HelmError);
  EXPECT_TRUE(ParseTagsList(R"({"name":"x","tags":null})", "t").empty());
  EXPECT_THROW(ParseTagsList("not json", "t"), HelmError);
  EXPECT_THROW(ParseTagsList(R"({"tags":"1.0.0"})", "t"), HelmError);
}

const char* kManifest = R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "config": {"mediaType": "application/vnd.cncf.helm.config.v1+json",
             "digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111", "size": 117},
  "layers": [{"mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
              "digest": "sha256:2222222222222222222222222222222222222222222222222222222222222222", "size": 3456}],
  "annotations": {"org.opencontainers.image.version": "0.1.0"}
})";

TEST(OciTest, FindsTheChartLayer) {
  OciManifest m = ParseOciManifest(kManifest, "m");
  EXPECT_EQ(m.config.media_type, kHelmConfigType);
  OciDescriptor l = ChartLayer(m, "m");
  EXPECT_EQ(l.digest, "sha256:2222222222222222222222222222222222222222222222222222222222222222");
  EXPECT_EQ(l.size, 3456);
}

TEST(OciTest, RefusesBadManifests) {
  EXPECT_THROW(ParseOciManifest("[]", "m"), HelmError);
  EXPECT_THROW(ParseOciManifest(R"({"manifests":[]})", "m"), HelmError);  // an index
  std::string bad_digest = kManifest;
  bad_digest.replace(bad_digest.find("sha256:2222"), 11, "md5:2222222");
  EXPECT_THROW(ParseOciManifest(bad_digest, "m"), HelmError);
  std::string image = kManifest;
  image.replace(image.find("application/vnd.cncf.helm.chart.content.v1.tar+gzip"), 52,
                "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_THROW(ChartLayer(ParseOciManifest(image, "m"), "m"), HelmError);
  EXPECT_TRUE(IsSha256Digest("sha256:" + std::string(64, 'a')));
  EXPECT_FALSE(IsSha256Digest("sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(IsSha256Digest("sha256:" + std::string(63, 'a')));
}

TEST(OciTest, ParsesWwwAuthenticate) {
  auto c = ParseWwwAuthenticate(
      R"(Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:org/web:pull")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "bearer");
  EXPECT_EQ(c[0].params["realm"], "https://auth.example.com/token");
  EXPECT_EQ(c[0].params["service"], "registry.example.com");
  EXPECT_EQ(c[0].params["scope"], "repository:org/web:pull");
  c = ParseWwwAuthenticate(R"(Basic realm="a \"quoted\" realm", Bearer Realm=https://x/t , service=s)");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].scheme, "basic");
  EXPECT_EQ(c[0].params["realm"], "a \"quoted\" realm");
  EXPECT_EQ(c[1].scheme, "bearer");
  EXPECT_EQ(c[1].params["realm"], "https://x/t");
  EXPECT_EQ(c[1].params["service"], "s");
  EXPECT_TRUE(ParseWwwAuthenticate("").empty());
  EXPECT_EQ(ParseWwwAuthenticate("Basic").size(), 1u);
  ParseWwwAuthenticate("=\"\\");  // malformed: no crash
}

TEST(OciTest, ReadsHelmRegistryLogins) {
  std::string u, p;
  // base64("ci-bot:pa:ss")
  EXPECT_TRUE(RegistryConfigLogin(R"({"auths":{"reg.example.com:5000":{"auth":"Y2ktYm90OnBhOnNz"}}})",
                                  "reg.example.com:5000", &u, &p));
  EXPECT_EQ(u, "ci-bot");
  EXPECT_EQ(p, "pa:ss");
  EXPECT_TRUE(RegistryConfigLogin(R"({"auths":{"https://ghcr.io":{"username":"a","password":"b"}}})", "ghcr.io", &u, &p));
  EXPECT_EQ(u, "a");
  EXPECT_FALSE(RegistryConfigLogin(R"({"auths":{"other":{"auth":"Y2ktYm90OnBhOnNz"}}})", "ghcr.io", &u, &p));
  EXPECT_FALSE(RegistryConfigLogin(R"({"auths":{"ghcr.io":{"auth":"!!"}}})", "ghcr.io", &u, &p));
  EXPECT_FALSE(RegistryConfigLogin("", "ghcr.io", &u, &p));
}

}  // namespace
}  // namespace capstan::helm
