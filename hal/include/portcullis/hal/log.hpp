// SPDX-License-Identifier: Apache-2.0
#pragma once
// The agent's console lines go through one small facade: `log.line(parts...)` writes
// "portcullis: " + the parts + a line feed, so every line has one prefix and one grammar (the
// lab and users read them; firmware/app/README.md lists them). Parts are text
// (std::string_view, C strings) and unsigned numbers, written in decimal. No buffer, no heap:
// each part goes to the console as it comes.

#include <concepts>
#include <string_view>

#include "portcullis/base/fixed_text.hpp"
#include "portcullis/hal/console.hpp"

namespace portcullis::hal {

class Log {
 public:
  explicit Log(Console& console) : console_(&console) {}

  template <typename... Parts>
  void line(const Parts&... parts) const {
    console_->write(kPrefix);
    (put(parts), ...);
    console_->write("\n");
  }
  // The same without the prefix: the boot banner ("portcullis 0.9.0 on <board>").
  template <typename... Parts>
  void banner(const Parts&... parts) const {
    (put(parts), ...);
    console_->write("\n");
  }

  static constexpr std::string_view kPrefix = "portcullis: ";

 private:
  void put(std::string_view text) const { console_->write(text); }
  void put(const char* text) const { console_->write(text); }
  template <std::unsigned_integral T>
  requires(!std::same_as<T, bool>) void put(T value) const {
    console_->write(decimal_text(value).view());
  }

  Console* console_;
};

}  // namespace portcullis::hal
