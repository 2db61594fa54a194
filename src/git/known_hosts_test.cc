#include "git/known_hosts.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/base64.h"
#include "git/git.h"

namespace {

using capstan::base::Base64Encode;
using capstan::git::Credentials;
using capstan::git::GitError;
using capstan::git::KnownHosts;
using Verdict = capstan::git::KnownHosts::Verdict;

// An ssh-ed25519 public key blob in SSH wire form.
std::string Ed25519Blob(char fill) {
  std::string type = "ssh-ed25519";
  std::string blob;
  auto u32 = [&](uint32_t n) {
    for (int s = 24; s >= 0; s -= 8) blob.push_back(static_cast<char>((n >> s) & 0xff));
  };
  u32(static_cast<uint32_t>(type.size()));
  blob += type;
  u32(32);
  blob += std::string(32, fill);
  return blob;
}

std::string Line(const std::string& hosts, const std::string& blob) {
  return hosts + " ssh-ed25519 " + Base64Encode(blob) + " comment\n";
}

// `ssh-keygen -H` form of `name` with a fixed salt.
std::string Hashed(const std::string& name) {
  std::string salt(20, 's');
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), salt.data(), 20, reinterpret_cast<const unsigned char*>(name.data()), name.size(), md, &len);
  return "|1|" + Base64Encode(salt) + "|" + Base64Encode(std::string(reinterpret_cast<char*>(md), len));
}

TEST(KnownHosts, MatchesHostAndPortAsOpenSshWritesThem) {
  std::string a = Ed25519Blob('a'), b = Ed25519Blob('b');
  KnownHosts kh = KnownHosts::Parse("# ssh-keyscan output\n\n" + Line("github.com,140.82.121.4", a) +
                                        Line("[git.example.com]:2222", b),
                                    "kh");
  EXPECT_EQ(kh.Check("github.com", 22, a), Verdict::kMatch);
  EXPECT_EQ(kh.Check("github.com", -1, a), Verdict::kMatch);
  EXPECT_EQ(kh.Check("GitHub.com", 22, a), Verdict::kMatch);
  EXPECT_EQ(kh.Check("140.82.121.4", 22, a), Verdict::kMatch);
  EXPECT_EQ(kh.Check("github.com", 22, b), Verdict::kMismatch);
  EXPECT_EQ(kh.Check("github.com", 2222, a), Verdict::kUnknown);  // another port is another host
  EXPECT_EQ(kh.Check("git.example.com", 2222, b), Verdict::kMatch);
  EXPECT_EQ(kh.Check("git.example.com", 22, b), Verdict::kUnknown);
  EXPECT_EQ(kh.Check("gitlab.com", 22, a), Verdict::kUnknown);
  EXPECT_EQ(kh.KeyTypes("github.com", 22), std::vector<std::string>{"ssh-ed25519"});
  EXPECT_TRUE(kh.KeyTypes("gitlab.com", 22).empty());
}

TEST(KnownHosts, WildcardsNegationHashedNamesAndRevokedKeys) {
  std::string a = Ed25519Blob('a'), b = Ed25519Blob('b'), c = Ed25519Blob('c');
  KnownHosts kh = KnownHosts::Parse(Line("*.corp.example,!evil.corp.example", a) + Line(Hashed("[10.0.0.5]:2022"), b) +
                                        "@revoked * ssh-ed25519 " + Base64Encode(c) + "\n" +
                                        "@cert-authority *.corp.example ssh-ed25519 " + Base64Encode(c) + "\n",
                                    "kh");
  EXPECT_EQ(kh.Check("git.corp.example", 22, a), Verdict::kMatch);
  EXPECT_EQ(kh.Check("evil.corp.example", 22, a), Verdict::kUnknown);
  EXPECT_EQ(kh.Check("10.0.0.5", 2022, b), Verdict::kMatch);
  EXPECT_EQ(kh.Check("10.0.0.5", 22, b), Verdict::kUnknown);
  EXPECT_EQ(kh.Check("git.corp.example", 22, c), Verdict::kRevoked);
  EXPECT_EQ(kh.size(), 3u);  // the @cert-authority line is not a host key
}

TEST(KnownHosts, MalformedLinesNameTheFileAndLine) {
  auto error = [](const std::string& text) {
    try {
      KnownHosts::Parse(text, "/etc/kh");
    } catch (const GitError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error("# ok\ngithub.com ssh-ed25519\n"),
            "/etc/kh: line 2: want \"HOSTS KEYTYPE BASE64-KEY\" (as ssh-keyscan prints)");
  EXPECT_EQ(error("github.com ssh-ed25519 !!!!\n"), "/etc/kh: line 1: the key of type ssh-ed25519 is not valid base64");
  EXPECT_EQ(error("github.com ssh-rsa " + Base64Encode(Ed25519Blob('a')) + "\n"),
            "/etc/kh: line 1: the key is not a ssh-rsa key");
  EXPECT_EQ(error("@trusted github.com ssh-ed25519 x\n"),
            "/etc/kh: line 1: unknown marker \"@trusted\" (want @revoked or @cert-authority)");
}

TEST(KnownHosts, FingerprintIsOpenSshs) {
  // `ssh-keygen -lf` of "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh".
  EXPECT_EQ(capstan::git::HostKeyFingerprint(Ed25519Blob('a')),
            "ssh-ed25519 SHA256:TGIk2D1DFZBKmjWssB2+Qdiona/OUK1TSuWAAHMK+n0");
}

TEST(GitCredentials, KnownHostsAndCaOptions) {
  char dir_tmpl[] = "/tmp/capstan-cred-opts-XXXXXX";
  std::string dir = mkdtemp(dir_tmpl);
  std::string kh = dir + "/known_hosts", ca = dir + "/ca.pem", creds = dir + "/creds";
  std::ofstream(kh) << Line("[git.example.com]:2222", Ed25519Blob('a'));
  std::ofstream(ca) << "-----BEGIN CERTIFICATE-----\n";
  std::ofstream(creds) << "ssh://git.example.com:2222 key=/k known_hosts=" + kh + "\n"
                          "https://bot:tok@git.example.com ca=" + ca + "\n";
  Credentials c = Credentials::Load(creds);
  ASSERT_NE(c.Find("ssh://git@git.example.com:2222/x.git"), nullptr);
  EXPECT_EQ(c.Find("ssh://git@git.example.com:2222/x.git")->known_hosts, kh);
  EXPECT_EQ(c.Find("ssh://git@git.example.com:2222/x.git")->url_prefix, "ssh://git.example.com:2222");
  EXPECT_EQ(c.Find("https://git.example.com/x.git")->ca_file, ca);

  auto error = [&](const std::string& text) {
    std::ofstream(creds) << text;
    try {
      Credentials::Load(creds);
    } catch (const GitError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error("https://bot:hunter2@h ca=" + dir + "/missing.pem\n"),
            creds + ": line 1: ca=" + dir + "/missing.pem: cannot read CA file");
  EXPECT_EQ(error("ssh://h known_hosts=\n"), creds + ": line 1: known_hosts= needs a file");
  std::ofstream(kh) << "h ssh-ed25519\n";
  EXPECT_EQ(error("\nssh://h known_hosts=" + kh + "\n"),
            creds + ": line 2: known_hosts=" + kh +
                ": line 1: want \"HOSTS KEYTYPE BASE64-KEY\" (as ssh-keyscan prints)");
  std::filesystem::remove_all(dir);
}

}  // namespace
