// SPDX-License-Identifier: Apache-2.0
#pragma once
// Not API: the declaration the generated provisioned_seed.cpp defines (CMakeLists.txt).

#include <array>
#include <cstdint>

namespace portcullis::platform::internal {

// 32 bytes from the build host's /dev/urandom, generated once per build folder.
extern const std::array<std::uint8_t, 32> kProvisionedSeed;

}  // namespace portcullis::platform::internal
