// SPDX-License-Identifier: Apache-2.0
#pragma once
// The device's identity, provisioned apart from the image (`tools/pki provision`): its id,
// certificate and key, the fleet CA, and the network settings that differ per device or
// deployment (its MAC address, the broker, the time server). One image serves many devices: each is
// told who it is by the record in its own reserved region (a flash sector on the LM3S6965, a blob
// QEMU's loader places on the AN385, a file for host-linux). Pure: bytes in, views into them out;
// no heap.
//
// Layout (little-endian):
//   0   magic "PCID"
//   4   version (1)
//   6   header size (16)
//   8   payload size (bytes after the header)
//   12  CRC-32 (IEEE 802.3) of the payload
//   16  payload: fields, each a type byte, a 16-bit length and that many bytes; text fields
//       end in one NUL (counted in the length) and hold no other.
// The region after the payload is not read (erased flash, or zeros).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "portcullis/base/status.hpp"

namespace portcullis::identity {

inline constexpr std::uint16_t kRecordVersion = 1;
inline constexpr std::size_t kHeaderBytes = 16;
// The reserved region every board sets aside: header and payload fit in it.
inline constexpr std::size_t kRegionBytes = 4096;
inline constexpr std::size_t kMaxDeviceId = 64;  // tools/pki: 1-64 of [A-Za-z0-9.-]
inline constexpr std::size_t kMaxHostName = 63;  // lwIP's DNS_MAX_NAME_LENGTH less its NUL

enum class Field : std::uint8_t {
  kDeviceId = 1,     // text: the MQTT client id, the certificate's CN and DNS SAN
  kCertificate = 2,  // DER: the device's certificate, signed by the CA
  kKey = 3,          // DER: its private key (EC P-256)
  kCa = 4,           // DER: the fleet CA (management clients and the broker chain to it)
  kBroker = 5,       // text, optional: the MQTT broker (a DNS name or an address literal)
  kTimeServer = 6,   // text, optional: the SNTP server (a name or an address)
  kMac = 7,          // 6 bytes, optional: the device's Ethernet address (unicast, not zero)
};

struct Identity {
  std::string_view device_id;  // NUL-terminated in the record (data()[size()] == 0)
  std::span<const std::uint8_t> certificate;
  std::span<const std::uint8_t> key;
  std::span<const std::uint8_t> ca;
  std::string_view broker;            // empty: the build's (PORTCULLIS_MQTT_BROKER)
  std::string_view time_server;       // empty: the one the DHCP lease names
  std::span<const std::uint8_t> mac;  // 6 bytes; empty: the board's
};

enum class RecordState : std::uint8_t {
  kValid,
  kBlank,         // erased flash (all 0xFF) or zeros: never provisioned
  kBadMagic,      // something else is there
  kBadVersion,    // a record of another version (or header size) than this image reads
  kBadLength,     // the payload does not fit the region
  kBadChecksum,   // the payload's CRC differs: corrupt
  kBadField,      // a field overruns the payload, repeats, or holds what its type forbids
  kMissingField,  // no device id, certificate, key or CA
};
const char* to_string(RecordState state);

struct ParsedRecord {
  RecordState state = RecordState::kBlank;
  Identity identity;  // kValid only: views into the region
};

// Reads the record at the start of `region` (the reserved region, or a file's bytes).
[[nodiscard]] ParsedRecord parse_record(std::span<const std::uint8_t> region);

// Writes `id` as a record into `out` (host tools and tests). kInvalidArgument for a required
// field missing or a text field too long or not a valid name; kResourceExhausted when `out`
// (or kRegionBytes) is too small.
[[nodiscard]] StatusWithSize write_record(const Identity& id, std::span<std::uint8_t> out);

// A device id as the record (and the poller's ID@HOST) takes it: 1..kMaxDeviceId of letters,
// digits, '-' and '.', beginning and ending with a letter or digit (a DNS name and an MQTT
// topic level; tools/pki and cmake/credentials.cmake take the same).
bool valid_device_id(std::string_view id);

// CRC-32 (IEEE 802.3, reflected, as zlib's crc32()).
std::uint32_t crc32(std::span<const std::uint8_t> bytes);

}  // namespace portcullis::identity
