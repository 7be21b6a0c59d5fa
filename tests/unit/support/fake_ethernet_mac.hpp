// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "portcullis/hal/ethernet_mac.hpp"

namespace portcullis::test {

// An EthernetMac with the real interface's contract: frames the test injects come out of
// receive() in order; frames the stack transmits are kept for the test to inspect.
class FakeEthernetMac final : public hal::EthernetMac {
 public:
  using Frame = std::vector<std::uint8_t>;

  void inject(Frame frame) { rx_.push_back(std::move(frame)); }
  std::size_t pending() const { return rx_.size(); }
  std::vector<Frame>& sent() { return tx_; }
  void set_link(bool up) { link_ = up; }
  void set_init_status(Status s) { init_status_ = s; }
  // Frames the "hardware" dropped or flagged bad, as a real driver would count them.
  void count_rx_losses(std::uint32_t overflow, std::uint32_t errors) {
    counters_.rx_overflow += overflow;
    counters_.rx_errors += errors;
  }
  bool initialised() const { return initialised_; }
  const MacAddress& mac() const { return mac_; }

 private:
  Status do_init(const MacAddress& mac) override {
    mac_ = mac;
    initialised_ = ok(init_status_);
    return init_status_;
  }
  std::size_t do_receive(std::span<std::uint8_t> frame) override {
    while (!rx_.empty()) {
      Frame f = std::move(rx_.front());
      rx_.pop_front();
      if (f.size() > frame.size()) {
        ++counters_.rx_too_large;
        continue;
      }
      std::copy(f.begin(), f.end(), frame.begin());
      ++counters_.rx_frames;
      return f.size();
    }
    return 0;
  }
  Status do_transmit(std::span<const std::uint8_t> frame) override {
    if (frame.empty() || frame.size() > hal::kMaxFrameBytes) {
      return Status::kInvalidArgument;
    }
    tx_.emplace_back(frame.begin(), frame.end());
    ++counters_.tx_frames;
    return Status::kOk;
  }
  bool do_link_up() override { return link_; }

  std::deque<Frame> rx_;
  std::vector<Frame> tx_;
  bool link_ = true;
  bool initialised_ = false;
  Status init_status_ = Status::kOk;
  MacAddress mac_{};
};

}  // namespace portcullis::test
