// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cstring>

#include "portcullis/platform/tls_probe.hpp"

namespace portcullis::platform::probe {

std::size_t ByteFifo::push(std::span<const std::uint8_t> bytes) {
  const std::size_t n = std::min(bytes.size(), kCapacity - size_);
  for (std::size_t i = 0; i < n; ++i) {
    buf_[(head_ + size_ + i) % kCapacity] = bytes[i];
  }
  size_ += n;
  return n;
}

std::size_t ByteFifo::pop(std::span<std::uint8_t> out) {
  const std::size_t n = std::min(out.size(), size_);
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = buf_[(head_ + i) % kCapacity];
  }
  head_ = (head_ + n) % kCapacity;
  size_ -= n;
  return n;
}

MemoryLink::MemoryLink() {
  reset();
}

void MemoryLink::reset() {
  to_client_.clear();
  to_server_.clear();
  const std::size_t chunk = server_.chunk;
  server_ = End{.in = &to_server_,
                .out = &to_client_,
                .peer = &client_,
                .chunk = chunk,
                .bytes_sent = 0,
                .closed = false};
  client_ = End{.in = &to_client_,
                .out = &to_server_,
                .peer = &server_,
                .chunk = chunk,
                .bytes_sent = 0,
                .closed = false};
}

void MemoryLink::set_chunk(std::size_t bytes) {
  server_.chunk = client_.chunk = std::max<std::size_t>(bytes, 1);
}

int MemoryLink::send(void* ctx, const unsigned char* buf, std::size_t len) {
  auto* end = static_cast<End*>(ctx);
  if (end->closed || end->peer->closed) {
    return MBEDTLS_ERR_SSL_CONN_EOF;
  }
  const std::size_t n = end->out->push({buf, std::min(len, end->chunk)});
  if (n == 0) {
    return MBEDTLS_ERR_SSL_WANT_WRITE;
  }
  end->bytes_sent += n;
  return static_cast<int>(n);
}

int MemoryLink::recv(void* ctx, unsigned char* buf, std::size_t len) {
  auto* end = static_cast<End*>(ctx);
  const std::size_t n = end->in->pop({buf, std::min(len, end->chunk)});
  if (n == 0) {
    return end->peer->closed ? 0 : MBEDTLS_ERR_SSL_WANT_READ;
  }
  return static_cast<int>(n);
}

}  // namespace portcullis::platform::probe
