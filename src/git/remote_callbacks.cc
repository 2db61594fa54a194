// libgit2 remote callbacks: credentials by URL prefix, ssh host keys
// against known_hosts, TLS certificates against a CA file, push statuses.
#include "git/remote_callbacks.h"

#include <git2.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "base/base64.h"
#include "git/known_hosts.h"
#include "git/libgit2_error.h"
#include "git/tls_trust.h"

namespace capstan::git {
namespace {

// Port of `scheme://[user@]host[:port]/...`; -1 when absent (scp-like
// `user@host:path` URLs have none).
int UrlPort(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return -1;
  auto start = scheme + 3;
  auto end = url.find('/', start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  auto at = authority.rfind('@');
  if (at != std::string::npos) authority = authority.substr(at + 1);
  auto bracket = authority.rfind(']');
  auto colon = authority.rfind(':');
  if (colon == std::string::npos || (bracket != std::string::npos && colon < bracket)) return -1;
  std::string digits = authority.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::atoi(digits.c_str());
}

// Whether the private key file holds an RSA key (PEM header, or the
// unencrypted public part of an OpenSSH-format key). Read only to choose a
// hint; nothing of it is shown.
bool IsRsaKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.find("BEGIN RSA PRIVATE KEY") != std::string::npos) return true;
  const std::string begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
  auto start = text.find(begin);
  if (start == std::string::npos) return false;
  start += begin.size();
  auto end = text.find("-----END", start);
  std::string b64;
  for (size_t i = start; i < end && i < text.size() && b64.size() < 400; ++i)
    if (!std::isspace(static_cast<unsigned char>(text[i]))) b64.push_back(text[i]);
  b64.resize(b64.size() / 4 * 4);
  std::string head;
  if (!base::Base64Decode(b64, &head)) return false;
  return head.find("ssh-rsa") != std::string::npos;
}

std::string KeyscanHint(const std::string& host, int port) {
  return port > 0 && port != 22 ? "ssh-keyscan -p " + std::to_string(port) + " " + host : "ssh-keyscan " + host;
}

}  // namespace

RemoteCallbacks::RemoteCallbacks(const Credentials& creds, std::string url)
    : url_(RedactUrl(url)), port_(UrlPort(url)), no_credentials_(creds.empty()), cred_(creds.Find(url)) {}

void RemoteCallbacks::Install(git_remote_callbacks* callbacks) {
  callbacks->credentials = &RemoteCallbacks::OnCredential;
  callbacks->certificate_check = &RemoteCallbacks::OnCertificate;
  callbacks->push_update_reference = &RemoteCallbacks::OnPushUpdate;
  callbacks->push_negotiation = &RemoteCallbacks::OnPushNegotiation;
  callbacks->payload = this;
}

std::string RemoteCallbacks::Error(const std::string& what) const {
  if (!failure_.empty()) return what + ": " + failure_;
  std::string libgit2 = LastError(what);
  // libssh2 could not load the key= file (wrong passphrase, not a key): say which.
  if (!offered_key_.empty() && libgit2.find("private key") != std::string::npos)
    return what + ": the ssh key " + offered_key_ + " (" + cred_->url_prefix +
           ") cannot be used: wrong passphrase= or not a private key file (" + libgit2.substr(what.size() + 2) + ")";
  return libgit2;
}

int RemoteCallbacks::OnCredential(git_credential** out, const char* /*url*/, const char* username_from_url,
                                  unsigned int allowed, void* payload) {
  auto* self = static_cast<RemoteCallbacks*>(payload);
  try {
    return self->AnswerCredential(out, username_from_url, allowed);
  } catch (const std::exception& e) {
    self->failure_ = e.what();
    return GIT_EUSER;
  }
}

int RemoteCallbacks::OnCertificate(git_cert* cert, int valid, const char* host, void* payload) {
  auto* self = static_cast<RemoteCallbacks*>(payload);
  try {
    return self->CheckCertificate(cert, valid, host);
  } catch (const std::exception& e) {
    self->failure_ = e.what();
    return GIT_ECERTIFICATE;
  }
}

int RemoteCallbacks::OnPushUpdate(const char* /*refname*/, const char* status, void* payload) {
  if (status != nullptr) static_cast<RemoteCallbacks*>(payload)->push_rejection_ = status;
  return 0;
}

int RemoteCallbacks::OnPushNegotiation(const git_push_update** updates, size_t len, void* payload) {
  auto* self = static_cast<RemoteCallbacks*>(payload);
  for (size_t i = 0; i < len; ++i)
    if (git_oid_cmp(&updates[i]->src, &updates[i]->dst) != 0) ++self->refs_changed_;
  return 0;
}

int RemoteCallbacks::AnswerCredential(git_credential** out, const char* username_from_url, unsigned int allowed) {
  // libgit2 asks again after every refusal; a bounded conversation.
  if (++calls_ > 8) {
    failure_ = "authentication failed (the server kept asking for credentials)";
    return GIT_EUSER;
  }
  const std::string entry = cred_ ? "the credentials entry " + cred_->url_prefix : "";
  const std::string user_in_entry = cred_ ? cred_->username : "";

  // ssh without a user in the URL asks for the user name alone first.
  if (allowed == GIT_CREDENTIAL_USERNAME)
    return git_credential_username_new(out, user_in_entry.empty() ? "git" : user_in_entry.c_str());

  if (allowed & GIT_CREDENTIAL_SSH_KEY) {
    std::string user = username_from_url && *username_from_url ? username_from_url
                       : !user_in_entry.empty()                ? user_in_entry
                                                               : "git";
    bool have_key = cred_ && !cred_->ssh_private_key.empty();
    const char* agent = std::getenv("SSH_AUTH_SOCK");
    bool use_agent = !have_key && agent && *agent;
    if (secrets_offered_++ > 0) {
      failure_ = "authentication failed: the ssh server refused user " + user +
                 (have_key ? " with key " + cred_->ssh_private_key + " (" + entry + ")"
                           : std::string(" with the keys of the ssh-agent (SSH_AUTH_SOCK)"));
      if (have_key && IsRsaKeyFile(cred_->ssh_private_key))
        failure_ += "; note: this libssh2 signs RSA keys only with ssh-rsa (SHA-1), which OpenSSH 8.8+ servers "
                    "refuse: use an ed25519 or ECDSA key";
      return GIT_EUSER;
    }
    if (have_key) {
      if (!std::ifstream(cred_->ssh_private_key)) {
        failure_ = "key=" + cred_->ssh_private_key + " (" + entry + "): cannot read the ssh key file";
        return GIT_EUSER;
      }
      offered_key_ = cred_->ssh_private_key;
      return git_credential_ssh_key_new(out, user.c_str(),
                                        cred_->ssh_public_key.empty() ? nullptr : cred_->ssh_public_key.c_str(),
                                        cred_->ssh_private_key.c_str(), cred_->ssh_passphrase.c_str());
    }
    if (use_agent) return git_credential_ssh_key_from_agent(out, user.c_str());
    failure_ = "no ssh key: add \"" + (cred_ ? cred_->url_prefix : url_) +
               " key=/path/to/private-key\" to the credentials file, or start an ssh-agent (SSH_AUTH_SOCK)";
    return GIT_EUSER;
  }

  if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
    if (!cred_) {
      failure_ = no_credentials_ ? "the server asks for a user and password or token; give --credentials FILE"
                                 : "the server asks for a user and password or token, and the credentials file "
                                   "has no entry whose URL is a prefix of " + url_;
      return GIT_EUSER;
    }
    if (cred_->password.empty()) {
      failure_ = "the server asks for a password or token, and " + entry + " has none";
      return GIT_EUSER;
    }
    std::string user = cred_->username.empty() ? "x-access-token" : cred_->username;
    if (secrets_offered_++ > 0) {
      failure_ = "authentication failed: the server refused user " + user + " with the password or token of " +
                 entry;
      return GIT_EUSER;
    }
    return git_credential_userpass_plaintext_new(out, user.c_str(), cred_->password.c_str());
  }
  failure_ = "the server asks for an authentication method capstan does not offer (want a user and token for "
             "https, a key for ssh)";
  return GIT_EUSER;
}

int RemoteCallbacks::CheckCertificate(git_cert* cert, int valid, const char* host_c) {
  const std::string host = host_c ? host_c : "";
  if (cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2) return CheckHostKey(cert, valid, host);
  if (cert->cert_type != GIT_CERT_X509) return valid ? 0 : GIT_PASSTHROUGH;
  if (valid) return 0;
  if (cred_ && !cred_->ca_file.empty()) {
    auto* x509 = reinterpret_cast<git_cert_x509*>(cert);
    std::string why = VerifyServerCertificate(
        std::string_view(static_cast<const char*>(x509->data), x509->len), host, cred_->ca_file);
    if (why.empty()) return 0;
    failure_ = "the TLS certificate of " + host + " is not trusted: " + why;
    return GIT_ECERTIFICATE;
  }
  failure_ = "the TLS certificate of " + host +
             " is not trusted by the system's CA certificates (if your own CA signed it, add ca=/path/ca.pem to the "
             "credentials entry for " + url_ + ")";
  return GIT_ECERTIFICATE;
}

int RemoteCallbacks::CheckHostKey(git_cert* cert, int valid, const std::string& host) {
  auto* key = reinterpret_cast<git_cert_hostkey*>(cert);
  std::string blob;
  if (key->type & GIT_CERT_SSH_RAW) blob.assign(key->hostkey, key->hostkey_len);
  const std::string name = KnownHostsName(host, port_);
  const std::string shown = blob.empty() ? name : name + " (" + HostKeyFingerprint(blob) + ")";
  if (!cred_ || cred_->known_hosts.empty()) {
    if (valid) return 0;
    failure_ = "the ssh host key of " + shown +
               " is not in ~/.ssh/known_hosts (or differs from the one there); add the host's keys (" +
               KeyscanHint(host, port_) + ") to it, or give known_hosts=FILE in the credentials entry for " + url_;
    return GIT_ECERTIFICATE;
  }
  const std::string& file = cred_->known_hosts;
  if (blob.empty()) {
    failure_ = "libgit2 did not pass the ssh host key of " + name + ", so it cannot be checked against " + file;
    return GIT_ECERTIFICATE;
  }
  KnownHosts known = KnownHosts::Load(file);
  switch (known.Check(host, port_, blob)) {
    case KnownHosts::Verdict::kMatch:
      return 0;
    case KnownHosts::Verdict::kUnknown:
      failure_ = "the ssh host key of " + shown + " is not in known_hosts " + file + " (add the host's keys: " +
                 KeyscanHint(host, port_) + ")";
      break;
    case KnownHosts::Verdict::kMismatch: {
      std::vector<std::string> types = known.KeyTypes(host, port_);
      std::string type = HostKeyType(blob);
      if (std::find(types.begin(), types.end(), type) == types.end()) {
        std::string listed;
        for (const std::string& t : types) listed += (listed.empty() ? "" : ", ") + t;
        failure_ = "the ssh server " + name + " showed its " + type + " host key, and known_hosts " + file +
                   " lists only " + listed + " keys for it; add all of the host's keys (" + KeyscanHint(host, port_) +
                   ")";
      } else {
        failure_ = "the ssh host key of " + shown + " differs from the keys known_hosts " + file +
                   " lists for it (the host key changed, or someone is in between); refusing";
      }
      break;
    }
    case KnownHosts::Verdict::kRevoked:
      failure_ = "the ssh host key of " + shown + " is marked @revoked in " + file;
      break;
  }
  return GIT_ECERTIFICATE;
}

}  // namespace capstan::git
