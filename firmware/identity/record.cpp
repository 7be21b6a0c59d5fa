// SPDX-License-Identifier: Apache-2.0
#include "portcullis/identity/record.hpp"

#include <algorithm>
#include <array>

#include "portcullis/base/mac_address.hpp"

namespace portcullis::identity {
namespace {

using Bytes = std::span<const std::uint8_t>;

constexpr std::array<std::uint8_t, 4> kMagic = {'P', 'C', 'I', 'D'};
constexpr std::size_t kFieldHeader = 3;  // type, 16-bit length

constexpr std::uint32_t u32(Bytes b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) | static_cast<std::uint32_t>(b[at + 1]) << 8 |
         static_cast<std::uint32_t>(b[at + 2]) << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}
constexpr std::uint16_t u16(Bytes b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | b[at + 1] << 8);
}

// 1..max characters, each a letter, a digit, '-', '.' or one of `extra`.
bool name_of(std::string_view s, std::size_t max, std::string_view extra) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [extra](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || extra.find(c) != std::string_view::npos;
  });
}

// A broker or time server: a DNS name or an IPv4/IPv6 literal, as lwIP's resolver takes it.
bool valid_host(std::string_view s) {
  return name_of(s, kMaxHostName, ":");
}

// An Ethernet address a device may take: 6 bytes, unicast (I/G bit clear), not all zero.
bool valid_mac(Bytes mac) {
  return mac.size() == 6 && station_address(mac.first<6>());
}

// A text field's value: its bytes but the final NUL, which must be there, alone.
bool text_of(Bytes value, std::string_view& out) {
  if (value.empty() || value.back() != 0 ||
      std::find(value.begin(), value.end() - 1, 0) != value.end() - 1) {
    return false;
  }
  out = std::string_view(reinterpret_cast<const char*>(value.data()), value.size() - 1);
  return true;
}

}  // namespace

bool valid_device_id(std::string_view id) {
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  // A DNS name's ends: no leading or trailing '-' or '.' (tools/pki and the build agree).
  return name_of(id, kMaxDeviceId, {}) && alnum(id.front()) && alnum(id.back());
}

const char* to_string(RecordState state) {
  switch (state) {
    case RecordState::kValid:
      return "valid";
    case RecordState::kBlank:
      return "none (blank)";
    case RecordState::kBadMagic:
      return "not a provisioning record";
    case RecordState::kBadVersion:
      return "another record version";
    case RecordState::kBadLength:
      return "corrupt (length)";
    case RecordState::kBadChecksum:
      return "corrupt (checksum)";
    case RecordState::kBadField:
      return "corrupt (field)";
    case RecordState::kMissingField:
      return "incomplete (id, certificate, key or CA missing)";
  }
  return "?";
}

std::uint32_t crc32(Bytes bytes) {
  std::uint32_t crc = 0xFFFFFFFFU;
  for (const std::uint8_t b : bytes) {
    crc ^= b;
    for (int i = 0; i < 8; ++i) {
      crc = (crc >> 1) ^ (0xEDB88320U & (0U - (crc & 1U)));
    }
  }
  return ~crc;
}

ParsedRecord parse_record(Bytes region) {
  ParsedRecord out;
  const Bytes head = region.first(std::min(region.size(), kHeaderBytes));
  if (std::all_of(head.begin(), head.end(), [](std::uint8_t b) { return b == 0xFF; }) ||
      std::all_of(head.begin(), head.end(), [](std::uint8_t b) { return b == 0; })) {
    out.state = RecordState::kBlank;
    return out;
  }
  if (region.size() < kHeaderBytes || !std::equal(kMagic.begin(), kMagic.end(), region.begin())) {
    out.state = RecordState::kBadMagic;
    return out;
  }
  if (u16(region, 4) != kRecordVersion || u16(region, 6) != kHeaderBytes) {
    out.state = RecordState::kBadVersion;
    return out;
  }
  const std::uint32_t size = u32(region, 8);
  if (size > std::min(region.size(), kRegionBytes) - kHeaderBytes) {
    out.state = RecordState::kBadLength;
    return out;
  }
  const Bytes payload = region.subspan(kHeaderBytes, size);
  if (crc32(payload) != u32(region, 12)) {
    out.state = RecordState::kBadChecksum;
    return out;
  }
  Identity id;
  std::uint8_t seen = 0;  // bit per field type
  for (std::size_t at = 0; at < payload.size();) {
    if (payload.size() - at < kFieldHeader) {
      out.state = RecordState::kBadField;
      return out;
    }
    const std::uint8_t type = payload[at];
    const std::size_t len = u16(payload, at + 1);
    at += kFieldHeader;
    if (len > payload.size() - at || type == 0 || type > 7 || (seen & (1U << type)) != 0) {
      out.state = RecordState::kBadField;
      return out;
    }
    seen = static_cast<std::uint8_t>(seen | 1U << type);
    const Bytes value = payload.subspan(at, len);
    at += len;
    bool ok = true;
    switch (static_cast<Field>(type)) {
      case Field::kDeviceId:
        ok = text_of(value, id.device_id) && valid_device_id(id.device_id);
        break;
      case Field::kCertificate:
        id.certificate = value;
        ok = !value.empty();
        break;
      case Field::kKey:
        id.key = value;
        ok = !value.empty();
        break;
      case Field::kCa:
        id.ca = value;
        ok = !value.empty();
        break;
      case Field::kBroker:
        ok = text_of(value, id.broker) && valid_host(id.broker);
        break;
      case Field::kTimeServer:
        ok = text_of(value, id.time_server) && valid_host(id.time_server);
        break;
      case Field::kMac:
        id.mac = value;
        ok = valid_mac(value);
        break;
    }
    if (!ok) {
      out.state = RecordState::kBadField;
      return out;
    }
  }
  if (id.device_id.empty() || id.certificate.empty() || id.key.empty() || id.ca.empty()) {
    out.state = RecordState::kMissingField;
    return out;
  }
  out.state = RecordState::kValid;
  out.identity = id;
  return out;
}

StatusWithSize write_record(const Identity& id, std::span<std::uint8_t> out) {
  if (!valid_device_id(id.device_id) || id.certificate.empty() || id.key.empty() || id.ca.empty() ||
      (!id.broker.empty() && !valid_host(id.broker)) ||
      (!id.time_server.empty() && !valid_host(id.time_server)) ||
      (!id.mac.empty() && !valid_mac(id.mac))) {
    return {Status::kInvalidArgument, 0};
  }
  std::size_t at = kHeaderBytes;
  bool fits = true;
  const auto put = [&](Field type, Bytes value, bool text) {
    const std::size_t len = value.size() + (text ? 1 : 0);
    if (len > 0xFFFF || at + kFieldHeader + len > std::min(out.size(), kRegionBytes)) {
      fits = false;
      return;
    }
    out[at] = static_cast<std::uint8_t>(type);
    out[at + 1] = static_cast<std::uint8_t>(len);
    out[at + 2] = static_cast<std::uint8_t>(len >> 8);
    std::copy(value.begin(), value.end(), out.begin() + static_cast<std::ptrdiff_t>(at + 3));
    if (text) {
      out[at + 3 + value.size()] = 0;
    }
    at += kFieldHeader + len;
  };
  const auto text = [](std::string_view s) {
    return Bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  };
  if (out.size() < kHeaderBytes) {
    return {Status::kResourceExhausted, 0};
  }
  put(Field::kDeviceId, text(id.device_id), true);
  put(Field::kCertificate, id.certificate, false);
  put(Field::kKey, id.key, false);
  put(Field::kCa, id.ca, false);
  if (!id.broker.empty()) {
    put(Field::kBroker, text(id.broker), true);
  }
  if (!id.time_server.empty()) {
    put(Field::kTimeServer, text(id.time_server), true);
  }
  if (!id.mac.empty()) {
    put(Field::kMac, id.mac, false);
  }
  if (!fits) {
    return {Status::kResourceExhausted, 0};
  }
  const std::uint32_t size = static_cast<std::uint32_t>(at - kHeaderBytes);
  const std::uint32_t crc = crc32(Bytes(out.data() + kHeaderBytes, size));
  std::copy(kMagic.begin(), kMagic.end(), out.begin());
  out[4] = kRecordVersion & 0xFF;
  out[5] = kRecordVersion >> 8;
  out[6] = kHeaderBytes;
  out[7] = 0;
  for (int i = 0; i < 4; ++i) {
    out[8 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(size >> (8 * i));
    out[12 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(crc >> (8 * i));
  }
  return {Status::kOk, at};
}

}  // namespace portcullis::identity
