// lwIP's input hooks: every inbound packet goes to the input filter the agent installed
// (stack::use_input_filter). An object library linked into each image, so lwIP's references
// resolve without a static-library cycle.
#include "portcullis/stack/input_filter.hpp"
#include "portcullis/stack/lwip_hooks.h"

extern "C" int portcullis_ip4_input_hook(pbuf* p, netif* inp) {
  return portcullis::stack::judge_input(p, inp, false);
}

extern "C" int portcullis_ip6_input_hook(pbuf* p, netif* inp) {
  return portcullis::stack::judge_input(p, inp, true);
}
