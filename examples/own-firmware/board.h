// SPDX-License-Identifier: Apache-2.0
/* The firmware's own board support: console, millisecond clock, randomness. */
#ifndef OWN_BOARD_H
#define OWN_BOARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void board_init(void);
void console_write(const char* text);
void console_write_u32(uint32_t value);
uint32_t board_ms(void);

#ifdef __cplusplus
}
#endif

#endif
