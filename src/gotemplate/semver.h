// Masterminds/semver v3 versions and constraints, as Sprig and Helm use them.
#ifndef CAPSTAN_GOTEMPLATE_SEMVER_H_
#define CAPSTAN_GOTEMPLATE_SEMVER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace capstan::gotemplate {

struct SemVersion {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string pre, metadata, original;
};

// semver.NewVersion (loose: "v" prefix, missing minor/patch). False when invalid.
bool ParseSemver(std::string_view s, SemVersion* out);
int CompareSemver(const SemVersion& a, const SemVersion& b);
// semver.NewConstraint(c).Check(v). Throws std::runtime_error for a bad constraint.
bool SemverSatisfies(std::string_view constraint, const SemVersion& v);
// "MAJOR.MINOR.PATCH[-pre][+meta]"
std::string SemverString(const SemVersion& v);

}  // namespace capstan::gotemplate

#endif  // CAPSTAN_GOTEMPLATE_SEMVER_H_
