#include "test_hooks.hpp"

#include "portcullis/stack/input_filter.hpp"
#include "portcullis/stack/lwip_hooks.h"

namespace portcullis::test {
namespace {

constexpr policy::Policy make_default() {
  policy::Policy p;
  p.echo = true;
  p.rule_count = 1;
  p.rules[0].proto = policy::Proto::kTcp;
  p.rules[0].first_port = 80;
  p.rules[0].last_port = 80;
  return p;
}
constexpr policy::Policy kDefault = make_default();
const policy::Policy* current = &kDefault;

}  // namespace

void set_hook_policy(const policy::Policy& p) {
  current = &p;
}
const policy::Policy& default_hook_policy() {
  return kDefault;
}

}  // namespace portcullis::test

extern "C" int portcullis_ip4_input_hook(pbuf* p, netif* inp) {
  return portcullis::stack::filter_input(p, inp, false, *portcullis::test::current);
}
extern "C" int portcullis_ip6_input_hook(pbuf* p, netif* inp) {
  return portcullis::stack::filter_input(p, inp, true, *portcullis::test::current);
}
