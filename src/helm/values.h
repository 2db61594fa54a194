// Helm values: user values (-f, --set*), strvals parsing, coalescing with
// chart defaults (globals, subcharts, null deletes), dependency conditions,
// tags, aliases and import-values.
#ifndef CAPSTAN_HELM_VALUES_H_
#define CAPSTAN_HELM_VALUES_H_

#include <functional>
#include <string>
#include <vector>

#include "gotemplate/value.h"
#include "helm/chart.h"

namespace capstan::helm {

// strvals.ParseInto / ParseIntoString / ParseJSON / ParseIntoFile: parses
// "a.b=1,c[0]=x" into dest. Throws HelmError with strvals' message.
enum class SetKind { kTyped, kString, kJson, kFile };
void ParseSet(const std::string& s, gt::Value& dest, SetKind kind,
              const std::function<std::string(const std::string&)>& read_file = {});

// mergeMaps of pkg/cli/values (later wins, maps merged recursively).
gt::Value MergeMaps(const gt::Value& a, const gt::Value& b);

// chartutil.CoalesceValues (merge=false) / MergeValues (merge=true).
gt::Value CoalesceValues(Chart& chart, const gt::Value& vals, bool merge = false);

// chartutil.ProcessDependenciesWithMerge: removes disabled subcharts (condition,
// tags), renames aliased ones, imports values.
void ProcessDependencies(Chart& chart, const gt::Value& vals);

}  // namespace capstan::helm

#endif  // CAPSTAN_HELM_VALUES_H_
