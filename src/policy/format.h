// Printing values the way OPA does: Rego term text (sprintf's %v of
// collections) and Go's fmt.Sprintf as the sprintf built-in calls it.
#ifndef CAPSTAN_POLICY_FORMAT_H_
#define CAPSTAN_POLICY_FORMAT_H_

#include <string>

#include "policy/value.h"

namespace capstan::policy {

// OPA's ast.Term String(): ["a", 1], {"k": v}, {1, 2}, set().
std::string RegoString(const Value& v);
// sprintf(format, args) with Go fmt verbs (%s %v %d %f %e %g %x %X %o %b %q %t %%),
// flags, width and precision; mismatches print as Go does (%!d(string=x)).
std::string GoSprintf(const std::string& format, const Array& args);

}  // namespace capstan::policy

#endif  // CAPSTAN_POLICY_FORMAT_H_
