// SPDX-License-Identifier: Apache-2.0
#pragma once
// Policies for the classifier tests, built directly as data (not through the policy
// parser, which is tested on its own).

#include <algorithm>
#include <cstdint>
#include <initializer_list>

#include "packet_builder.hpp"
#include "portcullis/policy/policy.hpp"

namespace portcullis::test {

inline policy::Prefix prefix4(const Ipv4Address& a, std::uint8_t len) {
  policy::Prefix p;
  std::copy(a.begin(), a.end(), p.addr.begin());
  p.len = len;
  return p;
}

inline policy::Prefix prefix6(const Ipv6Address& a, std::uint8_t len) {
  policy::Prefix p;
  p.is_v6 = true;
  std::copy(a.begin(), a.end(), p.addr.begin());
  p.len = len;
  return p;
}

inline policy::Rule rule(policy::Proto proto, std::uint16_t first, std::uint16_t last,
                         std::initializer_list<policy::Prefix> sources = {}) {
  policy::Rule r;
  r.proto = proto;
  r.first_port = first;
  r.last_port = last;
  for (const policy::Prefix& p : sources) {
    r.sources[r.source_count++] = p;
  }
  return r;
}

inline policy::Policy make_policy(policy::Mode mode, bool echo,
                                  std::initializer_list<policy::Rule> rules) {
  policy::Policy p;
  p.mode = mode;
  p.echo = echo;
  for (const policy::Rule& r : rules) {
    p.rules[p.rule_count++] = r;
  }
  return p;
}

// The policy of most tests, in the policy file's words:
//   allow tcp 80
//   allow tcp 5000-5010 from 192.0.2.0/24,2001:db8::/64
//   allow udp 5683
//   mode MODE / echo ECHO
inline policy::Policy standard_policy(policy::Mode mode, bool echo = false) {
  const Ipv4Address net4{192, 0, 2, 0};
  const Ipv6Address net6{0x20, 0x01, 0x0d, 0xb8};
  return make_policy(mode, echo,
                     {rule(policy::Proto::kTcp, 80, 80),
                      rule(policy::Proto::kTcp, 5000, 5010, {prefix4(net4, 24), prefix6(net6, 64)}),
                      rule(policy::Proto::kUdp, 5683, 5683)});
}

}  // namespace portcullis::test
