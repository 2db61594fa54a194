// Loading a shared library on first use instead of at program start.
//
// capstan links libcurl and libgit2 (with their ~60 dependent libraries)
// but most runs (`capstan build`, `health`, `diff-objects`) never touch the
// network or Git; loading them at start cost 12 ms of an 18 ms
// `capstan build`. Instead, each function the code calls is a 1-instruction
// stub with the library function's own name (so callers keep using the
// library's header unchanged) that jumps through a pointer; Load() dlopens
// the library and fills every pointer before the first call.
//
// Use, in exactly one .cc per library:
//   #define MY_FUNCTIONS(X) X(curl_easy_init) X(curl_easy_perform) ...
//   MY_FUNCTIONS(CAPSTAN_LAZY_STUB)
//   void LoadMyLib() { ... capstan::base::LoadLazyLibrary("libfoo.so.1", {MY_FUNCTIONS(CAPSTAN_LAZY_SLOT)}); }
// and call LoadMyLib() (once-guarded) before any library call. A stub
// called before loading jumps to null: callers load in their constructors.
#ifndef CAPSTAN_BASE_LAZY_LIBRARY_H_
#define CAPSTAN_BASE_LAZY_LIBRARY_H_

#include <dlfcn.h>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>

namespace capstan::base {

// dlopens `soname` and resolves every (name, slot) pair; throws
// std::runtime_error naming the library (or the missing symbol) on failure.
inline void LoadLazyLibrary(const char* soname, std::initializer_list<std::pair<const char*, void**>> slots) {
  void* h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!h) throw std::runtime_error(std::string("cannot load ") + soname + ": " + dlerror());
  for (const auto& [name, slot] : slots) {
    *slot = dlsym(h, name);
    if (!*slot) throw std::runtime_error(std::string(soname) + ": missing symbol " + name);
  }
}

}  // namespace capstan::base

// The pointer and the stub for one function. The stub is hidden (never
// exported), so the loaded library's own calls are not interposed.
#if defined(__x86_64__)
#define CAPSTAN_LAZY_JUMP(name) "\tjmp *capstan_lazy_" #name "(%rip)\n"
#elif defined(__aarch64__)
#define CAPSTAN_LAZY_JUMP(name)                      \
  "\tadrp x16, capstan_lazy_" #name "\n"             \
  "\tldr x16, [x16, :lo12:capstan_lazy_" #name "]\n" \
  "\tbr x16\n"
#else
#error "lazy library stubs are written for x86-64 and aarch64"
#endif

#define CAPSTAN_LAZY_STUB(name)                                                            \
  extern "C" __attribute__((visibility("hidden"))) void* capstan_lazy_##name;        \
  void* capstan_lazy_##name = nullptr;                                                     \
  asm(".pushsection .text\n\t.globl " #name "\n\t.hidden " #name "\n\t.type " #name ",@function\n" \
      #name ":\n" CAPSTAN_LAZY_JUMP(name) "\t.size " #name ",.-" #name "\n\t.popsection\n");

#define CAPSTAN_LAZY_SLOT(name) {#name, &capstan_lazy_##name},

#endif  // CAPSTAN_BASE_LAZY_LIBRARY_H_
