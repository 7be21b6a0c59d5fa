#include "portcullis/app/status_endpoint.hpp"

#include <span>

#include "portcullis/credentials/device_credentials.hpp"
#include "portcullis/policy/compiled.hpp"

namespace portcullis::app {
namespace {

constexpr std::uint16_t kMgmtPort = policy::kPolicy.mgmt_port().value_or(0);

// The server on the mgmt port; a template so that a policy without one compiles no listener.
template <std::uint16_t kPort>
Status start_server(mgmt::StatusServer& server, const mbedtls_ssl_config* conf,
                    mgmt::SnapshotFn snapshot, void* ctx) {
  if constexpr (kPort == 0) {
    return Status::kOk;
  } else {
    return server.start(conf, policy::allowed_tcp_port<kPort>(), snapshot, ctx);
  }
}

void report(hal::Console& console, std::string_view what, Status st) {
  console.write("portcullis: status endpoint: ");
  console.write(what);
  console.write(": ");
  console.write(to_string(st));
  console.write("\n");
}

}  // namespace

StatusEndpoint::~StatusEndpoint() {
  if (conf_ready_) {
    mbedtls_ssl_config_free(&conf_);
  }
}

Status StatusEndpoint::start(hal::Entropy* entropy, mgmt::SnapshotFn snapshot, void* ctx,
                             hal::Console& console) {
  if constexpr (kMgmtPort == 0) {
    console.write("portcullis: no mgmt line in the policy: no status endpoint\n");
    return Status::kOk;
  }
  const auto id = credentials::kDeviceId;
  Status st = platform::tls_init(
      entropy, std::span(reinterpret_cast<const std::uint8_t*>(id.data()), id.size()));
  if (!ok(st)) {
    report(console, "TLS init", st);
    return st;
  }
  st = credentials_.load(credentials::kCaCertificate, credentials::kDeviceCertificate,
                         credentials::kDeviceKey);
  if (!ok(st)) {
    report(console, "device credentials", st);
    return st;
  }
  mbedtls_ssl_config_init(&conf_);
  conf_ready_ = true;
  st = platform::tls_configure(conf_, platform::TlsRole::kServer, credentials_);
  if (!ok(st)) {
    report(console, "TLS profile", st);
    return st;
  }
  st = start_server<kMgmtPort>(server_, &conf_, snapshot, ctx);
  if (!ok(st)) {
    report(console, "listen", st);
    return st;
  }
  running_ = true;
  console.write(
      "portcullis: status endpoint: https on the mgmt port, client certificate required\n");
  return Status::kOk;
}

}  // namespace portcullis::app
