#include "portcullis/stack/lwip_port.hpp"

#include "lwip/arch.h"
#include "lwip/init.h"
#include "lwip/sys.h"
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

void portcullis_lwip_assert(const char* message, const char*, int) {
  portcullis::hal::fatal(message != nullptr ? message : "lwIP assertion");
}
}
