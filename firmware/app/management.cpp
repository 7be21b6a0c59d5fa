// SPDX-License-Identifier: Apache-2.0
#include "portcullis/app/management.hpp"

#include <span>
#include <string_view>

#include "lwip/ip_addr.h"

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
                            platform::TlsSeedStore* seed_store, const identity::Identity* identity,
                            const hal::Log& log) {
  if (tls_tried_) {
    return tls_status_;  // one try per boot: a seed is read and rewritten once
  }
  tls_tried_ = true;
  const std::string_view id = identity != nullptr ? identity->device_id : std::string_view{};
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
  if (id.empty()) {
    return tls_status_;  // the DRBG for lwIP's keys; the agent said why there is no identity
  }
  if (const Status st = credentials_.load(identity->ca, identity->certificate, identity->key);
      !ok(st)) {
    log.line("identity ", id, ": certificate, key or CA do not parse or match (Mbed TLS error -",
             static_cast<std::uint32_t>(-credentials_.mbedtls_error()),
             "): no TLS; provision the device again (tools/pki provision)");
    return tls_status_;
  }
  if (!credentials_.certificate_is_for(id)) {
    // The record names one device and its certificate another: a poller would see one id in
    // the status and another in the handshake. Neither is believed.
    credentials_.reset();
    log.line("identity ", id, ": the certificate's CN is not the device id: no TLS; provision ",
             "the device again (tools/pki provision)");
    return tls_status_;
  }
  device_id_ = id;
  // The push's broker: the record's, else the build's.
  broker_ = identity->broker.empty() ? mgmt::kMqttBroker : identity->broker;
  if (!broker_.empty()) {
    const bool v6 = broker_.find(':') != std::string_view::npos;
    broker_text_.append(v6 ? "[" : "");
    broker_text_.append(broker_);
    broker_text_.append(v6 ? "]:" : ":");
    broker_text_.append_decimal(mgmt::kMqttPort);
  }
  return tls_status_;
}

Status Management::configure(mbedtls_ssl_config& conf, bool& ready, platform::TlsRole role,
                             platform::FleetRole peer, std::string_view what, hal::Entropy* entropy,
                             const hal::Log& log) {
  Status st = init_tls(entropy, nullptr, nullptr, nullptr, log);
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
  Status st = init_tls(entropy, nullptr, nullptr, nullptr, log);
  if (ok(st) && !credentials_.loaded()) {
    log.line("no device credentials: no status endpoint");  // the lines before say why
    return Status::kUnavailable;
  }
  st = configure(conf_, conf_ready_, platform::TlsRole::kServer, platform::FleetRole::kManagement,
                 "TLS profile", entropy, log);
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

Status Management::start_push(hal::Entropy* entropy, mgmt::SnapshotFn snapshot, void* ctx,
                              const hal::Log& log) {
  if (ok(init_tls(entropy, nullptr, nullptr, nullptr, log)) && !credentials_.loaded()) {
    log.line("no device credentials: no push");
    return Status::kUnavailable;
  }
  if (broker_.empty()) {
    log.line("no MQTT broker set for this device (record or build): no push");
    return Status::kOk;
  }
  mgmt::PushSettings settings;
  // An address literal, else a DNS name (the record's parser and firmware/mgmt/CMakeLists.txt
  // checked its characters). What looks like an address (digits and dots, or a colon) must be
  // one: a mistyped address is never looked up as a name.
  const bool looks_like_address =
      broker_.find_first_not_of("0123456789.") == std::string_view::npos ||
      broker_.find(':') != std::string_view::npos;
  settings.resolve = ipaddr_aton(broker_.data(), &settings.broker) == 0;
  if (settings.resolve && looks_like_address) {
    log.line("push: the broker '", broker_, "' is no address: no push");
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
  settings.broker_name = broker_.data();  // NUL-terminated; the broker's certificate carries it
  settings.topic_prefix = mgmt::kMqttTopicPrefix;
  settings.device_id = device_id_;
  settings.status_period_ms = mgmt::kMqttStatusPeriodMs;
  settings.keep_alive_s = mgmt::kMqttKeepAliveS;
  settings.broker_text = broker_text();
  st = push_.start(settings, tls_pool_, &client_conf_, snapshot, ctx);
  if (!ok(st)) {
    log.line("push: ", to_string(st), ": no push");
    return st;
  }
  log.line("push: MQTT over TLS to ", broker_text(), ", topics ", mgmt::kMqttTopicPrefix, "/",
           device_id_, "/{status,events}");
  return Status::kOk;
}

}  // namespace portcullis::app
