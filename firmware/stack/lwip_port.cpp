#include "portcullis/stack/lwip_port.hpp"

#include <algorithm>

#include "lwip/arch.h"
#include "lwip/init.h"
#include "lwip/sys.h"
#if LWIP_IPV6
#include "lwip/nd6.h"
#include "lwip/netif.h"
#include "lwip/prot/ip6.h"
#endif
#if !NO_SYS
#include "lwip/tcpip.h"
#endif
#include "portcullis/hal/fatal.hpp"

namespace {
const portcullis::hal::Clock* lwip_clock = nullptr;
std::uint32_t rand_state = 0x9E3779B9u;
bool stopped = false;
}  // namespace

namespace portcullis::stack {

void set_lwip_clock(const hal::Clock& clock) {
  lwip_clock = &clock;
}

void start_lwip() {
#if NO_SYS
  lwip_init();
#else
  tcpip_init(nullptr, nullptr);
#endif
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

void seed_lwip_rand(std::uint32_t seed) {
  rand_state = seed != 0 ? seed : 0x9E3779B9u;
}

}  // namespace portcullis::stack

extern "C" {

u32_t sys_now(void) {
  if (lwip_clock == nullptr) {
    portcullis::hal::fatal("sys_now() before set_lwip_clock()");
  }
  return static_cast<u32_t>(lwip_clock->now_ms());
}

uint32_t portcullis_lwip_rand(void) {
  // xorshift32: cheap and full-period; lwIP only needs unpredictability-lite here.
  std::uint32_t x = rand_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  rand_state = x;
  return x;
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
}
