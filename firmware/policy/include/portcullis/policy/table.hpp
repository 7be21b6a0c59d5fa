// SPDX-License-Identifier: Apache-2.0
#pragma once
// The policy as the device keeps it at run time: exactly as many rules and source prefixes
// as the file has, and the rules' order by port, so the per-packet lookup is a binary search.
// `Policy` (policy.hpp) is the parser's result, with room for the largest policy (32 rules
// of 8 prefixes: about 5 KiB); `compact()` turns one into a `CompactPolicy` of its own size,
// and `Table` is the view of it that the filter, the listener audit and the report read.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "portcullis/policy/policy.hpp"

namespace portcullis::policy {

// A rule of the table: its sources are the table's sources[first_source, +source_count).
struct TableRule {
  Proto proto = Proto::kTcp;
  std::uint8_t first_source = 0;
  std::uint8_t source_count = 0;  // 0: from anywhere
  bool mgmt = false;
  std::uint16_t first_port = 0;
  std::uint16_t last_port = 0;
  std::uint32_t line = 0;  // where it stands in the policy file
};

// Key of a rule's first port in the by-port order: rules of one protocol never share a port
// (the parser's overlap rule), so this order finds the one rule that may cover a port.
constexpr std::uint32_t port_key(Proto proto, std::uint16_t port) {
  return (std::uint32_t{static_cast<std::uint8_t>(proto)} << 16) | port;
}

// A rule's place in the by-port order: the key of its first port, its last port, its index.
struct PortEntry {
  std::uint32_t first_key = 0;  // port_key(proto, first_port)
  std::uint16_t last_port = 0;
  std::uint8_t rule = 0;
};

// A view of a CompactPolicy (which must outlive it); cheap to copy.
struct Table {
  Mode mode = Mode::kStealth;
  bool echo = false;
  std::span<const TableRule> rules;    // in file order
  std::span<const Prefix> sources;     // every rule's, rule after rule
  std::span<const PortEntry> by_port;  // every rule, by first_key

  constexpr std::span<const Prefix> sources_of(const TableRule& r) const {
    return sources.subspan(r.first_source, r.source_count);
  }

  // The one rule of `proto` whose port range holds `port`, if any: a binary search over
  // by_port (at most 5 halvings for 32 rules, none for one), whatever the number of rules.
  // It relies on the parser's overlap rule; of overlapping rules in a Policy made by hand it
  // may miss one, which only ever refuses (fails closed).
  constexpr const TableRule* rule_for(Proto proto, std::uint16_t port) const {
    const std::uint32_t key = port_key(proto, port);
    std::size_t n = by_port.size();
    if (n == 0) {
      return nullptr;
    }
    // Invariant: the last entry starting at or below key, if any, is in base[0, n); halving
    // without a branch on the comparison (the per-packet path, tests/bench/run).
    const PortEntry* base = by_port.data();
    while (n > 1) {
      const std::size_t half = n / 2;
      base = base[half].first_key <= key ? base + half : base;
      n -= half;
    }
    // That entry covers the port if it starts at or below it, reaches that far and is of the
    // same protocol (its key's high half).
    return base->first_key <= key && (base->first_key >> 16) == (key >> 16) &&
                   port <= base->last_port
               ? &rules[base->rule]
               : nullptr;
  }

  // Does an allow rule admit a packet of `proto` from `src_ip` (4 or 16 bytes) to `port`?
  constexpr bool allows(Proto proto, std::uint16_t port,
                        std::span<const std::uint8_t> src_ip) const {
    const TableRule* r = rule_for(proto, port);
    return r != nullptr && sources_admit(sources_of(*r), src_ip);
  }

  // May the device listen on `port` at all (from some source)? Used for listeners.
  constexpr bool allows_port(Proto proto, std::uint16_t port) const {
    return rule_for(proto, port) != nullptr;
  }

  constexpr std::optional<std::uint16_t> mgmt_port() const {
    for (const TableRule& r : rules) {
      if (r.mgmt) {
        return r.first_port;
      }
    }
    return std::nullopt;
  }
};

// Rules and sources in arrays of exactly R and S entries (or more, for a table built at run
// time: see AnyCompactPolicy).
template <std::size_t R, std::size_t S>
struct CompactPolicy {
  Mode mode = Mode::kStealth;
  bool echo = false;
  std::uint8_t rule_count = 0;
  std::uint16_t source_count = 0;
  std::array<TableRule, R> rules{};
  std::array<Prefix, S> sources{};
  std::array<PortEntry, R> by_port{};

  // A view, as std::string converts to std::string_view: the CompactPolicy must outlive it.
  constexpr operator Table() const { return table(); }  // NOLINT(google-explicit-constructor)
  constexpr Table table() const {
    return {mode, echo, std::span<const TableRule>(rules.data(), rule_count),
            std::span<const Prefix>(sources.data(), source_count),
            std::span<const PortEntry>(by_port.data(), rule_count)};
  }
};

// How many source prefixes the policy's rules have between them.
constexpr std::size_t source_total(const Policy& p) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < p.rule_count && i < p.rules.size(); ++i) {
    n += std::min<std::size_t>(p.rules[i].source_count, kMaxSources);
  }
  return n;
}

// The table of `p`; R and S must hold its rules and sources (else the result is cut, which a
// constant expression of the build's policy cannot be: compiled.hpp sizes them from it).
template <std::size_t R, std::size_t S>
constexpr CompactPolicy<R, S> compact(const Policy& p) {
  CompactPolicy<R, S> out;
  out.mode = p.mode;
  out.echo = p.echo;
  // Counts beyond the capacities (a Policy built by hand, not by the parser) are cut to them.
  for (std::size_t k = 0; k < p.rule_count && k < p.rules.size(); ++k) {
    const Rule& r = p.rules[k];
    const auto sources =
        static_cast<std::uint8_t>(std::min<std::size_t>(r.source_count, kMaxSources));
    if (out.rule_count == R || out.source_count + sources > S) {
      break;
    }
    TableRule& t = out.rules[out.rule_count];
    t = {r.proto,      static_cast<std::uint8_t>(out.source_count),
         sources,      r.mgmt,
         r.first_port, r.last_port,
         r.line};
    for (std::size_t i = 0; i < sources; ++i) {
      out.sources[out.source_count++] = r.sources[i];
    }
    // Insertion into the by-port order (at most 32 rules, once per build or test).
    const PortEntry entry{port_key(t.proto, t.first_port), t.last_port, out.rule_count};
    std::size_t at = out.rule_count;
    while (at > 0 && out.by_port[at - 1].first_key > entry.first_key) {
      out.by_port[at] = out.by_port[at - 1];
      --at;
    }
    out.by_port[at] = entry;
    ++out.rule_count;
  }
  return out;
}

// Room for any policy the parser accepts: for tables built at run time (tests, host tools).
using AnyCompactPolicy = CompactPolicy<kMaxRules, kMaxRules * kMaxSources>;
constexpr AnyCompactPolicy compact(const Policy& p) {
  return compact<kMaxRules, kMaxRules * kMaxSources>(p);
}

}  // namespace portcullis::policy
