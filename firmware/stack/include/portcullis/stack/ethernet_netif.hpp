// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>

#include "lwip/dhcp.h"
#include "lwip/netif.h"
#include "portcullis/base/network_settings.hpp"
#include "portcullis/base/status.hpp"
#include "portcullis/hal/clock.hpp"
#include "portcullis/hal/ethernet_mac.hpp"
#include "portcullis/report/status.hpp"

namespace portcullis::stack {

// Frames lost between the MAC and lwIP, so the report can tell the truth about them.
// Binds an hal::EthernetMac to an lwIP netif: poll() moves received frames into lwIP and
// tracks the link; lwIP's output goes straight to the MAC. start() and poll() run in lwIP's
// context (the super-loop; with NO_SYS=0 under a LwipContext, where received frames are
// queued to the tcpip thread with tcpip_input()).
class EthernetNetif {
 public:
  static constexpr std::uint32_t kLinkCheckPeriodMs = 250;
  static constexpr int kMaxFramesPerPoll = 32;  // bounds one poll's work under a flood

  EthernetNetif(hal::EthernetMac& mac, const hal::Clock& clock);
  EthernetNetif(const EthernetNetif&) = delete;
  EthernetNetif& operator=(const EthernetNetif&) = delete;

  // Initialises the MAC, adds the netif with the board's addresses and brings it up.
  // start_lwip() must have run.
  Status start(const NetworkSettings& settings);

  // Drains up to kMaxFramesPerPoll received frames into lwIP and follows link changes.
  void poll();
  // One received frame, if the MAC holds one: judged where it lies (the installed
  // InputFilter), then dropped or handed to lwIP. False when the MAC had none.
  bool receive_one();

  netif& lwip_netif() { return netif_; }
  // Writes the frames lost below the filter into the status (report::NetifInfo): its own
  // counts (no receive pbuf, lwIP refused, too large or refused on the way out) and the MAC's.
  void report(report::NetifInfo& out) const;

 private:
  static err_t on_netif_init(netif* nif);
  static err_t on_linkoutput(netif* nif, pbuf* p);
  void check_link();

  hal::EthernetMac& mac_;
  const hal::Clock& clock_;
  netif netif_{};
#if LWIP_DHCP
  dhcp dhcp_{};  // the DHCP client's state (NetworkSettings::ipv4_dhcp)
#endif
  report::NetifInfo counts_{};  // the netif's own; report() adds the MAC's
  std::uint64_t next_link_check_ms_ = 0;
  // One frame buffer serves both directions: a received frame is judged here and copied into
  // a pbuf before lwIP sees it, so a reply transmitted from inside input() may reuse it.
  std::array<std::uint8_t, hal::kMaxFrameBytes> frame_{};
};

}  // namespace portcullis::stack
