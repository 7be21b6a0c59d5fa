// SPDX-License-Identifier: Apache-2.0
// Instructions per packet of the early filter, beside lwIP's own cost for the same packet.
// Run under callgrind by tests/bench/run (figures, not a test). Each scenario's measured
// step is an extern "C" function, so callgrind's --toggle-collect counts only it.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "fake_clock.hpp"
#include "frames.hpp"
#include "lwip/init.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "portcullis/boards/lab_network.hpp"
#include "portcullis/hal/ethernet_mac.hpp"
#include "portcullis/stack/ethernet_netif.hpp"
#include "portcullis/stack/input_filter.hpp"
#include "portcullis/stack/lwip_clock.hpp"
#include "portcullis/stack/lwip_hooks.h"
#include "portcullis/stack/lwip_port.hpp"

using namespace portcullis;
using test::Bytes;

namespace {

constexpr int kIterations = 2000;

constexpr policy::Policy make_policy() {
  policy::Policy p;
  p.echo = true;
  p.rule_count = 1;
  p.rules[0].proto = policy::Proto::kTcp;
  p.rules[0].first_port = 80;
  p.rules[0].last_port = 80;
  return p;
}
// The filter's policy table: the scaling scenario sets its own before the filter is made.
policy::AnyCompactPolicy bench_table = policy::compact(make_policy());
bool filter_on = true;
std::optional<stack::InputFilter> input_filter;

// A MAC that holds one received frame at a time, as a driver's buffer would, and sends
// nowhere: lwIP's replies are built and handed down, then forgotten.
class OneFrameMac final : public hal::EthernetMac {
 public:
  OneFrameMac() = default;
  void hold(const Bytes& frame) { frame_ = &frame; }

 private:
  Status do_init(const MacAddress&) override { return Status::kOk; }
  std::size_t do_receive(std::span<std::uint8_t> out) override {
    if (frame_ == nullptr || frame_->size() > out.size()) {
      return 0;
    }
    std::memcpy(out.data(), frame_->data(), frame_->size());
    const std::size_t n = frame_->size();
    frame_ = nullptr;
    return n;
  }
  Status do_transmit(std::span<const std::uint8_t>) override { return Status::kOk; }
  bool do_link_up() override { return true; }

  const Bytes* frame_ = nullptr;
};

// A millisecond tick counter, as the boards' SysTick clock is (reading it is a load; the host's
// clock_gettime would add some 35 instructions no device pays). It moves 1 ms per frame,
// outside the measured step.
test::FakeClock clock_source;
OneFrameMac mac;
stack::EthernetNetif nif(mac, clock_source);

// One frame in the MAC's buffer, and the netif takes it: from there to the frame's release
// (dropped where it lies, or through lwIP to its reply).
void input(const Bytes& frame) {
  clock_source.advance(1);
  mac.hold(frame);
  (void)nif.receive_one();
}

err_t accept_any(void*, tcp_pcb* pcb, err_t) {
  tcp_recv(pcb, [](void*, tcp_pcb* c, pbuf* p, err_t) -> err_t {
    if (p != nullptr) {
      tcp_recved(c, p->tot_len);
      pbuf_free(p);
    }
    return ERR_OK;
  });
  return ERR_OK;
}

void abort_connections() {
  while (tcp_active_pcbs != nullptr) {
    tcp_abort(tcp_active_pcbs);
  }
}

Bytes syn_to(std::uint16_t port, std::uint16_t sport) {
  return test::tcp_frame({.src_port = sport,
                          .dst_port = port,
                          .seq = 1000,
                          .ack = 0,
                          .flags = test::kSyn,
                          .payload = {}});
}

// Packet i's spoofed IPv4 source: 500 documentation addresses (198.51.100.0/24 and
// 203.0.113.0/24), each again only 500 packets later, far more than the scan detector holds.
Bytes spoofed_source4(int i) {
  return {static_cast<std::uint8_t>(i % 2 == 0 ? 198 : 203),
          static_cast<std::uint8_t>(i % 2 == 0 ? 51 : 0),
          static_cast<std::uint8_t>(i % 2 == 0 ? 100 : 113),
          static_cast<std::uint8_t>(1 + (i / 2) % 250)};
}

// The knobs of the scaling scenario (tests/bench/run prints its table): "rules=N" (1..32
// rules, the one the SYN is about last, so the lookup walks them all), "prefixes=N" (0..8
// IPv6 /128 sources on that rule, none of them the sender's, so each is compared), "pcbs=N"
// (TCP connections the device opened, in the active list the flow lookup walks), "v6=1"
// (IPv6 instead of IPv4), "spoofed=1" (a new source address every packet).
struct Scale {
  int rules = 1;
  int prefixes = 0;
  int pcbs = 0;
  bool v6 = false;
  bool spoofed = false;
};

bool parse_scale(int argc, char** argv, Scale& s) {
  for (int i = 3; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto eq = arg.find('=');
    if (eq == std::string_view::npos) {
      return false;
    }
    const std::string_view key = arg.substr(0, eq);
    const int value = std::atoi(argv[i] + eq + 1);
    if (key == "rules" && value >= 1 && value <= static_cast<int>(policy::kMaxRules)) {
      s.rules = value;
    } else if (key == "prefixes" && value >= 0 && value <= static_cast<int>(policy::kMaxSources)) {
      s.prefixes = value;
    } else if (key == "pcbs" && value >= 0 && value <= MEMP_NUM_TCP_PCB) {
      s.pcbs = value;
    } else if (key == "v6" && (value == 0 || value == 1)) {
      s.v6 = value == 1;
    } else if (key == "spoofed" && (value == 0 || value == 1)) {
      s.spoofed = value == 1;
    } else {
      return false;
    }
  }
  return true;
}

// rules - 1 one-port TCP rules that do not cover the SYN's port, then tcp 80 (from
// `prefixes` IPv6 hosts 2001:db8:1::1.., when there are any).
policy::Policy scaled_policy(const Scale& s) {
  policy::Policy p;
  p.rule_count = static_cast<std::uint8_t>(s.rules);
  for (int i = 0; i + 1 < s.rules; ++i) {
    p.rules[i].first_port = p.rules[i].last_port = static_cast<std::uint16_t>(1000 + 2 * i);
  }
  policy::Rule& last = p.rules[s.rules - 1];
  last.first_port = last.last_port = 80;
  last.source_count = static_cast<std::uint8_t>(s.prefixes);
  for (int i = 0; i < s.prefixes; ++i) {
    last.sources[i].is_v6 = true;
    last.sources[i].addr = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0,
                            0,    0,    0,    0,    0, 0, 0, static_cast<std::uint8_t>(1 + i)};
    last.sources[i].len = 128;
  }
  return p;
}

// A SYN the scaled policy drops: to port 80 when its rule has a source list the sender is
// not on, else to closed port 81. From the peer, or a new source every packet.
Bytes scaled_syn(const Scale& s, int i) {
  const auto sport = static_cast<std::uint16_t>(20000 + i);
  const std::uint16_t port = s.prefixes > 0 ? 80 : 81;
  Bytes src;
  if (s.spoofed) {
    // IPv6: 2001:db8:0:2::/64 (documentation), a new one every packet.
    src = s.v6 ? Bytes{0x20,
                       0x01,
                       0x0d,
                       0xb8,
                       0,
                       2,
                       0,
                       0,
                       0,
                       0,
                       0,
                       0,
                       0,
                       0,
                       static_cast<std::uint8_t>(i >> 8),
                       static_cast<std::uint8_t>(i)}
               : spoofed_source4(i);
  }
  return test::tcp_frame({.src_port = sport,
                          .dst_port = port,
                          .seq = 1000,
                          .ack = 0,
                          .flags = test::kSyn,
                          .payload = {}},
                         s.v6, src);
}

// `n` connections the device opens to the peer (SYN_SENT: in lwIP's active list, as the flow
// lookup walks it whatever their state).
bool open_connections(int n) {
  for (int i = 0; i < n; ++i) {
    tcp_pcb* pcb = tcp_new();
    if (pcb == nullptr) {
      return false;
    }
    ip_addr_t peer;
    IP_ADDR4(&peer, 192, 0, 2, 1);
    if (tcp_connect(pcb, &peer, static_cast<std::uint16_t>(30000 + i), nullptr) != ERR_OK) {
      return false;
    }
  }
  return true;
}
}  // namespace

extern "C" {
int portcullis_ip4_input_hook(pbuf* p, netif* inp) {
  return filter_on ? stack::judge_input(p, inp, false) : 0;  // as compiled_hooks.cpp
}
int portcullis_ip6_input_hook(pbuf* p, netif* inp) {
  return filter_on ? stack::judge_input(p, inp, true) : 0;
}

// The measured steps: one inbound frame each, from the MAC's buffer to its release.
__attribute__((noinline, noipa)) void bench_step(const Bytes* frame) {
  input(*frame);
}
// The pure decision about a frame's IP packet: headers parsed, policy and flows looked up,
// nothing counted or recorded.
__attribute__((noinline, noipa)) filter::Verdict bench_decision(const Bytes* frame) {
  constexpr std::size_t kEthernetHeader = 14;
  const std::span<const std::uint8_t> ip = std::span(*frame).subspan(kEthernetHeader);
  return input_filter->decision(ip, ip.size(), &nif.lwip_netif(), false).verdict;
}
}

int main(int argc, char** argv) {
  const char* scenario = argc > 1 ? argv[1] : "";
  Scale scale;
  if (!parse_scale(argc, argv, scale)) {
    std::fprintf(stderr,
                 "bad scaling argument (rules=1..32 prefixes=0..8 pcbs=0..%d v6=0|1 "
                 "spoofed=0|1)\n",
                 MEMP_NUM_TCP_PCB);
    return 2;
  }
  if (std::strcmp(scenario, "scaled-syn") == 0) {
    bench_table = policy::compact(scaled_policy(scale));
  }
  filter_on = !(argc > 2 && std::strcmp(argv[2], "nofilter") == 0);
  // Plain lwIP: no filter for the netif's early judgement, and hooks that let all through.
  input_filter.emplace(bench_table);
  stack::use_input_filter(filter_on ? &*input_filter : nullptr);
  stack::set_lwip_clock(clock_source);
  lwip_init();
  if (!ok(nif.start(boards::kLabNetwork))) {
    std::fprintf(stderr, "netif start failed\n");
    return 1;
  }
  input(test::arp_request(test::kDeviceIp4));  // lwIP learns the peer's MAC

  if (std::strcmp(scenario, "closed-syn") == 0) {
    for (int i = 0; i < kIterations; ++i) {
      const Bytes f = syn_to(81, static_cast<std::uint16_t>(20000 + i));
      bench_step(&f);
    }
  } else if (std::strcmp(scenario, "closed-sweep-spoofed") == 0) {
    // The worst case for the report's tables: each SYN from another source (spoofed, 1000
    // of them, far more than the scan detector holds) to another closed port (more than the
    // most-dropped table holds). After a first pass fills both tables, the measured pass.
    const auto sweep = [](int i) {
      return test::tcp_frame({.src_port = static_cast<std::uint16_t>(20000 + i),
                              .dst_port = static_cast<std::uint16_t>(1000 + i),
                              .seq = 1000,
                              .ack = 0,
                              .flags = test::kSyn,
                              .payload = {}},
                             false, spoofed_source4(i));
    };
    for (int i = 0; i < 64; ++i) {
      input(sweep(kIterations + i));
    }
    for (int i = 0; i < kIterations; ++i) {
      const Bytes f = sweep(i);
      bench_step(&f);
    }
  } else if (std::strcmp(scenario, "scaled-syn") == 0) {
    if (scale.v6) {
      // Duplicate address detection would take lwIP's timers: the addresses are taken as
      // settled, so lwIP answers to them as it would on a device that has been up a while.
      for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; ++i) {
        if (!ip6_addr_isinvalid(netif_ip6_addr_state(&nif.lwip_netif(), i))) {
          netif_ip6_addr_set_state(&nif.lwip_netif(), i, IP6_ADDR_PREFERRED);
        }
      }
      input(test::neighbour_solicitation());  // lwIP learns the peer's MAC
    }
    if (!open_connections(scale.pcbs)) {
      std::fprintf(stderr, "could not open %d connections\n", scale.pcbs);
      return 1;
    }
    for (int i = 0; i < 64; ++i) {  // fills the report's tables first, as the sweep does
      input(scaled_syn(scale, kIterations + i));
    }
    for (int i = 0; i < kIterations; ++i) {
      const Bytes f = scaled_syn(scale, i);
      bench_step(&f);
    }
  } else if (std::strcmp(scenario, "closed-syn-decision") == 0) {
    for (int i = 0; i < kIterations; ++i) {
      const Bytes f = syn_to(81, static_cast<std::uint16_t>(20000 + i));
      (void)bench_decision(&f);
    }
  } else if (std::strcmp(scenario, "allowed-syn") == 0) {
    tcp_pcb* pcb = tcp_new();
    tcp_bind(pcb, IP_ANY_TYPE, 80);
    tcp_pcb* l = tcp_listen(pcb);
    tcp_accept(l, accept_any);
    for (int i = 0; i < kIterations; ++i) {
      const Bytes f = syn_to(80, static_cast<std::uint16_t>(20000 + i));
      bench_step(&f);
      abort_connections();
    }
  } else if (std::strcmp(scenario, "established-data") == 0) {
    // One connection the device accepted on port 80; then data segments on it.
    tcp_pcb* pcb = tcp_new();
    tcp_bind(pcb, IP_ANY_TYPE, 80);
    tcp_pcb* l = tcp_listen(pcb);
    tcp_accept(l, accept_any);
    input(syn_to(80, 40000));
    const tcp_pcb* conn = tcp_active_pcbs;
    const std::uint32_t their_ack = conn->snd_nxt;
    input(test::tcp_frame({.src_port = 40000,
                           .dst_port = 80,
                           .seq = 1001,
                           .ack = their_ack,
                           .flags = test::kAck,
                           .payload = {}}));
    std::uint32_t seq = 1001;
    const Bytes payload(64, 'x');
    for (int i = 0; i < kIterations; ++i) {
      const Bytes f = test::tcp_frame({.src_port = 40000,
                                       .dst_port = 80,
                                       .seq = seq,
                                       .ack = their_ack,
                                       .flags = test::kAck | test::kPsh,
                                       .payload = payload});
      seq += static_cast<std::uint32_t>(payload.size());
      bench_step(&f);
    }
  } else {
    std::fprintf(stderr,
                 "usage: %s "
                 "closed-syn|closed-syn-decision|closed-sweep-spoofed|allowed-syn|established-data|"
                 "scaled-syn [filter|nofilter] [rules=N prefixes=N pcbs=N v6=0|1 spoofed=0|1]\n",
                 argv[0]);
    return 2;
  }
  std::printf("%s %s: %d packets\n", scenario, filter_on ? "filter" : "nofilter", kIterations);
  return 0;
}
