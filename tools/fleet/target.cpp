// SPDX-License-Identifier: Apache-2.0
#include "target.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

#include "portcullis/identity/record.hpp"

namespace portcullis::fleet {
namespace {

// A spec that cannot name a device is a usage error (exit 2), not a device the resolver then
// fails to find and the fleet reports as unreachable (exit 1).
bool plausible_host(std::string_view host) {
  if (host.empty()) return false;
  for (const unsigned char c : host) {
    if (c <= ' ' || c == 0x7f || c == '[' || c == ']' || c == '@') return false;
  }
  if (host.find(':') == std::string_view::npos) return true;  // a name or IPv4
  const auto zone = host.find('%');
  if (zone != std::string_view::npos && zone + 1 == host.size()) return false;  // "%", no zone
  const std::string address(host.substr(0, zone));
  std::array<unsigned char, 16> bytes{};
  return ::inet_pton(AF_INET6, address.c_str(), bytes.data()) == 1;
}

std::optional<std::uint16_t> parse_port(std::string_view port) {
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  unsigned long p = 0;
  for (const char c : port) p = p * 10 + static_cast<unsigned long>(c - '0');
  if (p == 0 || p > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(p);
}

}  // namespace

std::optional<Target> parse_target(std::string_view spec, std::uint16_t default_port,
                                   bool allow_id) {
  Target t;
  t.spec = std::string(spec);
  t.port = default_port;
  if (const auto at = spec.find('@'); at != std::string_view::npos) {
    const std::string_view id = spec.substr(0, at);
    if (!allow_id || !identity::valid_device_id(id)) {
      return std::nullopt;
    }
    t.name = std::string(id);
    spec.remove_prefix(at + 1);
  }
  std::optional<std::string_view> port;
  if (!spec.empty() && spec[0] == '[') {
    const auto close = spec.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    t.host = std::string(spec.substr(1, close - 1));
    if (close + 1 < spec.size()) {
      if (spec[close + 1] != ':') return std::nullopt;
      port = spec.substr(close + 2);
    }
  } else if (std::count(spec.begin(), spec.end(), ':') == 1) {
    const auto colon = spec.find(':');
    t.host = std::string(spec.substr(0, colon));
    port = spec.substr(colon + 1);
  } else {
    t.host = std::string(spec);  // a name, IPv4, or a bare IPv6 address (no port)
  }
  if (!plausible_host(t.host)) return std::nullopt;
  if (port) {
    const auto p = parse_port(*port);
    if (!p) return std::nullopt;
    t.port = *p;
  }
  if (t.name.empty()) t.name = t.host;
  return t;
}

std::vector<std::string> hosts_file_entries(std::string_view text) {
  constexpr std::string_view kBlank = " \t\r";
  std::vector<std::string> entries;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    line = line.substr(0, line.find('#'));
    const auto b = line.find_first_not_of(kBlank);
    if (b == std::string_view::npos) continue;
    const auto e = line.find_last_not_of(kBlank);
    entries.emplace_back(line.substr(b, e - b + 1));
  }
  return entries;
}

}  // namespace portcullis::fleet
