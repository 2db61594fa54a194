// RFC 7386 JSON merge patch.
#include "resource/patch.h"

namespace capstan::resource {

namespace {

// Merges `patch` into `target` in place. Untouched values keep their tags and
// styles because they are never rebuilt.
void MergeInto(yaml::Node& target, const yaml::Node& patch, int depth) {
  if (depth > 1000) throw PatchError("merge patch: document nested too deeply");
  if (!patch.IsMap()) {
    target = patch;
    return;
  }
  if (!target.IsMap()) target = yaml::Node::Map();
  for (const yaml::Field& f : patch.fields) {
    const std::string& key = f.key.Str();
    if (f.value.IsNull()) {
      target.Remove(key);
      continue;
    }
    if (yaml::Node* existing = target.Get(key)) {
      MergeInto(*existing, f.value, depth + 1);
    } else {
      yaml::Node fresh = yaml::Node::Null();
      MergeInto(fresh, f.value, depth + 1);
      target.Set(key, std::move(fresh));
    }
  }
}

}  // namespace

yaml::Node ApplyMergePatch(const yaml::Node& target, const yaml::Node& patch) {
  yaml::Node out = target;
  MergeInto(out, patch, 0);
  return out;
}

}  // namespace capstan::resource
