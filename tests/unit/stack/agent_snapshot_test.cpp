// SPDX-License-Identifier: Apache-2.0
// What the agent reports of a port scan: Agent::snapshot() fills `scanners` and
// `recent_blocked` from the input hook's scan detector and blocked log, `memory` from the
// platform, and the status JSON carries them. Its own executable: Agent::start() calls
// lwip_init() (or tcpip_init() in the rtos build, where this test runs too: each loop turn is
// then followed by settle_lwip(), so the tcpip thread has taken the frames it queued, and the
// snapshot is taken in lwIP's context, as the status server and the push take it).
#include <CppUTest/TestHarness.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "device_record.hpp"
#include "fake_clock.hpp"
#include "fake_ethernet_mac.hpp"
#include "frames.hpp"
#include "lwip/memp.h"
#include "lwip_device.hpp"
#include "portcullis/app/agent.hpp"
#include "portcullis/boards/lab_network.hpp"
#include "portcullis/platform/tls.hpp"
#include "portcullis/policy/compiled.hpp"
#include "portcullis/report/json.hpp"
#include "portcullis/report/scan_detector.hpp"
#include "portcullis/stack/lwip_port.hpp"

using portcullis::report::format_address;
using portcullis::report::kScanThreshold;
namespace report = portcullis::report;
namespace test = portcullis::test;

namespace {

class NullConsole final : public portcullis::hal::Console {
  void do_write(std::string_view) override {}
};

std::string text(const report::IpAddress& a) {
  return std::string(format_address(a).view());
}

}  // namespace

TEST_GROUP(AgentSnapshot){};

TEST(AgentSnapshot, ASynSweepIsReportedAsAScannerAndAsRecentBlockedAttempts) {
  test::FakeEthernetMac mac;
  test::FakeClock clock;
  NullConsole console;
  portcullis::app::Agent agent{mac, clock, console};
  // The broker, the time server and the MAC come from the device's record, not from the build
  // or the settings (which name no time server here: without the record's, SNTP would not run
  // and the push would not wait for the time).
  portcullis::NetworkSettings net = portcullis::boards::kLabNetwork;
  net.time_server = nullptr;
  net.mac = {};  // as a device image's settings: the record's MAC is the device's only one
  const test::Bytes own_mac = {0x02, 0x00, 0x5e, 0x00, 0x53, 0x07};
  CHECK(portcullis::ok(agent.start(
      net, "test",
      test::device_record(
          {.broker = "mqtt.portcullis.test", .time_server = "192.0.2.1", .mac = own_mac}))));
  mac.inject(test::arp_request(test::kDeviceIp4));  // the peer (the time server) is known
  clock.advance(1000);
  agent.poll();
  test::settle_lwip();
  report::StatusSnapshot at_start;
  report::Counters counters_at_start;
  test::in_lwip([&] { agent.snapshot(at_start, counters_at_start); });

  // Before the first SNTP answer: the poll is served and says the time is unknown; the push
  // waits for it (no connection attempted, not even the broker's name asked).
  CHECK_FALSE(at_start.device.time_known);
  CHECK(at_start.device.id == portcullis::credentials::kDeviceId);
  CHECK(at_start.push.broker == "mqtt.portcullis.test:8883");
  bool mgmt_listens = false;  // the status endpoint started on the record's credentials
  for (const report::Listener& l : at_start.listening.view()) {
    mgmt_listens = mgmt_listens || (l.proto == portcullis::policy::Proto::kTcp &&
                                    l.port == portcullis::policy::kPolicy.mgmt_port().value_or(0));
  }
  CHECK_TRUE(mgmt_listens);
  CHECK_TRUE(at_start.push.enabled);
  CHECK_TRUE(at_start.push.waiting_for_time);
  LONGS_EQUAL(0, at_start.push.connects + at_start.push.connect_failures);
  std::optional<test::UdpDatagram> request;
  for (const auto& f : mac.sent()) {
    const std::optional<test::UdpDatagram> d = test::sent_udp(f);
    CHECK_FALSE(d && d->dst_port == 53);  // the push did not resolve its broker
    if (d && d->dst_port == 123 && d->payload.size() == 48) {
      request = d;
      CHECK(test::Bytes(f.begin() + 6, f.begin() + 12) == own_mac);  // sent from the record's MAC
    }
  }
  CHECK(request.has_value());  // SNTP asked the configured server (kLabNetwork: 192.0.2.1)
  // The server's answer (mode 4, echoing the request's transmit timestamp): 2026-12-07.
  const test::Bytes answer = test::sntp_answer(
      test::Bytes(request->payload.begin() + 40, request->payload.end()), 1'796'602'240U);
  mac.inject(test::udp_frame({.src_port = 123, .dst_port = request->src_port, .payload = answer}));
  agent.poll();
  test::settle_lwip();
  report::StatusSnapshot timed;
  report::Counters counters_timed;
  test::in_lwip([&] { agent.snapshot(timed, counters_timed); });
  CHECK_TRUE(timed.device.time_known);
  LONGS_EQUAL(1'796'602'240'000LL, timed.device.unix_ms);
  CHECK_FALSE(timed.push.waiting_for_time);

  // Closed ports (the tests' hooks allow tcp 80 only), one block of 64 so counted exactly.
  constexpr std::uint16_t kFirst = 2048;
  for (std::uint16_t i = 0; i <= kScanThreshold; ++i) {
    mac.inject(test::tcp_frame({.src_port = 40000,
                                .dst_port = static_cast<std::uint16_t>(kFirst + i),
                                .flags = test::kSyn}));
    agent.poll();
    test::settle_lwip();
    clock.advance(5);
  }

  mac.count_rx_losses(5, 2);  // frames lost in the MAC during the sweep
  report::StatusSnapshot s;
  report::Counters counters;
  test::in_lwip([&] { agent.snapshot(s, counters); });
  LONGS_EQUAL(5, s.netif.rx_mac_overflow);
  LONGS_EQUAL(2, s.netif.rx_mac_errors);
  LONGS_EQUAL(0, s.netif.rx_no_buffer);
  LONGS_EQUAL(1, s.scanners_detected_total);
  LONGS_EQUAL(1, s.scanners.view().size());
  const report::Scanner& scanner = s.scanners.view()[0];
  STRCMP_EQUAL("192.0.2.1", text(scanner.src).c_str());
  LONGS_EQUAL(kScanThreshold + 1, scanner.distinct_ports);
  LONGS_EQUAL(1000, scanner.first_ms);
  LONGS_EQUAL(1000 + 5 * kScanThreshold, scanner.last_ms);

  const auto recent = s.recent_blocked.view();
  LONGS_EQUAL(std::min<std::size_t>(report::kMaxRecentBlocked, kScanThreshold + 1), recent.size());
  for (std::size_t k = 0; k < recent.size(); ++k) {
    STRCMP_EQUAL("192.0.2.1", text(recent[k].src).c_str());
    LONGS_EQUAL(kFirst + kScanThreshold - k, recent[k].port);  // newest first
  }

  const portcullis::StatusWithSize size = report::status_json_size(s);
  CHECK(portcullis::ok(size.status));
  std::string json(size.size, '\0');
  CHECK(portcullis::ok(report::write_status_json(s, json).status));
  CHECK(json.find("\"scanners\":[{\"src\":\"192.0.2.1\",\"distinct_ports\":" +
                  std::to_string(kScanThreshold + 1)) != std::string::npos);
  CHECK(json.find("\"rx_frames_dropped\":7,") != std::string::npos);
  CHECK(json.find("\"recent_blocked\":[{\"src\":\"192.0.2.1\",\"proto\":\"tcp\",\"port\":" +
                  std::to_string(kFirst + kScanThreshold)) != std::string::npos);

  // The memory figures come from the platform: the host's stack is not measured (0), the TLS
  // arena is the one the status endpoint started TLS on.
  LONGS_EQUAL(0, s.memory.stack_bytes);
  LONGS_EQUAL(0, s.memory.stack_peak_bytes);
  const portcullis::platform::TlsArenaUse arena = portcullis::platform::tls_arena_use();
  CHECK(portcullis::platform::tls_initialized());
  LONGS_EQUAL(portcullis::platform::kTlsArenaBytes, s.memory.tls_arena_bytes);
  LONGS_EQUAL(arena.high_water, s.memory.tls_arena_peak_bytes);
  CHECK(s.memory.tls_arena_peak_bytes > 0);  // the device's credentials are parsed into it
  CHECK(json.find("\"memory\":{\"stack_bytes\":0,\"stack_peak_bytes\":0,\"tls_arena_bytes\":" +
                  std::to_string(portcullis::platform::kTlsArenaBytes) + ",") != std::string::npos);

  // lwIP's own figures, copied from its statistics: every pool, the status endpoint's
  // listener among the listen PCBs in use, the heap, and no reply to the closed-port sweep.
  CHECK_TRUE(s.lwip.measured);
  LONGS_EQUAL(MEMP_MAX, s.lwip.pools.view().size());
  const report::LwipPool& listen = s.lwip.pools.view()[MEMP_TCP_PCB_LISTEN];
  STRCMP_EQUAL("TCP_PCB_LISTEN", std::string(listen.name).c_str());
  CHECK(listen.used >= 1 && listen.used <= listen.size);
  CHECK(s.lwip.heap.size_bytes >= MEM_SIZE);
  LONGS_EQUAL(at_start.lwip.sent.tcp, s.lwip.sent.tcp);  // stealth: not one RST for the sweep
  CHECK(json.find("\"lwip_heap_bytes\":" + std::to_string(s.lwip.heap.size_bytes) + ",") !=
        std::string::npos);

  // Timing noise for the DRBG: loop turns without frames fold nothing; kNoiseFolds turns
  // with frames (and one more, for the tcpip thread's counting in the rtos build) mix once.
  const std::uint32_t mixes = agent.noise_mixes();
  for (std::size_t i = 0; i < 2 * portcullis::platform::kNoiseFolds; ++i) {
    clock.advance(1);
    agent.poll();
  }
  LONGS_EQUAL(mixes, agent.noise_mixes());
  for (std::size_t i = 0; i <= portcullis::platform::kNoiseFolds; ++i) {
    mac.inject(test::tcp_frame({.src_port = 41000,
                                .dst_port = static_cast<std::uint16_t>(3000 + i),
                                .seq = 1,
                                .ack = 0,
                                .flags = test::kSyn}));
    clock.advance(1);
    agent.poll();
    test::settle_lwip();
  }
  agent.poll();
  LONGS_EQUAL(mixes + 1, agent.noise_mixes());
  portcullis::stack::stop_lwip();  // before the agent, its clock and its MAC go (~Agent checks)
}
