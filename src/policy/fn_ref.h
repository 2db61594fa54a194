// A non-owning reference to a callable (the continuations of eval.cc):
// no allocation, valid while the referenced callable lives.
#ifndef CAPSTAN_POLICY_FN_REF_H_
#define CAPSTAN_POLICY_FN_REF_H_

#include <type_traits>
#include <utility>

namespace capstan::policy {

template <class Sig>
class FnRef;

template <class R, class... A>
class FnRef<R(A...)> {
 public:
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FnRef>>>
  FnRef(F&& f)  // NOLINT: implicit by design
      : obj_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* o, A... a) -> R { return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<A>(a)...); }) {}
  R operator()(A... a) const { return call_(obj_, std::forward<A>(a)...); }

 private:
  void* obj_;
  R (*call_)(void*, A...);
};

}  // namespace capstan::policy

#endif  // CAPSTAN_POLICY_FN_REF_H_
