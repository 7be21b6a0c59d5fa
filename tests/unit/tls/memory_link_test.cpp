// SPDX-License-Identifier: Apache-2.0
#include <CppUTest/TestHarness.h>

#include <array>
#include <cstdint>
#include <cstring>

#include "portcullis/platform/tls_probe.hpp"

namespace probe = portcullis::platform::probe;

namespace {
// The link is 32 KiB: static, like the tests' other large objects.
probe::MemoryLink memory_link;

int send(probe::MemoryLink::End& end, const char* text) {
  return probe::MemoryLink::send(&end, reinterpret_cast<const unsigned char*>(text),
                                 std::strlen(text));
}
}  // namespace

TEST_GROUP(ByteFifo){};

TEST(ByteFifo, KeepsOrderAcrossTheWrap) {
  static probe::ByteFifo fifo;
  std::array<std::uint8_t, 1000> in{};
  std::array<std::uint8_t, 1000> out{};
  std::uint8_t next = 0;
  std::uint8_t expect = 0;
  for (int round = 0; round < 40; ++round) {  // 40 000 bytes through 16 KiB
    for (auto& b : in) {
      b = next++;
    }
    LONGS_EQUAL(in.size(), fifo.push(in));
    LONGS_EQUAL(out.size(), fifo.pop(out));
    for (auto b : out) {
      LONGS_EQUAL(expect++, b);
    }
  }
  LONGS_EQUAL(0, fifo.size());
}

TEST(ByteFifo, TakesOnlyWhatFits) {
  static probe::ByteFifo fifo;
  static std::array<std::uint8_t, probe::ByteFifo::kCapacity + 10> big{};
  LONGS_EQUAL(probe::ByteFifo::kCapacity, fifo.push(big));
  LONGS_EQUAL(0, fifo.push(big));
  std::array<std::uint8_t, 4> out{};
  LONGS_EQUAL(4, fifo.pop(out));
  LONGS_EQUAL(4, fifo.push(big));
}

TEST_GROUP(MemoryLink){void setup() override{memory_link.set_chunk(probe::ByteFifo::kCapacity);
memory_link.reset();
}
}
;

TEST(MemoryLink, CarriesBytesEachWay) {
  LONGS_EQUAL(5, send(memory_link.server(), "hello"));
  LONGS_EQUAL(3, send(memory_link.client(), "hey"));
  unsigned char buf[16] = {};
  LONGS_EQUAL(3, probe::MemoryLink::recv(&memory_link.server(), buf, sizeof buf));
  MEMCMP_EQUAL("hey", buf, 3);
  LONGS_EQUAL(5, probe::MemoryLink::recv(&memory_link.client(), buf, sizeof buf));
  MEMCMP_EQUAL("hello", buf, 5);
  LONGS_EQUAL(5, memory_link.server().bytes_sent);
  LONGS_EQUAL(3, memory_link.client().bytes_sent);
}

TEST(MemoryLink, WouldBlockWhenEmptyOrFull) {
  unsigned char buf[16];
  LONGS_EQUAL(MBEDTLS_ERR_SSL_WANT_READ,
              probe::MemoryLink::recv(&memory_link.client(), buf, sizeof buf));
  static unsigned char big[probe::ByteFifo::kCapacity];
  LONGS_EQUAL(static_cast<int>(sizeof big),
              probe::MemoryLink::send(&memory_link.server(), big, sizeof big));
  LONGS_EQUAL(MBEDTLS_ERR_SSL_WANT_WRITE, probe::MemoryLink::send(&memory_link.server(), big, 1));
}

TEST(MemoryLink, MovesAtMostOneChunkPerCall) {
  memory_link.set_chunk(4);
  LONGS_EQUAL(4, send(memory_link.server(), "abcdefghij"));
  LONGS_EQUAL(4, send(memory_link.server(), "efghij"));
  unsigned char buf[16] = {};
  LONGS_EQUAL(4, probe::MemoryLink::recv(&memory_link.client(), buf, sizeof buf));
  MEMCMP_EQUAL("abcd", buf, 4);
}

TEST(MemoryLink, EndOfStreamAfterThePeerClosesAndTheDataIsRead) {
  LONGS_EQUAL(2, send(memory_link.server(), "ok"));
  memory_link.server().closed = true;
  unsigned char buf[16];
  LONGS_EQUAL(2, probe::MemoryLink::recv(&memory_link.client(), buf, sizeof buf));
  LONGS_EQUAL(0, probe::MemoryLink::recv(&memory_link.client(), buf, sizeof buf));
  LONGS_EQUAL(MBEDTLS_ERR_SSL_CONN_EOF, send(memory_link.client(), "late"));
}
