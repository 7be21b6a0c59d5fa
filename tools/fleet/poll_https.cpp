// SPDX-License-Identifier: Apache-2.0
#include "poll_https.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>

#include "json.hpp"

namespace portcullis::fleet {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kAttempts = 5;

// One device's poll across its attempts.
struct Job {
  PollResult* result = nullptr;
  CURL* easy = nullptr;
  curl_slist* connect_to = nullptr;
  curl_slist* headers = nullptr;
  tls::Seen seen;
  const tls::Credentials* credentials = nullptr;
  std::string body;
  bool too_large = false;
  char error[CURL_ERROR_SIZE] = {};
  int attempt = 0;
  Clock::time_point deadline;  // set when the first attempt starts
  Clock::time_point next_try;  // when the next attempt may start
  bool started = false;
  bool running = false;
  bool done = false;

  void release() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    curl_slist_free_all(connect_to);
    curl_slist_free_all(headers);
    easy = nullptr;
    connect_to = nullptr;
    headers = nullptr;
  }
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* job = static_cast<Job*>(user);
  const std::size_t len = size * n;
  if (job->body.size() + len > kMaxResponse) {
    job->too_large = true;
    return 0;  // ends the transfer with CURLE_WRITE_ERROR
  }
  job->body.append(data, len);
  return len;
}

CURLcode on_ssl_context(CURL* /*easy*/, void* ssl_ctx, void* user) {
  auto* job = static_cast<Job*>(user);
  std::string error;
  const bool ok = tls::setup_client_context(static_cast<SSL_CTX*>(ssl_ctx), *job->credentials,
                                            job->result->target.name, "device", &job->seen, error);
  return ok ? CURLE_OK : CURLE_SSL_CERTPROBLEM;
}

// An IPv6 literal in brackets, its zone's '%' as %25: how a URL or CONNECT_TO writes a host.
std::string url_host(const std::string& host) {
  if (host.find(':') == std::string::npos) return host;
  std::string h = "[";
  for (char c : host) h += c == '%' ? std::string("%25") : std::string(1, c);
  return h + "]";
}

bool start(Job& j, CURLM* multi, Clock::time_point now) {
  const Target& t = j.result->target;
  j.release();
  j.seen = tls::Seen{};
  j.body.clear();
  j.too_large = false;
  j.error[0] = '\0';
  ++j.attempt;
  j.easy = curl_easy_init();
  if (j.easy == nullptr) return false;
  const auto left_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(j.deadline - now).count();
  const long timeout_ms = static_cast<long>(std::max<long long>(left_ms, 1));
  // The certificate must name t.name (ID@, else HOST): it is the URL's host; with ID@ the
  // connection goes to HOST instead.
  const std::string url =
      "https://" + url_host(t.name) + ":" + std::to_string(t.port) + "/v1/status";
  if (t.name != t.host) {
    const std::string rule = url_host(t.name) + ":" + std::to_string(t.port) + ":" +
                             url_host(t.host) + ":" + std::to_string(t.port);
    j.connect_to = curl_slist_append(nullptr, rule.c_str());
  }
  j.headers = curl_slist_append(nullptr, "Accept: application/json");
  CURL* e = j.easy;
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(e, CURLOPT_PROXY, "");  // never a proxy from the environment
  curl_easy_setopt(e, CURLOPT_CONNECT_TO, j.connect_to);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, j.headers);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j.error);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &j);
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(kMaxResponse));
  // Trust: exactly the CA file (on_ssl_context replaces the store); no system bundle.
  curl_easy_setopt(e, CURLOPT_CAINFO, nullptr);
  curl_easy_setopt(e, CURLOPT_CAPATH, nullptr);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(e, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_ssl_context);
  curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, &j);
  curl_easy_setopt(e, CURLOPT_PRIVATE, &j);
  if (curl_multi_add_handle(multi, e) != CURLM_OK) return false;
  j.running = true;
  return true;
}

double info_seconds(CURL* e, CURLINFO what) {
  curl_off_t us = 0;
  curl_easy_getinfo(e, what, &us);
  return static_cast<double>(us) / 1e6;
}

// The outcome of one attempt in words; `retry` when the device closed the connection before
// the handshake was done (busy, or refusing us: tried again before it is reported).
void judge_attempt(Job& j, CURLcode rc, bool& retry) {
  PollResult& r = *j.result;
  retry = false;
  r.answered = false;
  r.error.clear();
  CURL* e = j.easy;
  const bool handshake_done = info_seconds(e, CURLINFO_APPCONNECT_TIME_T) > 0;
  const bool connected = info_seconds(e, CURLINFO_CONNECT_TIME_T) > 0;
  const std::string detail = j.error[0] != '\0' ? j.error : curl_easy_strerror(rc);
  const std::string& name = r.target.name;

  if (j.too_large || rc == CURLE_FILESIZE_EXCEEDED) {  // a body, or a Content-Length, too big
    r.error = "response larger than " + std::to_string(kMaxResponse) + " bytes";
    return;
  }
  if (j.seen.wrong_role) {
    r.error = tls::wrong_role_text("the device's", "device");
    return;
  }
  if (j.seen.verify_error != X509_V_OK) {
    r.error = tls::certificate_text(j.seen.verify_error, name, "the device's");
    return;
  }
  if (j.seen.alert >= 0) {
    r.error = tls::alert_text(j.seen.alert, j.credentials->client_warning, "the device");
    return;
  }
  switch (rc) {
    case CURLE_OK:
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
      r.error = "cannot resolve " + r.target.host;
      return;
    case CURLE_COULDNT_CONNECT: {
      long os_errno = 0;
      curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &os_errno);
      r.error = "cannot connect: " +
                (os_errno != 0 ? std::string(std::strerror(static_cast<int>(os_errno))) : detail);
      retry = os_errno == ECONNRESET;
      return;
    }
    case CURLE_OPERATION_TIMEDOUT:
      r.error = !connected        ? "no answer (connect timed out)"
                : !handshake_done ? "TLS handshake timed out"
                                  : "timed out reading the response";
      return;
    case CURLE_PEER_FAILED_VERIFICATION:
      r.error = "certificate problem: the device's certificate does not name " + name;
      return;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      if (!handshake_done) {
        if (detail.find("wrong version number") != std::string::npos ||
            detail.find("packet length too long") != std::string::npos) {
          r.error = "TLS handshake failed: the device does not speak TLS on port " +
                    std::to_string(r.target.port);
          return;
        }
        r.error =
            "the device closed the connection during the TLS handshake: it refuses our client "
            "certificate (missing, expired, or not from the fleet CA) or has no free TLS session";
        retry = true;
        return;
      }
      r.error =
          (j.body.empty() ? "reading the response failed: " : "the response was cut: ") + detail;
      return;
    default:
      r.error = "HTTPS request failed: " + detail;
      return;
  }
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  r.http_status = static_cast<int>(status);
  if (status != 200) {
    r.error = "HTTP status " + std::to_string(status);
    return;
  }
  std::string jerr;
  auto doc = parse_json(j.body, &jerr);
  if (!doc || doc->kind != Value::Kind::kObject) {
    r.error =
        "the status is not a JSON object: " + (doc ? std::string("another JSON value") : jerr);
    return;
  }
  r.doc = std::move(*doc);
  r.answered = true;
}

}  // namespace

void poll_all(std::vector<PollResult>& results, const PollOptions& options) {
  CURLM* multi = curl_multi_init();
  std::vector<Job> jobs(results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    jobs[i].result = &results[i];
    jobs[i].credentials = options.credentials;
  }
  const auto timeout = std::chrono::seconds(options.timeout_s);
  std::size_t next = 0;     // the next job never started
  std::size_t running = 0;  // handles in the multi
  std::size_t finished = 0;
  // Starts an attempt of `j`, or ends the job when libcurl cannot.
  const auto launch = [&](Job& j, Clock::time_point now) {
    if (start(j, multi, now)) {
      ++running;
    } else {
      j.result->error = "cannot start an HTTPS request";
      j.done = true;
      ++finished;
    }
  };
  while (finished < jobs.size()) {
    const auto now = Clock::now();
    // Attempts due again, then new devices, up to `parallel` at once.
    for (auto& j : jobs) {
      if (running >= options.parallel) break;
      if (j.started && !j.done && !j.running && j.next_try <= now) launch(j, now);
    }
    while (running < options.parallel && next < jobs.size()) {
      Job& j = jobs[next++];
      j.started = true;
      j.deadline = now + timeout;
      launch(j, now);
    }
    int still = 0;
    curl_multi_perform(multi, &still);
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      Job* j = nullptr;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &j);
      const CURLcode rc = m->data.result;
      curl_multi_remove_handle(multi, m->easy_handle);
      --running;
      j->running = false;
      bool retry = false;
      judge_attempt(*j, rc, retry);
      j->release();
      const auto pause = std::chrono::milliseconds(250 * j->attempt);
      if (retry && j->attempt < kAttempts && Clock::now() + 2 * pause <= j->deadline) {
        j->next_try = Clock::now() + pause;
      } else {
        j->done = true;
        ++finished;
      }
    }
    if (finished == jobs.size()) break;
    // Wait for sockets, at most until the earliest retry is due (and 100 ms at most).
    int wait_ms = 100;
    const auto t = Clock::now();
    for (const auto& j : jobs) {
      if (j.started && !j.done && !j.running) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(j.next_try - t);
        wait_ms = std::clamp(static_cast<int>(ms.count()), 0, wait_ms);
      }
    }
    curl_multi_poll(multi, nullptr, 0, wait_ms, nullptr);
  }
  for (auto& j : jobs) j.release();
  curl_multi_cleanup(multi);
}

}  // namespace portcullis::fleet
