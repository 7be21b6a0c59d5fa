// SPDX-License-Identifier: Apache-2.0
#include "report.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <string_view>

#include "utf8.hpp"

namespace portcullis::fleet {
namespace {

std::string rule_text(const Value& rule) {
  if (rule.kind == Value::Kind::kString) return printable(rule.string);
  std::string s = printable(rule.str("proto", "?")) + " ";
  if (const auto* p = rule.get("port")) {
    s += num(p->number);
  } else {
    const double first = rule.num("first", rule.num("first_port"));
    const double last = rule.num("last", rule.num("last_port", first));
    s += num(first) + (last != first ? "-" + num(last) : "");
  }
  if (const auto* from = rule.get("from");
      from && from->kind == Value::Kind::kArray && !from->array.empty()) {
    s += " from ";
    for (std::size_t i = 0; i < from->array.size(); ++i) {
      s += (i ? "," : "") + printable(from->array[i].string);
    }
  }
  if (is_true(rule.get("mgmt"))) s += " (mgmt)";
  return s;
}

}  // namespace

std::string num(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9e15) {
    return std::to_string(static_cast<long long>(v));
  }
  std::ostringstream o;
  o << v;
  return o.str();
}

std::string json_escape(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const Utf8Char c = decode_utf8(s, i);
    if (!c.valid) {
      out += "\\ufffd";
    } else if (c.code_point == '"' || c.code_point == '\\') {
      out += '\\';
      out += static_cast<char>(c.code_point);
    } else if (is_terminal_control(c.code_point)) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c.code_point));
      out += esc;
    } else {
      out += s.substr(i, c.length);
    }
    i += c.length;
  }
  return out + "\"";
}

void write_json(std::ostream& o, const Value& v) {
  using K = Value::Kind;
  switch (v.kind) {
    case K::kNull:
      o << "null";
      break;
    case K::kBool:
      o << (v.boolean ? "true" : "false");
      break;
    case K::kNumber:
      o << num(v.number);
      break;
    case K::kString:
      o << json_escape(v.string);
      break;
    case K::kArray:
      o << "[";
      for (std::size_t i = 0; i < v.array.size(); ++i) {
        if (i) o << ",";
        write_json(o, v.array[i]);
      }
      o << "]";
      break;
    case K::kObject:
      o << "{";
      for (std::size_t i = 0; i < v.object.size(); ++i) {
        if (i) o << ",";
        o << json_escape(v.object[i].first) << ":";
        write_json(o, v.object[i].second);
      }
      o << "}";
      break;
  }
}

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const Utf8Char c = decode_utf8(s, i);
    if (!c.valid) {
      append_utf8(out, kReplacementCharacter);
    } else if (is_terminal_control(c.code_point)) {
      out += '?';
    } else {
      out += s.substr(i, c.length);
    }
    i += c.length;
  }
  return out;
}

void print_table(std::ostream& o, const PollResult& r, const Verdict& v,
                 const std::string& expected, std::string_view note) {
  o << "== " << printable(r.target.spec) << "  " << (v.ok ? "OK" : "FAIL");
  if (!note.empty()) o << "  " << note;
  o << "\n";
  if (!r.answered) {
    o << "   error:      " << printable(r.error) << "\n\n";
    return;
  }
  const Value empty;
  const Value* dev = r.doc.get("device");
  const Value* policy = r.doc.get("policy");
  const Value* counters = r.doc.get("counters");
  if (!dev) dev = &empty;
  if (!policy) policy = &empty;
  if (!counters) counters = &empty;
  o << "   id:         " << printable(dev->str("id")) << "\n"
    << "   board:      " << printable(dev->str("board")) << "\n"
    << "   firmware:   " << printable(dev->str("firmware"))
    << (v.lab_image ? "  LAB IMAGE (the lab's services and test hook: not for a device)" : "")
    << "\n"
    << "   uptime:     " << num(dev->num("uptime_ms") / 1000.0) << " s\n"
    << "   time:       "
    << (is_true(dev->get("time_known")) ? printable(dev->str("time")) + " (sntp)"
                                        : std::string("unknown (no SNTP answer yet)"))
    << "\n"
    << "   digest:     " << printable(policy->str("digest"));
  if (v.digest_match) {
    o << (*v.digest_match ? "  MATCH" : "  MISMATCH (expected " + expected + ")");
  }
  o << "\n   mode:       " << printable(policy->str("mode")) << "\n";
  o << "   allowed:   ";
  const auto& rules = policy->list("rules");
  if (rules.empty()) o << " (none)";
  for (const auto& rule : rules) o << " [" << rule_text(rule) << "]";
  o << "\n   listening: ";
  const auto& listening = r.doc.list("listening");
  if (listening.empty()) o << " (none)";
  for (const auto& l : listening) {
    o << " " << printable(l.str("proto")) << "/" << num(l.num("port"))
      << (is_true(l.get("allowed")) ? " allowed=yes" : " allowed=NO");
  }
  o << "\n   violations: ";
  const auto& viol = r.doc.list("violations");
  o << num(r.doc.num("violations_total", static_cast<double>(viol.size()))) << " since boot";
  for (const auto& x : viol) {
    o << " [" << printable(x.str("proto")) << "/" << num(x.num("port")) << " "
      << printable(x.str("action")) << " at " << num(x.num("uptime_ms")) << " ms]";
  }
  o << "\n   drops:      " << num(counters->num("dropped_total")) << " of "
    << num(counters->num("rx_total")) << " received";
  if (const auto* by = counters->get("dropped_by_reason");
      by && by->kind == Value::Kind::kObject && !by->object.empty()) {
    o << " (";
    for (std::size_t i = 0; i < by->object.size(); ++i) {
      o << (i ? ", " : "") << printable(by->object[i].first) << " "
        << num(by->object[i].second.number);
    }
    o << ")";
  }
  o << "\n";
  for (const auto& p : v.problems) o << "   problem:    " << printable(p) << "\n";
  o << "\n";
}

}  // namespace portcullis::fleet
