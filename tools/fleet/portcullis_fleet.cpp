// SPDX-License-Identifier: Apache-2.0
// portcullis-fleet: polls Portcullis devices' GET /v1/status over mutual TLS and shows, per
// device, the policy it runs (digest, optionally compared with a policy file), what it allows
// against what it really listens on, violations and drops.
//
//   portcullis-fleet [--ca FILE --cert FILE --key FILE | --pki DIR] [--json]
//                    [--expect-policy FILE] [--timeout SEC] [--file HOSTS] HOST[:PORT]...
//
// HOST is an IPv4 address, a name, or an IPv6 address in brackets ([2001:db8::2]:8443); the
// port defaults to 8443. HOSTS holds one HOST[:PORT] a line (# comments). Devices are polled
// concurrently (at most kMaxParallel at once); each poll is bounded by --timeout (default 10 s)
// and the response by kMaxResponse bytes. Exit status: 0 every device answered, reports no
// violation and (with --expect-policy) the expected digest; 1 otherwise; 2 usage or I/O error.
//
//   portcullis-fleet watch [--ca FILE --cert FILE --key FILE | --pki DIR] [--json]
//                          [--prefix P] [--expect-policy FILE] [--count N] [--timeout SEC]
//                          BROKER[:PORT]
//
// `watch` subscribes to an MQTT broker (default port 8883) over mutual TLS instead and prints
// the status documents and events the devices push, as they arrive (watch_mqtt.hpp).
//
// Mbed TLS is built without MBEDTLS_THREADING_C, so every Mbed TLS call runs under one mutex;
// the sockets are non-blocking and the threads wait for I/O outside it.

#include <mbedtls/base64.h>
#include <mbedtls/error.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509.h>
#include <mbedtls/x509_crt.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcntl.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "json.hpp"
#include "portcullis/platform/posix.hpp"
#include "portcullis/platform/tls.hpp"
#include "portcullis/policy/digest.hpp"
#include "portcullis/policy/parser.hpp"
#include "portcullis/tools/read_file.hpp"
#include "report.hpp"
#include "target.hpp"
#include "verdict.hpp"
#include "watch.hpp"
#include "watch_mqtt.hpp"

namespace {

namespace fleet = portcullis::fleet;
namespace platform = portcullis::platform;
namespace pol = portcullis::policy;
using Clock = std::chrono::steady_clock;
using fleet::json_escape;
using fleet::kExitOk;
using fleet::kExitUsage;
using fleet::PollResult;
using fleet::Target;
using fleet::Verdict;
using fleet::write_json;

#ifndef PORTCULLIS_VERSION
#define PORTCULLIS_VERSION "unknown"  // built outside CMake
#endif

constexpr std::size_t kMaxResponse = 256 * 1024;
constexpr std::size_t kMaxParallel = 16;

// Mbed TLS's socket error codes (mbedtls/net_sockets.h; MBEDTLS_NET_C is not built).
constexpr int kErrConnReset = -0x0050;
constexpr int kErrSendFailed = -0x004E;
constexpr int kErrRecvFailed = -0x004C;

std::mutex g_tls;  // every Mbed TLS call (no MBEDTLS_THREADING_C)

void print_usage(std::ostream& out) {
  out << "usage: portcullis-fleet [--ca FILE --cert FILE --key FILE | --pki DIR] [--json]\n"
         "                        [--expect-policy FILE] [--timeout SEC] [--file HOSTS]\n"
         "                        [ID@]HOST[:PORT]...   (IPv6: [ADDR]:PORT; default port 8443;\n"
         "                        ID@: the device id its certificate names, for an address\n"
         "                        it does not list, as DHCP or SLAAC gave it)\n"
         "       portcullis-fleet watch [--ca FILE --cert FILE --key FILE | --pki DIR] [--json]\n"
         "                        [--prefix P] [--expect-policy FILE] [--count N] [--timeout SEC]\n"
         "                        [--session ID] [--silent-after SEC]\n"
         "                        BROKER[:PORT]    (MQTT over TLS; default port 8883)\n"
         "       portcullis-fleet --help | --version\n";
}

// --help: the usage on stdout, exit 0.
int help() {
  print_usage(std::cout);
  return kExitOk;
}

// A usage error: why and the usage on stderr, exit 2.
int usage(const std::string& why = {}) {
  if (!why.empty()) std::cerr << "portcullis-fleet: " << why << "\n";
  print_usage(std::cerr);
  return kExitUsage;
}

std::optional<std::string> read_file(const std::string& path) {
  std::string error;
  auto text = portcullis::tools::read_file(path, error);
  if (!text) {
    std::cerr << "portcullis-fleet: " << error << "\n";
  }
  return text;
}

// The digest of a policy file, computed by the firmware's own parser; nullopt (said on
// stderr) when it cannot be read or parsed.
std::optional<std::string> policy_digest(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  // Same normalization as portcullis-policy: CRLF reads as LF.
  std::string norm;
  for (std::size_t i = 0; i < text->size(); ++i) {
    if ((*text)[i] == '\r' && i + 1 < text->size() && (*text)[i + 1] == '\n') continue;
    norm += (*text)[i];
  }
  const pol::ParseResult parsed = pol::parse(norm);
  if (!parsed.ok()) {
    std::cerr << "portcullis-fleet: " << path << ":" << parsed.error.line << ": "
              << parsed.error.message() << "\n";
    return std::nullopt;
  }
  return std::string(pol::digest(parsed.policy).view());
}

// `portcullis-fleet watch ...`: `args` are the arguments after `watch`.
int watch_main(const std::vector<std::string>& args) {
  const fleet::WatchArgs parsed = fleet::parse_watch_args(args);
  if (parsed.result == fleet::WatchArgs::Result::kHelp) return help();
  if (parsed.result == fleet::WatchArgs::Result::kUsage) return usage(parsed.error);
  std::string expected_digest;
  if (!parsed.options.expect_policy.empty()) {
    auto digest = policy_digest(parsed.options.expect_policy);
    if (!digest) return kExitUsage;
    expected_digest = std::move(*digest);
  }
  return fleet::run_watch(parsed.options, expected_digest);
}

// PEM (first block) or DER to DER.
std::optional<std::vector<std::uint8_t>> to_der(const std::string& path, const std::string& text) {
  const auto begin = text.find("-----BEGIN ");
  if (begin == std::string::npos) return std::vector<std::uint8_t>(text.begin(), text.end());
  const auto body = text.find('\n', begin);
  const auto end = text.find("-----END ", begin);
  if (body == std::string::npos || end == std::string::npos || end < body) {
    std::cerr << "portcullis-fleet: " << path << ": malformed PEM\n";
    return std::nullopt;
  }
  std::string b64;
  for (std::size_t i = body; i < end; ++i) {
    const char c = text[i];
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') b64 += c;
  }
  std::vector<std::uint8_t> der(b64.size());
  std::size_t n = 0;
  if (mbedtls_base64_decode(der.data(), der.size(), &n,
                            reinterpret_cast<const unsigned char*>(b64.data()), b64.size()) != 0) {
    std::cerr << "portcullis-fleet: " << path << ": bad base64 in PEM\n";
    return std::nullopt;
  }
  der.resize(n);
  return der;
}

std::string mbedtls_text(int err) {
  if (err == kErrConnReset) return "connection reset by the device";
  if (err == kErrSendFailed) return "sending failed (connection closed by the device)";
  if (err == kErrRecvFailed) return "receiving failed";
  char buf[160];
  mbedtls_strerror(err, buf, sizeof buf);
  return buf;
}

// One line for the server certificate's verify flags.
std::string verify_text(std::uint32_t flags, const std::string& host) {
  std::vector<std::string> parts;
  if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED)
    parts.emplace_back("the device's certificate is not signed by the trusted CA (--ca)");
  if (flags & MBEDTLS_X509_BADCERT_EXPIRED)
    parts.emplace_back("the device's certificate has expired");
  if (flags & MBEDTLS_X509_BADCERT_FUTURE)
    parts.emplace_back("the device's certificate is not valid yet (check the clock)");
  if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH)
    parts.emplace_back("the device's certificate does not name " + host);
  if (flags & MBEDTLS_X509_BADCERT_REVOKED)
    parts.emplace_back("the device's certificate is revoked");
  if (flags & (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE))
    parts.emplace_back("the device's certificate is not for TLS server use");
  if (flags & MBEDTLS_X509_BADCERT_OTHER)  // platform::tls_configure's role rule
    parts.emplace_back("the certificate is not a device's (subject OU is not '" +
                       std::string(platform::fleet_role_ou(platform::FleetRole::kDevice)) + "')");
  if (flags &
      (MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK | MBEDTLS_X509_BADCERT_BAD_KEY))
    parts.emplace_back("the device's certificate uses an unacceptable algorithm or key");
  if (parts.empty()) {
    char buf[256];
    mbedtls_x509_crt_verify_info(buf, sizeof buf, "", flags);
    std::string s = buf;
    std::replace(s.begin(), s.end(), '\n', ' ');
    parts.push_back("certificate verification failed: " + s);
  }
  std::string out = "certificate problem: ";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "; " : "") + parts[i];
  return out;
}

// ---- transport -----------------------------------------------------------------------------

struct Conn {
  int fd = -1;
  Clock::time_point deadline;
};

int remaining_ms(const Conn& c) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(c.deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(std::min<long long>(left, 1 << 30)) : 0;
}

int bio_send(void* ctx, const unsigned char* buf, std::size_t len) {
  auto* c = static_cast<Conn*>(ctx);
  const ssize_t n = ::send(c->fd, buf, len, MSG_NOSIGNAL);
  if (n >= 0) return static_cast<int>(n);
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_WRITE;
  return kErrSendFailed;
}

int bio_recv(void* ctx, unsigned char* buf, std::size_t len) {
  auto* c = static_cast<Conn*>(ctx);
  const ssize_t n = ::recv(c->fd, buf, len, 0);
  if (n > 0) return static_cast<int>(n);
  if (n == 0) return 0;  // EOF
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_READ;
  if (errno == ECONNRESET) return kErrConnReset;
  return kErrRecvFailed;
}

bool wait_io(const Conn& c, short events) {
  pollfd p{.fd = c.fd, .events = events, .revents = 0};
  for (;;) {
    const int ms = remaining_ms(c);
    if (ms == 0) return false;
    const int r = ::poll(&p, 1, ms);
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

// Non-blocking connect to the first address that answers before the deadline.
int connect_to(const Target& t, Conn& c, std::string& error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(t.port);
  const int rc = ::getaddrinfo(t.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) {
    error = "cannot resolve " + t.host + ": " + ::gai_strerror(rc);
    return -1;
  }
  error = "cannot connect";
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    c.fd = fd;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      ::freeaddrinfo(res);
      return fd;
    }
    if (errno == EINPROGRESS) {
      if (wait_io(c, POLLOUT)) {
        int soerr = 0;
        socklen_t len = sizeof soerr;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
        if (soerr == 0) {
          ::freeaddrinfo(res);
          return fd;
        }
        error = std::string("cannot connect: ") + std::strerror(soerr);
      } else {
        error = "no answer (connect timed out)";
      }
    } else {
      error = std::string("cannot connect: ") + std::strerror(errno);
    }
    ::close(fd);
    c.fd = -1;
  }
  ::freeaddrinfo(res);
  return -1;
}

// Runs one Mbed TLS step to completion (WANT_READ/WANT_WRITE waited for outside the lock).
template <typename F>
int tls_step(Conn& c, F&& step) {
  for (;;) {
    int ret;
    {
      std::lock_guard lock(g_tls);
      ret = step();
    }
    if (ret == MBEDTLS_ERR_SSL_WANT_READ) {
      if (!wait_io(c, POLLIN)) return MBEDTLS_ERR_SSL_TIMEOUT;
    } else if (ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
      if (!wait_io(c, POLLOUT)) return MBEDTLS_ERR_SSL_TIMEOUT;
    } else {
      return ret;
    }
  }
}

std::string handshake_text(int ret, mbedtls_ssl_context& ssl, const std::string& host) {
  std::uint32_t flags;
  {
    std::lock_guard lock(g_tls);
    flags = mbedtls_ssl_get_verify_result(&ssl);
  }
  if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED && flags != 0 && flags != UINT32_MAX)
    return verify_text(flags, host);
  switch (ret) {
    case MBEDTLS_ERR_SSL_TIMEOUT:
      return "TLS handshake timed out";
    case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
      return "certificate problem: the device refused the TLS handshake with an alert (our "
             "client certificate is missing, expired, not from the fleet CA it trusts, or not "
             "a management certificate)";
    case kErrConnReset:
    case kErrSendFailed:
    case kErrRecvFailed:
    case MBEDTLS_ERR_SSL_CONN_EOF:
      return "the device closed the connection during the TLS handshake: it refuses our client "
             "certificate (missing, expired, or not from the fleet CA) or has no free TLS session";
    case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
      return "TLS handshake failed: no common cipher suite or group with the device";
    default:
      return "TLS handshake failed: " + mbedtls_text(ret);
  }
}

struct TlsShared {
  mbedtls_ssl_config conf;
};

// One attempt. `retry`: the device reset or closed the connection before the handshake was
// done, which it does both when it refuses our certificate and when all its TLS sessions
// (PORTCULLIS_TLS_SESSIONS, a handful) are busy; the caller tries again a few times.
void poll_once(PollResult& r, mbedtls_ssl_config& conf, Clock::time_point deadline, bool& retry) {
  retry = false;
  Conn c{.fd = -1, .deadline = deadline};
  if (connect_to(r.target, c, r.error) < 0) {
    retry = r.error.find(std::strerror(ECONNRESET)) != std::string::npos;
    return;
  }
  r.error.clear();

  mbedtls_ssl_context ssl;
  int ret;
  {
    std::lock_guard lock(g_tls);
    mbedtls_ssl_init(&ssl);
    ret = mbedtls_ssl_setup(&ssl, &conf);
    if (ret == 0) ret = mbedtls_ssl_set_hostname(&ssl, r.target.name.c_str());
    mbedtls_ssl_set_bio(&ssl, &c, bio_send, bio_recv, nullptr);
  }
  std::string response;
  if (ret != 0) {
    r.error = "TLS setup failed: " + mbedtls_text(ret);
  } else if ((ret = tls_step(c, [&] { return mbedtls_ssl_handshake(&ssl); })) != 0) {
    r.error = handshake_text(ret, ssl, r.target.host);
    retry = ret == kErrConnReset || ret == kErrSendFailed || ret == kErrRecvFailed ||
            ret == MBEDTLS_ERR_SSL_CONN_EOF;
  } else {
    std::string host =
        r.target.host.find(':') != std::string::npos ? "[" + r.target.host + "]" : r.target.host;
    const std::string req = "GET /v1/status HTTP/1.1\r\nHost: " + host + ":" +
                            std::to_string(r.target.port) +
                            "\r\nAccept: application/json\r\nConnection: close\r\n\r\n";
    std::size_t off = 0;
    while (off < req.size()) {
      ret = tls_step(c, [&] {
        return mbedtls_ssl_write(&ssl, reinterpret_cast<const unsigned char*>(req.data()) + off,
                                 req.size() - off);
      });
      if (ret <= 0) break;
      off += static_cast<std::size_t>(ret);
    }
    if (off < req.size()) {
      r.error = "sending the request failed: " + mbedtls_text(ret);
    } else {
      // Read until the body named by Content-Length is complete, EOF, or the limit.
      std::size_t want = std::string::npos;
      unsigned char buf[4096];
      for (;;) {
        ret = tls_step(c, [&] { return mbedtls_ssl_read(&ssl, buf, sizeof buf); });
        if (ret > 0) {
          response.append(reinterpret_cast<char*>(buf), static_cast<std::size_t>(ret));
          if (response.size() > kMaxResponse) {
            r.error = "response larger than " + std::to_string(kMaxResponse) + " bytes";
            break;
          }
          if (want == std::string::npos) {
            const auto hend = response.find("\r\n\r\n");
            if (hend != std::string::npos) {
              std::string lower = response.substr(0, hend);
              std::transform(lower.begin(), lower.end(), lower.begin(),
                             [](unsigned char ch) { return std::tolower(ch); });
              const auto cl = lower.find("\r\ncontent-length:");
              if (cl != std::string::npos) {
                want = hend + 4 + std::strtoul(lower.c_str() + cl + 17, nullptr, 10);
              }
            }
          }
          if (want != std::string::npos && response.size() >= want) break;
          continue;
        }
        if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) break;
        if (ret == MBEDTLS_ERR_SSL_TIMEOUT) {
          r.error = "timed out reading the response";
        } else if (response.empty()) {
          r.error = "reading the response failed: " + mbedtls_text(ret);
        }
        break;
      }
      {
        std::lock_guard lock(g_tls);
        mbedtls_ssl_close_notify(&ssl);
      }
    }
  }
  {
    std::lock_guard lock(g_tls);
    mbedtls_ssl_free(&ssl);
  }
  ::close(c.fd);
  if (!r.error.empty()) return;

  const auto hend = response.find("\r\n\r\n");
  if (response.compare(0, 7, "HTTP/1.") != 0 || hend == std::string::npos) {
    r.error = "not an HTTP/1.x response";
    return;
  }
  r.http_status = std::atoi(response.c_str() + 9);
  if (r.http_status != 200) {
    r.error = "HTTP status " + std::to_string(r.http_status);
    return;
  }
  std::string body = response.substr(hend + 4);
  std::string jerr;
  auto doc = fleet::parse_json(body, &jerr);
  if (!doc || doc->kind != fleet::Value::Kind::kObject) {
    r.error = "the status is not a JSON object: " + jerr;
    return;
  }
  r.doc = std::move(*doc);
  r.answered = true;
}

void poll_device(PollResult& r, mbedtls_ssl_config& conf, int timeout_s) {
  const auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  for (int attempt = 1;; ++attempt) {
    bool retry = false;
    r = PollResult{.target = r.target, .answered = false, .error = {}, .http_status = 0, .doc = {}};
    poll_once(r, conf, deadline, retry);
    const auto pause = std::chrono::milliseconds(250 * attempt);
    if (!retry || attempt == 5 || Clock::now() + 2 * pause > deadline) return;
    std::this_thread::sleep_for(pause);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string ca_path, cert_path, key_path, pki, expect_path, hosts_file;
  bool json = false;
  int timeout_s = 10;
  std::vector<std::string> specs;
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "watch") return watch_main({args.begin() + 1, args.end()});
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    if (a == "--json") {
      json = true;
    } else if (a == "--ca" || a == "--cert" || a == "--key" || a == "--pki" ||
               a == "--expect-policy" || a == "--file" || a == "--timeout") {
      std::string v;
      if (!value(v)) return usage(a + " needs a value");
      if (a == "--ca") ca_path = v;
      if (a == "--cert") cert_path = v;
      if (a == "--key") key_path = v;
      if (a == "--pki") pki = v;
      if (a == "--expect-policy") expect_path = v;
      if (a == "--file") hosts_file = v;
      if (a == "--timeout") {
        if (v.empty() || v.size() > 4 || v.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(v) < 1) {
          return usage("--timeout wants whole seconds, 1..9999");
        }
        timeout_s = std::stoi(v);
      }
    } else if (a == "-h" || a == "--help") {
      return help();
    } else if (a == "--version") {
      std::cout << "portcullis-fleet " << PORTCULLIS_VERSION << "\n";
      return kExitOk;
    } else if (a.size() > 1 && a[0] == '-') {
      return usage("unknown option " + a);
    } else {
      specs.push_back(a);
    }
  }
  if (!pki.empty()) {
    if (!ca_path.empty() || !cert_path.empty() || !key_path.empty())
      return usage("--pki and --ca/--cert/--key exclude each other");
    ca_path = pki + "/ca.crt";
    cert_path = pki + "/mgmt.crt";
    key_path = pki + "/mgmt.key";
  }
  // `portcullis-fleet --pki DIR watch BROKER` would poll a device named watch.
  if (std::find(specs.begin(), specs.end(), "watch") != specs.end())
    return usage("watch comes first: portcullis-fleet watch [options] BROKER[:PORT]");
  if (ca_path.empty() || cert_path.empty() || key_path.empty())
    return usage("need --pki DIR or all of --ca, --cert and --key");
  if (!hosts_file.empty()) {
    auto text = read_file(hosts_file);
    if (!text) return kExitUsage;
    for (auto& entry : fleet::hosts_file_entries(*text)) specs.push_back(std::move(entry));
  }
  if (specs.empty()) return usage("no HOST given");
  std::vector<PollResult> results;
  for (const auto& s : specs) {
    auto t = fleet::parse_target(s, fleet::kDefaultPort, /*allow_id=*/true);
    if (!t) return usage("bad [ID@]HOST[:PORT] '" + s + "'");
    PollResult r;
    r.target = *t;
    results.push_back(std::move(r));
  }

  std::string expected_digest;
  if (!expect_path.empty()) {
    auto digest = policy_digest(expect_path);
    if (!digest) return kExitUsage;
    expected_digest = std::move(*digest);
  }

  // ---- credentials and the TLS profile ----
  static portcullis::platform::PosixEntropy entropy;
  if (platform::tls_init(platform::TlsSetup{
          .arena = {}, .entropy = &entropy, .seed_store = nullptr, .personalization = {}}) !=
      portcullis::Status::kOk) {
    std::cerr << "portcullis-fleet: cannot initialise Mbed TLS (no entropy?)\n";
    return kExitUsage;
  }
  std::vector<std::uint8_t> der[3];
  const std::string* paths[3] = {&ca_path, &cert_path, &key_path};
  for (int k = 0; k < 3; ++k) {
    auto text = read_file(*paths[k]);
    if (!text) return kExitUsage;
    auto d = to_der(*paths[k], *text);
    if (!d) return kExitUsage;
    der[k] = std::move(*d);
  }
  platform::TlsCredentials creds;
  if (creds.load(der[0], der[1], der[2]) != portcullis::Status::kOk) {
    std::cerr << "portcullis-fleet: cannot load the credentials (" << ca_path << ", " << cert_path
              << ", " << key_path << "): " << mbedtls_text(creds.mbedtls_error()) << "\n";
    return kExitUsage;
  }
  // Our own certificate against the CA: the device trusts the same fleet CA, so a certificate
  // that does not chain to it will be refused. Said up front, in words.
  std::string client_warning;
  {
    std::uint32_t flags = 0;
    if (mbedtls_x509_crt_verify(&creds.certificate(), &creds.ca(), nullptr, nullptr, &flags,
                                nullptr, nullptr) != 0) {
      if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
        client_warning = "our client certificate " + cert_path + " is not signed by the CA " +
                         ca_path + " (the device will refuse it)";
      } else if (flags & MBEDTLS_X509_BADCERT_EXPIRED) {
        client_warning = "our client certificate " + cert_path + " has expired";
      } else if (flags & MBEDTLS_X509_BADCERT_FUTURE) {
        client_warning = "our client certificate " + cert_path + " is not valid yet";
      }
      if (!client_warning.empty())
        std::cerr << "portcullis-fleet: warning: " << client_warning << "\n";
    }
  }
  mbedtls_ssl_config conf;
  mbedtls_ssl_config_init(&conf);
  if (platform::tls_configure(conf, platform::TlsRole::kClient, creds,
                              platform::FleetRole::kDevice) != portcullis::Status::kOk) {
    std::cerr << "portcullis-fleet: cannot configure TLS\n";
    return kExitUsage;
  }

  // ---- poll, at most kMaxParallel at once ----
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  const std::size_t n_workers = std::min(kMaxParallel, results.size());
  for (std::size_t w = 0; w < n_workers; ++w) {
    workers.emplace_back([&] {
      for (std::size_t i; (i = next.fetch_add(1)) < results.size();) {
        poll_device(results[i], conf, timeout_s);
        if (!results[i].answered && !client_warning.empty() &&
            results[i].error.rfind("the device closed the connection during the TLS", 0) == 0) {
          results[i].error =
              "certificate problem: the device refused the TLS handshake: " + client_warning;
        }
      }
    });
  }
  for (auto& t : workers) t.join();

  std::vector<Verdict> verdicts;
  for (const auto& r : results) verdicts.push_back(fleet::judge(r, expected_digest));
  const int status = fleet::exit_status(verdicts);
  const bool all_ok = status == kExitOk;

  if (json) {
    std::ostringstream o;
    o << "{\"ok\":" << (all_ok ? "true" : "false");
    if (!expected_digest.empty()) o << ",\"expected_digest\":" << json_escape(expected_digest);
    o << ",\"devices\":[";
    for (std::size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      const auto& v = verdicts[i];
      o << (i ? "," : "") << "{\"target\":" << json_escape(r.target.spec)
        << ",\"host\":" << json_escape(r.target.host) << ",\"port\":" << r.target.port
        << ",\"answered\":" << (r.answered ? "true" : "false")
        << ",\"ok\":" << (v.ok ? "true" : "false")
        << ",\"violation\":" << (v.violation ? "true" : "false");
      if (v.digest_match) o << ",\"digest_match\":" << (*v.digest_match ? "true" : "false");
      if (!r.answered) o << ",\"error\":" << json_escape(r.error);
      o << ",\"problems\":[";
      for (std::size_t k = 0; k < v.problems.size(); ++k) {
        o << (k ? "," : "") << json_escape(v.problems[k]);
      }
      o << "]";
      if (r.answered) {
        o << ",\"status\":";
        write_json(o, r.doc);
      }
      o << "}";
    }
    o << "]}\n";
    std::cout << o.str();
  } else {
    for (std::size_t i = 0; i < results.size(); ++i)
      fleet::print_table(std::cout, results[i], verdicts[i], expected_digest);
    std::size_t good = 0;
    for (const auto& v : verdicts) good += v.ok ? 1 : 0;
    std::cout << good << " of " << results.size() << " device(s) OK\n";
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i].answered)
      std::cerr << "portcullis-fleet: " << results[i].target.spec << ": " << results[i].error
                << "\n";
  }

  {
    std::lock_guard lock(g_tls);
    mbedtls_ssl_config_free(&conf);
    creds.reset();
  }
  platform::tls_shutdown();
  return status;
}
