// SPDX-License-Identifier: Apache-2.0
// Agent::start(): the agent that owns the network (the reference boards). A file of its own,
// since it gives lwIP its sys_now() (stack::set_lwip_clock(), portcullis_lwip_clock): a firmware
// whose agent attaches (prepare(), attach()) has its own sys_now(), and linking only agent.cpp
// keeps ours out of its image.
#include <algorithm>

#include "portcullis/app/agent.hpp"
#include "portcullis/identity/record.hpp"
#include "portcullis/stack/lwip_clock.hpp"
#include "portcullis/stack/lwip_context.hpp"
#include "portcullis/stack/lwip_port.hpp"

namespace portcullis::app {

Status Agent::start(const NetworkSettings& net, std::string_view board_name,
                    std::span<const std::uint8_t> identity_region) {
  if (!own_netif_) {
    return Status::kInvalidArgument;  // an agent that attaches: prepare() and attach()
  }
  if (!has_mac(net)) {
    // A device image's settings name no MAC (boards/common: board_network.hpp), so that a
    // fleet does not share one built in: the record must give it. Refused before anything
    // starts (nothing runs without a netif).
    const identity::ParsedRecord record = identity::parse_record(identity_region);
    if (record.state != identity::RecordState::kValid ||
        record.identity.mac.size() != net.mac.size()) {
      log_.line(
          "no MAC address: the identity record gives none (tools/pki provision --mac) "
          "and the board none of its own");
      return Status::kUnavailable;
    }
  }
  stack::set_lwip_clock(clock_);
  if (const Status st = prepare(board_name, identity_region); !ok(st)) {
    return st;
  }
  NetworkSettings settings = net;
  if (!record_time_server_.empty()) {
    settings.time_server = record_time_server_.data();  // NUL-terminated in the record
  }
  if (record_mac_.size() == settings.mac.size()) {
    std::copy(record_mac_.begin(), record_mac_.end(), settings.mac.begin());  // this device's own
  }
  stack::start_lwip();
  started_ = true;
  if (const Status st = stack::in_lwip_context([&] { return start_own_netif(settings); });
      !ok(st)) {
    return st;
  }
  start_services();
  return Status::kOk;
}

}  // namespace portcullis::app
