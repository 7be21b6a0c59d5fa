// SPDX-License-Identifier: Apache-2.0
#include <mbedtls/platform.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "portcullis/platform/tls_probe.hpp"

namespace portcullis::platform::probe {
namespace {

// Each block starts with who allocated it and how much (16 bytes keep the payload aligned
// for any type on both the host and the Cortex-M).
struct Prefix {
  std::size_t size;
  Party party;
};
constexpr std::size_t kPrefixBytes = 16;
static_assert(sizeof(Prefix) <= kPrefixBytes);

constexpr std::size_t kAlign = MBEDTLS_MEMORY_ALIGN_MULTIPLE;

std::array<PartyUse, kParties> uses{};
std::array<std::size_t, kParties> limits{};
Party current = Party::kShared;

std::size_t index(Party p) {
  return static_cast<std::size_t>(p);
}

void* accounting_calloc(std::size_t n, std::size_t size) {
  if (n == 0 || size == 0 || size > (SIZE_MAX - kPrefixBytes) / n) {
    return nullptr;
  }
  const std::size_t bytes = n * size;
  PartyUse& u = uses[index(current)];
  const std::size_t cost = PartyAllocator::arena_cost(bytes);
  if (limits[index(current)] != 0 && u.arena + cost > limits[index(current)]) {
    ++u.failures;
    return nullptr;
  }
  auto* raw = static_cast<unsigned char*>(std::calloc(1, kPrefixBytes + bytes));
  if (raw == nullptr) {
    return nullptr;
  }
  const Prefix prefix{.size = bytes, .party = current};
  std::memcpy(raw, &prefix, sizeof prefix);
  u.bytes += bytes;
  u.arena += cost;
  ++u.blocks;
  ++u.allocations;
  u.peak_bytes = std::max(u.peak_bytes, u.bytes);
  u.peak_arena = std::max(u.peak_arena, u.arena);
  u.peak_blocks = std::max(u.peak_blocks, u.blocks);
  return raw + kPrefixBytes;
}

void accounting_free(void* ptr) {
  if (ptr == nullptr) {
    return;
  }
  auto* raw = static_cast<unsigned char*>(ptr) - kPrefixBytes;
  Prefix prefix{};
  std::memcpy(&prefix, raw, sizeof prefix);
  PartyUse& u = uses[index(prefix.party)];
  u.bytes -= prefix.size;
  u.arena -= PartyAllocator::arena_cost(prefix.size);
  --u.blocks;
  std::free(raw);
}

void* libc_calloc(std::size_t n, std::size_t size) {
  return std::calloc(n, size);
}
void libc_free(void* ptr) {
  std::free(ptr);
}

}  // namespace

std::size_t PartyAllocator::arena_cost(std::size_t request) {
  return (request + kAlign - 1) / kAlign * kAlign + kArenaHeaderBytes;
}

void PartyAllocator::install() {
  uses = {};
  limits = {};
  current = Party::kShared;
  mbedtls_platform_set_calloc_free(accounting_calloc, accounting_free);
}

void PartyAllocator::uninstall() {
  mbedtls_platform_set_calloc_free(libc_calloc, libc_free);
}

void PartyAllocator::set_party(Party party) {
  current = party;
}

Party PartyAllocator::party() {
  return current;
}

const PartyUse& PartyAllocator::use(Party party) {
  return uses[index(party)];
}

void PartyAllocator::reset_peaks(Party party) {
  PartyUse& u = uses[index(party)];
  u.peak_bytes = u.bytes;
  u.peak_arena = u.arena;
  u.peak_blocks = u.blocks;
}

void PartyAllocator::set_limit(Party party, std::size_t arena_bytes) {
  limits[index(party)] = arena_bytes;
}

}  // namespace portcullis::platform::probe
