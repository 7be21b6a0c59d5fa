// SPDX-License-Identifier: Apache-2.0
#include <CppUTest/TestHarness.h>

#include <mbedtls/platform.h>

#include "portcullis/platform/tls_probe.hpp"

namespace probe = portcullis::platform::probe;
using probe::Party;
using probe::PartyAllocator;

TEST_GROUP(PartyAllocator){void setup() override{PartyAllocator::install();
}
void teardown() override {
  PartyAllocator::uninstall();
}
}
;

TEST(PartyAllocator, ChargesEachAllocationToTheCurrentParty) {
  PartyAllocator::set_party(Party::kServer);
  void* a = mbedtls_calloc(10, 10);
  PartyAllocator::set_party(Party::kClient);
  void* b = mbedtls_calloc(1, 7);
  LONGS_EQUAL(100, PartyAllocator::use(Party::kServer).bytes);
  LONGS_EQUAL(7, PartyAllocator::use(Party::kClient).bytes);
  LONGS_EQUAL(0, PartyAllocator::use(Party::kShared).bytes);
  LONGS_EQUAL(PartyAllocator::arena_cost(100), PartyAllocator::use(Party::kServer).arena);
  mbedtls_free(a);  // freed while the client is current: still the server's
  LONGS_EQUAL(0, PartyAllocator::use(Party::kServer).bytes);
  LONGS_EQUAL(100, PartyAllocator::use(Party::kServer).peak_bytes);
  LONGS_EQUAL(7, PartyAllocator::use(Party::kClient).bytes);
  mbedtls_free(b);
  LONGS_EQUAL(0, PartyAllocator::use(Party::kClient).blocks);
  LONGS_EQUAL(1, PartyAllocator::use(Party::kClient).allocations);
}

TEST(PartyAllocator, HandsOutZeroedMemory) {
  auto* p = static_cast<unsigned char*>(mbedtls_calloc(64, 1));
  for (int i = 0; i < 64; ++i) {
    LONGS_EQUAL(0, p[i]);
  }
  mbedtls_free(p);
}

TEST(PartyAllocator, CostsWhatTheBufferAllocatorWouldSpend) {
  const std::size_t header = 8 * sizeof(void*);
  LONGS_EQUAL(header + MBEDTLS_MEMORY_ALIGN_MULTIPLE, PartyAllocator::arena_cost(1));
  LONGS_EQUAL(header + 64, PartyAllocator::arena_cost(64));
}

TEST(PartyAllocator, RefusesBeyondThePartysLimit) {
  PartyAllocator::set_party(Party::kServer);
  PartyAllocator::set_limit(Party::kServer, PartyAllocator::arena_cost(100));
  void* a = mbedtls_calloc(1, 100);
  CHECK(a != nullptr);
  POINTERS_EQUAL(nullptr, mbedtls_calloc(1, 1));
  LONGS_EQUAL(1, PartyAllocator::use(Party::kServer).failures);
  PartyAllocator::set_party(Party::kClient);
  void* b = mbedtls_calloc(1, 1);  // the client has no limit
  CHECK(b != nullptr);
  mbedtls_free(a);
  mbedtls_free(b);
}

TEST(PartyAllocator, ResetPeaksKeepsLiveUse) {
  void* a = mbedtls_calloc(1, 50);
  void* b = mbedtls_calloc(1, 50);
  mbedtls_free(b);
  LONGS_EQUAL(100, PartyAllocator::use(Party::kShared).peak_bytes);
  PartyAllocator::reset_peaks(Party::kShared);
  LONGS_EQUAL(50, PartyAllocator::use(Party::kShared).peak_bytes);
  mbedtls_free(a);
}

TEST(PartyAllocator, RefusesOverflowingRequests) {
  POINTERS_EQUAL(nullptr, mbedtls_calloc(SIZE_MAX / 2, 4));
  POINTERS_EQUAL(nullptr, mbedtls_calloc(0, 4));
}
