// SPDX-License-Identifier: Apache-2.0
#include <mbedtls/platform_util.h>

#include <algorithm>
#include <cstring>

#include "portcullis/platform/tls_session_cache.hpp"

namespace portcullis::platform {

void TlsSessionCache::attach(mbedtls_ssl_config& conf) {
  mbedtls_ssl_conf_session_cache(&conf, this, get, set);
}

void TlsSessionCache::wipe(Entry& e) {
  mbedtls_platform_zeroize(&e, sizeof e);  // the master secret first of all
}

void TlsSessionCache::expire() {
  const std::uint64_t now = clock_.now_ms();
  for (Entry& e : entries_) {
    if (e.bytes != 0 && now - e.stored_ms >= kTlsSessionLifetimeMs) {
      wipe(e);
      ++stats_.expired;
    }
  }
}

void TlsSessionCache::clear() {
  for (Entry& e : entries_) {
    wipe(e);
  }
}

std::size_t TlsSessionCache::size() const {
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) { return e.bytes != 0; }));
}

TlsSessionCache::Entry* TlsSessionCache::find(const unsigned char* id, std::size_t id_len) {
  for (Entry& e : entries_) {
    // Session IDs are no secret (both hellos carry them in the clear): a plain compare.
    if (e.bytes != 0 && e.id_len == id_len && std::memcmp(e.id.data(), id, id_len) == 0) {
      return &e;
    }
  }
  return nullptr;
}

int TlsSessionCache::get(void* self, const unsigned char* id, std::size_t id_len,
                         mbedtls_ssl_session* session) {
  auto& cache = *static_cast<TlsSessionCache*>(self);
  cache.expire();
  Entry* const e = id_len <= 32 ? cache.find(id, id_len) : nullptr;
  if (e == nullptr) {
    return MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND;
  }
  const int ret = mbedtls_ssl_session_load(session, e->session.data(), e->bytes);
  if (ret != 0) {
    wipe(*e);  // cannot happen to bytes session_save wrote; never offer them again
    return ret;
  }
  ++cache.stats_.resumed;
  return 0;
}

int TlsSessionCache::set(void* self, const unsigned char* id, std::size_t id_len,
                         const mbedtls_ssl_session* session) {
  auto& cache = *static_cast<TlsSessionCache*>(self);
  cache.expire();
  if (cache.entries_.empty() || id_len == 0 || id_len > 32) {
    return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
  }
  // The same ID again, else a free entry, else the oldest session makes room.
  Entry* e = cache.find(id, id_len);
  if (e == nullptr) {
    e = &*std::min_element(
        cache.entries_.begin(), cache.entries_.end(), [](const Entry& a, const Entry& b) {
          return a.bytes == 0 ? b.bytes != 0 : b.bytes != 0 && a.stored_ms < b.stored_ms;
        });
    if (e->bytes != 0) {
      ++cache.stats_.evicted;
    }
  }
  wipe(*e);
  std::size_t bytes = 0;
  if (mbedtls_ssl_session_save(session, e->session.data(), e->session.size(), &bytes) != 0 ||
      bytes == 0) {
    wipe(*e);
    ++cache.stats_.not_stored;
    return MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL;
  }
  e->bytes = static_cast<std::uint16_t>(bytes);
  e->id_len = static_cast<std::uint8_t>(id_len);
  std::memcpy(e->id.data(), id, id_len);
  e->stored_ms = cache.clock_.now_ms();
  ++cache.stats_.stored;
  return 0;
}

}  // namespace portcullis::platform
