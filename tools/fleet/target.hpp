// SPDX-License-Identifier: Apache-2.0
#pragma once
// portcullis-fleet's targets: [ID@]HOST[:PORT] from the command line or a HOSTS file.
//
// ID@ names the device its certificate must carry (its device id, a DNS SAN) when HOST is an
// address the certificate does not list: one the network gave it (DHCP, SLAAC). Without it
// the certificate must carry HOST itself. ID is 1-64 letters, digits, '-' and '.'.
//
// HOST is a name, an IPv4 address, or an IPv6 address; PORT is 1..65535 in decimal and
// defaults to kDefaultPort. An IPv6 address takes a port only in brackets ([2001:db8::2]:8443):
// a spec with one colon is HOST:PORT, one with two or more is a bare IPv6 address with the
// default port, so 2001:db8::2:8443 is the address 2001:db8::2:8443, not port 8443.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portcullis::fleet {

inline constexpr std::uint16_t kDefaultPort = 8443;

struct Target {
  std::string spec;  // as given
  std::string host;  // without brackets
  std::uint16_t port = kDefaultPort;
  std::string name;  // what the device's certificate must name: ID, else host
};

// `default_port` when the spec names none (the broker of `watch` defaults to 8883).
// nullopt when `spec` is no HOST[:PORT]: an empty host or port, a port out of range or not
// decimal, unmatched brackets or anything after them but :PORT, whitespace, control characters
// or brackets in the host, or a host with a colon that is no IPv6 address (an optional %zone
// is left to the resolver).
// `allow_id`: ID@ is accepted (the poller's devices; not `watch`'s broker).
std::optional<Target> parse_target(std::string_view spec, std::uint16_t default_port = kDefaultPort,
                                   bool allow_id = false);

// A HOSTS file's entries, in order: one a line, '#' to the end of the line is a comment,
// spaces, tabs and CRs around an entry are dropped and blank lines skipped. Entries are not
// checked here; parse_target does that.
std::vector<std::string> hosts_file_entries(std::string_view text);

}  // namespace portcullis::fleet
