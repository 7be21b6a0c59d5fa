#include "portcullis/report/counters.hpp"

#include <algorithm>

namespace portcullis::report {

void TopPorts::add(std::uint8_t ip_proto, std::uint16_t port) {
  std::size_t min_index = 0;
  for (std::size_t i = 0; i < used_; ++i) {
    PortCount& e = slots_[i];
    if (e.port == port && e.ip_proto == ip_proto) {
      ++e.count;
      return;
    }
    if (e.count < slots_[min_index].count) {
      min_index = i;
    }
  }
  if (used_ < slots_.size()) {
    slots_[used_++] = PortCount{ip_proto, port, 1, 0};
    return;
  }
  PortCount& victim = slots_[min_index];
  victim = PortCount{ip_proto, port, victim.count + 1, victim.count};
}

std::size_t TopPorts::sorted(std::span<PortCount> out) const {
  const std::size_t n = std::min(out.size(), used_);
  std::partial_sort_copy(slots_.begin(), slots_.begin() + static_cast<std::ptrdiff_t>(used_),
                         out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n),
                         [](const PortCount& a, const PortCount& b) {
                           return a.count != b.count ? a.count > b.count : a.port < b.port;
                         });
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
