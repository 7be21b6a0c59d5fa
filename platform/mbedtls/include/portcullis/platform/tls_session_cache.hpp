// SPDX-License-Identifier: Apache-2.0
#pragma once
// Session-ID resumption for the device's TLS server (the status endpoint): a management
// client that polled within kTlsSessionLifetimeMs may resume its session with an abbreviated
// TLS 1.2 handshake (no certificates, no ECDHE, no signatures; tests/bench prints the cost of
// both). Fixed memory, no heap, the device's own clock. What this trades is written in
// docs/THREAT_MODEL.md ("Session resumption").

#include <mbedtls/ssl.h>

#include <array>
#include <cstddef>
#include <cstdint>

#include "portcullis/hal/clock.hpp"

namespace portcullis::platform {

// Board setting (board.cmake, PORTCULLIS_TLS_SESSION_CACHE): sessions kept at once; 0 builds
// no cache and every poll is a full handshake.
inline constexpr std::size_t kTlsSessionCacheEntries = PORTCULLIS_TLS_SESSION_CACHE;
// How long after its full handshake a session may be resumed. Resuming does not extend it:
// a client authenticates afresh at least this often, and a session's master secret is wiped
// from RAM at the latest one expire() turn after this.
inline constexpr std::uint64_t kTlsSessionLifetimeMs = std::uint64_t{5} * 60 * 1000;

class TlsSessionCache {
 public:
  // Room for one session as Mbed TLS serialises it (mbedtls_ssl_session_save): a TLS 1.2
  // session of this build (master secret, ID, the peer certificate's SHA-256 digest, suite)
  // takes about 130 bytes. One that does not fit is not kept (Stats::not_stored): a build
  // that keeps whole peer certificates (the TLS 1.3 build) does not resume.
  static constexpr std::size_t kSessionBytes = 160;

  struct Stats {
    std::uint32_t stored = 0;      // full handshakes whose session was kept
    std::uint32_t resumed = 0;     // sessions handed back to a resuming client
    std::uint32_t not_stored = 0;  // sessions that did not fit kSessionBytes
    std::uint32_t expired = 0;     // sessions wiped at the end of their lifetime
    std::uint32_t evicted = 0;     // sessions wiped to make room for a newer one
  };

  explicit TlsSessionCache(const hal::Clock& clock) : clock_(clock) {}
  ~TlsSessionCache() { clear(); }
  TlsSessionCache(const TlsSessionCache&) = delete;
  TlsSessionCache& operator=(const TlsSessionCache&) = delete;

  // Makes `conf` (a server profile) keep each full handshake's session here and look a
  // resuming client's session ID up here (mbedtls_ssl_conf_session_cache). The cache must
  // outlive `conf`.
  void attach(mbedtls_ssl_config& conf);
  // Wipes the sessions whose lifetime is over. Each lookup and store does this too; the
  // owner's loop calls it so that no expired secret waits in RAM for the next handshake. In
  // the context the handshakes run in (lwIP's).
  void expire();
  // Wipes every session.
  void clear();

  std::size_t size() const;  // sessions kept now
  const Stats& stats() const { return stats_; }

 private:
  struct Entry {
    std::uint64_t stored_ms = 0;
    std::uint16_t bytes = 0;  // of `session` in use; 0: a free entry
    std::uint8_t id_len = 0;
    std::array<std::uint8_t, 32> id{};
    std::array<std::uint8_t, kSessionBytes> session{};
  };

  static int get(void* self, const unsigned char* id, std::size_t id_len,
                 mbedtls_ssl_session* session);
  static int set(void* self, const unsigned char* id, std::size_t id_len,
                 const mbedtls_ssl_session* session);
  Entry* find(const unsigned char* id, std::size_t id_len);
  static void wipe(Entry& e);

  const hal::Clock& clock_;
  std::array<Entry, kTlsSessionCacheEntries> entries_{};
  Stats stats_;
};

}  // namespace portcullis::platform
