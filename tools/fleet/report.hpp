// SPDX-License-Identifier: Apache-2.0
#pragma once
// portcullis-fleet's output: the per-device table and JSON writing, shared by polling and
// `watch`.

#include <ostream>
#include <string>
#include <string_view>

#include "json.hpp"
#include "verdict.hpp"

namespace portcullis::fleet {

// A whole number without a fraction or exponent (counters, ports, milliseconds).
std::string num(double v);

// `s` as a JSON string literal, quotes included, always well-formed UTF-8: C0, DEL, C1 and
// bidi controls (utf8.hpp) as \uXXXX, each ill-formed sequence as \ufffd, other text as is.
std::string json_escape(std::string_view s);

// `v` as compact JSON (its strings through json_escape()).
void write_json(std::ostream& o, const Value& v);

// `s` safe for a terminal, so a device or a broker cannot rewrite or reorder the screen
// through an id or a message: C0, DEL and C1 controls (ESC, CR, U+009B CSI, ...) and bidi
// overrides and isolates become '?', each ill-formed UTF-8 sequence (a raw 0x9B, an overlong,
// a surrogate, a cut-short character) U+FFFD; well-formed text ("Zürich") stays as it is.
std::string printable(std::string_view s);

// One device's table: id, board, firmware, uptime, digest (with `expected`: MATCH or
// MISMATCH), mode, rules against listeners, violations, drops and the verdict's problems.
// `note` follows OK/FAIL in the header (e.g. "(retained)").
void print_table(std::ostream& o, const PollResult& r, const Verdict& v,
                 const std::string& expected, std::string_view note = {});

}  // namespace portcullis::fleet
