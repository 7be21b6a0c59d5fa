// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>

namespace portcullis {

using MacAddress = std::array<std::uint8_t, 6>;

}  // namespace portcullis
