// meta.k8s.io/v1 Table output, with the columns kube-apiserver's printers
// produce for built-in kinds and additionalPrinterColumns for custom ones.
#ifndef CAPSTAN_CLUSTER_TABLE_H_
#define CAPSTAN_CLUSTER_TABLE_H_

#include <string>
#include <vector>

#include "cluster/resources.h"
#include "yaml/node.h"

namespace capstan::cluster {

// include_object: "None", "Metadata" (default) or "Object".
yaml::Node ToTable(const ResourceInfo& r, const std::vector<yaml::Node>& objects,
                   const std::string& include_object, const std::string& resource_version,
                   const std::string& continue_token);

// "5s", "3m2s", "2d": k8s.io/apimachinery duration.HumanDuration.
std::string HumanDuration(double seconds);
// Seconds since an RFC 3339 timestamp (0 when unparsable).
double SecondsSince(const std::string& rfc3339);
// Evaluates a simple JSONPath (.a.b, .a[0], .a[?(@.k=="v")].b) to text.
std::string EvalJsonPath(const yaml::Node& obj, const std::string& path);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_TABLE_H_
