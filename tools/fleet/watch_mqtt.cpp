// SPDX-License-Identifier: Apache-2.0
#include "watch_mqtt.hpp"

#include <mosquitto.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "report.hpp"
#include "tls_openssl.hpp"

namespace portcullis::fleet {
namespace {

using Clock = std::chrono::steady_clock;

// Connect, TLS handshake and CONNACK must be done by then (the poller's default --timeout).
constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr int kKeepAliveS = 30;
constexpr int kLoopMs = 250;  // how soon a signal or --timeout is noticed
// After a broker that was being watched is lost: the first try after 1 s, doubling to 30 s.
constexpr auto kFirstRetry = std::chrono::seconds(1);
constexpr auto kLongestRetry = std::chrono::seconds(30);

volatile std::sig_atomic_t g_stop = 0;
void on_stop_signal(int) {
  g_stop = 1;
}

void say(const std::string& line) {
  std::cerr << "portcullis-fleet: " << line << std::endl;
}

struct SslCtxFree {
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// The TLS context for the broker; nullptr and `error` on unreadable or unusable credentials.
SslCtxPtr make_context(const WatchOptions& o, const tls::Credentials& creds, tls::Seen& seen,
                       std::string& error) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) {
    error = "cannot create a TLS context";
    return nullptr;
  }
  if (!tls::setup_client_context(ctx.get(), creds, o.broker.host, /*role_ou=*/{}, &seen, error)) {
    return nullptr;
  }
  return ctx;
}

// Errors of a TCP connect (not of a connection the broker then closed).
bool connect_errno(int e) {
  return e == ECONNREFUSED || e == ENETUNREACH || e == EHOSTUNREACH || e == ETIMEDOUT ||
         e == ENETDOWN || e == EHOSTDOWN || e == EADDRNOTAVAIL;
}

// ---- the watch -----------------------------------------------------------------------------

class Watch {
 public:
  Watch(const WatchOptions& o, const std::string& expected_digest)
      : o_(o),
        expected_(expected_digest),
        broker_(o.broker.host.find(':') != std::string::npos
                    ? "[" + o.broker.host + "]:" + std::to_string(o.broker.port)
                    : o.broker.host + ":" + std::to_string(o.broker.port)),
        tally_(o.count) {}
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;

  int run();

 private:
  // kWaiting: the broker was lost after watching; the next try is at retry_at_.
  enum class Phase { kConnecting, kSubscribing, kWatching, kWaiting };

  static void on_connect(mosquitto*, void* self, int rc) {
    static_cast<Watch*>(self)->connected(rc);
  }
  static void on_subscribe(mosquitto*, void* self, int mid, int n, const int* granted) {
    static_cast<Watch*>(self)->subscribed(mid, n, granted);
  }
  static void on_message(mosquitto*, void* self, const mosquitto_message* m) {
    static_cast<Watch*>(self)->message(m);
  }
  static void on_log(mosquitto*, void* self, int level, const char* text) {
    if (level == MOSQ_LOG_ERR && text != nullptr) static_cast<Watch*>(self)->last_error_ = text;
  }

  void connected(int rc);
  void subscribed(int mid, int n, const int* granted);
  void message(const mosquitto_message* m);
  std::string wait_tcp(int fd, Clock::time_point deadline, int connect_err) const;
  std::string explain(int rc, int err) const;
  std::string closed_text() const;
  void fail(std::string why) {
    if (failure_.empty()) failure_ = std::move(why);
  }
  // The broker failed us after we had watched it: say why and wait for the next try.
  void lost(Clock::time_point now);
  // Connects again (after lost()); a failure is left in failure_ for the loop.
  void reconnect(Clock::time_point now, Clock::time_point deadline);

  const WatchOptions& o_;
  const std::string& expected_;
  const std::string broker_;  // HOST:PORT for messages
  mosquitto* mosq_ = nullptr;
  tls::Seen seen_;
  std::string client_warning_;
  Phase phase_ = Phase::kConnecting;
  bool watched_ = false;  // subscribed at least once: a lost broker is waited for
  Clock::time_point connect_deadline_;
  Clock::time_point retry_at_;
  Clock::duration retry_delay_ = kFirstRetry;
  std::string lost_reason_;  // why the broker is away, while kWaiting or connecting again
  int status_mid_ = -1;
  int events_mid_ = -1;
  int state_mid_ = -1;
  int pending_subacks_ = 3;
  SilenceWatch silence_{static_cast<double>(o_.silent_after_s)};
  // Seconds on the steady clock, for SilenceWatch.
  static double seconds_now() {
    return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
  }
  void report_silent() {
    for (const auto& [id, seconds] : silence_.newly_silent(seconds_now())) {
      std::cout << (o_.json ? silent_json_line(id, seconds) : silent_line(id, seconds))
                << std::endl;
    }
    output_closed_ = output_closed_ || !std::cout;
  }
  bool output_closed_ = false;
  std::string failure_;     // the broker failed us: one line
  std::string last_error_;  // libmosquitto's last error log line (OpenSSL's reason)
  DuplicateFilter seen_messages_;
  WatchTally tally_;
};

void Watch::connected(int rc) {
  if (rc != 0) {
    fail(std::string("the broker refused the connection: ") + mosquitto_connack_string(rc));
    return;
  }
  phase_ = Phase::kSubscribing;
  const std::string status = subscription(o_.prefix, TopicKind::kStatus);
  const std::string events = subscription(o_.prefix, TopicKind::kEvents);
  const std::string state = subscription(o_.prefix, TopicKind::kState);
  int r = mosquitto_subscribe(mosq_, &status_mid_, status.c_str(), 1);
  if (r == MOSQ_ERR_SUCCESS) r = mosquitto_subscribe(mosq_, &events_mid_, events.c_str(), 1);
  if (r == MOSQ_ERR_SUCCESS) r = mosquitto_subscribe(mosq_, &state_mid_, state.c_str(), 1);
  if (r != MOSQ_ERR_SUCCESS) fail(std::string("cannot subscribe: ") + mosquitto_strerror(r));
}

void Watch::subscribed(int mid, int n, const int* granted) {
  if (mid != status_mid_ && mid != events_mid_ && mid != state_mid_) return;
  const TopicKind kind = mid == status_mid_   ? TopicKind::kStatus
                         : mid == events_mid_ ? TopicKind::kEvents
                                              : TopicKind::kState;
  for (int i = 0; i < n; ++i) {
    if (granted[i] < 0 || granted[i] > 2) {
      fail("the broker refused the subscription to " + subscription(o_.prefix, kind) +
           " (not authorised for it?)");
      return;
    }
  }
  if (--pending_subacks_ == 0) {
    phase_ = Phase::kWatching;
    say("watching " + subscription(o_.prefix, TopicKind::kStatus) + ", " +
        subscription(o_.prefix, TopicKind::kEvents) + " and " +
        subscription(o_.prefix, TopicKind::kState) + " on " + broker_ + (watched_ ? " again" : ""));
    if (o_.json) std::cout << broker_json_line(broker_, "watching") << std::endl;
    watched_ = true;
    retry_delay_ = kFirstRetry;
    lost_reason_.clear();
  }
}

void Watch::message(const mosquitto_message* m) {
  if (tally_.done() || !failure_.empty() || m == nullptr || m->topic == nullptr) return;
  const std::string_view topic(m->topic);
  const std::string_view payload(m->payload ? static_cast<const char*>(m->payload) : "",
                                 m->payload ? static_cast<std::size_t>(m->payloadlen) : 0);
  const ParsedTopic t = parse_topic(o_.prefix, topic);
  if (t.result == ParsedTopic::Result::kIgnored) return;
  if (t.result == ParsedTopic::Result::kMalformed) {
    say(printable(topic) + ": " + t.error + "; message ignored");
    return;
  }
  silence_.heard(t.device, seconds_now());
  if (t.kind == TopicKind::kState) {
    std::string error;
    const auto state = parse_state(payload, &error);
    if (!state) {
      if (!payload.empty()) say(printable(topic) + ": " + printable(error) + "; message ignored");
      return;
    }
    // Liveness, not a document: not counted towards --count.
    std::cout << (o_.json ? state_json_line(topic, t.device, *state, m->retain)
                          : state_line(t.device, *state))
              << std::endl;
    output_closed_ = !std::cout;
    return;
  }
  if (t.kind == TopicKind::kStatus) {
    if (payload.empty()) {  // how a retained status is deleted: nothing to judge
      say(printable(topic) + ": empty message (the retained status was cleared); ignored");
      return;
    }
    if (!seen_messages_.first_status(t.device, payload)) return;
    const StatusReport r =
        judge_status(t.device, payload, expected_,
                     o_.allow_lab_image ? LabImages::kAllowed : LabImages::kFinding);
    if (o_.json) {
      std::cout << status_json_line(topic, t.device, m->retain, r) << std::endl;
    } else {
      print_table(std::cout, r.result, r.verdict, expected_, m->retain ? "(retained)" : "");
      std::cout.flush();
    }
    if (!r.result.answered) say(printable(topic) + ": " + printable(r.result.error));
    tally_.status(r.verdict.ok);
    output_closed_ = !std::cout;
    return;
  }
  std::string error;
  const auto e = parse_event(payload, t.device, &error);
  if (!e) {
    say(printable(topic) + ": " + printable(error) + "; message ignored");
    return;
  }
  if (!seen_messages_.first_event(t.device, e->seq, e->uptime_ms)) return;
  std::cout << (o_.json ? event_json_line(topic, t.device, *e) : event_line(t.device, *e))
            << std::endl;
  tally_.event();
  output_closed_ = !std::cout;  // `watch | head`: SIGPIPE is ignored, so stop here
}

// libmosquitto starts the TCP connect without blocking and, while it is pending, keeps
// retrying its TLS step even after the connect failed; so it is waited for here, where a
// refused or unanswered connect can be told apart.
std::string Watch::wait_tcp(int fd, Clock::time_point deadline, int connect_err) const {
  if (fd < 0) {
    return "cannot connect" + (connect_errno(connect_err)
                                   ? std::string(": ") + std::strerror(connect_err)
                                   : std::string());
  }
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return "no answer (connect timed out)";
    pollfd p{.fd = fd, .events = POLLOUT, .revents = 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, kLoopMs)));
    if (r < 0 && errno != EINTR) return std::string("cannot connect: ") + std::strerror(errno);
    if (g_stop) return {};
    if (r <= 0) continue;
    int soerr = 0;
    socklen_t len = sizeof soerr;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
    if (soerr == ECONNRESET || soerr == EPIPE) return closed_text();
    if (soerr != 0) return std::string("cannot connect: ") + std::strerror(soerr);
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) {
      // The error was already taken by libmosquitto's first TLS attempt.
      return std::string("cannot connect: ") +
             std::strerror(connect_errno(connect_err) ? connect_err : ECONNREFUSED);
    }
    return {};
  }
}

// The broker closed the connection before CONNACK without saying why in TLS terms. With
// TLS 1.3 the broker checks our certificate after our side of the handshake is done, and its
// alert is often lost to the reset of the socket; so a certificate problem found up front is
// the likely reason, as for the poller.
std::string Watch::closed_text() const {
  if (!client_warning_.empty()) {
    return "certificate problem: the broker refused the TLS handshake: " + client_warning_;
  }
  return "the broker closed the connection during the TLS handshake or before accepting us: it "
         "refuses our client certificate (missing, expired, or not from the fleet CA it "
         "trusts) or us (see the broker's log)";
}

void Watch::lost(Clock::time_point now) {
  lost_reason_ = std::move(failure_);
  failure_.clear();
  const auto wait_s = std::chrono::duration_cast<std::chrono::seconds>(retry_delay_).count();
  say(broker_ + ": " + lost_reason_ + "; connecting again in " + std::to_string(wait_s) + " s");
  if (o_.json) std::cout << broker_json_line(broker_, "lost", lost_reason_) << std::endl;
  phase_ = Phase::kWaiting;
  retry_at_ = now + retry_delay_;
  retry_delay_ = std::min<Clock::duration>(retry_delay_ * 2, kLongestRetry);
}

void Watch::reconnect(Clock::time_point now, Clock::time_point deadline) {
  seen_ = tls::Seen{};
  last_error_.clear();
  pending_subacks_ = 3;
  phase_ = Phase::kConnecting;
  connect_deadline_ = std::min(now + kConnectTimeout, deadline);
  errno = 0;
  const int rc = mosquitto_reconnect_async(mosq_);
  const int err = errno;
  if (rc != MOSQ_ERR_SUCCESS) {
    fail(explain(rc, err));
    return;
  }
  const std::string tcp = wait_tcp(mosquitto_socket(mosq_), connect_deadline_, err);
  if (!tcp.empty()) fail(tcp);
}

std::string Watch::explain(int rc, int err) const {
  if (seen_.verify_error != X509_V_OK) {
    return tls::certificate_text(seen_.verify_error, o_.broker.host, "the broker's");
  }
  if (seen_.alert >= 0) return tls::alert_text(seen_.alert, client_warning_, "the broker");
  if (rc == MOSQ_ERR_ERRNO && connect_errno(err)) {
    return std::string("cannot connect: ") + std::strerror(err);
  }
  if (phase_ == Phase::kConnecting) {
    // "OpenSSL Error[0]: error:0A00010B:SSL routines::wrong version number": the reason.
    const std::string reason = last_error_.find("OpenSSL") == std::string::npos
                                   ? std::string()
                                   : last_error_.substr(last_error_.rfind(':') + 1);
    if (reason.find("wrong version number") != std::string::npos ||
        reason.find("packet length too long") != std::string::npos) {
      return "TLS handshake failed: " + broker_ + " does not speak TLS (a plain MQTT port?)";
    }
    if (!reason.empty()) return "TLS handshake failed: " + reason;
    if (rc == MOSQ_ERR_TLS || rc == MOSQ_ERR_CONN_LOST || rc == MOSQ_ERR_ERRNO ||
        rc == MOSQ_ERR_NO_CONN) {
      return closed_text();
    }
    return std::string("cannot connect to the broker: ") + mosquitto_strerror(rc);
  }
  switch (rc) {
    case MOSQ_ERR_KEEPALIVE:
      return "the broker stopped answering (no keepalive reply)";
    case MOSQ_ERR_CONN_LOST:
    case MOSQ_ERR_ERRNO:
    case MOSQ_ERR_NO_CONN:
      return "connection to the broker lost" +
             (err != 0 && err != EPROTO ? std::string(": ") + std::strerror(err) : std::string());
    case MOSQ_ERR_PROTOCOL:
    case MOSQ_ERR_MALFORMED_PACKET:
      return "the broker broke the MQTT protocol: " + std::string(mosquitto_strerror(rc));
    default:
      return std::string("broker connection failed: ") + mosquitto_strerror(rc);
  }
}

int Watch::run() {
  std::string error;
  const auto creds = tls::load_credentials(o_.ca, o_.cert, o_.key, "the broker", error);
  SslCtxPtr ctx;
  if (creds) {
    client_warning_ = creds->client_warning;
    ctx = make_context(o_, *creds, seen_, error);
  }
  if (!ctx) {
    say(error);
    return kExitUsage;
  }
  if (!client_warning_.empty()) say("warning: " + client_warning_);

  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGPIPE, SIG_IGN);  // OpenSSL writes to the socket with plain write()

  mosquitto_lib_init();
  mosq_ = o_.session.empty() ? mosquitto_new(nullptr, true, this)
                             : mosquitto_new(o_.session.c_str(), false, this);
  if (mosq_ == nullptr) {
    say("cannot create the MQTT client");
    mosquitto_lib_cleanup();
    return kExitUsage;
  }
  // Our context as it is: libmosquitto's defaults would load --ca/--cert/--key again and
  // verify with its own callback (libmosquitto takes its own reference to the context).
  if (mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311) != 0 ||
      mosquitto_void_option(mosq_, MOSQ_OPT_SSL_CTX, ctx.get()) != 0 ||
      mosquitto_int_option(mosq_, MOSQ_OPT_SSL_CTX_WITH_DEFAULTS, 0) != 0) {
    say("cannot set up the MQTT client's TLS");
    mosquitto_destroy(mosq_);
    mosquitto_lib_cleanup();
    return kExitUsage;
  }
  mosquitto_connect_callback_set(mosq_, on_connect);
  mosquitto_subscribe_callback_set(mosq_, on_subscribe);
  mosquitto_message_callback_set(mosq_, on_message);
  mosquitto_log_callback_set(mosq_, on_log);

  const auto start = Clock::now();
  const auto deadline =
      o_.timeout_s > 0 ? start + std::chrono::seconds(o_.timeout_s) : Clock::time_point::max();
  connect_deadline_ = std::min(start + kConnectTimeout, deadline);
  bool timed_out = false;

  errno = 0;
  int rc = mosquitto_connect_async(mosq_, o_.broker.host.c_str(), o_.broker.port, kKeepAliveS);
  const int connect_err = errno;
  if (rc == MOSQ_ERR_EAI) {
    fail("cannot resolve " + printable(o_.broker.host) + ": " + ::gai_strerror(connect_err));
  } else if (rc != MOSQ_ERR_SUCCESS) {
    fail(explain(rc, connect_err));
  } else {
    const std::string tcp = wait_tcp(mosquitto_socket(mosq_), connect_deadline_, connect_err);
    if (!tcp.empty()) fail(tcp);
  }

  // A failure before the first subscription ends the watch (credentials, address, broker
  // configuration: trying again would not help); once watching, a lost broker is waited for
  // and connected to again, with the subscriptions made again.
  while (!g_stop && !tally_.done() && !output_closed_) {
    auto now = Clock::now();
    if (!failure_.empty()) {
      if (!watched_) break;
      lost(now);
    }
    if (now >= deadline) {
      timed_out = true;
      break;
    }
    if (phase_ == Phase::kWaiting) {
      if (now < retry_at_) {
        const auto nap = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::min(retry_at_, deadline) - now)
                             .count();
        ::poll(nullptr, 0, static_cast<int>(std::clamp<long long>(nap, 1, kLoopMs)));
        continue;
      }
      reconnect(now, deadline);
      continue;
    }
    if (phase_ != Phase::kWatching && now >= connect_deadline_) {
      fail(phase_ == Phase::kConnecting ? "no answer from the broker (TLS handshake or MQTT "
                                          "CONNECT not done in time)"
                                        : "the broker did not answer our subscription in time");
      continue;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(
            std::min(deadline, phase_ == Phase::kWatching ? deadline : connect_deadline_) - now)
            .count();
    report_silent();
    errno = 0;
    rc = mosquitto_loop(mosq_, static_cast<int>(std::clamp<long long>(left, 1, kLoopMs)), 1);
    if (rc != MOSQ_ERR_SUCCESS) fail(explain(rc, errno));
  }

  // Still away at the end (--timeout or a signal while waiting or connecting again).
  const bool away = watched_ && phase_ != Phase::kWatching;
  const bool broker_failed = !failure_.empty() || away;
  if (!failure_.empty()) {
    say(broker_ + ": " + failure_);
    if (o_.json) std::cout << broker_json_line(broker_, "failed", failure_) << std::endl;
  } else if (away) {
    const std::string why = "not back before the watch ended (" + lost_reason_ + ")";
    say(broker_ + ": " + why);
    if (o_.json) std::cout << broker_json_line(broker_, "failed", why) << std::endl;
  } else {
    mosquitto_disconnect(mosq_);
  }
  mosquitto_destroy(mosq_);
  mosq_ = nullptr;
  mosquitto_lib_cleanup();

  if (timed_out && tally_.want() != 0 && !tally_.done()) {
    say("timed out after " + std::to_string(o_.timeout_s) + " s with " +
        std::to_string(tally_.messages()) + " of " + std::to_string(tally_.want()) + " message(s)");
  }
  if (!o_.json && !broker_failed) std::cout << tally_.summary() << std::endl;
  return tally_.exit_status(broker_failed);
}

}  // namespace

int run_watch(const WatchOptions& options, const std::string& expected_digest) {
  Watch w(options, expected_digest);
  return w.run();
}

}  // namespace portcullis::fleet
