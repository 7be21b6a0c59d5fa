// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace portcullis::hal {

// A write-only text console for boot and diagnostic messages. Writes block until
// the bytes are handed to the hardware; they are never dropped silently.
class Console {
 public:
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  void write(std::string_view text) { do_write(text); }

 protected:
  Console() = default;
  ~Console() = default;

 private:
  virtual void do_write(std::string_view text) = 0;
};

}  // namespace portcullis::hal
