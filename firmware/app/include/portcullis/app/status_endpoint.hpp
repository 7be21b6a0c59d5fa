#pragma once
// The device's status endpoint: Mbed TLS brought up (arena, entropy, DRBG), the device's
// credentials loaded, a TLS server profile that requires a client certificate from the fleet
// CA, and the HTTPS server on the policy's mgmt port. Nothing when the policy has no mgmt
// line.

#include "mbedtls/ssl.h"
#include "portcullis/hal/console.hpp"
#include "portcullis/hal/entropy.hpp"
#include "portcullis/mgmt/status_server.hpp"
#include "portcullis/platform/tls.hpp"

namespace portcullis::app {

class StatusEndpoint {
 public:
  StatusEndpoint() = default;
  ~StatusEndpoint();
  StatusEndpoint(const StatusEndpoint&) = delete;
  StatusEndpoint& operator=(const StatusEndpoint&) = delete;

  // `entropy`: the board's source, or nullptr (the provisioned NV seed only).
  Status start(hal::Entropy* entropy, mgmt::SnapshotFn snapshot, void* ctx, hal::Console& console);
  bool running() const { return running_; }
  const mgmt::StatusServer& server() const { return server_; }

 private:
  platform::TlsCredentials credentials_;
  mbedtls_ssl_config conf_{};
  bool conf_ready_ = false;
  bool running_ = false;
  mgmt::StatusServer server_;
};

}  // namespace portcullis::app
