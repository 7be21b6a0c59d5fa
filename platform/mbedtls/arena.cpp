// SPDX-License-Identifier: Apache-2.0
// The built-in arena: its own translation unit so that a program passing its own arena to
// tls_init (tests, host tools) does not carry this one too (--gc-sections).
#include "portcullis/platform/tls.hpp"

namespace portcullis::platform {
namespace {
// 8-aligned like MBEDTLS_MEMORY_ALIGN_MULTIPLE, so no byte is lost to alignment.
alignas(8) std::uint8_t arena[kTlsArenaBytes];
}  // namespace

std::span<std::uint8_t> builtin_tls_arena() {
  return arena;
}

}  // namespace portcullis::platform
