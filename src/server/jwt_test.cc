#include "server/jwt.h"

#include <gtest/gtest.h>

#include "server/crypto.h"
#include "yaml/yaml.h"

using namespace capstan::server;
using capstan::yaml::Node;

namespace {
Node Claims(int64_t exp) {
  Node c = Node::Map();
  c.Set("iss", Node::String("argocd"));
  c.Set("sub", Node::String("admin:login"));
  c.Set("iat", Node::Int(1000));
  c.Set("nbf", Node::Int(1000));
  c.Set("exp", Node::Int(exp));
  return c;
}
}  // namespace

TEST(Crypto, HmacSha256KnownAnswer) {
  // RFC 4231 test case 2.
  EXPECT_EQ(Hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(Hex(Sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(Crypto, Base64UrlRoundTrip) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "\xff\xfe\x00x"}) {
    std::string back;
    ASSERT_TRUE(Base64UrlDecode(Base64UrlEncode(s), &back));
    EXPECT_EQ(back, s);
  }
  std::string out;
  EXPECT_FALSE(Base64UrlDecode("a*b", &out));
}

TEST(Crypto, BcryptHashAndVerify) {
  std::string h = BcryptHash("s3cret");
  EXPECT_EQ(h.substr(0, 7), "$2b$10$");
  EXPECT_TRUE(BcryptVerify("s3cret", h));
  EXPECT_FALSE(BcryptVerify("s3cret!", h));
  EXPECT_FALSE(BcryptVerify("s3cret", "not-a-hash"));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

TEST(Jwt, SignedTokenVerifies) {
  std::string t = SignJwt(Claims(5000), "key");
  JwtResult r = VerifyJwt(t, "key", 2000);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.claims.StrAt({"sub"}), "admin:login");
}

TEST(Jwt, ExpiredWrongKeyTamperedAndAlgNoneRefused) {
  std::string t = SignJwt(Claims(5000), "key");
  EXPECT_EQ(VerifyJwt(t, "key", 5000).error, "token has expired");
  EXPECT_EQ(VerifyJwt(t, "other", 2000).error, "signature is invalid");
  // Tampered payload: sub changed, signature kept.
  size_t d1 = t.find('.'), d2 = t.rfind('.');
  Node c = Claims(5000);
  c.Set("sub", Node::String("root:login"));
  std::string tampered = t.substr(0, d1 + 1) + Base64UrlEncode(capstan::yaml::EmitJson(c)) + t.substr(d2);
  EXPECT_FALSE(VerifyJwt(tampered, "key", 2000).ok);
  // alg none with an empty signature.
  std::string none = Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." +
                     Base64UrlEncode(capstan::yaml::EmitJson(Claims(5000))) + ".";
  JwtResult r = VerifyJwt(none, "key", 2000);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("signing method"), std::string::npos);
  // HS512 header, HS256-signed: refused too.
  std::string in = Base64UrlEncode(R"({"alg":"HS512"})") + "." + Base64UrlEncode(capstan::yaml::EmitJson(Claims(5000)));
  EXPECT_FALSE(VerifyJwt(in + "." + Base64UrlEncode(HmacSha256("key", in)), "key", 2000).ok);
  EXPECT_FALSE(VerifyJwt("garbage", "key", 2000).ok);
  EXPECT_FALSE(VerifyJwt("a.b.c.d", "key", 2000).ok);
}
