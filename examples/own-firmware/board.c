// SPDX-License-Identifier: Apache-2.0
/* The firmware's own board support for the MPS2 AN385 at 25 MHz: CMSDK UART0 (polled, output
 * only), SysTick at 1 kHz for lwIP's sys_now(), a pseudo-random generator for LWIP_RAND(). */
#include "board.h"

#include "lwip/arch.h"
#include "lwip/sys.h"

#define CORE_HZ 25000000u
#define REG(addr) (*(volatile uint32_t*)(addr))
#define UART0 0x40004000u
#define SYST_CSR 0xE000E010u
#define SYST_RVR 0xE000E014u
#define SYST_CVR 0xE000E018u

static volatile uint32_t ms;
static uint32_t rand_state = 0x2545F491u;

void own_systick_handler(void) {
  ++ms;
}

void board_init(void) {
  REG(UART0 + 0x10) = CORE_HZ / 115200u; /* BAUDDIV */
  REG(UART0 + 0x08) = 1u;                /* CTRL: TX on */
  REG(SYST_RVR) = CORE_HZ / 1000u - 1u;
  REG(SYST_CVR) = 0;
  REG(SYST_CSR) = 7u; /* processor clock, interrupt, on */
}

void console_write(const char* text) {
  for (; *text != '\0'; ++text) {
    while ((REG(UART0 + 0x04) & 1u) != 0) { /* STATE: TX full */
    }
    REG(UART0) = (uint8_t)*text;
  }
}

void console_write_u32(uint32_t value) {
  char text[11];
  int i = 10;
  text[i] = '\0';
  do {
    text[--i] = (char)('0' + value % 10u);
    value /= 10u;
  } while (value != 0);
  console_write(&text[i]);
}

uint32_t board_ms(void) {
  return ms;
}

u32_t sys_now(void) {
  return ms;
}

unsigned int own_rand(void) {
  rand_state ^= REG(SYST_CVR) + ms;
  rand_state ^= rand_state << 13;
  rand_state ^= rand_state >> 17;
  rand_state ^= rand_state << 5;
  return rand_state;
}

void own_assert(const char* message) {
  console_write("lwIP assertion: ");
  console_write(message);
  console_write("\n");
  for (;;) {
  }
}
