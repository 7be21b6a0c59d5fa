// SPDX-License-Identifier: Apache-2.0
#include "portcullis/mgmt/mqtt_codec.hpp"

namespace portcullis::mgmt::mqtt {
namespace {

// Writes bytes into a fixed span, remembering how many were wanted beyond it.
class Out {
 public:
  explicit Out(std::span<char> out) : out_(out) {}
  void byte(std::uint8_t b) {
    if (size_ < out_.size()) {
      out_[size_] = static_cast<char>(b);
    }
    ++size_;
  }
  void u16(std::uint16_t v) {
    byte(static_cast<std::uint8_t>(v >> 8));
    byte(static_cast<std::uint8_t>(v & 0xFF));
  }
  void text(std::string_view s) {  // a UTF-8 string: two length bytes, then the bytes
    u16(static_cast<std::uint16_t>(s.size()));
    for (char c : s) {
      byte(static_cast<std::uint8_t>(c));
    }
  }
  // The remaining length: seven bits a byte, least significant first (2.2.3).
  void remaining_length(std::size_t n) {
    do {
      std::uint8_t b = n % 128;
      n /= 128;
      if (n > 0) {
        b |= 0x80;
      }
      byte(b);
    } while (n > 0);
  }
  StatusWithSize result() const {
    return {size_ <= out_.size() ? Status::kOk : Status::kResourceExhausted, size_};
  }

 private:
  std::span<char> out_;
  std::size_t size_ = 0;
};

constexpr std::uint8_t fixed_header(PacketType t, std::uint8_t flags) {
  return static_cast<std::uint8_t>(static_cast<std::uint8_t>(t) << 4 | flags);
}

}  // namespace

StatusWithSize write_connect(std::span<char> out, std::string_view client_id,
                             std::uint16_t keep_alive_s, const Will* will) {
  if (client_id.empty() || client_id.size() > 0xFFFF ||
      (will != nullptr &&
       (will->topic.empty() || will->topic.size() > 0xFFFF || will->message.size() > 0xFFFF))) {
    return {Status::kInvalidArgument, 0};
  }
  constexpr std::string_view kProtocol = "MQTT";
  constexpr std::uint8_t kLevel = 4;                              // 3.1.1
  constexpr std::uint8_t kCleanSession = 0x02;                    // no user name or password
  constexpr std::uint8_t kWillRetainedQos1 = 0x04 | 0x08 | 0x20;  // will flag, QoS 1, retain
  Out w(out);
  w.byte(fixed_header(PacketType::kConnect, 0));
  w.remaining_length(2 + kProtocol.size() + 1 + 1 + 2 + 2 + client_id.size() +
                     (will != nullptr ? 2 + will->topic.size() + 2 + will->message.size() : 0));
  w.text(kProtocol);
  w.byte(kLevel);
  w.byte(will != nullptr ? kCleanSession | kWillRetainedQos1 : kCleanSession);
  w.u16(keep_alive_s);
  w.text(client_id);
  if (will != nullptr) {
    w.text(will->topic);
    w.text(will->message);
  }
  return w.result();
}

StatusWithSize write_publish_head(std::span<char> out, std::string_view topic,
                                  std::uint16_t packet_id, bool retain, std::size_t payload_size) {
  if (topic.empty() || topic.size() > 0xFFFF || packet_id == 0 ||
      payload_size > kMaxRemainingLength - 2 - topic.size() - 2) {
    return {Status::kInvalidArgument, 0};
  }
  constexpr std::uint8_t kQos1 = 0x02;
  Out w(out);
  w.byte(fixed_header(PacketType::kPublish, static_cast<std::uint8_t>(kQos1 | (retain ? 1 : 0))));
  w.remaining_length(2 + topic.size() + 2 + payload_size);
  w.text(topic);
  w.u16(packet_id);
  return w.result();
}

const char* to_string(InputFault f) {
  switch (f) {
    case InputFault::kNone:
      return "none";
    case InputFault::kUnexpectedType:
      return "unexpected packet type";
    case InputFault::kBadFlags:
      return "reserved flags set";
    case InputFault::kBadLength:
      return "wrong remaining length";
    case InputFault::kZeroPacketId:
      return "packet identifier 0";
  }
  return "?";
}

InputParser::Step InputParser::refuse(InputFault f) {
  part_ = Part::kRefused;
  fault_ = f;
  return Step::kError;
}

InputParser::Step InputParser::feed(std::uint8_t byte, Packet& packet) {
  switch (part_) {
    case Part::kRefused:
      return Step::kError;
    case Part::kHeader: {
      const auto type = static_cast<PacketType>(byte >> 4);
      if (type != PacketType::kConnack && type != PacketType::kPuback &&
          type != PacketType::kPingresp) {
        return refuse(InputFault::kUnexpectedType);
      }
      if ((byte & 0x0F) != 0) {  // reserved: 0 for all three (2.2.2)
        return refuse(InputFault::kBadFlags);
      }
      header_ = byte;
      part_ = Part::kLength;
      return Step::kNeedMore;
    }
    case Part::kLength: {
      // The three packets have remaining lengths 2, 2 and 0: one length byte, no
      // continuation bit.
      const std::uint8_t want =
          static_cast<PacketType>(header_ >> 4) == PacketType::kPingresp ? 0 : 2;
      if (byte != want) {
        return refuse(InputFault::kBadLength);
      }
      length_ = byte;
      got_ = 0;
      part_ = Part::kBody;
      break;  // a PINGRESP is complete here
    }
    case Part::kBody:
      // CONNACK's acknowledge flags: bits 7-1 reserved (3.2.2.1), refused at that byte.
      if (got_ == 0 && static_cast<PacketType>(header_ >> 4) == PacketType::kConnack &&
          (byte & 0xFE) != 0) {
        return refuse(InputFault::kBadFlags);
      }
      body_[got_++] = byte;
      break;
  }
  if (got_ < length_) {
    return Step::kNeedMore;
  }
  const auto type = static_cast<PacketType>(header_ >> 4);
  const auto value = static_cast<std::uint16_t>(body_[0] << 8 | body_[1]);
  Packet p{.type = type, .value = 0, .session_present = false};
  if (type == PacketType::kConnack) {
    p.session_present = (body_[0] & 0x01) != 0;
    p.value = body_[1];
  } else if (type == PacketType::kPuback) {
    if (value == 0) {
      return refuse(InputFault::kZeroPacketId);
    }
    p.value = value;
  }
  part_ = Part::kHeader;
  body_ = {};
  packet = p;
  return Step::kPacket;
}

}  // namespace portcullis::mgmt::mqtt
