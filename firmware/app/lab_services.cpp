// SPDX-License-Identifier: Apache-2.0
#include "portcullis/app/lab_services.hpp"

#include <array>
#include <optional>
#include <string_view>

#include "portcullis/policy/compiled.hpp"
#include "portcullis/report/text_sink.hpp"
#include "portcullis/stack/listen.hpp"

namespace portcullis::app {
namespace {

err_t discard_recv(void*, tcp_pcb* pcb, pbuf* p, err_t err) {
  if (p == nullptr) {  // the peer closed: close our side too
    tcp_arg(pcb, nullptr);
    tcp_recv(pcb, nullptr);
    if (tcp_close(pcb) != ERR_OK) {
      tcp_abort(pcb);
      return ERR_ABRT;
    }
    return ERR_OK;
  }
  if (err == ERR_OK) {
    tcp_recved(pcb, p->tot_len);
  }
  pbuf_free(p);
  return ERR_OK;
}

err_t discard_accept(void*, tcp_pcb* pcb, err_t err) {
  if (err != ERR_OK || pcb == nullptr) {
    return ERR_VAL;
  }
  tcp_recv(pcb, discard_recv);
  return ERR_OK;
}

// The lab's stand-in for a buggy or compromised application: a datagram that reads exactly
// kRogueCommand followed by a port number opens a TCP listener on that port, bypassing the
// compile-time allow-list, so a lab test can watch the listener audit find it, close it and
// report it (status, metrics, MQTT event). Lab images only (PORTCULLIS_LAB_SERVICES).
constexpr std::string_view kRogueCommand = "portcullis-lab: open rogue tcp listener ";

std::optional<std::uint16_t> rogue_port(const pbuf* p) {
  std::array<char, 64> text{};
  if (p->tot_len <= kRogueCommand.size() || p->tot_len > text.size()) {
    return std::nullopt;
  }
  const std::uint16_t n = pbuf_copy_partial(p, text.data(), p->tot_len, 0);
  const std::string_view s(text.data(), n);
  if (!s.starts_with(kRogueCommand)) {
    return std::nullopt;
  }
  std::uint32_t port = 0;
  for (const char c : s.substr(kRogueCommand.size())) {
    if (c < '0' || c > '9' || port > 65535) {
      return std::nullopt;
    }
    port = port * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (port == 0 || port > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(port);
}

bool open_rogue_listener(std::uint16_t port) {
  tcp_pcb* pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
  if (pcb == nullptr) {
    return false;
  }
  if (tcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
    tcp_abort(pcb);
    return false;
  }
  tcp_pcb* listener = tcp_listen(pcb);
  if (listener == nullptr) {
    tcp_abort(pcb);
    return false;
  }
  tcp_accept(listener, discard_accept);
  return true;
}

void echo_recv(void*, udp_pcb* pcb, pbuf* p, const ip_addr_t* addr, u16_t port) {
  if (const auto rogue = rogue_port(p)) {
    static constexpr std::string_view kOpened = "opened\n";
    static constexpr std::string_view kFailed = "failed\n";
    const std::string_view answer = open_rogue_listener(*rogue) ? kOpened : kFailed;
    pbuf_free(p);
    pbuf* reply = pbuf_alloc(PBUF_TRANSPORT, static_cast<u16_t>(answer.size()), PBUF_RAM);
    if (reply != nullptr) {
      (void)pbuf_take(reply, answer.data(), static_cast<u16_t>(answer.size()));
      (void)udp_sendto(pcb, reply, addr, port);
      pbuf_free(reply);
    }
    return;
  }
  // One datagram back per datagram, never larger: no amplification.
  (void)udp_sendto(pcb, p, addr, port);
  pbuf_free(p);
}

}  // namespace

void LabServices::start(const hal::Log& log) {
  using policy::AllowedTcpPort;
  using policy::AllowedUdpPort;
  std::uint32_t unserved = 0;
  for (const policy::TableRule& rule : policy::kPolicyTable.rules) {
    if (rule.mgmt) {
      continue;
    }
    for (std::uint32_t port = rule.first_port; port <= rule.last_port; ++port) {
      const auto p16 = static_cast<std::uint16_t>(port);
      if (rule.proto == policy::Proto::kTcp) {
        const auto allowed = AllowedTcpPort::if_allowed<policy::kPolicyTable>(p16);
        if (allowed && tcp_count_ < kMaxTcpListeners &&
            stack::listen_tcp(*allowed, discard_accept, nullptr) != nullptr) {
          ++tcp_count_;
          log.line("lab service: discard on tcp ", p16);
          continue;
        }
      } else {
        const auto allowed = AllowedUdpPort::if_allowed<policy::kPolicyTable>(p16);
        if (allowed && udp_count_ < kMaxUdpSockets &&
            stack::bind_udp(*allowed, echo_recv, nullptr) != nullptr) {
          ++udp_count_;
          log.line("lab service: echo on udp ", p16);
          continue;
        }
      }
      ++unserved;
    }
  }
  if (unserved != 0) {
    log.line("lab service: allowed ports left without a service: ", unserved);
  }
}

}  // namespace portcullis::app
