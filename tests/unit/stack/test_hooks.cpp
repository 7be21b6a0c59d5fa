// SPDX-License-Identifier: Apache-2.0
#include "test_hooks.hpp"

#include <array>
#include <cstddef>
#include <new>

#include "lwip/pbuf.h"
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

// One InputFilter per policy a test has named, made on first use and kept for the process:
// switching policies is a pointer store, never a filter destroyed under the tcpip thread
// (RTOS mode), and each policy's counters run on across tests like a device's would (tests
// compare before and after).
constexpr std::size_t kMaxPolicies = 16;
struct Slot {
  const policy::Policy* policy = nullptr;
  policy::AnyCompactPolicy table;  // the filter's view of `policy`
  alignas(stack::InputFilter) std::byte storage[sizeof(stack::InputFilter)];
};
std::array<Slot, kMaxPolicies> slots;

stack::InputFilter& filter_for(const policy::Policy& p) {
  for (Slot& s : slots) {
    if (s.policy == &p) {
      return *std::launder(reinterpret_cast<stack::InputFilter*>(s.storage));
    }
    if (s.policy == nullptr) {
      s.policy = &p;
      s.table = policy::compact(p);
      return *new (s.storage) stack::InputFilter(s.table);
    }
  }
  __builtin_trap();  // more policies than kMaxPolicies: raise it
}

}  // namespace

void set_hook_policy(const policy::Policy& p) {
  stack::use_input_filter(&filter_for(p));
}
const policy::Policy& default_hook_policy() {
  return kDefault;
}
stack::InputFilter& hook_filter() {
  stack::InputFilter* f = stack::input_filter();
  return f != nullptr ? *f : filter_for(kDefault);
}

}  // namespace portcullis::test

// Until a test names a policy, the default one's filter judges. A frame the netif judged
// already (the installed filter, EthernetNetif::poll) goes on, as with compiled_hooks.cpp.
extern "C" int portcullis_ip4_input_hook(pbuf* p, netif* inp) {
  return (p->flags & portcullis::stack::kPbufFlagJudged) != 0
             ? 0
             : portcullis::test::hook_filter().judge(p, inp, false);
}
extern "C" int portcullis_ip6_input_hook(pbuf* p, netif* inp) {
  return (p->flags & portcullis::stack::kPbufFlagJudged) != 0
             ? 0
             : portcullis::test::hook_filter().judge(p, inp, true);
}
