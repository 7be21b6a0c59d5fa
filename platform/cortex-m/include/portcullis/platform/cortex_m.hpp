#pragma once

namespace portcullis::platform {

// Called once init is done: from then on malloc/new trap through hal::fatal().
void lock_heap();

// Sleeps until the next interrupt (SysTick wakes it every millisecond).
inline void wait_for_interrupt() {
  __asm volatile("wfi");
}

}  // namespace portcullis::platform
