// SPDX-License-Identifier: Apache-2.0
/* The firmware's own Cortex-M3 startup: vector table, .data and .bss, C++ constructors. */
#include <stdint.h>
#include <string.h>

extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);
int main(void);
void own_systick_handler(void);

void own_reset(void) {
  memcpy(&_sdata, &_sidata, (size_t)((char*)&_edata - (char*)&_sdata));
  memset(&_sbss, 0, (size_t)((char*)&_ebss - (char*)&_sbss));
  for (void (**ctor)(void) = __init_array_start; ctor != __init_array_end; ++ctor) {
    (*ctor)();
  }
  (void)main();
  for (;;) {
  }
}

static void own_hang(void) {
  for (;;) {
  }
}

__attribute__((section(".vectors"), used)) static void* const vectors[16] = {
    &_estack,
    (void*)own_reset,
    (void*)own_hang,
    (void*)own_hang,
    (void*)own_hang,
    (void*)own_hang,
    (void*)own_hang,
    0,
    0,
    0,
    0,
    (void*)own_hang,
    (void*)own_hang,
    0,
    (void*)own_hang,
    (void*)own_systick_handler};
