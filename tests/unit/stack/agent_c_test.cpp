// SPDX-License-Identifier: Apache-2.0
// The agent's C interface (portcullis/agent.h, firmware/app/agent_c.cpp) as a C firmware uses it:
// prepare() on its identity record, seed record, clock and console before lwIP starts, attach()
// to its netif, poll(), the status as JSON. Its own process (the agent lives as long as it), with
// Portcullis's own hooks; it runs in the rtos build too (tcpip thread).
#include <CppUTest/TestHarness.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "device_record.hpp"
#include "frames.hpp"
#include "lwip_device.hpp"
#include "portcullis/agent.h"
#include "portcullis/platform/seed_record.hpp"
#include "portcullis/policy/compiled.hpp"
#include "portcullis/stack/lwip_port.hpp"

namespace test = portcullis::test;

namespace {

std::string console_text;

std::uint64_t now_ms() {
  return test::lwip_test_clock().now_ms();
}

void console_write(const char* text, std::size_t length) {
  console_text.append(text, length);
}

}  // namespace

TEST_GROUP(AgentC){};

TEST(AgentC, TheWholeAgentThroughItsCInterface) {
  const std::uint16_t mgmt = portcullis::policy::kPolicy.mgmt_port().value_or(0);
  struct netif not_yet {};
  LONGS_EQUAL(-1, portcullis_agent_attach(&not_yet));  // before prepare
  char json[8192];
  LONGS_EQUAL(0, portcullis_agent_status_json(json, sizeof json));

  // The factory's seed record (tools/pki seed record) and identity record.
  std::array<std::uint8_t, PORTCULLIS_SEED_RECORD_BYTES> seed_record{};
  std::array<std::uint8_t, 32> seed{};
  seed.fill(0x3C);
  portcullis::platform::SeedRecordStore::encode(seed_record, seed, 7);
  const std::span<const std::uint8_t> identity = test::device_record({});
  portcullis_agent_config config{};
  config.board_name = "c-firmware";
  config.identity = identity.data();
  config.identity_size = identity.size();
  config.seed_record = seed_record.data();
  config.seed_record_size = seed_record.size();
  config.console_write = console_write;
  LONGS_EQUAL(-1, portcullis_agent_prepare(&config));  // no clock
  config.now_ms = now_ms;
  LONGS_EQUAL(0, portcullis_agent_prepare(&config));
  LONGS_EQUAL(-1, portcullis_agent_prepare(&config));  // once only
  CHECK(console_text.find("entropy seed") != std::string::npos);
  CHECK(console_text.find("generation 7") != std::string::npos);

  {
    test::LwipDevice firmware;  // lwIP started by the firmware, then its netif
    firmware.start();
    LONGS_EQUAL(0, portcullis_agent_attach(&firmware.netif.lwip_netif()));
    LONGS_EQUAL(-1, portcullis_agent_attach(&firmware.netif.lwip_netif()));
    CHECK(test::syn_ack_from(firmware.exchange(test::tcp_frame(
                                 {.src_port = 40001, .dst_port = mgmt, .seq = 100, .flags = 0x02})),
                             mgmt));
    CHECK(firmware
              .exchange(
                  test::tcp_frame({.src_port = 40002, .dst_port = 8080, .seq = 200, .flags = 0x02}))
              .empty());
    portcullis_agent_poll();
    test::settle_lwip();

    const std::size_t n = portcullis_agent_status_json(json, sizeof json);
    CHECK(n > 0);
    LONGS_EQUAL(n, std::strlen(json));
    const std::string_view doc(json, n);
    CHECK(doc.find("\"id\":\"" + std::string(portcullis::credentials::kDeviceId) + "\"") !=
          std::string_view::npos);
    CHECK(doc.find("\"board\":\"c-firmware\"") != std::string_view::npos);
    CHECK(doc.find(std::string(portcullis::policy::kPolicyDigest)) != std::string_view::npos);
    CHECK(doc.find("\"dropped_total\":1") != std::string_view::npos);
    char tiny[16];
    LONGS_EQUAL(0, portcullis_agent_status_json(tiny, sizeof tiny));  // does not fit
    LONGS_EQUAL(0, tiny[0]);

    // The driver's screening: a closed port's SYN dropped (and counted) before lwIP has it, the
    // mgmt port's left to lwIP.
    const netif* nif = &firmware.netif.lwip_netif();
    const test::Bytes closed =
        test::tcp_frame({.src_port = 40003, .dst_port = 8080, .seq = 300, .flags = 0x02});
    const test::Bytes allowed =
        test::tcp_frame({.src_port = 40004, .dst_port = mgmt, .seq = 400, .flags = 0x02});
    LONGS_EQUAL(1, portcullis_agent_screen_frame(closed.data(), closed.size(), nif));
    LONGS_EQUAL(0, portcullis_agent_screen_frame(allowed.data(), allowed.size(), nif));
    const std::size_t m = portcullis_agent_status_json(json, sizeof json);
    CHECK(std::string_view(json, m).find("\"dropped_total\":2") != std::string_view::npos);
  }
  portcullis::stack::stop_lwip();    // the firmware's lwIP stops; the agent is never destroyed
  std::string().swap(console_text);  // the agent writes no more: its memory back before the check
}
