// SPDX-License-Identifier: Apache-2.0
#pragma once
// The build's device as an identity record (firmware/identity), as `tools/pki provision` writes
// one: what the agent tests hand Agent::start() for the region a board reserves. The device id,
// broker, time server and MAC can be set; the certificate, key and CA are the build's
// (cmake/credentials.cmake), whose CN is the build's device id.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "portcullis/credentials/device_credentials.hpp"
#include "portcullis/hal/fatal.hpp"
#include "portcullis/identity/record.hpp"

namespace portcullis::test {

struct DeviceRecord {
  std::string_view device_id = credentials::kDeviceId;
  std::string_view broker;
  std::string_view time_server;
  std::span<const std::uint8_t> mac;
};

// A region holding the record (the rest zero, as an erased region reads here); one per
// process, rewritten by each call.
inline std::span<const std::uint8_t> device_record(const DeviceRecord& r) {
  static std::array<std::uint8_t, identity::kRegionBytes> region;
  region.fill(0);
  const identity::Identity id{.device_id = r.device_id,
                              .certificate = credentials::kDeviceCertificate,
                              .key = credentials::kDeviceKey,
                              .ca = credentials::kCaCertificate,
                              .broker = r.broker,
                              .time_server = r.time_server,
                              .mac = r.mac};
  if (!ok(identity::write_record(id, region).status)) {
    hal::fatal("device_record: the test's identity does not fit a record");
  }
  return region;
}

}  // namespace portcullis::test
