// SPDX-License-Identifier: Apache-2.0
// The push's MQTT 3.1.1 packets, byte for byte against the standard's layout, and the parser
// of what a broker sends: the three packets it may send a publishing client, and the refusal
// of everything else (another type, reserved bits, another length, packet id 0), for good.
#include <CppUTest/TestHarness.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "portcullis/mgmt/mqtt_codec.hpp"

namespace {

namespace mqtt = portcullis::mgmt::mqtt;
using portcullis::Status;
using Step = mqtt::InputParser::Step;

std::vector<std::uint8_t> bytes(const std::array<char, 256>& out, std::size_t n) {
  std::vector<std::uint8_t> v;
  for (std::size_t i = 0; i < n; ++i) {
    v.push_back(static_cast<std::uint8_t>(out[i]));
  }
  return v;
}

// Feeds `in`; the steps, one letter each: '.' need more, 'P' packet, 'E' error.
std::string feed(mqtt::InputParser& p, const std::vector<std::uint8_t>& in,
                 std::vector<mqtt::Packet>* packets = nullptr) {
  std::string steps;
  for (std::uint8_t b : in) {
    mqtt::Packet packet;
    const Step s = p.feed(b, packet);
    steps += s == Step::kNeedMore ? '.' : s == Step::kPacket ? 'P' : 'E';
    if (s == Step::kPacket && packets != nullptr) {
      packets->push_back(packet);
    }
  }
  return steps;
}

}  // namespace

TEST_GROUP(MqttWrite){};

TEST(MqttWrite, ConnectIsProtocolLevel4WithACleanSessionAndTheClientId) {
  std::array<char, 256> out{};
  const auto r = mqtt::write_connect(out, "dev-1", 30);
  CHECK(portcullis::ok(r.status));
  const std::vector<std::uint8_t> want = {0x10, 17, 0, 4, 'M', 'Q', 'T', 'T', 4,  0x02,
                                          0,    30, 0, 5, 'd', 'e', 'v', '-', '1'};
  CHECK(want == bytes(out, r.size));
}

TEST(MqttWrite, ConnectWithAWillCarriesItsTopicAndMessageRetainedAtQos1) {
  std::array<char, 256> out{};
  const mqtt::Will will{"p/d/s", "off"};
  const auto r = mqtt::write_connect(out, "d", 15, &will);
  CHECK(portcullis::ok(r.status));
  // Flags 0x2E: will retain (0x20), will QoS 1 (0x08), will flag (0x04), clean session.
  const std::vector<std::uint8_t> want = {0x10, 25,  0,   4,   'M', 'Q', 'T', 'T', 4,
                                          0x2E, 0,   15,  0,   1,   'd', 0,   5,   'p',
                                          '/',  'd', '/', 's', 0,   3,   'o', 'f', 'f'};
  CHECK(want == bytes(out, r.size));
  LONGS_EQUAL(r.size, mqtt::connect_max(1, 5, 3) - 3);  // the bound holds 4 length bytes
  const mqtt::Will no_topic{"", "off"};
  LONGS_EQUAL(static_cast<int>(Status::kInvalidArgument),
              static_cast<int>(mqtt::write_connect(out, "d", 15, &no_topic).status));
}

TEST(MqttWrite, PublishHeadIsQos1WithRetainTopicAndPacketId) {
  std::array<char, 256> out{};
  const auto r = mqtt::write_publish_head(out, "a/b", 0x1234, true, 5);
  CHECK(portcullis::ok(r.status));
  // 0x33: PUBLISH, QoS 1, retain; remaining 2 + 3 + 2 + 5 = 12; the payload follows.
  const std::vector<std::uint8_t> want = {0x33, 12, 0, 3, 'a', '/', 'b', 0x12, 0x34};
  CHECK(want == bytes(out, r.size));
}

TEST(MqttWrite, ANotRetainedPublishHasOnlyTheQosBit) {
  std::array<char, 256> out{};
  const auto r = mqtt::write_publish_head(out, "t", 1, false, 0);
  CHECK(portcullis::ok(r.status));
  LONGS_EQUAL(0x32, static_cast<std::uint8_t>(out[0]));
}

TEST(MqttWrite, TheRemainingLengthTakesSevenBitsAByteAtEveryBoundary) {
  // Payload sizes putting the remaining length (payload + 2 + 1 + 2) at each encoding's edge.
  struct Case {
    std::size_t remaining;
    std::vector<std::uint8_t> encoded;
  };
  const Case cases[] = {
      {127, {0x7F}},
      {128, {0x80, 0x01}},
      {16'383, {0xFF, 0x7F}},
      {16'384, {0x80, 0x80, 0x01}},
      {2'097'151, {0xFF, 0xFF, 0x7F}},
      {2'097'152, {0x80, 0x80, 0x80, 0x01}},
      {mqtt::kMaxRemainingLength, {0xFF, 0xFF, 0xFF, 0x7F}},
  };
  for (const Case& c : cases) {
    std::array<char, 256> out{};
    const auto r = mqtt::write_publish_head(out, "t", 1, false, c.remaining - 5);
    CHECK(portcullis::ok(r.status));
    LONGS_EQUAL(1 + c.encoded.size() + 5, r.size);
    const std::vector<std::uint8_t> got = bytes(out, r.size);
    CHECK(std::vector<std::uint8_t>(
              got.begin() + 1, got.begin() + 1 + static_cast<long>(c.encoded.size())) == c.encoded);
  }
  std::array<char, 256> out{};
  LONGS_EQUAL(
      static_cast<int>(Status::kInvalidArgument),
      static_cast<int>(
          mqtt::write_publish_head(out, "t", 1, false, mqtt::kMaxRemainingLength - 4).status));
  CHECK(mqtt::write_publish_head(out, "t", 1, false, 0).size <= mqtt::publish_head_max(1));
  CHECK(mqtt::write_publish_head(out, "t", 1, false, mqtt::kMaxRemainingLength - 5).size ==
        mqtt::publish_head_max(1));
}

TEST(MqttWrite, RefusesPacketIdZeroEmptyTopicsAndEmptyIds) {
  std::array<char, 256> out{};
  LONGS_EQUAL(static_cast<int>(Status::kInvalidArgument),
              static_cast<int>(mqtt::write_publish_head(out, "t", 0, false, 1).status));
  LONGS_EQUAL(static_cast<int>(Status::kInvalidArgument),
              static_cast<int>(mqtt::write_publish_head(out, "", 1, false, 1).status));
  LONGS_EQUAL(static_cast<int>(Status::kInvalidArgument),
              static_cast<int>(mqtt::write_connect(out, "", 30).status));
}

TEST(MqttWrite, ATooSmallBufferSaysHowMuchIsNeeded) {
  std::array<char, 256> big{};
  const auto full = mqtt::write_connect(big, "device", 60);
  std::array<char, 8> small{};
  const auto r = mqtt::write_connect(small, "device", 60);
  LONGS_EQUAL(static_cast<int>(Status::kResourceExhausted), static_cast<int>(r.status));
  LONGS_EQUAL(full.size, r.size);
}

TEST_GROUP(MqttInput) {
  mqtt::InputParser p;
};

TEST(MqttInput, ReadsConnackPubackAndPingrespByteByByte) {
  std::vector<mqtt::Packet> got;
  STRCMP_EQUAL(".P", feed(p, {0xD0, 0x00}, &got).c_str());
  STRCMP_EQUAL("...P", feed(p, {0x20, 0x02, 0x01, 0x00}, &got).c_str());
  STRCMP_EQUAL("...P", feed(p, {0x20, 0x02, 0x00, 0x05}, &got).c_str());
  STRCMP_EQUAL("...P", feed(p, {0x40, 0x02, 0xAB, 0xCD}, &got).c_str());
  LONGS_EQUAL(4, got.size());
  CHECK(got[0].type == mqtt::PacketType::kPingresp);
  CHECK(got[1].type == mqtt::PacketType::kConnack);
  CHECK(got[1].session_present);
  LONGS_EQUAL(0, got[1].value);
  CHECK(!got[2].session_present);
  LONGS_EQUAL(5, got[2].value);  // refused: not authorised
  CHECK(got[3].type == mqtt::PacketType::kPuback);
  LONGS_EQUAL(0xABCD, got[3].value);
}

TEST(MqttInput, RefusesEveryOtherPacketTypeAtItsFirstByte) {
  for (int type = 0; type < 16; ++type) {
    if (type == 2 || type == 4 || type == 13) {
      continue;
    }
    mqtt::InputParser fresh;
    STRCMP_EQUAL("E", feed(fresh, {static_cast<std::uint8_t>(type << 4)}).c_str());
    CHECK(fresh.fault() == mqtt::InputFault::kUnexpectedType);
  }
  // A PUBLISH from the broker (the client subscribed to nothing) is one of them.
  STRCMP_EQUAL("E", feed(p, {0x30, 0x05}).substr(0, 1).c_str());
}

TEST(MqttInput, RefusesReservedFlagBits) {
  STRCMP_EQUAL("E", feed(p, {0x41}).c_str());
  CHECK(p.fault() == mqtt::InputFault::kBadFlags);
  mqtt::InputParser q;
  STRCMP_EQUAL("..E", feed(q, {0x20, 0x02, 0x02}).c_str());  // CONNACK flag bit 1
  CHECK(q.fault() == mqtt::InputFault::kBadFlags);
}

TEST(MqttInput, RefusesAnyOtherRemainingLengthAndLongEncodings) {
  const std::vector<std::vector<std::uint8_t>> bad = {{0x20, 0x03}, {0x40, 0x00}, {0xD0, 0x01},
                                                      {0x40, 0x82}, {0x20, 0x80}, {0x40, 0xFF}};
  for (const auto& in : bad) {
    mqtt::InputParser fresh;
    STRCMP_EQUAL(".E", feed(fresh, in).c_str());
    CHECK(fresh.fault() == mqtt::InputFault::kBadLength);
  }
}

TEST(MqttInput, RefusesPacketIdZero) {
  STRCMP_EQUAL("...E", feed(p, {0x40, 0x02, 0x00, 0x00}).c_str());
  CHECK(p.fault() == mqtt::InputFault::kZeroPacketId);
}

TEST(MqttInput, ARefusalIsForGoodUntilReset) {
  STRCMP_EQUAL("EEE", feed(p, {0xF0, 0xD0, 0x00}).c_str());
  p.reset();
  CHECK(p.fault() == mqtt::InputFault::kNone);
  STRCMP_EQUAL(".P", feed(p, {0xD0, 0x00}).c_str());
}

TEST(MqttInput, FaultsHaveNames) {
  STRCMP_EQUAL("packet identifier 0", mqtt::to_string(mqtt::InputFault::kZeroPacketId));
  STRCMP_EQUAL("unexpected packet type", mqtt::to_string(mqtt::InputFault::kUnexpectedType));
}
