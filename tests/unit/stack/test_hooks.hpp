// SPDX-License-Identifier: Apache-2.0
#pragma once
// The stack tests' own lwIP input hooks: an InputFilter as the firmware's hooks reach one,
// for a policy each test chooses (the firmware's agent binds the compiled policy instead).

#include "portcullis/policy/policy.hpp"
#include "portcullis/stack/input_filter.hpp"

namespace portcullis::test {

// The policy the hooks enforce until the next call; default: stealth, echo on, tcp 80.
// `p` must outlive the test program (a constexpr policy).
void set_hook_policy(const policy::Policy& p);
const policy::Policy& default_hook_policy();
// The filter the hooks use now: its counters, scan detector and blocked log.
stack::InputFilter& hook_filter();

// The stack tests' usual policy in a given mode: echo on, tcp 80 and udp 5683 allowed.
constexpr policy::Policy web_and_coap_policy(policy::Mode mode) {
  policy::Policy p;
  p.mode = mode;
  p.echo = true;
  p.rule_count = 2;
  p.rules[0].proto = policy::Proto::kTcp;
  p.rules[0].first_port = 80;
  p.rules[0].last_port = 80;
  p.rules[1].proto = policy::Proto::kUdp;
  p.rules[1].first_port = 5683;
  p.rules[1].last_port = 5683;
  return p;
}

}  // namespace portcullis::test
