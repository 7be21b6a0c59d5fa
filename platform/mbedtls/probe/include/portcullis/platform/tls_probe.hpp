// SPDX-License-Identifier: Apache-2.0
#pragma once
// Measurement and test support for the TLS platform, not for device images: an in-memory
// link between two Mbed TLS contexts, an allocator that accounts each party's arena use, and
// a handshake driver. Used by the unit tests (tests/unit/tls) and the QEMU probe image
// (qemu_probe.cpp), which measure the arena a handshake needs.

#include <mbedtls/ssl.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "portcullis/hal/clock.hpp"

namespace portcullis::platform::probe {

// One direction of a link: a bounded byte FIFO (no heap).
class ByteFifo {
 public:
  static constexpr std::size_t kCapacity = std::size_t{16} * 1024;

  // Append what fits; returns how many bytes were taken.
  std::size_t push(std::span<const std::uint8_t> bytes);
  // Take up to out.size() bytes in order; returns how many.
  std::size_t pop(std::span<std::uint8_t> out);
  std::size_t size() const { return size_; }
  void clear() { head_ = size_ = 0; }

 private:
  std::array<std::uint8_t, kCapacity> buf_{};
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

// A duplex link: what the server end sends the client end receives and vice versa. The
// ends are BIO contexts for Mbed TLS:
//   mbedtls_ssl_set_bio(&ssl, &link.server(), MemoryLink::send, MemoryLink::recv, nullptr);
// send and recv move at most `chunk` bytes per call (as TCP hands over segments), answer
// WANT_WRITE / WANT_READ when the FIFO is full / empty, and recv returns 0 (end of stream)
// once the peer end is closed and drained.
class MemoryLink {
 public:
  struct End {
    ByteFifo* in = nullptr;
    ByteFifo* out = nullptr;
    const End* peer = nullptr;
    std::size_t chunk = ByteFifo::kCapacity;
    std::size_t bytes_sent = 0;
    bool closed = false;
  };

  MemoryLink();
  MemoryLink(const MemoryLink&) = delete;
  MemoryLink& operator=(const MemoryLink&) = delete;

  End& server() { return server_; }
  End& client() { return client_; }
  void set_chunk(std::size_t bytes);
  void reset();  // empty both directions, zero the counters, reopen both ends

  static int send(void* end, const unsigned char* buf, std::size_t len);
  static int recv(void* end, unsigned char* buf, std::size_t len);

 private:
  ByteFifo to_client_;
  ByteFifo to_server_;
  End server_;
  End client_;
};

// Accounting allocator for Mbed TLS (mbedtls_platform_set_calloc_free) on the C heap: every
// allocation is charged to the party current at the time, and freed against the party that
// made it. Besides the bytes asked for, it charges what the same request costs in
// MBEDTLS_MEMORY_BUFFER_ALLOC_C's arena on this machine (the block rounded up to
// MBEDTLS_MEMORY_ALIGN_MULTIPLE plus the allocator's 8-word header); fragmentation is not
// modelled (compare with tls_arena_use() on a real arena). A limit per party makes
// allocations beyond it fail, as a full arena would.
enum class Party : std::uint8_t { kShared, kServer, kClient };
inline constexpr std::size_t kParties = 3;

struct PartyUse {
  std::size_t bytes = 0;  // asked for, live
  std::size_t peak_bytes = 0;
  std::size_t arena = 0;  // arena-equivalent, live
  std::size_t peak_arena = 0;
  std::size_t blocks = 0;  // live allocations
  std::size_t peak_blocks = 0;
  std::size_t allocations = 0;  // all-time count
  std::size_t failures = 0;     // refused by the limit
};

class PartyAllocator {
 public:
  static constexpr std::size_t kArenaHeaderBytes = 8 * sizeof(void*);

  static void install();    // accounting from now on; counters zeroed, no limits
  static void uninstall();  // back to the C library's calloc/free
  static void set_party(Party party);
  static Party party();
  static const PartyUse& use(Party party);
  static void reset_peaks(Party party);                         // peaks := live values
  static void set_limit(Party party, std::size_t arena_bytes);  // 0: none
  static std::size_t arena_cost(std::size_t request);
};

// Steps a server and a client handshake in turn (server first) until both are done, one
// failed and the other has nothing more to read, or `max_rounds` passed. Charges each step
// to its party (PartyAllocator) and, given a clock, times it.
struct HandshakeOutcome {
  int server = MBEDTLS_ERR_SSL_WANT_READ;  // last return of mbedtls_ssl_handshake
  int client = MBEDTLS_ERR_SSL_WANT_READ;
  int rounds = 0;
  std::uint64_t server_ms = 0;
  std::uint64_t client_ms = 0;
  bool ok() const { return server == 0 && client == 0; }
};
HandshakeOutcome run_handshake(mbedtls_ssl_context& server, mbedtls_ssl_context& client,
                               const hal::Clock* clock = nullptr, int max_rounds = 64);

}  // namespace portcullis::platform::probe
