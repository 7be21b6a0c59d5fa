#pragma once
// The stack tests' own lwIP input hooks: the same filter_input() the firmware's hooks call,
// with a policy each test chooses (the firmware binds the compiled policy instead).

#include "portcullis/policy/policy.hpp"

namespace portcullis::test {

// The policy the hooks enforce until the next call; default: stealth, echo on, tcp 80.
void set_hook_policy(const policy::Policy& p);
const policy::Policy& default_hook_policy();

}  // namespace portcullis::test
