#include "kube/http.h"
#include "kube/libcurl_stubs.h"
#include "base/file_system.h"

#include <algorithm>

#include <curl/curl.h>

#include <cctype>

namespace capstan::kube {
namespace {

void ShareLockFn(CURL*, curl_lock_data data, curl_lock_access, void* user) {
  static_cast<Transport*>(user)->ShareMutex(data).lock();
}
void ShareUnlockFn(CURL*, curl_lock_data data, void* user) {
  static_cast<Transport*>(user)->ShareMutex(data).unlock();
}

void GlobalInit() { LoadLibcurl(); }

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// The parts of a server URL: scheme, host (IPv6 kept in brackets), port,
// path prefix (Rancher-style proxies put clusters under a path).
struct ServerUrl {
  std::string scheme, host, port, prefix;
};

ServerUrl SplitServer(const std::string& server) {
  ServerUrl u;
  std::string_view s = server;
  size_t p = s.find("://");
  if (p == std::string_view::npos) {
    u.scheme = "https";
  } else {
    u.scheme = std::string(s.substr(0, p));
    s.remove_prefix(p + 3);
  }
  size_t slash = s.find('/');
  std::string_view hostport = s.substr(0, slash);
  if (slash != std::string_view::npos) u.prefix = std::string(s.substr(slash));
  while (!u.prefix.empty() && u.prefix.back() == '/') u.prefix.pop_back();
  size_t colon = hostport.rfind(':');
  size_t bracket = hostport.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    u.host = std::string(hostport.substr(0, colon));
    u.port = std::string(hostport.substr(colon + 1));
  } else {
    u.host = std::string(hostport);
    u.port = u.scheme == "http" ? "80" : "443";
  }
  return u;
}

struct TransferState {
  HttpResponse* response;
  const ChunkFn* on_chunk;
  const std::atomic<bool>* stop;
  long status = 0;
  bool stopped = false;
};

size_t HeaderCb(char* data, size_t size, size_t n, void* user) {
  auto* st = static_cast<TransferState*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (after 100 Continue or a redirect): start over.
    st->response->headers.clear();
    size_t sp = line.find(' ');
    if (sp != std::string_view::npos) st->status = std::atol(std::string(line.substr(sp + 1, 3)).c_str());
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    st->response->headers[name] = Trim(line.substr(colon + 1));
  }
  return size * n;
}

size_t WriteCb(char* data, size_t size, size_t n, void* user) {
  auto* st = static_cast<TransferState*>(user);
  size_t len = size * n;
  if (st->on_chunk && *st->on_chunk && st->status >= 200 && st->status < 300) {
    if (st->stop && st->stop->load()) {
      st->stopped = true;
      return 0;
    }
    if (!(*st->on_chunk)(std::string_view(data, len))) {
      st->stopped = true;
      return 0;  // aborts the transfer: the caller asked to stop
    }
    return len;
  }
  st->response->body.append(data, len);
  return len;
}

int ProgressCb(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* st = static_cast<TransferState*>(user);
  if (st->stop && st->stop->load()) {
    st->stopped = true;
    return 1;
  }
  return 0;
}

void SetBlob(CURL* h, CURLoption opt, const std::string& data) {
  curl_blob blob;
  blob.data = const_cast<char*>(data.data());
  blob.len = data.size();
  blob.flags = CURL_BLOB_COPY;
  curl_easy_setopt(h, opt, &blob);
}

bool IsTlsError(CURLcode rc) {
  switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
      return true;
    default:
      return false;
  }
}

bool IsRetryable(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string UrlEncode(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Transport::Transport(const Config& config, const ClientOptions& options)
    : config_(config), options_(options) {
  GlobalInit();
  ServerUrl u = SplitServer(config_.server);
  std::string hostport = u.host + ":" + u.port;
  if (!config_.tls_server_name.empty() && u.scheme == "https") {
    // Verify (and send SNI for) tls-server-name while connecting to the
    // server's address: the URL names tls-server-name, CONNECT_TO reroutes
    // the connection, and Host: keeps naming the real server.
    base_url_ = u.scheme + "://" + config_.tls_server_name + ":" + u.port + u.prefix;
    connect_to_ = config_.tls_server_name + ":" + u.port + ":" + u.host + ":" + u.port;
    host_header_ = "Host: " + hostport;
  } else {
    base_url_ = u.scheme + "://" + hostport + u.prefix;
  }
  CURLSH* share = curl_share_init();
  curl_share_setopt(share, CURLSHOPT_LOCKFUNC, ShareLockFn);
  curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, ShareUnlockFn);
  curl_share_setopt(share, CURLSHOPT_USERDATA, this);
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  share_ = share;
}

Transport::~Transport() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
  curl_share_cleanup(static_cast<CURLSH*>(share_));
}

void* Transport::Acquire() {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void Transport::Release(void* handle) {
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (static_cast<int>(idle_.size()) < options_.max_idle_handles) {
    idle_.push_back(handle);
  } else {
    curl_easy_cleanup(static_cast<CURL*>(handle));
  }
}

std::string Transport::BearerToken() {
  if (config_.token_file.empty()) return config_.token;
  // Projected service-account tokens rotate: re-read the file every minute,
  // as client-go does.
  std::lock_guard<std::mutex> lock(token_mu_);
  auto now = std::chrono::steady_clock::now();
  if (cached_token_.empty() || now - token_read_ > std::chrono::minutes(1)) {
    std::string text;
    if (base::ReadFile(config_.token_file, &text, nullptr)) {
      std::string t = Trim(text);
      if (!t.empty()) cached_token_ = t;
      token_read_ = now;
    }
  }
  return cached_token_.empty() ? config_.token : cached_token_;
}

bool Transport::Do(const HttpRequest& request, HttpResponse* response, TransportFailure* failure,
                   const ChunkFn& on_chunk, const std::atomic<bool>* stop) {
  CURL* h = static_cast<CURL*>(Acquire());
  // reset keeps live connections and the share; every option is set anew.
  curl_easy_reset(h);
  curl_easy_setopt(h, CURLOPT_SHARE, static_cast<CURLSH*>(share_));
  // The shared connection cache keeps at most this many connections (curl's
  // default is 5): fewer than concurrent callers means a TLS handshake for
  // most requests.
  curl_easy_setopt(h, CURLOPT_MAXCONNECTS, static_cast<long>(std::max(5, options_.max_idle_handles)));
  *response = HttpResponse();
  TransferState st{response, &on_chunk, stop};

  std::string url = base_url_ + request.path;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count() * 1000));
  if (request.timeout.count() > 0)
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count() * 1000));
  // gzip only, like client-go (Go adds it by itself); the API server
  // compresses large responses (lists) and nothing else.
  if (!on_chunk) curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

  if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty() || request.method != "DELETE") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    }
  }

  // TLS trust and client identity.
  if (config_.insecure_skip_tls_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!config_.ca_data.empty()) {
    // Only the cluster's CA is trusted, as kubectl does.
    SetBlob(h, CURLOPT_CAINFO_BLOB, config_.ca_data);
    curl_easy_setopt(h, CURLOPT_CAPATH, nullptr);
  } else if (!config_.ca_file.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, config_.ca_file.c_str());
    curl_easy_setopt(h, CURLOPT_CAPATH, nullptr);
  }
  if (!config_.client_cert_data.empty()) {
    SetBlob(h, CURLOPT_SSLCERT_BLOB, config_.client_cert_data);
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
  } else if (!config_.client_cert_file.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERT, config_.client_cert_file.c_str());
  }
  if (!config_.client_key_data.empty()) {
    SetBlob(h, CURLOPT_SSLKEY_BLOB, config_.client_key_data);
    curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
  } else if (!config_.client_key_file.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLKEY, config_.client_key_file.c_str());
  }
  curl_slist* connect_to = nullptr;
  if (!connect_to_.empty()) {
    connect_to = curl_slist_append(connect_to, connect_to_.c_str());
    curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to);
  }
  if (!config_.proxy_url.empty()) curl_easy_setopt(h, CURLOPT_PROXY, config_.proxy_url.c_str());

  // Headers. Credentials live only here, never in URLs or messages.
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("Accept: " + request.accept).c_str());
  if (!request.content_type.empty())
    headers = curl_slist_append(headers, ("Content-Type: " + request.content_type).c_str());
  headers = curl_slist_append(headers, "Expect:");
  if (!host_header_.empty()) headers = curl_slist_append(headers, host_header_.c_str());
  std::string token = BearerToken();
  if (!token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  } else if (!config_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(h, CURLOPT_USERNAME, config_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, config_.password.c_str());
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, HeaderCb);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &st);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteCb);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &st);
  if (stop) {
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, ProgressCb);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &st);
  }

  CURLcode rc = curl_easy_perform(h);
  long conns = 0;
  curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &conns);
  connections_ += static_cast<uint64_t>(conns);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);

  // The slists must outlive the transfer; drop the handle's pointers to them.
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_CONNECT_TO, nullptr);
  curl_slist_free_all(headers);
  curl_slist_free_all(connect_to);
  Release(h);

  if (rc == CURLE_OK || (st.stopped && status != 0)) {
    response->status = status;
    return true;
  }
  if (st.stopped) {
    // Stopped before any response: not an error either.
    response->status = 0;
    return true;
  }
  failure->reason = IsTlsError(rc) ? "TLSError" : rc == CURLE_OPERATION_TIMEDOUT ? "Timeout" : "ConnectionError";
  failure->retryable = IsRetryable(rc);
  std::string detail = errbuf[0] ? std::string(errbuf) : curl_easy_strerror(rc);
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r')) detail.pop_back();
  std::string path = request.path.substr(0, request.path.find('?'));
  failure->message = request.method + " " + config_.server + path + ": " + detail;
  return false;
}

}  // namespace capstan::kube
