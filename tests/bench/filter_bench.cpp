// Instructions per packet of the early filter, beside lwIP's own cost for the same packet.
// Run under callgrind by tests/bench/run (figures, not a test). Each scenario's measured
// step is an extern "C" function, so callgrind's --toggle-collect counts only it.
#include <cstdio>
#include <cstring>
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
constexpr policy::Policy kPolicy = make_policy();
bool filter_on = true;
stack::InputFilter input_filter{kPolicy};

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
  return input_filter.classify(ip, ip.size(), &nif.lwip_netif(), false).verdict;
}
}

int main(int argc, char** argv) {
  const char* scenario = argc > 1 ? argv[1] : "";
  filter_on = !(argc > 2 && std::strcmp(argv[2], "nofilter") == 0);
  // Plain lwIP: no filter for the netif's early judgement, and hooks that let all through.
  stack::use_input_filter(filter_on ? &input_filter : nullptr);
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
      const Bytes src = {static_cast<std::uint8_t>(i % 2 == 0 ? 198 : 203),
                         static_cast<std::uint8_t>(i % 2 == 0 ? 51 : 0),
                         static_cast<std::uint8_t>(i % 2 == 0 ? 100 : 113),
                         static_cast<std::uint8_t>(1 + (i / 2) % 250)};
      return test::tcp_frame({.src_port = static_cast<std::uint16_t>(20000 + i),
                              .dst_port = static_cast<std::uint16_t>(1000 + i),
                              .seq = 1000,
                              .ack = 0,
                              .flags = test::kSyn,
                              .payload = {}},
                             false, src);
    };
    for (int i = 0; i < 64; ++i) {
      input(sweep(kIterations + i));
    }
    for (int i = 0; i < kIterations; ++i) {
      const Bytes f = sweep(i);
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
                 "closed-syn|closed-syn-decision|closed-sweep-spoofed|allowed-syn|established-data "
                 "[nofilter]\n",
                 argv[0]);
    return 2;
  }
  std::printf("%s %s: %d packets\n", scenario, filter_on ? "filter" : "nofilter", kIterations);
  return 0;
}
