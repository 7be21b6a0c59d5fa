// SPDX-License-Identifier: Apache-2.0
// The classifier against hostile bytes: every truncation of valid packets, deterministic
// random mutations and random packets. Each input lives in a malloc'd buffer of exactly its
// size, so AddressSanitizer reports any read past it; UBSan watches the arithmetic.

#include <CppUTest/TestHarness.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "describe.hpp"
#include "fake_stack_view.hpp"
#include "packet_builder.hpp"
#include "portcullis/filter/classifier.hpp"
#include "test_policy.hpp"

using namespace portcullis::test;  // NOLINT(google-build-using-namespace): test helpers
using portcullis::filter::classify_ipv4;
using portcullis::filter::classify_ipv6;
using portcullis::filter::Decision;
using portcullis::filter::Flow;
using portcullis::filter::is_pass_reason;
using portcullis::filter::kMaxHeaderBytes;
using portcullis::filter::kReasonCount;
using portcullis::filter::Reason;
using portcullis::filter::StackView;
using portcullis::filter::Verdict;
using portcullis::policy::Mode;
using portcullis::policy::Policy;

namespace {

// Says yes to every question, so that mutated packets reach the deepest paths; but no
// source is the device's own (that answer would end every packet at the first check).
class YesStackView final : public StackView {
 private:
  bool do_tcp_flow(const Flow&) const override { return true; }
  bool do_udp_flow(const Flow&) const override { return true; }
  portcullis::filter::ClientAnswer do_client_answer(const Flow&,
                                                    std::span<const std::uint8_t>) const override {
    return portcullis::filter::ClientAnswer::kOwn;
  }
  bool do_ipv4_broadcast(std::span<const std::uint8_t, 4>) const override { return true; }
  bool do_own_address(std::span<const std::uint8_t>) const override { return false; }
};

// xorshift32 with a fixed seed: the same inputs on every run.
class Random {
 public:
  std::uint32_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : next() % n; }

 private:
  std::uint32_t state_ = 0x2545F491;
};

struct Sample {
  const char* name;
  Bytes packet;
  bool v6;
  std::size_t headers_end;  // bytes the verdict depends on: through the L4 header (or quote)
};

Bytes tcp4_with_options() {
  return ipv4({.option_bytes = 8}, tcp({.dport = 80, .data_offset = 8, .payload = 30}));
}

std::vector<Sample> samples() {
  const Bytes quote4 =
      first(ipv4({.src = kDevice4, .dst = kHost4}, tcp({.sport = 49152, .dport = 443})), 28);
  const Bytes quote6 = first(
      ipv6({.src = kDevice6, .dst = kHost6, .next = kProtoUdp}, udp({.sport = 50000, .dport = 53})),
      48);
  return {
      {"ipv4 tcp syn", ipv4({}, tcp({.dport = 80})), false, 40},
      {"ipv4 tcp options", tcp4_with_options(), false, 28 + 32},
      {"ipv4 udp", ipv4({.proto = kProtoUdp}, udp({.dport = 5683, .payload = 12})), false, 28},
      {"ipv4 udp first fragment",
       ipv4({.proto = kProtoUdp, .more_fragments = true},
            udp({.dport = 5683, .payload = 16, .length = 2000})),
       false, 28},
      {"ipv4 icmp echo", ipv4({.proto = kProtoIcmp}, icmp(8, 0, Bytes(16, 1))), false, 28},
      {"ipv4 icmp error", ipv4({.proto = kProtoIcmp}, icmp(3, 3, quote4)), false, 56},
      {"ipv6 tcp chain",
       ipv6({.next = kNextHopByHop},
            options_header(kNextDestOpts, {5, 2, 0, 0},
                           options_header(kProtoTcp, {}, tcp({.dport = 80, .data_offset = 6})))),
       true, 40 + 8 + 8 + 24},
      {"ipv6 udp", ipv6({.next = kProtoUdp}, udp({.dport = 5683, .payload = 9})), true, 48},
      {"ipv6 neighbour solicitation",
       ipv6({.next = kProtoIcmp6, .hop_limit = 255}, icmp(135, 0, Bytes(16, 0))), true, 48},
      {"ipv6 icmp error", ipv6({.next = kProtoIcmp6}, icmp(1, 4, quote6)), true, 96},
  };
}

// A copy of the input in a buffer of exactly its size, straight from malloc: CppUTest's
// operator new (which std::vector uses) pads every block for its own checks, so a read a
// few bytes past a vector's end would go unnoticed by AddressSanitizer.
class ExactCopy {
 public:
  explicit ExactCopy(const Bytes& b)
      : data_(b.empty() ? nullptr : static_cast<std::uint8_t*>(std::malloc(b.size()))),
        size_(b.size()) {
    if (data_ != nullptr) {
      std::memcpy(data_, b.data(), b.size());
    }
  }
  ~ExactCopy() { std::free(data_); }
  ExactCopy(const ExactCopy&) = delete;
  ExactCopy& operator=(const ExactCopy&) = delete;

  std::span<const std::uint8_t> bytes() const { return {data_, size_}; }

 private:
  std::uint8_t* data_;
  std::size_t size_;
};

Decision classify(bool v6, const Bytes& bytes, std::size_t total_len, const Policy& policy,
                  const StackView& stack) {
  const ExactCopy copy(bytes);
  const auto table = portcullis::policy::compact(policy);
  return v6 ? classify_ipv6(copy.bytes(), total_len, table, stack)
            : classify_ipv4(copy.bytes(), total_len, table, stack);
}

// What must hold for any input.
void check_well_formed(const Decision& d, const std::string& where) {
  CHECK_TEXT(static_cast<std::size_t>(d.reason) < kReasonCount, where.c_str());
  CHECK_TEXT(is_pass_reason(d.reason) == (d.verdict == Verdict::kPass), where.c_str());
  if (d.verdict == Verdict::kReject) {
    CHECK_TEXT(d.reason == Reason::kClosedPort, where.c_str());
    CHECK_TEXT(d.ip_proto == kProtoTcp || d.ip_proto == kProtoUdp, where.c_str());
  }
}

}  // namespace

TEST_GROUP(ClassifierFuzz) {
  FakeStackView fake;
  YesStackView yes;
  const Policy policies[2] = {standard_policy(Mode::kStealth, true),
                              standard_policy(Mode::kReject, true)};

  void setup() override {
    // The flows the ICMP error samples quote, and one for the UDP sample.
    CHECK(fake.add_tcp_flow(kHost4, 443, kDevice4, 49152));
    CHECK(fake.add_udp_flow(kHost6, 53, kDevice6, 50000));
  }
};

TEST(ClassifierFuzz, EverySampleIsAPassingPacket) {
  for (const Sample& s : samples()) {
    const Decision d = classify(s.v6, s.packet, s.packet.size(), policies[0], fake);
    STRCMP_EQUAL_TEXT("pass", verdict_name(d.verdict), s.name);
  }
}

TEST(ClassifierFuzz, NoTruncationPassesWithoutItsHeadersAndLongerCopiesDecideAlike) {
  for (const Sample& s : samples()) {
    for (const Policy& policy : policies) {
      for (const StackView* stack :
           {static_cast<const StackView*>(&fake), static_cast<const StackView*>(&yes)}) {
        const Decision whole = classify(s.v6, s.packet, s.packet.size(), policy, *stack);
        for (std::size_t n = 0; n <= s.packet.size(); ++n) {
          const Bytes cut = first(s.packet, n);
          const std::string where = std::string(s.name) + " cut at " + std::to_string(n);
          // Cut on the wire (the length fields disagree with what came) ...
          const Decision wire = classify(s.v6, cut, n, policy, *stack);
          check_well_formed(wire, where);
          // ... or only the copy the hook was given.
          const Decision copy = classify(s.v6, cut, s.packet.size(), policy, *stack);
          check_well_formed(copy, where);
          if (n < s.packet.size()) {
            CHECK_TEXT(wire.verdict != Verdict::kPass, where.c_str());
          }
          if (n < s.headers_end) {
            CHECK_TEXT(copy.verdict != Verdict::kPass, where.c_str());
          } else {
            STRCMP_EQUAL_TEXT(describe(whole).c_str(), describe(copy).c_str(), where.c_str());
          }
        }
      }
    }
  }
}

TEST(ClassifierFuzz, RandomMutationsOfValidPacketsAreSafe) {
  constexpr int kMutationsPerSample = 4000;
  Random rng;
  std::size_t passed = 0;
  std::size_t dropped = 0;
  for (const Sample& s : samples()) {
    for (int i = 0; i < kMutationsPerSample; ++i) {
      Bytes p = s.packet;
      // Mostly the headers: that is where the parser's decisions are.
      const std::size_t flips = 1 + rng.below(4);
      for (std::size_t f = 0; f < flips; ++f) {
        const std::size_t window =
            rng.below(4) == 0 ? p.size() : std::min<std::size_t>(p.size(), 100);
        p[rng.below(window)] = static_cast<std::uint8_t>(rng.next());
      }
      if (rng.below(8) == 0) {
        p.resize(rng.below(p.size() + 1));
      }
      std::size_t total_len = p.size();
      switch (rng.below(4)) {
        case 0:
          total_len = rng.below(p.size() + 64);
          break;
        case 1:
          total_len = p.size() + rng.below(1500);
          break;
        default:
          break;
      }
      const Policy& policy = policies[i % 2];
      const StackView& stack = (i / 2) % 2 == 0 ? static_cast<const StackView&>(fake)
                                                : static_cast<const StackView&>(yes);
      const std::string where = std::string(s.name) + " mutation " + std::to_string(i);
      const Decision d = classify(s.v6, p, total_len, policy, stack);
      check_well_formed(d, where);
      // The other family's hook on the same bytes, and the classifier is deterministic.
      check_well_formed(classify(!s.v6, p, total_len, policy, stack), where);
      STRCMP_EQUAL_TEXT(describe(d).c_str(),
                        describe(classify(s.v6, p, total_len, policy, stack)).c_str(),
                        where.c_str());
      (d.verdict == Verdict::kPass ? passed : dropped)++;
    }
  }
  // The mutations reach both outcomes, so they exercise more than the first length check.
  CHECK(passed > 1000);
  CHECK(dropped > 1000);
}

TEST(ClassifierFuzz, RandomBytesAreSafe) {
  constexpr int kPackets = 5000;
  Random rng;
  for (int i = 0; i < kPackets; ++i) {
    Bytes p(rng.below(kMaxHeaderBytes + 1));
    for (std::uint8_t& b : p) {
      b = static_cast<std::uint8_t>(rng.next());
    }
    const bool v6 = i % 2 == 1;
    if (!p.empty()) {
      p[0] = static_cast<std::uint8_t>((v6 ? 0x60 : 0x40) | (p[0] & 0x0F));
    }
    const std::string where = "random " + std::to_string(i);
    const std::size_t total_len = rng.below(2) == 0 ? p.size() : rng.below(1600);
    check_well_formed(classify(v6, p, total_len, policies[i % 2], yes), where);
    check_well_formed(classify(v6, p, total_len, policies[i % 2], fake), where);
  }
}
