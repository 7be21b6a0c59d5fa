// SPDX-License-Identifier: Apache-2.0
#include "portcullis/report/counters.hpp"

#include <algorithm>

#include "portcullis/base/hot_path.hpp"

namespace portcullis::report {

namespace {

constexpr std::size_t kSets = kTopDroppedPorts / kTopPortWays;

// The set of a (ip_proto, port) key: Fibonacci hashing of the pair, so that a sweep of
// consecutive ports spreads over every set.
std::size_t set_of(std::uint32_t key) {
  return static_cast<std::size_t>((key * 2654435769u) >> 16) % kSets;
}

}  // namespace

void TopPorts::add(std::uint8_t ip_proto, std::uint16_t port) {
  // One word per slot to compare: a key is never 0 (port is not), a free slot's is.
  const std::uint32_t key = (std::uint32_t{ip_proto} << 16) | port;
  Slot* const set = &slots_[set_of(key) * kTopPortWays];
  Slot* min = set;
  std::uint32_t min_count = set->count;
  PORTCULLIS_HOT_UNROLL_4
  for (std::size_t i = 0; i < kTopPortWays; ++i) {
    Slot& e = set[i];
    if (e.key == key) {
      ++e.count;
      return;
    }
    if (e.count < min_count) {
      min = &e;
      min_count = e.count;
    }
  }
  // A free slot has count 0, the smallest: it is taken first, with no error.
  *min = Slot{key, min_count + 1, min_count};
}

std::size_t TopPorts::size() const {
  return static_cast<std::size_t>(
      std::count_if(slots_.begin(), slots_.end(), [](const Slot& e) { return e.count != 0; }));
}

std::size_t TopPorts::sorted(std::span<PortCount> out) const {
  // Insertion into `out`, largest first (count, then port): at most kTopDroppedPorts x
  // out.size() steps, at snapshot time only.
  std::size_t n = 0;
  const auto before = [](const PortCount& a, const PortCount& b) {
    return a.count != b.count ? a.count > b.count : a.port < b.port;
  };
  for (const Slot& slot : slots_) {
    if (slot.count == 0) {
      continue;
    }
    const PortCount e{static_cast<std::uint8_t>(slot.key >> 16),
                      static_cast<std::uint16_t>(slot.key), slot.count, slot.error};
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
  if (d.verdict == filter::Verdict::kPass) {
    record_pass(d.reason);
  } else {
    record_refused(d);
  }
}

}  // namespace portcullis::report
