// SPDX-License-Identifier: Apache-2.0
#pragma once
// The early inbound filter's runtime side: lwIP's input hooks call into it (lwip_hooks.h).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "lwip/pbuf.h"
#include "portcullis/filter/classifier.hpp"
#include "portcullis/filter/client_requests.hpp"
#include "portcullis/policy/policy.hpp"
#include "portcullis/report/blocked_log.hpp"
#include "portcullis/report/counters.hpp"
#include "portcullis/report/scan_detector.hpp"
#include "portcullis/stack/settings.hpp"

struct netif;

namespace portcullis::stack {

// Rejects (RST / port unreachable) answered per second at most, and the burst allowed:
// kRejectsPerSecond, kRejectBurst (stack/settings.hpp). A reject-mode device must not become
// a reflector.

// Connection attempts to allowed TCP ports (security review finding 6). lwIP 2.2.1 has no SYN
// cookies: each SYN a listener answers holds a PCB until the handshake completes or SYN_RCVD
// times out (20 s), so spoofed SYNs to one allowed port would hold every PCB of the device and
// leave none for a management poll or the push. So a connection attempt
//   - to a port that has kHalfOpenPerPort connections in SYN_RCVD already, or
//   - to any port but the policy's management port, when it would leave fewer than
//     kTcpPcbReserve PCBs free (TIME-WAIT ones count as free: lwIP reuses them),
// frees the oldest half-open connection (of that port, or of any port for the reserve) that
// has not heard from its peer for kHalfOpenStaleMs, silently, and takes its place; when there
// is none it is dropped (`connection_limit`). A flood must keep sending to hold a port, and
// what the half-open connections of dead or forged peers hold comes back within a second. A
// retransmitted SYN of a connection that holds a PCB is never turned away. The three figures
// are settings (stack/settings.hpp).

// A token bucket over a millisecond clock; constant time, no heap.
class RateLimiter {
 public:
  constexpr RateLimiter(std::uint32_t per_second, std::uint32_t burst)
      : per_second_(per_second), burst_(burst), tokens_milli_(burst * 1000u) {}
  bool try_take(std::uint32_t now_ms);

 private:
  std::uint32_t per_second_;
  std::uint32_t burst_;
  std::uint32_t tokens_milli_;  // thousandths of a token
  std::uint32_t last_ms_ = 0;
  bool started_ = false;
};

// sys_now() extended to 64 bits: its 32-bit milliseconds wrap after 49.7 days. Read at each
// drop and each snapshot, so only a wrap with neither in between is missed.
class Uptime {
 public:
  std::uint64_t now_ms();

 private:
  std::uint64_t high_ = 0;
  std::uint32_t last_ = 0;
};

// The early inbound filter: one policy, and everything it has recorded (counters, the scan
// detector, the blocked-attempts log, the reject limiter). The agent owns one, bound to the
// build's compiled policy, and hands it to lwIP's input hooks with use_input_filter() before
// lwIP runs; the policy cannot change for the filter's life. Everything here is written by
// the input hooks in lwIP's context (the tcpip thread with NO_SYS=0): read it there too (an
// lwIP callback, or a LwipContext scope; lwip_context.hpp).
class InputFilter {
 public:
  // `policy` views a table that must outlive the filter (the firmware: policy::kPolicyTable).
  explicit InputFilter(policy::Table policy) : policy_(policy) {}
  InputFilter(const InputFilter&) = delete;
  InputFilter& operator=(const InputFilter&) = delete;

  // Judges one inbound IP packet (p->payload at the IP header): returns 1 when it was
  // dropped (the pbuf is freed), 0 when lwIP goes on with it. lwIP's input hooks call it for
  // packets nobody judged before (another netif's, a library user's own driver).
  int judge(pbuf* p, const netif* inp, bool ipv6);
  // Judges one whole Ethernet frame as the netif reads it from the MAC, before lwIP has a
  // buffer for it: true when it is dropped (never given a pbuf); false for a frame lwIP is to
  // have (passed or rejected, and every frame that is not IPv4 or IPv6: ARP, and what lwIP
  // itself discards). The same judgement as judge() and the same records.
  bool drop_frame(std::span<const std::uint8_t> frame, const netif* inp);
  // Screens one whole Ethernet frame before lwIP has a buffer for it, where the frames lwIP has
  // yet to handle (with NO_SYS=0: those waiting in the tcpip thread's queue) may still make
  // the connection it belongs to: drops only what none of them can turn into a pass, which is
  // every drop of the judgement but `no_connection` (an allowed connection attempt is a pass
  // here; its half-open limit is judged in lwIP's order). True when dropped, with judge()'s
  // records; false: lwIP is to have the frame, and its input hooks judge it (counted once).
  // What EthernetNetif calls with NO_SYS=0, and a firmware's own driver may call in either
  // mode (portcullis_screen_frame()). In lwIP's context.
  bool screen_frame(std::span<const std::uint8_t> frame, const netif* inp);

  // The classifier's decision about one IP packet (as decide() below takes it), asking lwIP's
  // state about flows and addresses: the pure decision, nothing recorded and nothing changed.
  [[nodiscard]] filter::Decision classify(std::span<const std::uint8_t> head, std::size_t total_len,
                                          const netif* inp, bool ipv6) const;
  // The same decision for the shape nearly every packet has, without the general classifier:
  // IPv4 without options, TCP, not a fragment, the whole TCP header there, ports not 0, sent
  // to the receiving interface's own address from another one. nullopt for any other packet,
  // and for a connection attempt a reject-mode policy refuses (the classifier checks the
  // source a RST may go to). Where it answers, it answers as classify() does
  // (tests/unit/stack/input_filter_test.cpp compares the two over every flag combination and
  // over mutated headers).
  [[nodiscard]] std::optional<filter::Decision> fast_tcp4(std::span<const std::uint8_t> head,
                                                          std::size_t total_len,
                                                          const netif* inp) const;
  // What decide() judges a packet by: fast_tcp4()'s answer, else classify()'s.
  [[nodiscard]] filter::Decision decision(std::span<const std::uint8_t> head, std::size_t total_len,
                                          const netif* inp, bool ipv6) const {
    if (!ipv6) {
      if (const std::optional<filter::Decision> d = fast_tcp4(head, total_len, inp)) {
        return *d;
      }
    }
    return classify(head, total_len, inp, ipv6);
  }

  // One IP packet the device transmits (starting at its IP header): a request of lwIP's DHCP,
  // DNS or SNTP client is remembered, so that its answer passes (`stack_client`) and nothing
  // else reaches the port it asked from (`unsolicited_reply`). The netif calls it for every
  // frame it sends (EthernetNetif); a driver of the firmware's own must do the same.
  void sent(std::span<const std::uint8_t> packet);
  // The same for a whole Ethernet frame (drop_frame()'s framing): what EthernetNetif calls.
  void sent_frame(std::span<const std::uint8_t> frame);
  // Forgets requests whose answers are no longer awaited (ClientRequests::expire): the agent
  // calls it every loop turn; at least once a day is enough.
  void expire_requests();
  const filter::ClientRequests& client_requests() const { return client_requests_; }

  const policy::Table& policy() const { return policy_; }
  // Counters of every packet judged.
  const report::Counters& counters() const { return counters_; }
  // The scan detector, fed with every drop that is scan evidence (report::is_scan_evidence).
  const report::ScanDetector& scan_detector() const { return scan_detector_; }
  // The last drops (report::is_blocked_attempt) whose source address could be read.
  const report::BlockedLog& blocked_log() const { return blocked_log_; }
  // The uptime the two above are stamped with.
  std::uint64_t uptime_ms() const { return uptime_.now_ms(); }

 private:
  // The judgement of one IP packet of `total_len` bytes whose first bytes are `head` (at most
  // filter::kMaxHeaderBytes): true to drop it. Counts and records it.
  bool decide(std::span<const std::uint8_t> head, std::size_t total_len, const netif* inp,
              bool ipv6);
  void record_drop(const filter::Decision& d, std::span<const std::uint8_t> bytes, bool ipv6);

  const policy::Table policy_;
  report::Counters counters_;
  report::ScanDetector scan_detector_;
  report::BlockedLog blocked_log_;
  filter::ClientRequests client_requests_;
  mutable Uptime uptime_;  // a reading extends it: a cache of the clock, not state
  bool scan_detector_keyed_ = false;
  RateLimiter reject_limiter_{kRejectsPerSecond, kRejectBurst};
};

// The filter lwIP's input hooks (lwip_hooks.h) hand every inbound packet to: one pointer, set
// before lwIP runs (the agent's start()), or nullptr. With none the hooks drop every packet:
// the device fails closed.
void use_input_filter(InputFilter* filter);
InputFilter* input_filter();

namespace internal {
extern std::atomic<InputFilter*> installed_filter;  // use_input_filter() sets it
int drop_unjudged(pbuf* p);                         // frees p; returns 1
}  // namespace internal

// The mark on a pbuf whose frame the filter judged already, in the netif before lwIP had a
// buffer for it (EthernetNetif::receive_one): a bit of pbuf::flags that lwIP 2.2.1 leaves
// unused. pbuf_alloc() starts every pbuf with no flags, so no other pbuf carries it; it costs
// no RAM (a field of its own would grow every pbuf by 4 bytes).
inline constexpr u8_t kPbufFlagJudged = 0x80U;
static_assert((kPbufFlagJudged & (PBUF_FLAG_PUSH | PBUF_FLAG_IS_CUSTOM | PBUF_FLAG_MCASTLOOP |
                                  PBUF_FLAG_LLBCAST | PBUF_FLAG_LLMCAST | PBUF_FLAG_TCP_FIN)) == 0,
              "kPbufFlagJudged must be a pbuf flag bit lwIP does not use");

// What the hooks call: the filter's judgement, or a drop without one. A packet whose frame our
// netif judged before lwIP had a buffer for it (marked kPbufFlagJudged) goes on unjudged; every
// other packet is judged here, the second line (another netif's, a library user's own driver).
// Inline, so the hooks call judge() directly: the drop path is the hot one (tests/bench/run).
inline int judge_input(pbuf* p, const netif* inp, bool ipv6) {
  if ((p->flags & kPbufFlagJudged) != 0) {
    return 0;
  }
  InputFilter* const f = internal::installed_filter.load(std::memory_order_acquire);
  return f != nullptr ? f->judge(p, inp, ipv6) : internal::drop_unjudged(p);
}

}  // namespace portcullis::stack
