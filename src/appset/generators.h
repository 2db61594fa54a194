// ApplicationSet generators (Argo CD's applicationset/generators): each
// turns its spec into a list of parameter sets.
//  - list {elements}: each element, nested keys flattened with dots.
//  - clusters {selector, values}: the in-cluster destination and every
//    cluster Secret (label argocd.argoproj.io/secret-type=cluster) in the
//    apps namespace; params name, nameNormalized, server, project,
//    metadata.labels.<k>, metadata.annotations.<k>, values.<k>.
//  - git {repoURL, revision, directories[{path, exclude}] | files[{path}],
//    pathParamPrefix, values}: directory params path, path.basename,
//    path.basenameNormalized, path[N]; file params the file's flattened keys
//    plus path (its directory), path.basename, path.filename,
//    path.filenameNormalized, path[N]. Globs as Go's path.Match ('*' stays
//    within one path segment; '**' spans segments).
//  - matrix {generators: [a, b]}: every combination (exactly two children).
//  - merge {mergeKeys, generators}: the first generator's sets, overridden
//    by later generators' sets with the same values of mergeKeys.
#ifndef CAPSTAN_APPSET_GENERATORS_H_
#define CAPSTAN_APPSET_GENERATORS_H_

#include <functional>
#include <string>
#include <vector>

#include "appset/template.h"
#include "yaml/node.h"

namespace capstan::appset {

struct Cluster {
  std::string name, server, project;
  std::map<std::string, std::string> labels, annotations;
};

struct GeneratorContext {
  // Checks out `revision` of `repo_url` and returns the directory of its tree.
  std::function<std::string(const std::string& repo_url, const std::string& revision)> checkout;
  std::vector<Cluster> clusters;
  std::string where;  // "ApplicationSet argocd/name", for errors
};

// Throws TemplateError (bad spec) or whatever `checkout` throws.
std::vector<Params> Generate(const yaml::Node& generator, const GeneratorContext& context);

// Flattens nested mappings into dotted keys ("a.b.c" = "v"); sequences by index.
void Flatten(const yaml::Node& node, const std::string& prefix, Params* out);

// Go path.Match-style glob with '**' spanning directories.
bool GlobMatch(const std::string& pattern, const std::string& path);

}  // namespace capstan::appset

#endif  // CAPSTAN_APPSET_GENERATORS_H_
