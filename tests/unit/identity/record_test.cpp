// SPDX-License-Identifier: Apache-2.0
// The identity record a device is provisioned with (firmware/identity): what the device reads
// from its reserved region, and every way a region can be blank, foreign or corrupt.
#include "portcullis/identity/record.hpp"

#include <CppUTest/TestHarness.h>

#include <array>
#include <string>
#include <vector>

using portcullis::identity::crc32;
using portcullis::identity::Field;
using portcullis::identity::Identity;
using portcullis::identity::kHeaderBytes;
using portcullis::identity::kRegionBytes;
using portcullis::identity::parse_record;
using portcullis::identity::RecordState;
using portcullis::identity::write_record;

namespace {

const std::vector<std::uint8_t> kCert(300, 0xC1);
const std::vector<std::uint8_t> kKey(121, 0x4B);
const std::vector<std::uint8_t> kCa(280, 0xCA);
const std::vector<std::uint8_t> kMac = {0x02, 0x00, 0x5e, 0x00, 0x53, 0x07};

Identity sample() {
  Identity id;
  id.device_id = "sensor-0042.plant-3";
  id.certificate = kCert;
  id.key = kKey;
  id.ca = kCa;
  id.broker = "broker.example.test";
  id.time_server = "192.0.2.123";
  id.mac = kMac;
  return id;
}

// A region of erased flash holding the record of `id`.
std::vector<std::uint8_t> region_of(const Identity& id) {
  std::vector<std::uint8_t> r(kRegionBytes, 0xFF);
  const auto w = write_record(id, r);
  CHECK(portcullis::ok(w.status));
  return r;
}

RecordState state_of(const std::vector<std::uint8_t>& r) {
  return parse_record(r).state;
}

// Rewrites the payload's CRC after a test changed the payload (so only the change is judged).
void fix_crc(std::vector<std::uint8_t>& r) {
  const std::uint32_t size =
      r[8] | r[9] << 8 | r[10] << 16 | static_cast<std::uint32_t>(r[11]) << 24;
  const std::uint32_t crc = crc32(std::span(r).subspan(kHeaderBytes, size));
  for (int i = 0; i < 4; ++i) {
    r[12 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(crc >> (8 * i));
  }
}

}  // namespace

TEST_GROUP(IdentityRecord){};

TEST(IdentityRecord, WhatIsWrittenIsReadBackAsViewsIntoTheRegion) {
  const std::vector<std::uint8_t> r = region_of(sample());
  const auto parsed = parse_record(r);
  CHECK(parsed.state == RecordState::kValid);
  const Identity& id = parsed.identity;
  STRCMP_EQUAL("sensor-0042.plant-3", std::string(id.device_id).c_str());
  LONGS_EQUAL(0, id.device_id.data()[id.device_id.size()]);  // NUL-terminated for lwIP
  CHECK(std::vector<std::uint8_t>(id.certificate.begin(), id.certificate.end()) == kCert);
  CHECK(std::vector<std::uint8_t>(id.key.begin(), id.key.end()) == kKey);
  CHECK(std::vector<std::uint8_t>(id.ca.begin(), id.ca.end()) == kCa);
  STRCMP_EQUAL("broker.example.test", std::string(id.broker).c_str());
  STRCMP_EQUAL("192.0.2.123", std::string(id.time_server).c_str());
  CHECK(id.certificate.data() >= r.data() && id.certificate.data() < r.data() + r.size());
}

TEST(IdentityRecord, TheOptionalSettingsMayBeLeftOut) {
  Identity id = sample();
  id.broker = {};
  id.time_server = {};
  const auto parsed = parse_record(region_of(id));
  CHECK(parsed.state == RecordState::kValid);
  CHECK(parsed.identity.broker.empty());
  CHECK(parsed.identity.time_server.empty());
}

TEST(IdentityRecord, KnownChecksum) {
  const std::string text = "123456789";
  LONGS_EQUAL(0xCBF43926U,
              crc32(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())));
}

TEST(IdentityRecord, ErasedOrZeroedIsBlankAndAnythingElseIsNotARecord) {
  CHECK(state_of(std::vector<std::uint8_t>(kRegionBytes, 0xFF)) == RecordState::kBlank);
  CHECK(state_of(std::vector<std::uint8_t>(kRegionBytes, 0x00)) == RecordState::kBlank);
  std::vector<std::uint8_t> r = region_of(sample());
  r[0] = 'X';
  CHECK(state_of(r) == RecordState::kBadMagic);
  CHECK(parse_record(std::span(r).first(8)).state == RecordState::kBadMagic);
}

TEST(IdentityRecord, AnotherVersionIsRefused) {
  std::vector<std::uint8_t> r = region_of(sample());
  r[4] = 2;
  CHECK(state_of(r) == RecordState::kBadVersion);
  r = region_of(sample());
  r[6] = 20;  // another header size
  CHECK(state_of(r) == RecordState::kBadVersion);
}

TEST(IdentityRecord, APayloadBeyondTheRegionIsRefused) {
  std::vector<std::uint8_t> r = region_of(sample());
  r[9] = 0x10;  // 4 KiB and more
  CHECK(state_of(r) == RecordState::kBadLength);
  // A region cut shorter than the record says (a file cut short).
  const std::vector<std::uint8_t> whole = region_of(sample());
  CHECK(parse_record(std::span(whole).first(100)).state == RecordState::kBadLength);
}

TEST(IdentityRecord, EveryFlippedPayloadBitIsCaught) {
  const std::vector<std::uint8_t> good = region_of(sample());
  const std::size_t size = good[8] | good[9] << 8;
  for (std::size_t at = kHeaderBytes; at < kHeaderBytes + size; at += 7) {
    std::vector<std::uint8_t> r = good;
    r[at] ^= static_cast<std::uint8_t>(1U << (at % 8));
    CHECK_TEXT(state_of(r) == RecordState::kBadChecksum, std::to_string(at).c_str());
  }
}

TEST(IdentityRecord, FieldsThatBreakTheirRulesAreRefused) {
  const std::vector<std::uint8_t> good = region_of(sample());
  // The first field is the device id: type 1, length 20 ("sensor-0042.plant-3" and its NUL).
  LONGS_EQUAL(static_cast<int>(Field::kDeviceId), good[kHeaderBytes]);
  LONGS_EQUAL(20, good[kHeaderBytes + 1]);
  const std::size_t id_at = kHeaderBytes + 3;
  const auto with = [&](std::size_t at, std::uint8_t v) {
    std::vector<std::uint8_t> r = good;
    r[at] = v;
    fix_crc(r);
    return state_of(r);
  };
  CHECK(with(id_at + 19, 'x') == RecordState::kBadField);  // no final NUL
  CHECK(with(id_at + 3, 0) == RecordState::kBadField);     // a NUL inside
  CHECK(with(id_at + 3, '/') == RecordState::kBadField);   // not a name (a topic level)
  CHECK(with(id_at + 3, '+') == RecordState::kBadField);
  CHECK(with(kHeaderBytes, 0) == RecordState::kBadField);         // type 0
  CHECK(with(kHeaderBytes, 9) == RecordState::kBadField);         // unknown type
  CHECK(with(kHeaderBytes + 2, 0x40) == RecordState::kBadField);  // overruns the payload
  CHECK(with(kHeaderBytes, static_cast<std::uint8_t>(Field::kCa)) ==
        RecordState::kBadField);  // the CA twice
}

TEST(IdentityRecord, ARecordWithoutItsKeyIsIncomplete) {
  std::vector<std::uint8_t> r = region_of(sample());
  // The fields in order: id (20 bytes), certificate, key, CA, ...: cut the key out.
  const std::size_t key_at = kHeaderBytes + 3 + 20 + 3 + kCert.size();
  LONGS_EQUAL(static_cast<int>(Field::kKey), r[key_at]);
  const std::size_t key_len = 3 + kKey.size();
  r.erase(r.begin() + static_cast<long>(key_at), r.begin() + static_cast<long>(key_at + key_len));
  const std::uint32_t size = (r[8] | r[9] << 8) - static_cast<std::uint32_t>(key_len);
  r[8] = static_cast<std::uint8_t>(size);
  r[9] = static_cast<std::uint8_t>(size >> 8);
  fix_crc(r);
  CHECK(state_of(r) == RecordState::kMissingField);
}

TEST(IdentityRecord, TheMacIsSixBytesOfAUnicastAddressThatIsNotZero) {
  const std::vector<std::uint8_t> good = region_of(sample());
  const auto parsed = parse_record(good);
  CHECK(parsed.state == RecordState::kValid);
  CHECK(
      std::equal(parsed.identity.mac.begin(), parsed.identity.mac.end(), kMac.begin(), kMac.end()));
  // The MAC is the last field: type 7, length 6, then the address.
  const std::uint32_t size = good[8] | good[9] << 8;
  const std::size_t mac_at = kHeaderBytes + size - 6;
  LONGS_EQUAL(static_cast<int>(Field::kMac), good[mac_at - 3]);
  const auto with = [&](std::size_t at, std::uint8_t v) {
    std::vector<std::uint8_t> r = good;
    r[at] = v;
    fix_crc(r);
    return state_of(r);
  };
  CHECK(with(mac_at, 0x03) == RecordState::kBadField);  // a group (multicast) address
  std::vector<std::uint8_t> zero = good;
  std::fill(zero.begin() + static_cast<long>(mac_at), zero.begin() + static_cast<long>(mac_at + 6),
            0);
  fix_crc(zero);
  CHECK(state_of(zero) == RecordState::kBadField);
  std::vector<std::uint8_t> short_mac = good;  // 5 bytes: the field and the payload one shorter
  short_mac[mac_at - 2] = 5;
  short_mac[8] = static_cast<std::uint8_t>(size - 1);
  short_mac[9] = static_cast<std::uint8_t>((size - 1) >> 8);
  fix_crc(short_mac);
  CHECK(state_of(short_mac) == RecordState::kBadField);
  std::array<std::uint8_t, kRegionBytes> out{};
  Identity id = sample();
  const std::vector<std::uint8_t> multicast = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
  id.mac = multicast;
  LONGS_EQUAL(static_cast<int>(portcullis::Status::kInvalidArgument),
              static_cast<int>(write_record(id, out).status));
}

TEST(IdentityRecord, TheWriterRefusesWhatTheDeviceWouldRefuse) {
  std::array<std::uint8_t, kRegionBytes> out{};
  Identity id = sample();
  id.device_id = "a/b";
  LONGS_EQUAL(static_cast<int>(portcullis::Status::kInvalidArgument),
              static_cast<int>(write_record(id, out).status));
  for (const char* bad : {"-sensor", "sensor-", ".sensor", "sensor.", "."}) {
    id.device_id = bad;  // a DNS name's ends are letters or digits
    LONGS_EQUAL_TEXT(static_cast<int>(portcullis::Status::kInvalidArgument),
                     static_cast<int>(write_record(id, out).status), bad);
  }
  id.device_id = "s";
  LONGS_EQUAL(static_cast<int>(portcullis::Status::kOk),
              static_cast<int>(write_record(id, out).status));
  id = sample();
  id.key = {};
  LONGS_EQUAL(static_cast<int>(portcullis::Status::kInvalidArgument),
              static_cast<int>(write_record(id, out).status));
  id = sample();
  id.broker = "broker name with spaces";
  LONGS_EQUAL(static_cast<int>(portcullis::Status::kInvalidArgument),
              static_cast<int>(write_record(id, out).status));
  const std::vector<std::uint8_t> big(kRegionBytes, 1);
  id = sample();
  id.certificate = big;
  LONGS_EQUAL(static_cast<int>(portcullis::Status::kResourceExhausted),
              static_cast<int>(write_record(id, out).status));
  std::array<std::uint8_t, 100> small{};
  LONGS_EQUAL(static_cast<int>(portcullis::Status::kResourceExhausted),
              static_cast<int>(write_record(sample(), small).status));
}
