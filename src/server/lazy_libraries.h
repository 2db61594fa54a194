// libxcrypt (bcrypt) is loaded on first use, not with every capstan
// command (see base/lazy_library.h). Throws std::runtime_error when it
// cannot be loaded.
#ifndef CAPSTAN_SERVER_LAZY_LIBRARIES_H_
#define CAPSTAN_SERVER_LAZY_LIBRARIES_H_

namespace capstan::server {
void LoadCrypt();
}

#endif  // CAPSTAN_SERVER_LAZY_LIBRARIES_H_
