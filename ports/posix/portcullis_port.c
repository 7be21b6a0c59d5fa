// SPDX-License-Identifier: Apache-2.0
/* Portcullis's port for a POSIX process (a Linux or macOS program on lwIP, a simulator, a
 * test): what the C interface asks of a port (portcullis/port.h). */
#include <stdio.h>
#include <stdlib.h>

#include "portcullis/port.h"

/* The reason on stderr, then abort(): a core dump for the post-mortem, a non-zero exit for a
 * supervisor to restart. */
void portcullis_port_fatal(const char* reason, size_t length) {
  fprintf(stderr, "portcullis: fatal: %.*s\n", (int)length, reason);
  fflush(stderr);
  abort();
}
