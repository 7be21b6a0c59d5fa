// SPDX-License-Identifier: Apache-2.0
#pragma once
// Snapshots for the encoder tests, built directly as data, and helpers that run an encoder
// into a right-sized buffer.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "portcullis/filter/classifier.hpp"
#include "portcullis/policy/digest.hpp"
#include "portcullis/policy/policy.hpp"
#include "portcullis/report/counters.hpp"
#include "portcullis/report/status.hpp"
#include "portcullis/report/text_sink.hpp"

namespace portcullis::test {

inline policy::Prefix prefix(bool v6, std::initializer_list<std::uint8_t> bytes, std::uint8_t len) {
  policy::Prefix p;
  p.is_v6 = v6;
  std::size_t i = 0;
  for (const std::uint8_t b : bytes) {
    p.addr[i++] = b;
  }
  p.len = len;
  return p;
}

inline policy::Rule rule(policy::Proto proto, std::uint16_t first, std::uint16_t last,
                         std::initializer_list<policy::Prefix> sources = {}, bool mgmt = false) {
  policy::Rule r;
  r.proto = proto;
  r.first_port = first;
  r.last_port = last;
  r.mgmt = mgmt;
  for (const policy::Prefix& p : sources) {
    r.sources[r.source_count++] = p;
  }
  return r;
}

inline report::IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  const std::array<std::uint8_t, 4> bytes{a, b, c, d};
  return report::IpAddress::v4(bytes);
}

// Eight 16-bit groups, as an IPv6 address is written.
inline report::IpAddress v6(std::array<std::uint16_t, 8> groups) {
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < 8; ++i) {
    bytes[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
    bytes[2 * i + 1] = static_cast<std::uint8_t>(groups[i] & 0xFF);
  }
  return report::IpAddress::v6(bytes);
}

// A device as the tests mostly see it. Its policy, in the policy file's words:
//   mode stealth / echo on
//   allow tcp 80
//   allow tcp 5000-5010 from 192.0.2.0/24,2001:db8::/64
//   allow udp 5683
//   mgmt 8443 from 192.0.2.0/24
// Not copyable: the snapshot points into it.
class TypicalStatus {
 public:
  TypicalStatus() {
    policy.mode = policy::Mode::kStealth;
    policy.echo = true;
    const policy::Prefix net4 = prefix(false, {192, 0, 2, 0}, 24);
    const policy::Prefix net6 = prefix(true, {0x20, 0x01, 0x0d, 0xb8}, 64);
    for (const policy::Rule& r :
         {rule(policy::Proto::kTcp, 80, 80), rule(policy::Proto::kTcp, 5000, 5010, {net4, net6}),
          rule(policy::Proto::kUdp, 5683, 5683),
          rule(policy::Proto::kTcp, 8443, 8443, {net4}, true)}) {
      policy.rules[policy.rule_count++] = r;
    }
    digest = policy::digest(policy);
    policy_changed();

    using filter::Reason;
    using filter::Verdict;
    for (int i = 0; i < 5; ++i) {
      counters.record({Verdict::kPass, Reason::kAllowed, 6, 8443});
    }
    counters.record({Verdict::kPass, Reason::kEcho, 1, 0});
    for (int i = 0; i < 4; ++i) {
      counters.record({Verdict::kDrop, Reason::kClosedPort, 6, 23});
    }
    counters.record({Verdict::kDrop, Reason::kClosedPort, 17, 161});
    counters.record({Verdict::kDrop, Reason::kClosedPort, 17, 161});
    counters.record({Verdict::kDrop, Reason::kClosedPort, 6, 22});
    counters.record({Verdict::kDrop, Reason::kMalformed, 0, 0});
    counters.record({Verdict::kDrop, Reason::kFragment, 0, 0});
    counters.record({Verdict::kDrop, Reason::kFragment, 0, 0});
    counters.record({Verdict::kDrop, Reason::kNoConnection, 6, 80});
    counters.record_reject_suppressed();

    snapshot.device = {"qemu-01", "mps2-an385", "0.1.0", 123456};
    snapshot.policy = &table_view;
    snapshot.policy_digest = digest.view();
    check(snapshot.listening.push({policy::Proto::kTcp, 8443, true}));
    check(snapshot.listening.push({policy::Proto::kTcp, 80, true}));
    check(snapshot.listening.push({policy::Proto::kUdp, 5683, true}));
    check(snapshot.listening.push({policy::Proto::kTcp, 2323, false}));
    snapshot.counters = &counters;
    check(snapshot.recent_blocked.push(
        {v4(198, 51, 100, 7), 6, 23, filter::Reason::kClosedPort, 120000}));
    check(snapshot.recent_blocked.push(
        {v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x99}), 17, 161, filter::Reason::kClosedPort, 121000}));
    check(snapshot.recent_blocked.push(
        {v4(198, 51, 100, 8), 1, 0, filter::Reason::kIcmpDenied, 122000}));
    check(snapshot.scanners.push({v4(198, 51, 100, 7), 1000, 100000, 120500}));
    snapshot.scanners_detected_total = 3;
    check(snapshot.violations.push(
        {policy::Proto::kTcp, 2323, report::ViolationAction::kReported, 90000}));
    check(snapshot.violations.push(
        {policy::Proto::kUdp, 69, report::ViolationAction::kClosed, 95000}));
    snapshot.violations_total = 7;
    snapshot.memory = {8192, 2345, 43008, 30144};
    snapshot.lwip.measured = true;
    // {name, failures, size, used, peak}
    check(snapshot.lwip.pools.push({"TCP_PCB", 2, 8, 3, 5}));
    check(snapshot.lwip.pools.push({"TCP_PCB_LISTEN", 0, 8, 2, 2}));
    check(snapshot.lwip.pools.push({"PBUF_POOL", 40, 16, 1, 16}));
    snapshot.lwip.heap = {16384, 1200, 9016, 1};
    snapshot.lwip.sent = {321, 12, 7, 4};
  }
  // Rebuilds the table the snapshot points to from `policy`: after a test changes it.
  void policy_changed() {
    table = policy::compact(policy);
    table_view = table;
  }
  TypicalStatus(const TypicalStatus&) = delete;
  TypicalStatus& operator=(const TypicalStatus&) = delete;

  policy::Policy policy;
  policy::AnyCompactPolicy table;  // what the snapshot points to, as the firmware's
  policy::Table table_view;
  policy::Digest digest;
  report::Counters counters;
  report::StatusSnapshot snapshot;
  bool all_pushed = true;  // every list entry above fitted

 private:
  void check(bool pushed) { all_pushed = all_pushed && pushed; }
};

// The document of an encoder (its size function, then its write function into a buffer of
// exactly that size); empty if either failed, which the tests' checks then catch.
template <typename Size, typename Write>
std::string render(const report::StatusSnapshot& s, Size size_of, Write write) {
  const portcullis::StatusWithSize size = size_of(s);
  if (!ok(size.status) || size.size == 0) {
    return {};
  }
  std::string text(size.size, '\0');
  const portcullis::StatusWithSize written = write(s, std::span<char>(text.data(), text.size()));
  if (!ok(written.status) || written.size != size.size) {
    return {};
  }
  return text;
}

// Gives every number the field tables describe (report::kPushFields, then kMemoryFields, in
// order) its own value, first + 1, first + 2, ...; the push enabled so /metrics has them.
inline void fill_described_numbers(report::StatusSnapshot& s, std::uint32_t first) {
  s.push.enabled = true;
  std::uint32_t v = first;
  for (const auto& f : report::kPushFields) {
    s.push.*f.member = ++v;
  }
  for (const auto& f : report::kMemoryFields) {
    s.memory.*f.member = ++v;
  }
}

}  // namespace portcullis::test
