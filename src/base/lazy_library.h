// Loading a shared library on first use instead of at program start.
//
// capstan links libcurl, libgit2, SQLite, cpp-httplib and OpenSSL's
// libcrypto (with some 60 libraries they depend on), but most runs
// (`capstan build`, `health`, `diff-objects`) never touch the network, Git
// or a cluster; loading them at exec cost 14 ms of an 18 ms `capstan build`.
// Instead, every function capstan calls is a one-jump stub with the
// library function's own name (callers use the library's header
// unchanged) that jumps through a pointer. Load() dlopens the library and
// fills the pointers; callers load explicitly where a failure can be
// reported (constructors), and on x86-64 a pointer still unfilled points to
// a resolver that loads the library on the spot (keeping every argument
// register), so a call that comes first still works. (On aarch64, until it
// has a resolver, libraries load at start.)
//
// Use, in exactly one .cc per library:
//   #define FOO_FUNCTIONS(X) X(foo_open) X(foo_close) ...
//   #define FOO_STUB(name) CAPSTAN_LAZY_STUB(foo, name)
//   FOO_FUNCTIONS(FOO_STUB)
//   void LoadFoo() {
//     static base::LazyLibrary lib("libfoo.so.1", {FOO_FUNCTIONS(CAPSTAN_LAZY_SLOT)}, "install libfoo1");
//     lib.Load();
//   }
//   CAPSTAN_LAZY_RESOLVER(foo, LoadFoo)
#ifndef CAPSTAN_BASE_LAZY_LIBRARY_H_
#define CAPSTAN_BASE_LAZY_LIBRARY_H_

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace capstan::base {

// One library: loaded (and `after_load` run) by the first Load(); a failure
// is remembered, and every Load() throws it as std::runtime_error with the
// installation hint.
class LazyLibrary {
 public:
  LazyLibrary(const char* soname, std::initializer_list<std::pair<const char*, void**>> slots, std::string hint)
      : soname_(soname), slots_(slots), hint_(std::move(hint)) {}

  void Load(const std::function<void()>& after_load = {}) {
    std::call_once(once_, [&] {
      try {
        void* h = dlopen(soname_, RTLD_NOW | RTLD_LOCAL);
        if (!h) throw std::runtime_error(std::string("cannot load ") + soname_ + ": " + dlerror());
        for (const auto& [name, slot] : slots_) {
          void* p = dlsym(h, name);
          if (!p) throw std::runtime_error(std::string(soname_) + ": missing symbol " + name);
          *slot = p;
        }
        if (after_load) after_load();
      } catch (const std::exception& e) {
        error_ = std::string(e.what()) + " (" + hint_ + ")";
      }
    });
    if (!error_.empty()) throw std::runtime_error(error_);
  }

 private:
  const char* soname_;
  std::vector<std::pair<const char*, void**>> slots_;
  std::string hint_;
  std::once_flag once_;
  std::string error_;
};

// For the resolvers: no exception can cross their frames, so a library that
// cannot be loaded there ends the program with its message.
inline void LoadOrExit(void (*load)()) {
  try {
    load();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "capstan: %s\n", e.what());
    std::_Exit(1);
  }
}

}  // namespace capstan::base

// One stub, its pointer ("slot") and, on x86-64, the slot's first target:
// a trampoline that hands the slot's address to the library's resolver.
// Stubs and slots are hidden, so a loaded library's own calls are never
// interposed by them.
#if defined(__x86_64__)
#define CAPSTAN_LAZY_STUB(lib, name)                                                         \
  extern "C" __attribute__((visibility("hidden"))) void* capstan_lazy_##name;                \
  asm(".pushsection .text\n\t.globl " #name "\n\t.hidden " #name "\n\t.type " #name          \
      ",@function\n" #name ":\n\tjmp *capstan_lazy_" #name "(%rip)\n\t.size " #name ",.-" #name \
      "\ncapstan_lazy_first_" #name ":\n\tlea capstan_lazy_" #name "(%rip), %r11\n"           \
      "\tjmp capstan_lazy_resolve_" #lib "\n\t.popsection\n"                                  \
      "\t.pushsection .data.rel\n\t.balign 8\n\t.globl capstan_lazy_" #name                   \
      "\n\t.hidden capstan_lazy_" #name "\ncapstan_lazy_" #name ":\n\t.quad capstan_lazy_first_" #name \
      "\n\t.popsection\n");

// Saves the argument registers (integer, %al for varargs, xmm0-7), loads
// the library, restores them and jumps to the now-filled slot in %r11. A
// library that cannot be loaded here ends the program with its message:
// no exception can cross these frames.
#define CAPSTAN_LAZY_RESOLVER(lib, load)                                                    \
  extern "C" __attribute__((visibility("hidden"), used)) void capstan_lazy_load_##lib() {    \
    capstan::base::LoadOrExit(load);                                                         \
  }                                                                                          \
  asm(".pushsection .text\n\t.type capstan_lazy_resolve_" #lib ",@function\n"               \
      "capstan_lazy_resolve_" #lib ":\n"                                                     \
      "\tpush %rdi\n\tpush %rsi\n\tpush %rdx\n\tpush %rcx\n\tpush %r8\n\tpush %r9\n"          \
      "\tpush %rax\n\tpush %r11\n\tsub $136, %rsp\n"                                         \
      "\tmovdqu %xmm0, 0(%rsp)\n\tmovdqu %xmm1, 16(%rsp)\n\tmovdqu %xmm2, 32(%rsp)\n"         \
      "\tmovdqu %xmm3, 48(%rsp)\n\tmovdqu %xmm4, 64(%rsp)\n\tmovdqu %xmm5, 80(%rsp)\n"        \
      "\tmovdqu %xmm6, 96(%rsp)\n\tmovdqu %xmm7, 112(%rsp)\n"                                \
      "\tcall capstan_lazy_load_" #lib "\n"                                                  \
      "\tmovdqu 0(%rsp), %xmm0\n\tmovdqu 16(%rsp), %xmm1\n\tmovdqu 32(%rsp), %xmm2\n"         \
      "\tmovdqu 48(%rsp), %xmm3\n\tmovdqu 64(%rsp), %xmm4\n\tmovdqu 80(%rsp), %xmm5\n"        \
      "\tmovdqu 96(%rsp), %xmm6\n\tmovdqu 112(%rsp), %xmm7\n"                                \
      "\tadd $136, %rsp\n\tpop %r11\n\tpop %rax\n\tpop %r9\n\tpop %r8\n\tpop %rcx\n"          \
      "\tpop %rdx\n\tpop %rsi\n\tpop %rdi\n\tjmp *(%r11)\n\t.popsection\n");

#elif defined(__aarch64__)
// No resolver yet: the library loads at program start, as if linked.
#define CAPSTAN_LAZY_STUB(lib, name)                                                        \
  extern "C" __attribute__((visibility("hidden"))) void* capstan_lazy_##name;               \
  void* capstan_lazy_##name = nullptr;                                                      \
  asm(".pushsection .text\n\t.globl " #name "\n\t.hidden " #name "\n\t.type " #name         \
      ",@function\n" #name ":\n\tadrp x16, capstan_lazy_" #name                             \
      "\n\tldr x16, [x16, :lo12:capstan_lazy_" #name "]\n\tbr x16\n\t.size " #name ",.-" #name \
      "\n\t.popsection\n");
#define CAPSTAN_LAZY_RESOLVER(lib, load) \
  static const bool capstan_lazy_eager_##lib = (capstan::base::LoadOrExit(load), true);
#else
#error "lazy library stubs are written for x86-64 and aarch64"
#endif

#define CAPSTAN_LAZY_SLOT(name) {#name, &capstan_lazy_##name},

#endif  // CAPSTAN_BASE_LAZY_LIBRARY_H_
