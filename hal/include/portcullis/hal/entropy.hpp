// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>

#include "portcullis/base/status.hpp"

namespace portcullis::hal {

// A source of unpredictable bytes for seeding DRBGs. Fills all of `out` or fails;
// a board without such a source must not pretend to have one.
class Entropy {
 public:
  Entropy(const Entropy&) = delete;
  Entropy& operator=(const Entropy&) = delete;

  Status fill(std::span<std::uint8_t> out) { return do_fill(out); }

 protected:
  Entropy() = default;
  ~Entropy() = default;

 private:
  virtual Status do_fill(std::span<std::uint8_t> out) = 0;
};

}  // namespace portcullis::hal
