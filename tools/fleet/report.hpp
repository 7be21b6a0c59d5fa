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

// `s` as a JSON string literal, quotes included; control characters as \u00XX.
std::string json_escape(std::string_view s);

// `v` as compact JSON.
void write_json(std::ostream& o, const Value& v);

// `s` safe for a terminal: control characters (ESC, CR, ...) become '?', so a device or a
// broker cannot rewrite the screen through an id or a message.
std::string printable(std::string_view s);

// One device's table: id, board, firmware, uptime, digest (with `expected`: MATCH or
// MISMATCH), mode, rules against listeners, violations, drops and the verdict's problems.
// `note` follows OK/FAIL in the header (e.g. "(retained)").
void print_table(std::ostream& o, const PollResult& r, const Verdict& v,
                 const std::string& expected, std::string_view note = {});

}  // namespace portcullis::fleet
