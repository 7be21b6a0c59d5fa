// SPDX-License-Identifier: Apache-2.0
#include "portcullis/policy/compiled.hpp"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

#include <CppUTest/TestHarness.h>

#include "portcullis/policy/canonical.hpp"
#include "portcullis/policy/digest.hpp"
#include "portcullis/policy/parser.hpp"

namespace portcullis::policy {
namespace {

// The first tcp/udp port of the build's policy, 0 if it has none: the test holds for any
// PORTCULLIS_POLICY the build was configured with.
constexpr std::uint16_t first_port(Proto proto) {
  for (const Rule& r : kPolicy.active_rules()) {
    if (r.proto == proto) {
      return r.first_port;
    }
  }
  return 0;
}

template <std::uint16_t kPort>
void check_tcp_listener() {
  if constexpr (kPort != 0) {
    constexpr AllowedTcpPort port = allowed_tcp_port<kPort>();
    LONGS_EQUAL(kPort, port.value());
  }
}

template <std::uint16_t kPort>
void check_udp_listener() {
  if constexpr (kPort != 0) {
    constexpr AllowedUdpPort port = allowed_udp_port<kPort>();
    LONGS_EQUAL(kPort, port.value());
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  CHECK_TRUE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_GROUP(CompiledPolicy){};

TEST(CompiledPolicy, EmbedsTheConfiguredFile) {
  STRCMP_EQUAL(PORTCULLIS_TEST_POLICY_FILE, std::string(kPolicyPath).c_str());
  std::string text = read_file(PORTCULLIS_TEST_POLICY_FILE);
  STRCMP_EQUAL(text.c_str(), std::string(kPolicyText).c_str());
}

TEST(CompiledPolicy, TableIsTheParsedText) {
  const ParseResult r = parse(kPolicyText);
  CHECK_TRUE(r.ok());
  CHECK(r.policy == kPolicy);
}

TEST(CompiledPolicy, CanonicalFormAndDigestMatchTheTable) {
  STRCMP_EQUAL(std::string(canonical(kPolicy).view()).c_str(),
               std::string(kPolicyCanonical).c_str());
  STRCMP_EQUAL(std::string(digest(kPolicy).view()).c_str(), std::string(kPolicyDigest).c_str());
  LONGS_EQUAL(64, kPolicyDigest.size());
}

TEST(CompiledPolicy, ListenersOnAllowedPortsCompile) {
  check_tcp_listener<first_port(Proto::kTcp)>();
  check_udp_listener<first_port(Proto::kUdp)>();
}

}  // namespace portcullis::policy
