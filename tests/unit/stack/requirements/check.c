// SPDX-License-Identifier: Apache-2.0
/* Portcullis's lwIP requirements against the lwipopts.h first on the include path. */
#include "portcullis/stack/lwip_requirements.h"
