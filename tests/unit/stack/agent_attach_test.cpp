// SPDX-License-Identifier: Apache-2.0
// An agent attached to a firmware's own lwIP and netif (Agent::prepare(), Agent::attach()): the
// firmware (here the test) gives lwIP its sys_now(), starts lwIP and adds and drives its netif;
// the agent's filter judges every packet from before lwIP ran, its status endpoint listens on
// the policy's mgmt port, and its snapshot reports the attached netif's device. Its own process,
// with Portcullis's own hooks (no test hooks); it runs in the rtos build too (tcpip thread).
#include <CppUTest/TestHarness.h>

#include <string>
#include <string_view>

#include "device_record.hpp"
#include "frames.hpp"
#include "lwip_device.hpp"
#include "portcullis/app/agent.hpp"
#include "portcullis/policy/compiled.hpp"
#include "portcullis/report/status.hpp"
#include "portcullis/stack/lwip_port.hpp"

namespace test = portcullis::test;
namespace report = portcullis::report;
using portcullis::ok;
using portcullis::Status;

namespace {

class TextConsole final : public portcullis::hal::Console {
 public:
  std::string text;

 private:
  void do_write(std::string_view s) override { text.append(s); }
};


}  // namespace

TEST_GROUP(AgentAttach){};

TEST(AgentAttach, AttachesToTheFirmwaresLwipAndNetif) {
  TextConsole console;
  portcullis::app::Agent agent{test::lwip_test_clock(), console};
  const std::uint16_t mgmt = portcullis::policy::kPolicy.mgmt_port().value_or(0);
  CHECK(mgmt != 0);
  struct netif not_yet {};
  LONGS_EQUAL(static_cast<int>(Status::kInvalidArgument),  // nothing to attach before prepare()
              static_cast<int>(agent.attach(not_yet)));

  // Step 1, before the firmware starts lwIP: the record read, TLS up, the filter installed.
  CHECK(ok(agent.prepare("attached-test", test::device_record({}))));
  LONGS_EQUAL(static_cast<int>(Status::kInvalidArgument),
              static_cast<int>(agent.prepare("again", test::device_record({}))));
  LONGS_EQUAL(static_cast<int>(Status::kInvalidArgument),  // no MAC: it does not own a netif
              static_cast<int>(agent.start(portcullis::NetworkSettings{}, "x", {})));

  // The firmware: its sys_now(), lwIP started (lwip_init() or tcpip_init(), then
  // note_lwip_started()), its netif added and up, then step 2.
  {
    test::LwipDevice firmware;
    firmware.start();
    CHECK(ok(agent.attach(firmware.netif.lwip_netif())));
    LONGS_EQUAL(static_cast<int>(Status::kInvalidArgument),
                static_cast<int>(agent.attach(firmware.netif.lwip_netif())));
    POINTERS_EQUAL(&firmware.netif.lwip_netif(), agent.lwip_netif());
    CHECK(console.text.find("attached: ipv4 192.0.2.2") != std::string::npos);

    // The agent's filter judges the firmware's netif: its status endpoint answers the lab
    // prefix on the mgmt port; a closed port stays silent.
    CHECK(test::syn_ack_from(firmware.exchange(test::tcp_frame(
                           {.src_port = 40001, .dst_port = mgmt, .seq = 100, .flags = 0x02})),
                       mgmt));
    CHECK(firmware
              .exchange(
                  test::tcp_frame({.src_port = 40002, .dst_port = 8080, .seq = 200, .flags = 0x02}))
              .empty());
    agent.poll();
    test::settle_lwip();

    report::StatusSnapshot s;
    report::Counters counters;
    test::in_lwip([&] { agent.snapshot(s, counters); });
    CHECK(s.device.id == portcullis::credentials::kDeviceId);
    CHECK(s.device.board == "attached-test");
    CHECK(counters.dropped_total() >= 1);
    CHECK(counters.passed_total() >= 1);
    bool mgmt_listens = false;
    for (const report::Listener& l : s.listening.view()) {
      mgmt_listens = mgmt_listens || (l.proto == portcullis::policy::Proto::kTcp && l.port == mgmt);
    }
    CHECK_TRUE(mgmt_listens);
  }  // the firmware's netif and PCBs go first (~LwipDevice), in lwIP's context
  portcullis::stack::stop_lwip();  // then lwIP stops, before the agent goes (~Agent checks)
}
