// SPDX-License-Identifier: Apache-2.0
#pragma once
// MQTT 3.1.1 (OASIS standard, 2014) as the push speaks it, without lwIP: the packets a client
// that only publishes writes (CONNECT with a clean session, PUBLISH at QoS 1, PINGREQ,
// DISCONNECT) and a parser for the only packets a broker may send such a client (CONNACK,
// PUBACK, PINGRESP). The broker's bytes are hostile: the parser holds four bytes of state,
// reads each byte once and refuses, for good, anything else: another packet type (the client
// subscribes to nothing, so not even PUBLISH), reserved flag bits, a remaining length other
// than the packet's fixed one, a packet identifier 0.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "portcullis/base/status.hpp"

namespace portcullis::mgmt::mqtt {

// The fixed header's packet types (MQTT 3.1.1, 2.2.1) the push uses.
enum class PacketType : std::uint8_t {
  kConnect = 1,
  kConnack = 2,
  kPublish = 3,
  kPuback = 4,
  kPingreq = 12,
  kPingresp = 13,
  kDisconnect = 14,
};

// The largest remaining length MQTT can encode (four length bytes).
inline constexpr std::size_t kMaxRemainingLength = 268'435'455;

// CONNECT: protocol "MQTT" level 4, clean session, `keep_alive_s`, the client id (1 to 65535
// bytes; the broker may refuse ids over 23 bytes, mosquitto takes them). kOk and its length;
// kResourceExhausted and the length needed when `out` is too small; kInvalidArgument for an
// empty or too long id.
// A last will (3.1.2.5): what the broker publishes, retained at QoS 1, when the connection
// ends without a DISCONNECT (the device gone silent past 1.5 keep-alives, or cut off).
struct Will {
  std::string_view topic;
  std::string_view message;
};
[[nodiscard]] StatusWithSize write_connect(std::span<char> out, std::string_view client_id,
                                           std::uint16_t keep_alive_s, const Will* will = nullptr);
// The largest CONNECT write_connect writes for these sizes (a will of `will_topic` and
// `will_message` bytes, or 0 and 0 for none).
constexpr std::size_t connect_max(std::size_t client_id, std::size_t will_topic,
                                  std::size_t will_message) {
  return 1 + 4 + 6 + 1 + 1 + 2 + 2 + client_id + 2 + will_topic + 2 + will_message;
}

// The head of a QoS 1 PUBLISH of `payload_size` bytes: fixed header (DUP 0, `retain`),
// remaining length, topic, packet identifier. The payload follows it on the wire. Results as
// write_connect; kInvalidArgument for an empty topic, packet id 0 or a packet over
// kMaxRemainingLength.
[[nodiscard]] StatusWithSize write_publish_head(std::span<char> out, std::string_view topic,
                                                std::uint16_t packet_id, bool retain,
                                                std::size_t payload_size);
// The largest head write_publish_head writes for a topic of `topic_size` bytes.
constexpr std::size_t publish_head_max(std::size_t topic_size) {
  return 1 + 4 + 2 + topic_size + 2;
}

inline constexpr std::array<char, 2> kPingreq = {'\xC0', '\x00'};
inline constexpr std::array<char, 2> kDisconnect = {'\xE0', '\x00'};

// A packet from the broker.
struct Packet {
  PacketType type = PacketType::kPingresp;
  // CONNACK: the return code (0 accepted, 1..5 refused, MQTT 3.1.1 3.2.2.3); PUBACK: the
  // packet identifier; PINGRESP: 0.
  std::uint16_t value = 0;
  bool session_present = false;  // CONNACK
};

enum class InputFault : std::uint8_t {
  kNone,
  kUnexpectedType,  // not CONNACK, PUBACK or PINGRESP
  kBadFlags,        // reserved bits of the fixed header or of CONNACK's flags set
  kBadLength,       // a remaining length other than the packet's (2, 2, 0)
  kZeroPacketId,    // PUBACK for packet identifier 0
};

const char* to_string(InputFault f);

class InputParser {
 public:
  enum class Step : std::uint8_t { kNeedMore, kPacket, kError };

  // One byte from the broker. kPacket: `packet` holds a whole packet; kError: the input is
  // refused (fault() says why) and every later byte is refused too, until reset().
  Step feed(std::uint8_t byte, Packet& packet);
  void reset() { *this = InputParser{}; }
  InputFault fault() const { return fault_; }

 private:
  Step refuse(InputFault f);

  enum class Part : std::uint8_t { kHeader, kLength, kBody, kRefused };
  Part part_ = Part::kHeader;
  std::uint8_t header_ = 0;
  std::uint8_t length_ = 0;  // the remaining length, at most 2
  std::uint8_t got_ = 0;     // body bytes so far
  std::array<std::uint8_t, 2> body_{};
  InputFault fault_ = InputFault::kNone;
};

}  // namespace portcullis::mgmt::mqtt
