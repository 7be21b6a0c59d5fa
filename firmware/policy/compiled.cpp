// SPDX-License-Identifier: Apache-2.0
// Compiles the generated policy header with the agent's flags on every platform, so the
// target compiler (Arm in a firmware build) re-parses the policy even before any consumer
// includes it, and the static_asserts in the header run in every build.

#include "portcullis/policy/compiled.hpp"

namespace portcullis::policy {

static_assert(kPolicy.rule_count <= kMaxRules);
static_assert(kPolicyDigest.size() == 64);
static_assert(kPolicyPath.size() > 0);

}  // namespace portcullis::policy
