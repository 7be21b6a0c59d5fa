// SPDX-License-Identifier: Apache-2.0
#include "portcullis/platform/tls_probe.hpp"

namespace portcullis::platform::probe {
namespace {

bool pending(int ret) {
  return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE;
}

// One handshake step of one party, charged to it.
int step(mbedtls_ssl_context& ssl, Party party, const hal::Clock* clock, std::uint64_t& ms) {
  const Party before = PartyAllocator::party();
  PartyAllocator::set_party(party);
  const std::uint64_t t0 = clock != nullptr ? clock->now_ms() : 0;
  const int ret = mbedtls_ssl_handshake(&ssl);
  if (clock != nullptr) {
    ms += clock->now_ms() - t0;
  }
  PartyAllocator::set_party(before);
  return ret;
}

}  // namespace

HandshakeOutcome run_handshake(mbedtls_ssl_context& server, mbedtls_ssl_context& client,
                               const hal::Clock* clock, int max_rounds) {
  HandshakeOutcome out;
  while (out.rounds < max_rounds && (pending(out.server) || pending(out.client))) {
    ++out.rounds;
    const int server_before = out.server;
    const int client_before = out.client;
    if (pending(out.server)) {
      out.server = step(server, Party::kServer, clock, out.server_ms);
    }
    if (pending(out.client)) {
      out.client = step(client, Party::kClient, clock, out.client_ms);
    }
    // One side failed and the other is waiting for bytes that will never come.
    const bool failed =
        (!pending(out.server) && out.server != 0) || (!pending(out.client) && out.client != 0);
    if (failed && out.server == server_before && out.client == client_before) {
      break;
    }
  }
  return out;
}

}  // namespace portcullis::platform::probe
