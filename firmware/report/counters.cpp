// SPDX-License-Identifier: Apache-2.0
#include "portcullis/report/counters.hpp"

#include <algorithm>

namespace portcullis::report {

namespace {

constexpr std::size_t kSets = kTopDroppedPorts / kTopPortWays;

// The set of (ip_proto, port): Fibonacci hashing of the pair, so that a sweep of consecutive
// ports spreads over every set.
std::size_t set_of(std::uint8_t ip_proto, std::uint16_t port) {
  const std::uint32_t key = (std::uint32_t{ip_proto} << 16) | port;
  return static_cast<std::size_t>((key * 2654435769u) >> 16) % kSets;
}

}  // namespace

void TopPorts::add(std::uint8_t ip_proto, std::uint16_t port) {
  PortCount* const set = &slots_[set_of(ip_proto, port) * kTopPortWays];
  PortCount* min = set;
  for (std::size_t i = 0; i < kTopPortWays; ++i) {
    PortCount& e = set[i];
    if (e.count != 0 && e.port == port && e.ip_proto == ip_proto) {
      ++e.count;
      return;
    }
    if (e.count < min->count) {
      min = &e;
    }
  }
  // A free slot has count 0, the smallest: it is taken first, with no error.
  *min = PortCount{ip_proto, port, min->count + 1, min->count};
}

std::size_t TopPorts::size() const {
  return static_cast<std::size_t>(
      std::count_if(slots_.begin(), slots_.end(), [](const PortCount& e) { return e.count != 0; }));
}

std::size_t TopPorts::sorted(std::span<PortCount> out) const {
  // Insertion into `out`, largest first (count, then port): at most kTopDroppedPorts x
  // out.size() steps, at snapshot time only.
  std::size_t n = 0;
  const auto before = [](const PortCount& a, const PortCount& b) {
    return a.count != b.count ? a.count > b.count : a.port < b.port;
  };
  for (const PortCount& e : slots_) {
    if (e.count == 0) {
      continue;
    }
    std::size_t at = n;
    while (at > 0 && before(e, out[at - 1])) {
      --at;
    }
    if (at == out.size()) {
      continue;
    }
    n = std::min(n + 1, out.size());
    for (std::size_t i = n - 1; i > at; --i) {
      out[i] = out[i - 1];
    }
    out[at] = e;
  }
  return n;
}

void Counters::record(const filter::Decision& d) {
  ++rx_total_;
  ++by_reason_[static_cast<std::size_t>(d.reason)];
  if (d.verdict == filter::Verdict::kPass) {
    ++passed_total_;
    return;
  }
  ++dropped_total_;
  if (d.verdict == filter::Verdict::kReject) {
    ++rejected_total_;
  }
  if (d.port != 0 && (d.ip_proto == 6 || d.ip_proto == 17)) {
    top_dropped_.add(d.ip_proto, d.port);
  }
}

}  // namespace portcullis::report
