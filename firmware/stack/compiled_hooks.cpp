// lwIP's input hooks bound to this build's compiled policy. An object library linked into
// each image, so lwIP's references resolve without a static-library cycle.
#include "portcullis/policy/compiled.hpp"
#include "portcullis/stack/input_filter.hpp"
#include "portcullis/stack/lwip_hooks.h"

extern "C" int portcullis_ip4_input_hook(pbuf* p, netif* inp) {
  return portcullis::stack::filter_input(p, inp, false, portcullis::policy::kPolicy);
}

extern "C" int portcullis_ip6_input_hook(pbuf* p, netif* inp) {
  return portcullis::stack::filter_input(p, inp, true, portcullis::policy::kPolicy);
}
