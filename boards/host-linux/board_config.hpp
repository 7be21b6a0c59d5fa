#pragma once
// host-linux: data only.

#include <string_view>

#include "portcullis/boards/lab_network.hpp"

namespace portcullis::board {

inline constexpr std::string_view kName = "host-linux";
inline constexpr std::string_view kDefaultTap = "pctap0";
inline constexpr int kIdleWaitMs = 5;  // longest sleep between loop turns when idle

inline constexpr NetworkSettings kNetwork = boards::kLabNetwork;

}  // namespace portcullis::board
