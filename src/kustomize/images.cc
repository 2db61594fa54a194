// images: rewrites container image references whose name matches
// (newName, newTag, digest). Like kustomize, every `containers` and
// `initContainers` list anywhere in the object is covered, plus the image
// field specs.
#include "kustomize/internal.h"

namespace capstan::kustomize {

namespace {

// name[:tag][@digest], the registry host's port not taken for a tag.
void SplitImage(const std::string& image, std::string& name, std::string& tag, std::string& digest) {
  size_t slash = image.find('/');
  size_t base = slash != std::string::npos && slash > 0 ? slash : 0;
  std::string search = image.substr(base);
  size_t at = search.find('@'), colon = search.find(':');
  name = image;
  tag.clear();
  digest.clear();
  if (at == std::string::npos && colon == std::string::npos) return;
  if (at != std::string::npos && (colon == std::string::npos || at < colon)) {
    name = image.substr(0, base + at);
    digest = image.substr(base + at + 1);
    return;
  }
  if (at != std::string::npos && colon != std::string::npos) {
    name = image.substr(0, base + colon);
    tag = image.substr(base + colon + 1, at - colon - 1);
    digest = image.substr(base + at + 1);
    return;
  }
  name = image.substr(0, base + colon);
  tag = image.substr(base + colon + 1);
}

bool TagChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '{' || c == '}' ||
         c == '-';
}

// ^name(@sha256)?(:[a-zA-Z0-9_.{}-]*)?$
bool ImageMatches(const std::string& s, const std::string& name) {
  if (s.compare(0, name.size(), name) != 0) return false;
  std::string_view rest(s);
  rest.remove_prefix(name.size());
  if (rest.rfind("@sha256", 0) == 0) rest.remove_prefix(7);
  if (rest.empty()) return true;
  if (rest[0] != ':') return false;
  for (size_t i = 1; i < rest.size(); ++i)
    if (!TagChar(rest[i])) return false;
  return true;
}

void Update(Node& n, const ImageSpec& spec) {
  if (!n.IsScalar() || !ImageMatches(n.value, spec.name)) return;
  std::string name, tag, digest;
  SplitImage(n.value, name, tag, digest);
  if (!spec.new_name.empty()) name = spec.new_name;
  if (!spec.new_tag.empty() && !spec.digest.empty()) {
    tag = spec.new_tag;
    digest = spec.digest;
  } else if (!spec.new_tag.empty()) {
    tag = spec.new_tag;
    digest.clear();
  } else if (!spec.digest.empty()) {
    tag.clear();
    digest = spec.digest;
  }
  std::string out = name;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  n = Str(out);
}

void WalkContainers(Node& n, const ImageSpec& spec, int depth) {
  if (depth > 200) return;
  if (n.IsMap()) {
    for (auto& f : n.fields) {
      if ((f.key.value == "containers" || f.key.value == "initContainers") && f.value.IsSeq()) {
        for (auto& c : f.value.items) {
          if (Node* img = c.Get("image")) Update(*img, spec);
        }
      }
      WalkContainers(f.value, spec, depth + 1);
    }
  } else if (n.IsSeq()) {
    for (auto& i : n.items) WalkContainers(i, spec, depth + 1);
  }
}

}  // namespace

void TransformImages(ResList& res, const std::vector<ImageSpec>& images, const FsSlice& fss) {
  FsSlice no_create = fss;
  for (auto& fs : no_create) fs.create = false;
  Node leaf;
  for (const auto& spec : images) {
    for (auto& r : res) {
      if (r.Kind() == "CustomResourceDefinition") continue;
      WalkContainers(r.obj, spec, 0);
      ApplyFsSlice(r.obj, no_create, leaf, [&](Node& n) { Update(n, spec); });
    }
  }
}

}  // namespace capstan::kustomize
