// `capstan image set`: the `images:` of a kustomization edited as
// `kustomize edit set image` edits them, every other byte of the file kept.
//
// Promises:
// - ParseImageArg accepts what kustomize accepts: NAME:TAG, NAME@DIGEST,
//   NAME:TAG@DIGEST, NAME=NEWNAME, NAME=NEWNAME:TAG, NAME=NEWNAME@DIGEST,
//   NAME=NEWNAME:TAG@DIGEST; `*` as new name, tag or digest keeps the value
//   already in the file.
// - An argument replaces the whole entry of that name (newName, newTag and
//   digest it does not give are dropped, as kustomize does); entries of other
//   names are untouched; a new name is appended.
// - EditImages changes only the bytes of the entries it touches: comments,
//   key order, quoting (a quoted value stays quoted the same way), blank
//   lines and line endings elsewhere stay byte-for-byte.
// - Bad input throws Error naming the file and field; nothing is written.
#ifndef CAPSTAN_DELIVERY_IMAGE_SET_H_
#define CAPSTAN_DELIVERY_IMAGE_SET_H_

#include <string>
#include <string_view>
#include <vector>

namespace capstan::delivery {

struct ImageEntry {
  std::string name, new_name, new_tag, digest;
};

ImageEntry ParseImageArg(const std::string& arg);

// kustomization.yaml, kustomization.yml or Kustomization in dir; throws
// Error when there is none (or more than one).
std::string FindKustomizationFile(const std::string& dir);

// The `images:` entries of a kustomization's text; throws Error on a file
// that is not a kustomization or a malformed `images:`.
std::vector<ImageEntry> ReadImages(std::string_view text, const std::string& file);

// The text with `args` applied (kustomize edit set image semantics).
std::string EditImages(std::string_view text, const std::vector<ImageEntry>& args,
                       const std::string& file);

// Names of the container images (without tag or digest) that `kustomize
// build dir` produces, for refusing an image no workload uses.
std::vector<std::string> RenderedImageNames(const std::string& dir);

struct ImageSetOptions {
  bool allow_new = false;  // add an entry for an image no workload uses
};

struct FileChange {
  std::string path;          // the kustomization file
  std::string before, after;
  bool changed() const { return before != after; }
};

// Computes the edit of the kustomization in `dir` (nothing written). Throws
// Error for an unknown image unless allow_new.
FileChange PlanImageSet(const std::string& dir, const std::vector<ImageEntry>& args,
                        const ImageSetOptions& options = {});

}  // namespace capstan::delivery

#endif  // CAPSTAN_DELIVERY_IMAGE_SET_H_
