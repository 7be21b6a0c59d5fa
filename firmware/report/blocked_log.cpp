// SPDX-License-Identifier: Apache-2.0
#include "portcullis/report/blocked_log.hpp"

#include <algorithm>

namespace portcullis::report {

std::size_t BlockedLog::recent(std::span<BlockedAttempt> out) const {
  const std::size_t held = static_cast<std::size_t>(std::min<std::uint64_t>(total_, ring_.size()));
  const std::size_t n = std::min(held, out.size());
  std::size_t at = next_;
  for (std::size_t i = 0; i < n; ++i) {
    at = at == 0 ? ring_.size() - 1 : at - 1;
    const Slot& e = ring_[at];
    out[i] = {e.src, e.ip_proto, e.port, static_cast<filter::Reason>(e.reason), e.uptime_ms};
  }
  return n;
}

}  // namespace portcullis::report
