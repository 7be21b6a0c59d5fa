// SPDX-License-Identifier: Apache-2.0
#include "fake_stack_view.hpp"

#include <algorithm>

namespace portcullis::test {
namespace {

bool valid_ip_len(std::size_t n) {
  return n == 4 || n == 16;
}

FakeStackView::Entry make_entry(std::span<const std::uint8_t> remote_ip, std::uint16_t remote_port,
                                std::span<const std::uint8_t> local_ip, std::uint16_t local_port) {
  FakeStackView::Entry e;
  const std::size_t n = std::min<std::size_t>(remote_ip.size(), 16);
  std::copy_n(remote_ip.begin(), n, e.remote_ip.begin());
  std::copy_n(local_ip.begin(), std::min<std::size_t>(local_ip.size(), 16), e.local_ip.begin());
  e.ip_len = remote_ip.size() == local_ip.size() ? remote_ip.size() : 0;
  e.remote_port = remote_port;
  e.local_port = local_port;
  return e;
}

bool same(const FakeStackView::Entry& a, const FakeStackView::Entry& b) {
  return a.ip_len == b.ip_len && a.remote_ip == b.remote_ip && a.local_ip == b.local_ip &&
         a.remote_port == b.remote_port && a.local_port == b.local_port;
}

}  // namespace

bool FakeStackView::add(Table& table, std::span<const std::uint8_t> remote_ip,
                        std::uint16_t remote_port, std::span<const std::uint8_t> local_ip,
                        std::uint16_t local_port) {
  if (table.count == kCapacity || !valid_ip_len(remote_ip.size()) ||
      remote_ip.size() != local_ip.size()) {
    return false;
  }
  table.entries[table.count++] = make_entry(remote_ip, remote_port, local_ip, local_port);
  return true;
}

bool FakeStackView::add_tcp_flow(std::span<const std::uint8_t> remote_ip, std::uint16_t remote_port,
                                 std::span<const std::uint8_t> local_ip, std::uint16_t local_port) {
  return add(tcp_, remote_ip, remote_port, local_ip, local_port);
}

bool FakeStackView::add_udp_flow(std::span<const std::uint8_t> remote_ip, std::uint16_t remote_port,
                                 std::span<const std::uint8_t> local_ip, std::uint16_t local_port) {
  return add(udp_, remote_ip, remote_port, local_ip, local_port);
}

bool FakeStackView::add_ipv4_broadcast(std::span<const std::uint8_t, 4> address) {
  if (broadcast_count_ == kCapacity) {
    return false;
  }
  std::copy(address.begin(), address.end(), broadcast_[broadcast_count_++].begin());
  return true;
}

bool FakeStackView::lookup(const Table& table, const filter::Flow& f) const {
  last_query_ = make_entry(f.remote_ip, f.remote_port, f.local_ip, f.local_port);
  if (!valid_ip_len(last_query_.ip_len)) {
    return false;
  }
  return std::any_of(table.entries.begin(), table.entries.begin() + table.count,
                     [this](const Entry& e) { return same(e, last_query_); });
}

bool FakeStackView::do_tcp_flow(const filter::Flow& f) const {
  ++tcp_queries_;
  return lookup(tcp_, f);
}

bool FakeStackView::do_udp_flow(const filter::Flow& f) const {
  ++udp_queries_;
  return lookup(udp_, f);
}

filter::ClientAnswer FakeStackView::do_client_answer(const filter::Flow& f,
                                                     std::span<const std::uint8_t> payload) const {
  ++client_answer_queries_;
  last_query_ = make_entry(f.remote_ip, f.remote_port, f.local_ip, f.local_port);
  last_payload_size_ = payload.size();
  std::copy_n(payload.begin(), std::min(payload.size(), kPayloadCopy), last_payload_.begin());
  return client_answer_;
}

bool FakeStackView::do_ipv4_broadcast(std::span<const std::uint8_t, 4> dst) const {
  ++broadcast_queries_;
  return std::any_of(broadcast_.begin(), broadcast_.begin() + broadcast_count_,
                     [dst](const std::array<std::uint8_t, 4>& b) {
                       return std::equal(b.begin(), b.end(), dst.begin());
                     });
}

bool FakeStackView::add_own_address(std::span<const std::uint8_t> address) {
  if (own_count_ == kCapacity || !valid_ip_len(address.size())) {
    return false;
  }
  Entry& e = own_[own_count_++];
  std::copy(address.begin(), address.end(), e.remote_ip.begin());
  e.ip_len = address.size();
  return true;
}

bool FakeStackView::do_own_address(std::span<const std::uint8_t> addr) const {
  ++own_queries_;
  return std::any_of(own_.begin(), own_.begin() + own_count_, [addr](const Entry& e) {
    return e.ip_len == addr.size() && std::equal(addr.begin(), addr.end(), e.remote_ip.begin());
  });
}

}  // namespace portcullis::test
