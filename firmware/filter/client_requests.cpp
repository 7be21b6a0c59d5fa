// SPDX-License-Identifier: Apache-2.0
#include "portcullis/filter/client_requests.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

namespace portcullis::filter {
namespace {

using Bytes = std::span<const std::uint8_t>;

constexpr std::uint8_t kProtoUdp = 17;
constexpr std::size_t kUdpHeader = 8;

// Where each client's transaction id lies, in its request and in the answer (RFC 2131 xid,
// RFC 1035 ID, RFC 4330: the server copies the client's transmit timestamp into the
// originate timestamp).
struct Shape {
  ClientProtocol protocol;
  std::uint16_t server_port;
  std::uint16_t client_port;  // 0: any
  std::size_t min_len;        // payload bytes both checks read
  std::size_t request_id_at;
  std::size_t answer_id_at;
  std::size_t id_len;
};

constexpr std::array<Shape, 3> kShapes{{
    {ClientProtocol::kDhcp, 67, 68, 8, 4, 4, 4},
    {ClientProtocol::kDns, 53, 0, 12, 0, 0, 2},
    {ClientProtocol::kSntp, 123, 0, 48, 40, 24, 8},
}};

const Shape* shape_of(ClientProtocol protocol) {
  for (const Shape& s : kShapes) {
    if (s.protocol == protocol) {
      return &s;
    }
  }
  return nullptr;
}

// A request (`request` true) or an answer of its protocol: DHCP's op (1 BOOTREQUEST,
// 2 BOOTREPLY), DNS's QR bit, SNTP's mode (3 client, 4 server).
bool is_kind(const Shape& s, Bytes payload, bool request) {
  switch (s.protocol) {
    case ClientProtocol::kDhcp:
      return payload[0] == (request ? 1 : 2);
    case ClientProtocol::kDns:
      return ((payload[2] & 0x80) != 0) != request;
    case ClientProtocol::kSntp:
      return (payload[0] & 0x07) == (request ? 3 : 4);
    case ClientProtocol::kNone:
      break;
  }
  return false;
}

bool same_bytes(Bytes a, const std::uint8_t* b) {
  return std::memcmp(a.data(), b, a.size()) == 0;
}

// An unfragmented IPv4 datagram, or IPv6 with UDP straight after the fixed header (as lwIP
// sends, and as answers to it come): its addresses, ports and payload.
struct Udp {
  Bytes src;
  Bytes dst;
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
  Bytes payload;
};

std::optional<Udp> udp_of(Bytes packet) {
  if (packet.empty()) {
    return std::nullopt;
  }
  std::size_t udp = 0;
  Udp u;
  if (packet[0] >> 4 == 4) {
    udp = static_cast<std::size_t>(packet[0] & 0x0F) * 4;
    // Not a fragment: the device's requests are small, and only a first one has the header.
    if (packet.size() < 20 || udp < 20 || packet[9] != kProtoUdp ||
        (((packet[6] & 0x1F) << 8) | packet[7]) != 0) {
      return std::nullopt;
    }
    u.src = packet.subspan(12, 4);
    u.dst = packet.subspan(16, 4);
  } else if (packet[0] >> 4 == 6) {
    udp = 40;
    if (packet.size() < 40 || packet[6] != kProtoUdp) {
      return std::nullopt;
    }
    u.src = packet.subspan(8, 16);
    u.dst = packet.subspan(24, 16);
  } else {
    return std::nullopt;
  }
  if (packet.size() < udp + kUdpHeader) {
    return std::nullopt;
  }
  u.sport = static_cast<std::uint16_t>((packet[udp] << 8) | packet[udp + 1]);
  u.dport = static_cast<std::uint16_t>((packet[udp + 2] << 8) | packet[udp + 3]);
  u.payload = packet.subspan(udp + kUdpHeader);
  return u;
}

}  // namespace

bool ClientRequests::may_be_request(Bytes packet) {
  return udp_of(packet).has_value();
}

ClientProtocol ClientRequests::sent(Bytes packet, std::uint32_t now_ms) {
  const std::optional<Udp> u = udp_of(packet);
  if (!u) {
    return ClientProtocol::kNone;
  }
  const Bytes& src = u->src;
  const Bytes& dst = u->dst;
  const std::uint16_t sport = u->sport;
  const std::uint16_t dport = u->dport;
  const Bytes& payload = u->payload;
  const Shape* shape = nullptr;
  for (const Shape& s : kShapes) {
    if (s.server_port == dport && (s.client_port == 0 || s.client_port == sport) && sport != 0) {
      shape = &s;
    }
  }
  if (shape == nullptr || payload.size() < shape->min_len || !is_kind(*shape, payload, true)) {
    return ClientProtocol::kNone;
  }
  const Bytes id = payload.subspan(shape->request_id_at, shape->id_len);
  const bool any_server =
      dst.size() == 4 && dst[0] == 0xFF && dst[1] == 0xFF && dst[2] == 0xFF && dst[3] == 0xFF;
  // The same request again (a retransmission) renews its entry; a new one takes a free slot,
  // else one past its lifetime, else the oldest.
  const auto same_request = [&](const Request& r) {
    return r.live && r.protocol == shape->protocol && r.local_port == sport &&
           r.ip_len == dst.size() && same_bytes(dst, r.server.data()) &&
           same_bytes(id, r.id.data());
  };
  auto slot = std::find_if(requests_.begin(), requests_.end(), same_request);
  // Each time a request is sent, one more answer is its due: lwIP's DNS client sends a query
  // again with its ID when the answer is slow, and the server answers both.
  const std::uint8_t due =
      slot == requests_.end() ? 1 : static_cast<std::uint8_t>(slot->answers_due + 1);
  if (slot == requests_.end()) {
    slot =
        std::find_if(requests_.begin(), requests_.end(), [](const Request& r) { return !r.live; });
  }
  if (slot == requests_.end()) {
    slot = std::max_element(requests_.begin(), requests_.end(),
                            [now_ms](const Request& a, const Request& b) {
                              return now_ms - a.sent_ms < now_ms - b.sent_ms;
                            });
  }
  *slot = Request{};
  std::copy(dst.begin(), dst.end(), slot->server.begin());
  std::copy(src.begin(), src.end(), slot->local.begin());
  std::copy(id.begin(), id.end(), slot->id.begin());
  slot->sent_ms = now_ms;
  slot->local_port = sport;
  slot->protocol = shape->protocol;
  slot->ip_len = static_cast<std::uint8_t>(dst.size());
  slot->answers_due = due == 0 ? 0xFF : due;  // saturates
  slot->any_server = any_server;
  slot->live = true;
  return shape->protocol;
}

ClientAnswer ClientRequests::answer(const Flow& flow, Bytes payload, std::uint32_t now_ms) const {
  ClientAnswer result = ClientAnswer::kNone;
  for (const Request& r : requests_) {
    const Shape* shape = shape_of(r.protocol);
    if (shape == nullptr || r.local_port != flow.local_port ||
        shape->server_port != flow.remote_port) {
      continue;
    }
    result = ClientAnswer::kStray;
    const bool server_asked = flow.remote_ip.size() == r.ip_len &&
                              (r.any_server || same_bytes(flow.remote_ip, r.server.data()));
    // A DHCP answer may come to the broadcast address or to the address it offers; the
    // others to the address that asked.
    const bool to_asker =
        r.protocol == ClientProtocol::kDhcp ||
        (flow.local_ip.size() == r.ip_len && same_bytes(flow.local_ip, r.local.data()));
    if (r.live && now_ms - r.sent_ms < kLifetimeMs && server_asked && to_asker &&
        payload.size() >= shape->min_len && is_kind(*shape, payload, false) &&
        same_bytes(payload.subspan(shape->answer_id_at, shape->id_len), r.id.data())) {
      return ClientAnswer::kOwn;
    }
  }
  return result;
}

void ClientRequests::answered(Bytes packet) {
  const std::optional<Udp> u = udp_of(packet);
  if (!u) {
    return;
  }
  for (Request& r : requests_) {
    const Shape* shape = shape_of(r.protocol);
    // DHCP's transaction has more answers than one (offers from several servers, the ACK).
    if (!r.live || shape == nullptr || r.protocol == ClientProtocol::kDhcp ||
        r.local_port != u->dport || shape->server_port != u->sport || u->src.size() != r.ip_len ||
        !same_bytes(u->src, r.server.data()) || u->payload.size() < shape->min_len ||
        !same_bytes(u->payload.subspan(shape->answer_id_at, shape->id_len), r.id.data())) {
      continue;
    }
    if (--r.answers_due == 0) {
      retire(r);
    }
    return;
  }
}

void ClientRequests::expire(std::uint32_t now_ms) {
  for (Request& r : requests_) {
    if (r.live && now_ms - r.sent_ms >= kLifetimeMs) {
      retire(r);
    }
  }
}

void ClientRequests::retire(Request& r) {
  const std::uint16_t port = r.local_port;
  const ClientProtocol protocol = r.protocol;
  r = Request{};
  r.local_port = port;
  r.protocol = protocol;
}

}  // namespace portcullis::filter
