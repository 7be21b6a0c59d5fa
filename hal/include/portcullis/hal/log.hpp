// SPDX-License-Identifier: Apache-2.0
#pragma once
// The agent's console lines go through one small facade: `log.line(parts...)` writes
// "portcullis: " + the parts + a line feed, so every line has one prefix and one grammar (the
// lab and users read them; firmware/app/README.md lists them). Parts are text
// (std::string_view, C strings) and unsigned numbers, written in decimal. No buffer, no heap:
// each part goes to the console as it comes.

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "portcullis/base/fixed_text.hpp"
#include "portcullis/hal/console.hpp"

namespace portcullis::hal {

class Log {
 public:
  explicit Log(Console& console) : console_(&console) {}

  // One part of a line: text, or an unsigned number (written in decimal).
  class Part {
   public:
    Part(std::string_view text) : text_(text) {}  // NOLINT(google-explicit-constructor)
    Part(const char* text) : text_(text) {}       // NOLINT(google-explicit-constructor)
    template <std::unsigned_integral T>
    requires(!std::same_as<T, bool>) Part(T value)  // NOLINT(google-explicit-constructor)
        : number_(value), is_number_(true) {}

   private:
    friend class Log;
    std::string_view text_;
    std::uint64_t number_ = 0;
    bool is_number_ = false;
  };

  // The parts become a list for one writer that is not a template: a call site costs the
  // list, not a copy of the writing code per combination of part types (flash, issue 14).
  template <typename... Parts>
  void line(const Parts&... parts) const {
    write(kPrefix, {Part(parts)...});
  }
  // The same without the prefix: the boot banner ("portcullis 0.9.0 on <board>").
  template <typename... Parts>
  void banner(const Parts&... parts) const {
    write({}, {Part(parts)...});
  }

  static constexpr std::string_view kPrefix = "portcullis: ";

 private:
  [[gnu::noinline]] void write(std::string_view prefix, std::initializer_list<Part> parts) const {
    if (!prefix.empty()) {
      console_->write(prefix);
    }
    for (const Part& p : parts) {
      console_->write(p.is_number_ ? decimal_text(p.number_).view() : p.text_);
    }
    console_->write("\n");
  }

  Console* console_;
};

}  // namespace portcullis::hal
