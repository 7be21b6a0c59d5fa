// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace portcullis::hal::testing {

// A value-type bus with the shape of portcullis::hal::Mmio that forwards every access to a
// register-level fake device, so a driver template can be instantiated with it unchanged.
template <class Device>
class FakeBus {
 public:
  explicit FakeBus(Device& device) : device_(&device) {}

  std::uint32_t read32(std::uint32_t offset) const { return device_->read32(offset); }
  void write32(std::uint32_t offset, std::uint32_t value) const { device_->write32(offset, value); }

 private:
  Device* device_;
};

// What a fake saw a driver do that the real device forbids or that would misbehave on it.
// Tests assert it stays empty; text() makes a failure say what went wrong.
class ProtocolErrors {
 public:
  void add(std::string what) { errors_.push_back(std::move(what)); }
  bool empty() const { return errors_.empty(); }
  std::size_t size() const { return errors_.size(); }
  std::string text() const {
    std::string all;
    for (const std::string& e : errors_) all += e + "\n";
    return all;
  }

 private:
  std::vector<std::string> errors_;
};

}  // namespace portcullis::hal::testing
