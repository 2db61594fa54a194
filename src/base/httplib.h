// cpp-httplib is loaded on first use (see lazy_library.h), shared by the
// local cluster and `capstan server`: call LoadHttplib() before any
// httplib:: call where a failure can be reported. Throws std::runtime_error
// when the library cannot be loaded.
#ifndef CAPSTAN_BASE_HTTPLIB_H_
#define CAPSTAN_BASE_HTTPLIB_H_

namespace capstan::base {
void LoadHttplib();
}

#endif  // CAPSTAN_BASE_HTTPLIB_H_
