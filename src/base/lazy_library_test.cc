#include "base/lazy_library.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstring>

// Two functions of a library this test does not link (zlib): the first
// call goes through the resolver with its integer and pointer arguments.
// (Variadic arguments pass the same way: every kube test calls
// curl_easy_setopt through these stubs.)
#define TEST_ZLIB_FUNCTIONS(X) X(crc32) X(zlibVersion)
#define TEST_ZLIB_STUB(name) CAPSTAN_LAZY_STUB(testzlib, name)
TEST_ZLIB_FUNCTIONS(TEST_ZLIB_STUB)

namespace {
int loads = 0;
void LoadTestZlib() {
  static capstan::base::LazyLibrary lib("libz.so.1", {TEST_ZLIB_FUNCTIONS(CAPSTAN_LAZY_SLOT)}, "install zlib1g");
  lib.Load([] { ++loads; });
}
}  // namespace

CAPSTAN_LAZY_RESOLVER(testzlib, LoadTestZlib)

namespace capstan::base {
namespace {

TEST(LazyLibrary, FirstCallLoadsTheLibraryOnce) {
#if defined(__x86_64__)
  EXPECT_EQ(loads, 0);  // nothing loaded at start
#endif
  const char* text = "capstan";
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(text), static_cast<uInt>(std::strlen(text)));
  EXPECT_EQ(crc, 0xe1d66c71u);  // python3 -c 'import zlib; print(hex(zlib.crc32(b"capstan")))'
  EXPECT_EQ(loads, 1);
  EXPECT_EQ(std::string(zlibVersion()).substr(0, 2), "1.");
  EXPECT_EQ(crc32(crc, reinterpret_cast<const Bytef*>(text), 0), crc);
  EXPECT_EQ(loads, 1);
}

TEST(LazyLibrary, MissingLibraryIsAClearError) {
  LazyLibrary lib("libcapstan-no-such-library.so.9", {}, "install it");
  for (int i = 0; i < 2; ++i) {  // remembered, not retried
    try {
      lib.Load();
      FAIL();
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("cannot load libcapstan-no-such-library.so.9"), std::string::npos);
      EXPECT_NE(std::string(e.what()).find("(install it)"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace capstan::base
