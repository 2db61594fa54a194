// OpenSSL's libcrypto is loaded on first use (see lazy_library.h), not
// with every capstan command. LoadLibcrypto() loads it or throws
// std::runtime_error; on x86-64 the first call of any libcrypto function
// loads it too.
#ifndef CAPSTAN_BASE_LIBCRYPTO_H_
#define CAPSTAN_BASE_LIBCRYPTO_H_

namespace capstan::base {
void LoadLibcrypto();
}

#endif  // CAPSTAN_BASE_LIBCRYPTO_H_
