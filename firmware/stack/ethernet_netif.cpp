// SPDX-License-Identifier: Apache-2.0
#include "portcullis/stack/ethernet_netif.hpp"

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/ip4_addr.h"
#include "lwip/ip6_addr.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"
#include "portcullis/stack/input_filter.hpp"
#include "portcullis/stack/lwip_context.hpp"
#if !NO_SYS
#include "lwip/tcpip.h"
#endif

namespace portcullis::stack {

EthernetNetif::EthernetNetif(hal::EthernetMac& mac, const hal::Clock& clock)
    : mac_(mac), clock_(clock) {}

Status EthernetNetif::start(const NetworkSettings& s) {
  if (!valid(s) || !has_mac(s) || (s.ipv4_dhcp && !LWIP_DHCP) ||
      (s.ipv6_slaac && !LWIP_IPV6_AUTOCONFIG)) {
    return Status::kInvalidArgument;
  }
  if (const Status st = mac_.init(s.mac); !ok(st)) {
    return st;
  }
  for (std::size_t i = 0; i < s.mac.size(); ++i) {
    netif_.hwaddr[i] = s.mac[i];
  }
  netif_.hwaddr_len = static_cast<u8_t>(s.mac.size());

  ip4_addr_t addr;
  ip4_addr_t mask;
  ip4_addr_t gw;
  ip4_addr_set_zero(&addr);  // DHCP: none until a lease is bound
  ip4_addr_set_zero(&mask);
  ip4_addr_set_zero(&gw);
  if (!s.ipv4_dhcp) {
    IP4_ADDR(&addr, s.ipv4[0], s.ipv4[1], s.ipv4[2], s.ipv4[3]);
    const std::uint32_t mask_host =
        s.ipv4_prefix_len == 32 ? 0xFFFFFFFFu : ~(0xFFFFFFFFu >> s.ipv4_prefix_len);
    ip4_addr_set_u32(&mask, lwip_htonl(mask_host));
    IP4_ADDR(&gw, s.ipv4_gateway[0], s.ipv4_gateway[1], s.ipv4_gateway[2], s.ipv4_gateway[3]);
  }
  // NO_SYS=0: frames go through the tcpip thread's queue, so the input hooks run there as in
  // any RTOS driver (LWIP_TCPIP_CORE_LOCKING_INPUT=0: no lock taken, poll() already holds it).
#if NO_SYS
  constexpr netif_input_fn kInput = ethernet_input;
#else
  constexpr netif_input_fn kInput = tcpip_input;
#endif
  if (netif_add(&netif_, &addr, &mask, &gw, this, &EthernetNetif::on_netif_init, kInput) ==
      nullptr) {
    return Status::kInternal;
  }
  netif_set_default(&netif_);

#if LWIP_IPV6_AUTOCONFIG
  // lwIP enables autoconfiguration on every netif it adds: only where the settings say.
  netif_set_ip6_autoconfig_enabled(&netif_, s.ipv6_slaac ? 1 : 0);
#endif
  netif_create_ip6_linklocal_address(&netif_, 1);
  bool has_global = false;
  for (const auto w : s.ipv6) {
    has_global = has_global || w != 0;
  }
  if (has_global) {
    ip6_addr_t a6;
    IP6_ADDR(&a6, lwip_htonl((std::uint32_t{s.ipv6[0]} << 16) | s.ipv6[1]),
             lwip_htonl((std::uint32_t{s.ipv6[2]} << 16) | s.ipv6[3]),
             lwip_htonl((std::uint32_t{s.ipv6[4]} << 16) | s.ipv6[5]),
             lwip_htonl((std::uint32_t{s.ipv6[6]} << 16) | s.ipv6[7]));
    s8_t index = 0;
    if (netif_add_ip6_address(&netif_, &a6, &index) != ERR_OK) {
      return Status::kResourceExhausted;
    }
    // Tentative: lwIP runs duplicate address detection before using it.
    netif_ip6_addr_set_state(&netif_, index, IP6_ADDR_TENTATIVE);
  }
  netif_set_up(&netif_);
  check_link();
#if LWIP_DHCP
  // Discovers at once if the link is up, else when it comes up (lwIP's link callback).
  if (s.ipv4_dhcp) {
    dhcp_set_struct(&netif_, &dhcp_);  // ours: lwIP allocates nothing for it
    if (dhcp_start(&netif_) != ERR_OK) {
      return Status::kResourceExhausted;
    }
  }
#endif
  return Status::kOk;
}

err_t EthernetNetif::on_netif_init(netif* nif) {
  nif->name[0] = 'e';
  nif->name[1] = 'n';
  nif->mtu = 1500;
  nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
  nif->output = etharp_output;
  nif->output_ip6 = ethip6_output;
  nif->linkoutput = &EthernetNetif::on_linkoutput;
  return ERR_OK;
}

err_t EthernetNetif::on_linkoutput(netif* nif, pbuf* p) {
  auto* self = static_cast<EthernetNetif*>(nif->state);
  if (p->tot_len > self->frame_.size()) {
    ++self->counts_.tx_too_large;
    return ERR_BUF;
  }
  const u16_t len = pbuf_copy_partial(p, self->frame_.data(), p->tot_len, 0);
#if PORTCULLIS_FILTER
  // The requests of lwIP's DHCP, DNS and SNTP clients, so that their answers pass.
  if (InputFilter* const filter = input_filter(); filter != nullptr) {
    filter->sent_frame(std::span<const std::uint8_t>(self->frame_.data(), len));
  }
#endif
  if (!ok(self->mac_.transmit(std::span<const std::uint8_t>(self->frame_.data(), len)))) {
    ++self->counts_.tx_failed;
    return ERR_IF;
  }
  return ERR_OK;
}

void EthernetNetif::poll() {
  for (int i = 0; i < kMaxFramesPerPoll; ++i) {
    if (!receive_one()) {
      break;
    }
  }
  if (clock_.now_ms() >= next_link_check_ms_) {
    check_link();
  }
}

bool EthernetNetif::receive_one() {
  const std::size_t len = mac_.receive(frame_);
  if (len == 0) {
    return false;
  }
#if PORTCULLIS_FILTER
  // The filter judges the frame where the MAC left it: a dropped frame never takes a receive
  // buffer, nor any of lwIP's time. In the super-loop (NO_SYS=1) lwIP handles the frame at
  // once: the pbuf of a frame the filter let through says so, and lwIP's input hooks do not
  // judge it again. With NO_SYS=0 the frame waits in the tcpip thread's queue, and the
  // judgement of a connection attempt (its port's half-open connections, the PCBs kept free)
  // or of a segment of a new connection must see what the frames ahead of it made: here only
  // what nothing ahead can change is dropped, and the hooks judge the rest there.
  InputFilter* const filter = input_filter();
#if NO_SYS
  if (filter != nullptr && filter->drop_frame(std::span(frame_.data(), len), &netif_)) {
    return true;
  }
#else
  if (filter != nullptr && filter->screen_frame(std::span(frame_.data(), len), &netif_)) {
    return true;
  }
#endif
#endif
  pbuf* p = pbuf_alloc(PBUF_RAW, static_cast<u16_t>(len), PBUF_POOL);
  if (p == nullptr) {
    ++counts_.rx_no_buffer;
    return true;
  }
#if PORTCULLIS_FILTER && NO_SYS
  if (filter != nullptr) {
    p->flags |= kPbufFlagJudged;
  }
#endif
  if (pbuf_take(p, frame_.data(), static_cast<u16_t>(len)) != ERR_OK ||
      netif_.input(p, &netif_) != ERR_OK) {
    ++counts_.rx_refused;
    pbuf_free(p);
  }
  return true;
}

void EthernetNetif::check_link() {
  next_link_check_ms_ = clock_.now_ms() + kLinkCheckPeriodMs;
  const bool up = mac_.link_up();
  if (up && !netif_is_link_up(&netif_)) {
    netif_set_link_up(&netif_);
  } else if (!up && netif_is_link_up(&netif_)) {
    netif_set_link_down(&netif_);
  }
}

void EthernetNetif::report(report::NetifInfo& out) const {
  const hal::MacCounters& mac = mac_.counters();
  out = counts_;
  out.rx_mac_overflow = mac.rx_overflow;
  out.rx_mac_errors = mac.rx_errors;
  out.rx_mac_too_large = mac.rx_too_large;
}

}  // namespace portcullis::stack
