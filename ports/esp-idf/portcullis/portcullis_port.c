// SPDX-License-Identifier: Apache-2.0
/* Portcullis's ESP-IDF port (UNTESTED: ports/esp-idf/README.md): what the C interface asks of a
 * port (portcullis/port.h). */
#include <string.h>

#include "esp_log.h"
#include "esp_system.h"
#include "portcullis/port.h"

/* The reason logged, then esp_system_abort(): the panic handler's report and a restart. */
void portcullis_port_fatal(const char* reason, size_t length) {
  static char text[96];
  const size_t n = length < sizeof text - 1 ? length : sizeof text - 1;
  memcpy(text, reason, n);
  text[n] = '\0';
  ESP_LOGE("portcullis", "fatal: %s", text);
  esp_system_abort(text);
}
