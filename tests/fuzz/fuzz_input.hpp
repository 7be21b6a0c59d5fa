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

// Well-formed UTF-8 by code point (no overlong forms, no surrogates, nothing beyond
// U+10FFFF), written apart from the encoders' own byte tables.
inline bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<std::uint8_t>(s[i]);
    std::size_t length = 1;
    std::uint32_t cp = b0;
    std::uint32_t min = 0;
    if ((b0 & 0x80) == 0) {
      ++i;
      continue;
    }
    if ((b0 & 0xE0) == 0xC0) {
      length = 2;
      cp = b0 & 0x1Fu;
      min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      length = 3;
      cp = b0 & 0x0Fu;
      min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      length = 4;
      cp = b0 & 0x07u;
      min = 0x10000;
    } else {
      return false;
    }
    if (s.size() - i < length) {
      return false;
    }
    for (std::size_t k = 1; k < length; ++k) {
      const auto b = static_cast<std::uint8_t>(s[i + k]);
      if ((b & 0xC0) != 0x80) {
        return false;
      }
      cp = cp << 6 | (b & 0x3Fu);
    }
    if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += length;
  }
  return true;
}

}  // namespace portcullis::fuzz

// Macros, for the file and line of the broken invariant in the report.
#define FUZZ_CHECK(condition)                                           \
  do {                                                                  \
    if (!(condition)) {                                                 \
      ::portcullis::fuzz::check_failed(__FILE__, __LINE__, #condition); \
    }                                                                   \
  } while (false)
#define FUZZ_FAIL(what) ::portcullis::fuzz::check_failed(__FILE__, __LINE__, what)
