// SPDX-License-Identifier: Apache-2.0
// lwIP's input hooks: every inbound packet goes to the input filter the firmware installed
// (stack::use_input_filter). In portcullis_stack, which lwIP's library links back
// (portcullis_hook_lwip()), so lwIP's references resolve in any link order.
#include "portcullis/stack/input_filter.hpp"
#include "portcullis/stack/lwip_hooks.h"

extern "C" int portcullis_ip4_input_hook(pbuf* p, netif* inp) {
  return portcullis::stack::judge_input(p, inp, false);
}

extern "C" int portcullis_ip6_input_hook(pbuf* p, netif* inp) {
  return portcullis::stack::judge_input(p, inp, true);
}
