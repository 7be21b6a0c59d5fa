// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness: the policy file parser (firmware/policy/parser.hpp), run at run time on
// arbitrary text, and the canonical form and digest of what it accepts.
//
// Input: the policy file's text, as is.
//
// Invariants:
// - an accepted policy is a table the rest of the agent may trust: within capacities, ports
//   1..65535 with first <= last, no two rules of one protocol sharing a port, at most one
//   mgmt rule (tcp, one port), prefixes with zero host bits, rules in line order;
// - its canonical text fits its buffer, parses back to the same table (line numbers aside)
//   with the same digest, and is a fixed point: canonical(parse(canonical(x))) ==
//   canonical(x);
// - a refusal names a line of the text (1 .. the number of lines), a known message, a token
//   inside that line, and an earlier conflicting line when it names one.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_input.hpp"
#include "portcullis/policy/canonical.hpp"
#include "portcullis/policy/digest.hpp"
#include "portcullis/policy/parser.hpp"

namespace {

using portcullis::policy::ErrorCode;
using portcullis::policy::ParseResult;
using portcullis::policy::Policy;
using portcullis::policy::Prefix;
using portcullis::policy::Proto;
using portcullis::policy::Rule;

// The table without the line numbers, which say where a rule stood, not what it means.
bool same_table(const Policy& a, const Policy& b) {
  if (a.mode != b.mode || a.echo != b.echo || a.rule_count != b.rule_count) {
    return false;
  }
  for (std::size_t i = 0; i < a.rule_count; ++i) {
    Rule x = a.rules[i];
    Rule y = b.rules[i];
    x.line = y.line = 0;
    if (!(x == y)) {
      return false;
    }
  }
  return true;
}

void check_prefix(const Prefix& p) {
  const std::size_t max_len = p.is_v6 ? 128 : 32;
  FUZZ_CHECK(p.len <= max_len);
  for (std::size_t bit = p.len; bit < 128; ++bit) {  // host bits, and the unused IPv4 bytes
    FUZZ_CHECK(((p.addr[bit / 8] >> (7 - bit % 8)) & 1u) == 0);
  }
}

void check_table(const Policy& policy, std::size_t lines) {
  FUZZ_CHECK(policy.rule_count <= portcullis::policy::kMaxRules);
  std::size_t mgmt = 0;
  std::uint32_t last_line = 0;
  const auto rules = policy.active_rules();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i];
    FUZZ_CHECK(r.proto == Proto::kTcp || r.proto == Proto::kUdp);
    FUZZ_CHECK(r.first_port >= 1 && r.first_port <= r.last_port);
    FUZZ_CHECK(r.line > last_line && r.line <= lines);
    last_line = r.line;
    FUZZ_CHECK(r.source_count <= portcullis::policy::kMaxSources);
    for (std::size_t k = 0; k < r.source_count; ++k) {
      check_prefix(r.sources[k]);
      for (std::size_t j = 0; j < k; ++j) {
        FUZZ_CHECK(!(r.sources[j] == r.sources[k]));
      }
    }
    if (r.mgmt) {
      ++mgmt;
      FUZZ_CHECK(r.proto == Proto::kTcp && r.first_port == r.last_port);
      FUZZ_CHECK(policy.mgmt_port() == r.first_port);
    }
    for (std::size_t j = 0; j < i; ++j) {
      const Rule& o = rules[j];
      FUZZ_CHECK(o.proto != r.proto || o.last_port < r.first_port || r.last_port < o.first_port);
    }
  }
  FUZZ_CHECK(mgmt <= 1);
  FUZZ_CHECK(mgmt == 1 || !policy.mgmt_port().has_value());
}

// The line a byte offset stands on, 1-based.
std::size_t line_at(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    line += text[i] == '\n' ? 1 : 0;
  }
  return line;
}

void check_refusal(const ParseResult& r, std::string_view text, std::size_t lines) {
  const auto& e = r.error;
  FUZZ_CHECK(e.line >= 1 && e.line <= lines);
  FUZZ_CHECK(e.message() != "unknown error" && e.message() != "ok");
  FUZZ_CHECK(e.other_line < e.line);
  if (!e.token.empty()) {
    FUZZ_CHECK(e.token.data() >= text.data() &&
               e.token.data() + e.token.size() <= text.data() + text.size());
    const auto offset = static_cast<std::size_t>(e.token.data() - text.data());
    FUZZ_CHECK(line_at(text, offset) == e.line);
    FUZZ_CHECK(e.token.find('\n') == std::string_view::npos);
  }
  if (e.code == ErrorCode::kFileTooLarge) {
    FUZZ_CHECK(text.size() > portcullis::policy::kMaxPolicyText);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Lines as the parser counts them: a final line needs no '\n', and nothing follows a last '\n'.
  std::size_t lines = 0;
  for (std::size_t start = 0; start < text.size(); ++lines) {
    const std::size_t end = text.find('\n', start);
    start = end == std::string_view::npos ? text.size() : end + 1;
  }

  const ParseResult parsed = portcullis::policy::parse(text);
  if (!parsed.ok()) {
    check_refusal(parsed, text, lines);
    return 0;
  }
  FUZZ_CHECK(parsed.error.line == 0 && parsed.error.token.empty());
  check_table(parsed.policy, lines);

  const auto canonical = portcullis::policy::canonical(parsed.policy);
  FUZZ_CHECK(canonical.size <= portcullis::policy::kMaxCanonicalText);
  const ParseResult again = portcullis::policy::parse(canonical.view());
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(same_table(parsed.policy, again.policy));
  FUZZ_CHECK(portcullis::policy::digest(again.policy) == portcullis::policy::digest(parsed.policy));
  FUZZ_CHECK(portcullis::policy::canonical(again.policy).view() == canonical.view());
  return 0;
}
