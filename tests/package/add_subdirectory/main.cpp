// SPDX-License-Identifier: Apache-2.0
// The customer's program: it sees the policy Portcullis compiled for it and prints its mgmt
// port, which the test compares with the board's policy file.
#include <cstdio>

#include "portcullis/policy/compiled.hpp"

int main() {
  std::printf("mgmt %u\n", static_cast<unsigned>(portcullis::policy::kPolicy.mgmt_port().value_or(0)));
  return 0;
}
