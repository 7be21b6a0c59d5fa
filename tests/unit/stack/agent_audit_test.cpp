// SPDX-License-Identifier: Apache-2.0
// The agent runs the listener audit against the build's policy: a forbidden listener opened
// while it runs is dealt with at its next loop turn and named on the console, once.
// The record it boots on names another device than its certificate: refused (no TLS, no status
// endpoint, no push, the console says why), while the filter and the audit run as always.
// Its own executable: Agent::start() calls lwip_init() (or tcpip_init() in the rtos build,
// where this test runs too), which a process does once.
#include <CppUTest/TestHarness.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "device_record.hpp"
#include "fake_clock.hpp"
#include "fake_ethernet_mac.hpp"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip_device.hpp"
#include "portcullis/app/agent.hpp"
#include "portcullis/boards/lab_network.hpp"
#include "portcullis/policy/compiled.hpp"
#include "portcullis/stack/lwip_port.hpp"

using portcullis::policy::kPolicy;
using portcullis::policy::Proto;
namespace stack = portcullis::stack;

namespace {

class TextConsole final : public portcullis::hal::Console {
 public:
  std::string text;

 private:
  void do_write(std::string_view t) override { text.append(t); }
};

// The first port from `from` on that the build's policy does not allow for `proto`.
constexpr std::uint16_t forbidden_port(Proto proto, std::uint16_t from) {
  for (std::uint32_t p = from; p <= 0xFFFF; ++p) {
    if (!kPolicy.allows_port(proto, static_cast<std::uint16_t>(p))) {
      return static_cast<std::uint16_t>(p);
    }
  }
  return 0;
}
constexpr std::uint16_t kTcpPort = forbidden_port(Proto::kTcp, 2323);
constexpr std::uint16_t kUdpPort = forbidden_port(Proto::kUdp, 1900);
static_assert(kTcpPort != 0 && kUdpPort != 0);

std::size_t count(const std::string& text, const std::string& line) {
  std::size_t n = 0;
  for (auto at = text.find(line); at != std::string::npos; at = text.find(line, at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_GROUP(AgentAudit){};

TEST(AgentAudit, AForbiddenListenerIsHandledAtTheNextTurnAndNamedOnTheConsoleOnce) {
  portcullis::test::FakeEthernetMac mac;
  portcullis::test::FakeClock clock;
  TextConsole console;
  portcullis::app::Agent agent{mac, clock, console};
  // Settings that name no MAC (a device image's) and a record that gives none: refused before
  // anything starts, and said; every device of a fleet would otherwise share one.
  portcullis::NetworkSettings no_mac = portcullis::boards::kLabNetwork;
  no_mac.mac = {};
  LONGS_EQUAL(static_cast<int>(portcullis::Status::kUnavailable),
              static_cast<int>(agent.start(
                  no_mac, "test", portcullis::test::device_record({.device_id = "someone-else"}))));
  CHECK(console.text.find("portcullis: no MAC address: the identity record gives none "
                          "(tools/pki provision --mac) and the board none of its own\n") !=
        std::string::npos);
  CHECK_FALSE(mac.initialised());
  CHECK(console.text.find("portcullis: identity ") == std::string::npos);  // not read yet
  CHECK(
      portcullis::ok(agent.start(portcullis::boards::kLabNetwork, "test",
                                 portcullis::test::device_record({.device_id = "someone-else"}))));
  // The record parses, but its certificate is the build's device's: no credentials.
  CHECK(agent.identity_state() == portcullis::identity::RecordState::kValid);
  CHECK(console.text.find("portcullis: identity someone-else: the certificate's CN is not the "
                          "device id: no TLS") != std::string::npos);
  CHECK(console.text.find("portcullis: no device credentials: no status endpoint\n") !=
        std::string::npos);
  CHECK(console.text.find("portcullis: no device credentials: no push\n") != std::string::npos);
  // The DRBG still came up: lwIP's ports and sequence numbers are keyed.
  CHECK(console.text.find("PREDICTABLE") == std::string::npos);
  portcullis::report::StatusSnapshot status;
  portcullis::report::Counters counters;
  portcullis::test::in_lwip([&] { agent.snapshot(status, counters); });
  CHECK_FALSE(status.push.enabled);
  CHECK(status.push.broker.empty());
  for (const auto& l : status.listening.view()) {
    CHECK(l.proto != Proto::kTcp || l.port != kPolicy.mgmt_port().value_or(0));
  }
  LONGS_EQUAL(1, agent.listener_audit().audits());  // start() ends with an audit
  LONGS_EQUAL(0, agent.listener_audit().violations().total());
  LONGS_EQUAL(0, count(console.text, "violation"));

  // A service opening listeners on its own, in lwIP's context (the rtos build: its lock).
  tcp_pcb* listener = nullptr;
  udp_pcb* socket = nullptr;
  err_t tcp_bound = ERR_VAL;
  err_t udp_bound = ERR_VAL;
  portcullis::test::in_lwip([&] {
    tcp_pcb* pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
    tcp_bound = tcp_bind(pcb, IP_ANY_TYPE, kTcpPort);
    listener = tcp_listen(pcb);
    socket = udp_new_ip_type(IPADDR_TYPE_ANY);
    udp_bound = udp_bind(socket, IP_ANY_TYPE, kUdpPort);
  });
  LONGS_EQUAL(ERR_OK, tcp_bound);
  CHECK(listener != nullptr);
  LONGS_EQUAL(ERR_OK, udp_bound);
  clock.advance(1);
  agent.poll();
  portcullis::test::settle_lwip();
  for (int i = 0; i < 3; ++i) {
    clock.advance(stack::kAuditPeriodMs);
    agent.poll();
    portcullis::test::settle_lwip();
  }

  const std::string action(portcullis::report::action_name(
      stack::kAuditEnforcement == stack::Enforcement::kClose ? stack::ViolationAction::kClosed
                                                             : stack::ViolationAction::kReported));
  LONGS_EQUAL(1, count(console.text, "portcullis: violation: tcp " + std::to_string(kTcpPort) +
                                         " " + action + "\n"));
  LONGS_EQUAL(1, count(console.text, "portcullis: violation: udp " + std::to_string(kUdpPort) +
                                         " " + action + "\n"));
  LONGS_EQUAL(2, agent.listener_audit().violations().total());
  if (stack::kAuditEnforcement == stack::Enforcement::kReportOnly) {
    portcullis::test::in_lwip([&] {
      tcp_close(listener);
      udp_remove(socket);
    });
  }
  portcullis::stack::stop_lwip();  // before the agent, its clock and its MAC go (~Agent checks)
}
