// SPDX-License-Identifier: Apache-2.0
/* Portcullis's port for a bare-metal Arm Cortex-M firmware (ARMv7-M and ARMv6-M): what the C
 * interface asks of a port (portcullis/port.h). Weak: a firmware that logs elsewhere
 * defines its own portcullis_port_fatal(). */
#include <stdint.h>
#include <string.h>

#include "portcullis/port.h"

/* The last fatal reason, kept across the reset in a section the startup code does not clear
 * (`.noinit`: the firmware's linker script places it in RAM outside .data and .bss; without such
 * a section it lands in .bss and is lost at the reset). */
#define PORTCULLIS_PORT_REASON_BYTES 96u
#define PORTCULLIS_PORT_MAGIC 0x50434654u /* "PCFT" */
struct portcullis_port_last_fatal {
  uint32_t magic;
  uint32_t length;
  char reason[PORTCULLIS_PORT_REASON_BYTES];
};
__attribute__((section(".noinit"))) struct portcullis_port_last_fatal portcullis_port_last_fatal;

/* The reason the last reset was Portcullis's, NUL-terminated, once; NULL if it was not. */
const char* portcullis_port_take_last_fatal(void) {
  static char copy[PORTCULLIS_PORT_REASON_BYTES + 1];
  if (portcullis_port_last_fatal.magic != PORTCULLIS_PORT_MAGIC ||
      portcullis_port_last_fatal.length > PORTCULLIS_PORT_REASON_BYTES) {
    return NULL;
  }
  memcpy(copy, portcullis_port_last_fatal.reason, portcullis_port_last_fatal.length);
  copy[portcullis_port_last_fatal.length] = '\0';
  portcullis_port_last_fatal.magic = 0;
  return copy;
}

/* The reason kept, then a system reset (SCB AIRCR: VECTKEY | SYSRESETREQ). */
__attribute__((weak)) void portcullis_port_fatal(const char* reason, size_t length) {
  const size_t n = length < PORTCULLIS_PORT_REASON_BYTES ? length : PORTCULLIS_PORT_REASON_BYTES;
  memcpy(portcullis_port_last_fatal.reason, reason, n);
  portcullis_port_last_fatal.length = (uint32_t)n;
  portcullis_port_last_fatal.magic = PORTCULLIS_PORT_MAGIC;
  __asm__ volatile("dsb" ::: "memory");
  *(volatile uint32_t*)0xE000ED0Cu = 0x05FA0004u;
  __asm__ volatile("dsb" ::: "memory");
  for (;;) {
  }
}
