// SPDX-License-Identifier: Apache-2.0
#pragma once
// What every harness shares: a reader that draws values from the front of the fuzzer's input
// (so a seed can be written by hand: its first bytes are the settings, the rest the payload),
// and FUZZ_CHECK, which reports a broken invariant and aborts: libFuzzer then saves the input
// as a crash, and the replay driver (replay_main.cpp) fails its CTest test.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

// The entry point libFuzzer (or replay_main.cpp) calls with each input.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace portcullis::fuzz {

[[noreturn]] inline void check_failed(const char* file, int line, const char* what) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
  std::abort();
}

// Reads big-endian values and byte runs; past the end every read yields zeros (or an empty
// run), so any input, however short, decodes to something.
class FuzzInput {
 public:
  explicit FuzzInput(std::span<const std::uint8_t> data) : data_(data) {}

  std::uint8_t u8() { return pos_ < data_.size() ? data_[pos_++] : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() << 8 | u8()); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(u16()) << 16 | u16(); }
  std::uint64_t u64() { return static_cast<std::uint64_t>(u32()) << 32 | u32(); }
  bool boolean() { return (u8() & 1) != 0; }

  // Up to `n` bytes (fewer at the end).
  std::span<const std::uint8_t> bytes(std::size_t n) {
    const std::size_t k = n < remaining() ? n : remaining();
    const std::span<const std::uint8_t> out = data_.subspan(pos_, k);
    pos_ += k;
    return out;
  }
  // A run of up to 255 bytes, its length first.
  std::string_view text() {
    const std::span<const std::uint8_t> b = bytes(u8());
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }
  // Everything not read yet.
  std::span<const std::uint8_t> rest() { return bytes(remaining()); }

  std::size_t remaining() const { return data_.size() - pos_; }

 private:
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
};

}  // namespace portcullis::fuzz

// Macros, for the file and line of the broken invariant in the report.
#define FUZZ_CHECK(condition)                                           \
  do {                                                                  \
    if (!(condition)) {                                                 \
      ::portcullis::fuzz::check_failed(__FILE__, __LINE__, #condition); \
    }                                                                   \
  } while (false)
#define FUZZ_FAIL(what) ::portcullis::fuzz::check_failed(__FILE__, __LINE__, what)
