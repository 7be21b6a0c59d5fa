#include "portcullis/app/management.hpp"

#include <span>
#include <string_view>

#include "lwip/ip_addr.h"

#include "portcullis/credentials/device_credentials.hpp"
#include "portcullis/policy/compiled.hpp"

namespace portcullis::app {
namespace {

constexpr std::uint16_t kMgmtPort = policy::kPolicy.mgmt_port().value_or(0);

// The server on the mgmt port; a template so that a policy without one compiles no listener.
template <std::uint16_t kPort>
Status start_server(mgmt::StatusServer& server, mgmt::TlsPool& tls, const mbedtls_ssl_config* conf,
                    mgmt::SnapshotFn snapshot, void* ctx) {
  if constexpr (kPort == 0) {
    return Status::kOk;
  } else {
    return server.start(tls, conf, policy::allowed_tcp_port<kPort>(), snapshot, ctx);
  }
}

void report(const hal::Log& log, std::string_view what, Status st) {
  log.line("status endpoint: ", what, ": ", to_string(st));
}

}  // namespace

Management::~Management() {
  if (conf_ready_) {
    mbedtls_ssl_config_free(&conf_);
  }
  if (client_conf_ready_) {
    mbedtls_ssl_config_free(&client_conf_);
  }
}

Status Management::init_tls(hal::Entropy* entropy, hal::Entropy* noise,
                            platform::TlsSeedStore* seed_store, const hal::Log& log) {
  if (tls_tried_) {
    return tls_status_;  // one try per boot: a seed is read and rewritten once
  }
  tls_tried_ = true;
  const auto id = credentials::kDeviceId;
  tls_status_ = platform::tls_init(
      {.arena = platform::builtin_tls_arena(),
       .entropy = entropy,
       .seed_store = seed_store,
       .personalization = std::span(reinterpret_cast<const std::uint8_t*>(id.data()), id.size()),
       .noise = noise});
  if (!ok(tls_status_)) {
    report(log, "TLS init", tls_status_);
    return tls_status_;
  }
  tls_status_ = credentials_.load(credentials::kCaCertificate, credentials::kDeviceCertificate,
                                  credentials::kDeviceKey);
  if (!ok(tls_status_)) {
    report(log, "device credentials", tls_status_);
  }
  return tls_status_;
}

Status Management::configure(mbedtls_ssl_config& conf, bool& ready, platform::TlsRole role,
                             platform::FleetRole peer, std::string_view what, hal::Entropy* entropy,
                             const hal::Log& log) {
  Status st = init_tls(entropy, nullptr, nullptr, log);
  if (!ok(st)) {
    return st;
  }
  mbedtls_ssl_config_init(&conf);
  ready = true;
  st = platform::tls_configure(conf, role, credentials_, peer);
  if (!ok(st)) {
    report(log, what, st);
  }
  return st;
}

Status Management::start(hal::Entropy* entropy, mgmt::SnapshotFn snapshot, void* ctx,
                         const hal::Log& log) {
  if constexpr (kMgmtPort == 0) {
    log.line("no mgmt line in the policy: no status endpoint");
    return Status::kOk;
  }
  Status st = configure(conf_, conf_ready_, platform::TlsRole::kServer,
                        platform::FleetRole::kManagement, "TLS profile", entropy, log);
  if (!ok(st)) {
    return st;
  }
  if constexpr (platform::kTlsSessionCacheEntries != 0) {
    sessions_.attach(conf_);
  }
  st = start_server<kMgmtPort>(server_, tls_pool_, &conf_, snapshot, ctx);
  if (!ok(st)) {
    report(log, "listen", st);
    return st;
  }
  log.line("status endpoint: https on the mgmt port, client certificate required");
  return Status::kOk;
}

std::string_view Management::broker_text() {
  return mgmt::kMqttBrokerText;
}

Status Management::start_push(hal::Entropy* entropy, mgmt::SnapshotFn snapshot, void* ctx,
                              const hal::Log& log) {
  if constexpr (mgmt::kMqttBroker.empty()) {
    log.line("no MQTT broker set for this board: no push");
    return Status::kOk;
  }
  mgmt::PushSettings settings;
  // An address literal, else a DNS name (firmware/mgmt/CMakeLists.txt checked its form). What
  // looks like an address (digits and dots, or a colon) must be one: a mistyped address is
  // never looked up as a name.
  constexpr bool kLooksLikeAddress =
      mgmt::kMqttBroker.find_first_not_of("0123456789.") == std::string_view::npos ||
      mgmt::kMqttBroker.find(':') != std::string_view::npos;
  settings.resolve = ipaddr_aton(mgmt::kMqttBroker.data(), &settings.broker) == 0;
  if (settings.resolve && kLooksLikeAddress) {
    log.line("push: the broker '", mgmt::kMqttBroker, "' is no address: no push");
    return Status::kInvalidArgument;
  }
  if (settings.resolve && !LWIP_DNS) {
    log.line(
        "push: the broker is a name and there is no resolver (PORTCULLIS_LWIP_DNS=0): no push");
    return Status::kInvalidArgument;
  }
  Status st = configure(client_conf_, client_conf_ready_, platform::TlsRole::kClient,
                        platform::FleetRole::kBroker, "TLS client profile", entropy, log);
  if (!ok(st)) {
    return st;
  }
  settings.port = mgmt::kMqttPort;
  settings.broker_name = mgmt::kMqttBroker.data();  // the broker's certificate carries it
  settings.topic_prefix = mgmt::kMqttTopicPrefix;
  settings.device_id = credentials::kDeviceId;
  settings.status_period_ms = mgmt::kMqttStatusPeriodMs;
  settings.keep_alive_s = mgmt::kMqttKeepAliveS;
  settings.broker_text = mgmt::kMqttBrokerText;
  st = push_.start(settings, tls_pool_, &client_conf_, snapshot, ctx);
  if (!ok(st)) {
    log.line("push: ", to_string(st), ": no push");
    return st;
  }
  log.line("push: MQTT over TLS to ", mgmt::kMqttBrokerText, ", topics ", mgmt::kMqttTopicPrefix,
           "/", credentials::kDeviceId, "/{status,events}");
  return Status::kOk;
}

}  // namespace portcullis::app
