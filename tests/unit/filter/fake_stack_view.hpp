// SPDX-License-Identifier: Apache-2.0
#pragma once
// A StackView answering from small tables the test fills: the device's TCP connections,
// its UDP flows, the interface's broadcast addresses and its own addresses. It counts the
// questions, so a test can also tell that the classifier asked (or did not have to ask) the stack.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/filter/classifier.hpp"

namespace portcullis::test {

class FakeStackView final : public filter::StackView {
 public:
  static constexpr std::size_t kCapacity = 8;

  struct Entry {
    std::array<std::uint8_t, 16> remote_ip{};
    std::array<std::uint8_t, 16> local_ip{};
    std::size_t ip_len = 0;  // 4 or 16
    std::uint16_t remote_port = 0;
    std::uint16_t local_port = 0;
  };

  FakeStackView() = default;

  // False when the table is full or the addresses are not both 4 or both 16 bytes.
  bool add_tcp_flow(std::span<const std::uint8_t> remote_ip, std::uint16_t remote_port,
                    std::span<const std::uint8_t> local_ip, std::uint16_t local_port);
  bool add_udp_flow(std::span<const std::uint8_t> remote_ip, std::uint16_t remote_port,
                    std::span<const std::uint8_t> local_ip, std::uint16_t local_port);
  bool add_ipv4_broadcast(std::span<const std::uint8_t, 4> address);
  // What client_answer() says about every datagram (kNone until set).
  void set_client_answer(filter::ClientAnswer answer) { client_answer_ = answer; }
  // An address of the device (4 or 16 bytes); false when full or another size.
  bool add_own_address(std::span<const std::uint8_t> address);

  std::size_t tcp_queries() const { return tcp_queries_; }
  std::size_t udp_queries() const { return udp_queries_; }
  std::size_t client_answer_queries() const { return client_answer_queries_; }
  std::size_t broadcast_queries() const { return broadcast_queries_; }
  std::size_t own_address_queries() const { return own_queries_; }
  // The last flow asked about (TCP or UDP), copied out of the packet.
  const Entry& last_query() const { return last_query_; }
  // The payload client_answer() was last shown (its first kPayloadCopy bytes) and its size.
  static constexpr std::size_t kPayloadCopy = 64;
  std::span<const std::uint8_t> last_payload() const {
    return std::span(last_payload_).first(std::min(last_payload_size_, kPayloadCopy));
  }
  std::size_t last_payload_size() const { return last_payload_size_; }

 private:
  struct Table {
    std::array<Entry, kCapacity> entries{};
    std::size_t count = 0;
  };

  static bool add(Table& table, std::span<const std::uint8_t> remote_ip, std::uint16_t remote_port,
                  std::span<const std::uint8_t> local_ip, std::uint16_t local_port);
  bool lookup(const Table& table, const filter::Flow& f) const;

  bool do_tcp_flow(const filter::Flow& f) const override;
  bool do_udp_flow(const filter::Flow& f) const override;
  filter::ClientAnswer do_client_answer(const filter::Flow& f,
                                        std::span<const std::uint8_t> payload) const override;
  bool do_ipv4_broadcast(std::span<const std::uint8_t, 4> dst) const override;
  bool do_own_address(std::span<const std::uint8_t> addr) const override;

  Table tcp_;
  Table udp_;
  std::array<std::array<std::uint8_t, 4>, kCapacity> broadcast_{};
  std::size_t broadcast_count_ = 0;
  std::array<Entry, kCapacity> own_{};  // remote_ip and ip_len used
  std::size_t own_count_ = 0;
  mutable std::size_t tcp_queries_ = 0;
  mutable std::size_t udp_queries_ = 0;
  filter::ClientAnswer client_answer_ = filter::ClientAnswer::kNone;
  mutable std::size_t client_answer_queries_ = 0;
  mutable std::array<std::uint8_t, kPayloadCopy> last_payload_{};
  mutable std::size_t last_payload_size_ = 0;
  mutable std::size_t broadcast_queries_ = 0;
  mutable std::size_t own_queries_ = 0;
  mutable Entry last_query_{};
};

}  // namespace portcullis::test
