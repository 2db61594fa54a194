#include "git/libgit2_stubs.h"

#include <git2.h>

#include "base/lazy_library.h"
#include "git/git.h"

// Every libgit2 function capstan calls; a missing one fails to link.
#define CAPSTAN_LIBGIT2_FUNCTIONS(X)                                                                   \
  X(git_blob_free) X(git_blob_lookup) X(git_blob_rawcontent) X(git_blob_rawsize) X(git_buf_dispose)    \
  X(git_commit_author) X(git_commit_free) X(git_commit_lookup) X(git_commit_summary) X(git_commit_tree) \
  X(git_credential_ssh_key_new) X(git_credential_username_new) X(git_credential_userpass_plaintext_new) \
  X(git_error_last) X(git_libgit2_init) X(git_object_free) X(git_object_id) X(git_object_peel)          \
  X(git_oid_fromstr) X(git_oid_tostr) X(git_reference_free) X(git_reference_symbolic_create)           \
  X(git_remote_connect) X(git_remote_create_anonymous) X(git_remote_default_branch) X(git_remote_fetch) \
  X(git_remote_free) X(git_repository_free) X(git_repository_init) X(git_repository_open_bare)         \
  X(git_revparse_single) X(git_tree_entry_bypath) X(git_tree_entry_filemode) X(git_tree_entry_free)     \
  X(git_tree_entry_id) X(git_tree_entry_name) X(git_tree_free) X(git_tree_walk)                       \
  X(git_repository_open_ext) X(git_repository_workdir) X(git_repository_head) X(git_repository_head_detached) \
  X(git_reference_shorthand) X(git_reference_name_to_id) X(git_status_list_new) X(git_status_list_free)  \
  X(git_status_list_entrycount) X(git_status_byindex) X(git_repository_index) X(git_index_add_bypath)   \
  X(git_index_remove_bypath) X(git_index_write) X(git_index_write_tree) X(git_index_free)                \
  X(git_tree_lookup) X(git_signature_now) X(git_signature_default) X(git_signature_free)                \
  X(git_commit_create) X(git_remote_lookup) X(git_remote_url) X(git_remote_push) X(git_reset)           \
  X(git_commit_parentcount) X(git_commit_parent) X(git_commit_message) X(git_oid_cmp)                 \
  X(git_credential_ssh_key_from_agent) X(git_remote_pushurl) X(git_graph_descendant_of) X(git_commit_id)    \
  X(git_diff_tree_to_tree) X(git_diff_num_deltas) X(git_diff_get_delta) X(git_diff_free)

#define CAPSTAN_LIBGIT2_STUB(name) CAPSTAN_LAZY_STUB(libgit2, name)
CAPSTAN_LIBGIT2_FUNCTIONS(CAPSTAN_LIBGIT2_STUB)

namespace capstan::git {

void LoadLibgit2() {
  static base::LazyLibrary lib(CAPSTAN_LIBGIT2_SONAME, {CAPSTAN_LIBGIT2_FUNCTIONS(CAPSTAN_LAZY_SLOT)},
                               "install the libgit2 runtime package");
  try {
    lib.Load([] { git_libgit2_init(); });
  } catch (const std::runtime_error& e) {
    throw GitError(e.what());
  }
}

}  // namespace capstan::git

CAPSTAN_LAZY_RESOLVER(libgit2, capstan::git::LoadLibgit2)
