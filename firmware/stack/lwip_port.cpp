// SPDX-License-Identifier: Apache-2.0
#include "portcullis/stack/lwip_port.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "lwip/arch.h"
#include "lwip/init.h"
#include "lwip/ip_addr.h"
#include "lwip/sys.h"
#include "lwip/udp.h"
#if LWIP_IPV6
#include "lwip/nd6.h"
#include "lwip/netif.h"
#include "lwip/prot/ip6.h"
#endif
#if !NO_SYS
#include "lwip/tcpip.h"
#endif
#include "portcullis/hal/fatal.hpp"
#include "portcullis/stack/internal/siphash.hpp"
#include "portcullis/stack/lwip_context.hpp"
#include "portcullis/stack/lwip_hooks.h"

namespace {
using portcullis::stack::internal::siphash24;
using portcullis::stack::internal::SipKey;

bool stopped = false;
const udp_pcb* dns_pcb = nullptr;
// LWIP_RAND() is SipHash of a counter, TCP initial sequence numbers SipHash of the 4-tuple
// (RFC 6528), under two keys drawn from the TLS DRBG at boot. Until then both keys are zero:
// a fixed sequence, as before any seeding (unit tests; a device without a seed says so).
SipKey rand_key;
SipKey isn_key;
std::uint64_t rand_counter = 0;
bool random_keyed = false;
}  // namespace

namespace portcullis::stack {

void start_lwip() {
#if NO_SYS
  lwip_init();
#else
  tcpip_init(nullptr, nullptr);  // runs lwip_init() before it returns
#endif
  note_lwip_started();
}

void note_lwip_started() {
#if LWIP_DNS
  // dns_init() made the only UDP PCB there is yet (no PCB of lwIP's is ever made after it in
  // lwip_init()); the audit knows it by this address for lwIP's life.
  const LwipContext in_lwip;
  dns_pcb = udp_pcbs;
  if (dns_pcb == nullptr || dns_pcb->next != nullptr) {
    hal::fatal("lwIP's DNS client has no PCB of its own after lwip_init()");
  }
#endif
}

const udp_pcb* lwip_dns_pcb() {
  return dns_pcb;
}

void stop_lwip() {
  if (stopped) {
    return;
  }
#if !NO_SYS
  LOCK_TCPIP_CORE();
#endif
  stopped = true;
}

bool lwip_stopped() {
  return stopped;
}

void key_lwip_random(std::span<const std::uint8_t, kLwipRandomKeyBytes> key) {
  rand_key = internal::sip_key(key.first<16>());
  isn_key = internal::sip_key(key.last<16>());
  rand_counter = 0;
  random_keyed = true;
}

bool lwip_random_keyed() {
  return random_keyed;
}

}  // namespace portcullis::stack

extern "C" {

uint32_t portcullis_lwip_rand(void) {
  std::array<std::uint8_t, 8> counter{};
  std::memcpy(counter.data(), &rand_counter, counter.size());
  ++rand_counter;
  return static_cast<std::uint32_t>(siphash24(rand_key, counter));
}

// RFC 6528: ISN = M + F(local address, local port, remote address, remote port, secret), M a
// clock ticking every 4 microseconds (here sys_now() in milliseconds times 250), F SipHash.
// Off-path, neither a connection's ISN nor the next one's follows from another's.
u32_t portcullis_tcp_isn(const ip_addr_t* local_ip, u16_t local_port, const ip_addr_t* remote_ip,
                         u16_t remote_port) {
  std::array<std::uint8_t, 2 * 17 + 4> in{};
  std::size_t n = 0;
  const auto add_address = [&](const ip_addr_t* a) {
#if LWIP_IPV6
    if (IP_IS_V6(a)) {
      in[n++] = 6;
      std::memcpy(&in[n], ip_2_ip6(a)->addr, 16);
      n += 16;
      return;
    }
#endif
    in[n++] = 4;
    std::memcpy(&in[n], &ip_2_ip4(a)->addr, 4);
    n += 4;
  };
  add_address(local_ip);
  add_address(remote_ip);
  for (const u16_t port : {local_port, remote_port}) {
    in[n++] = static_cast<std::uint8_t>(port >> 8);
    in[n++] = static_cast<std::uint8_t>(port);
  }
  const auto m = static_cast<u32_t>(sys_now() * 250u);
  return m + static_cast<u32_t>(siphash24(isn_key, std::span(in).first(n)));
}

#if LWIP_IPV6
// lwIP's IPv6 output, fragmenter and TCP MSS ask this instead of nd6_get_destination_mtu()
// (cmake/lwip.cmake renames their calls). lwIP 2.2.1 keeps whatever MTU a Packet Too Big
// names: with 48..55 its fragmenter sends empty fragments forever, below 1280 it splits every
// packet into many (RFC 8201 forbids going below 1280), and above the link's MTU it sends
// frames the link cannot carry. The filter already drops a Packet Too Big below 1280; this
// holds whatever reaches nd6 by another way (a hookless netif, a future lwIP path) to
// [1280, the link's MTU].
u16_t portcullis_nd6_destination_mtu(const ip6_addr_t* dest, struct netif* netif) {
  const u16_t path = nd6_get_destination_mtu(dest, netif);
  const u16_t link = netif != nullptr && netif_mtu6(netif) != 0 ? netif_mtu6(netif) : path;
  return std::max<u16_t>(std::min(path, link), IP6_MIN_MTU_LENGTH);
}
#endif

void portcullis_lwip_assert(const char* message, const char*, int) {
  portcullis::hal::fatal(message != nullptr ? message : "lwIP assertion");
}

void portcullis_lwip_assert_at() {
  // The caller's address: noinline keeps this a call of its own, so it points into the
  // function whose check failed.
  const auto at = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  std::array<char, 32> text{};
  constexpr std::string_view kLead = "lwIP assertion at 0x";
  char* p = std::copy(kLead.begin(), kLead.end(), text.begin());
  for (int shift = 28; shift >= 0; shift -= 4) {
    *p++ = "0123456789abcdef"[(at >> shift) & 0xF];
  }
  portcullis::hal::fatal(std::string_view(text.data(), static_cast<std::size_t>(p - text.data())));
}
}
