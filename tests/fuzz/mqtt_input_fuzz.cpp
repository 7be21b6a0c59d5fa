// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness: the MQTT push's parser of what a broker sends
// (firmware/mgmt/mqtt_codec.hpp, InputParser) on arbitrary bytes, one at a time.
//
// Invariants, checked against the standard's layout of the three packets a broker may send a
// client that only publishes (CONNACK 20 02 flags rc, PUBACK 40 02 id, PINGRESP D0 00):
// - a packet is reported exactly when the bytes since the previous one are a whole packet of
//   that layout (flags 0 or 1, packet id not 0), with the values those bytes hold;
// - an error is reported exactly when those bytes stop being the beginning of such a packet,
//   and from then on every byte is refused, until reset(), after which the parser reads the
//   rest of the input as a fresh one.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_input.hpp"
#include "portcullis/mgmt/mqtt_codec.hpp"

namespace {

namespace mqtt = portcullis::mgmt::mqtt;
using Step = mqtt::InputParser::Step;

// Whether `b` (1 to 4 bytes) begins a valid packet, and whether it is one whole.
struct Judged {
  bool prefix = false;
  bool whole = false;
};
Judged judge(const std::vector<std::uint8_t>& b) {
  const std::uint8_t h = b[0];
  const std::size_t len = h == 0xD0 ? 0 : 2;
  if (h != 0x20 && h != 0x40 && h != 0xD0) {
    return {};
  }
  if (b.size() >= 2 && b[1] != len) {
    return {};
  }
  if (h == 0x20 && b.size() >= 3 && b[2] > 1) {
    return {};
  }
  if (h == 0x40 && b.size() == 4 && b[2] == 0 && b[3] == 0) {
    return {};
  }
  return {true, b.size() == 2 + len};
}

void run(std::span<const std::uint8_t> data) {
  mqtt::InputParser p;
  std::vector<std::uint8_t> pending;  // bytes since the last packet
  bool refused = false;
  for (std::uint8_t byte : data) {
    mqtt::Packet packet;
    const Step step = p.feed(byte, packet);
    if (refused) {
      FUZZ_CHECK(step == Step::kError);
      // Begin again, as the push does on a new connection.
      p.reset();
      FUZZ_CHECK(p.fault() == mqtt::InputFault::kNone);
      refused = false;
      pending.clear();
      continue;
    }
    pending.push_back(byte);
    const Judged j = judge(pending);
    if (!j.prefix) {
      FUZZ_CHECK(step == Step::kError && p.fault() != mqtt::InputFault::kNone);
      refused = true;
      continue;
    }
    if (!j.whole) {
      FUZZ_CHECK(step == Step::kNeedMore);
      continue;
    }
    FUZZ_CHECK(step == Step::kPacket);
    switch (pending[0]) {
      case 0x20:
        FUZZ_CHECK(packet.type == mqtt::PacketType::kConnack);
        FUZZ_CHECK(packet.session_present == (pending[2] == 1) && packet.value == pending[3]);
        break;
      case 0x40:
        FUZZ_CHECK(packet.type == mqtt::PacketType::kPuback);
        FUZZ_CHECK(packet.value == (pending[2] << 8 | pending[3]) && packet.value != 0);
        break;
      default:
        FUZZ_CHECK(packet.type == mqtt::PacketType::kPingresp && packet.value == 0);
        break;
    }
    pending.clear();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  run(std::span<const std::uint8_t>(data, size));
  return 0;
}
