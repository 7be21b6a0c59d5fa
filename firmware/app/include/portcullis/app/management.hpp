// SPDX-License-Identifier: Apache-2.0
#pragma once
// The device's management side, owned by the agent: Mbed TLS brought up (arena, entropy, DRBG), the
// device's credentials loaded from its identity record (firmware/identity); a TLS server profile
// that requires a client certificate from the fleet CA and the HTTPS server on the policy's mgmt
// port (nothing when the policy has no mgmt line); and the MQTT push to the record's broker, else
// the build's, with a TLS client profile on the same credentials (nothing when neither names one).
// Without a valid record: no credentials, no status endpoint, no push (the DRBG still comes up, for
// lwIP's keys).

#include <string_view>

#include "mbedtls/ssl.h"
#include "portcullis/base/fixed_text.hpp"
#include "portcullis/hal/clock.hpp"
#include "portcullis/hal/entropy.hpp"
#include "portcullis/hal/log.hpp"
#include "portcullis/identity/record.hpp"
#include "portcullis/mgmt/mqtt_push.hpp"
#include "portcullis/mgmt/status_server.hpp"
#include "portcullis/platform/tls.hpp"
#include "portcullis/platform/tls_session_cache.hpp"

namespace portcullis::app {

class Management {
 public:
  // `clock` dates the sessions kept for resumption (platform/tls_session_cache.hpp).
  explicit Management(const hal::Clock& clock) : sessions_(clock) {}
  ~Management();
  Management(const Management&) = delete;
  Management& operator=(const Management&) = delete;

  // Mbed TLS up (arena, entropy and NV seed, DRBG), tried once per boot: later calls return
  // the first call's result. Then the credentials of `id` loaded (the console says when they
  // are refused): views into the device's provisioned record, which must outlive this
  // object; nullptr: no identity. The record's broker, if any, replaces the build's. The agent
  // calls it before lwIP starts, since lwIP's randomness is keyed from the DRBG. `entropy`: the
  // board's source, or nullptr; `noise`: a weak source, or nullptr; `seed_store`: the
  // device's NV seed (nullptr: the build's, in RAM).
  Status init_tls(hal::Entropy* entropy, hal::Entropy* noise, platform::TlsSeedStore* seed_store,
                  const identity::Identity* id, const hal::Log& log);
  // The identity's device id (empty: none).
  std::string_view device_id() const { return device_id_; }

  Status start(hal::Entropy* entropy, mgmt::SnapshotFn snapshot, void* ctx, const hal::Log& log);

  // The push to the identity's broker, else the build's (PORTCULLIS_MQTT_BROKER); kOk and
  // nothing when neither names one. After start(), which brings up TLS (or does so itself
  // without a mgmt line).
  Status start_push(hal::Entropy* entropy, mgmt::SnapshotFn snapshot, void* ctx,
                    const hal::Log& log);
  // The agent loop's turn, in lwIP's context: sessions past their lifetime are wiped.
  void poll() { sessions_.expire(); }
  const platform::TlsSessionCache& sessions() const { return sessions_; }
  mgmt::MqttPush& push() { return push_; }
  const mgmt::MqttPush& push() const { return push_; }
  const mgmt::TlsPool& tls_pool() const { return tls_pool_; }
  // "ADDRESS:PORT", "[IPV6-ADDRESS]:PORT" or "broker.example:8883"; empty when the device
  // pushes nowhere (no broker, or no identity).
  std::string_view broker_text() const { return broker_text_.view(); }

 private:
  // TLS up (init_tls) and `conf` set up as the device in `role` facing `peer`, on loaded
  // credentials (the callers see to it and say so when there are none); `what` names the
  // profile in the console line of a failure. `ready` says `conf` needs freeing.
  Status configure(mbedtls_ssl_config& conf, bool& ready, platform::TlsRole role,
                   platform::FleetRole peer, std::string_view what, hal::Entropy* entropy,
                   const hal::Log& log);

  std::string_view device_id_;  // the record's; empty: no identity
  std::string_view broker_;     // NUL-terminated: the record's or the build's; empty: none
  // The broker's host in brackets if it is an IPv6 literal, ':' and the port.
  FixedText<identity::kMaxHostName + 9> broker_text_;
  platform::TlsCredentials credentials_;
  bool tls_tried_ = false;
  Status tls_status_ = Status::kUnavailable;
  mbedtls_ssl_config conf_{};
  bool conf_ready_ = false;
  platform::TlsSessionCache sessions_;  // the status server's, for resuming clients
  mgmt::TlsPool tls_pool_;              // the sessions of the status server and the push
  mgmt::StatusServer server_;
  mbedtls_ssl_config client_conf_{};
  bool client_conf_ready_ = false;
  mgmt::MqttPush push_;
};

}  // namespace portcullis::app
