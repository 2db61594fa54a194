// ignoreDifferences: removing the paths a user chose not to compare, from the
// desired, the live and the last-applied object alike.
#ifndef CAPSTAN_DIFF_IGNORE_H_
#define CAPSTAN_DIFF_IGNORE_H_

#include <string_view>
#include <vector>

#include "diff/diff.h"
#include "yaml/node.h"

namespace capstan::diff {

// Glob of Argo CD's ignoreDifferences group/kind: `*`, `?`, `[abc]`,
// `[a-z]`, `[!a]`, `{a,b}`.
bool GlobMatch(std::string_view pattern, std::string_view text);

// Whether `rule` applies to `obj` (group/kind globs, exact name/namespace).
// `namespace_hint` stands for the namespace when the object has none.
bool RuleMatches(const IgnoreDifferences& rule, const yaml::Node& obj,
                 std::string_view namespace_hint = "");

// Removes one RFC 6901 pointer; false when it does not resolve.
bool RemoveJsonPointer(yaml::Node& obj, std::string_view pointer);

// Removes from `obj` every field that the managers own according to
// `managed_fields` (the live object's metadata.managedFields, FieldsV1).
void RemoveManagedFields(yaml::Node& obj, const yaml::Node& managed_fields,
                         const std::vector<std::string>& managers);

// Applies every matching rule to `obj`. `live_managed_fields` may be null.
// Rules that fail to evaluate on this object are skipped, as Argo CD does.
void ApplyIgnoreDifferences(yaml::Node& obj, const std::vector<IgnoreDifferences>& rules,
                            const yaml::Node* live_managed_fields,
                            std::string_view namespace_hint = "");

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_IGNORE_H_
