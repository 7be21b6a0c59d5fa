// SPDX-License-Identifier: Apache-2.0
#include "watch.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <vector>

#include "report.hpp"

namespace portcullis::fleet {
namespace {

bool topic_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > ' ' && u < 0x7f && c != '+' && c != '#';
}

std::string scalar_text(const Value* v) {
  if (v == nullptr) return "?";
  switch (v->kind) {
    case Value::Kind::kString:
      return printable(v->string);
    case Value::Kind::kNumber:
      return num(v->number);
    case Value::Kind::kBool:
      return v->boolean ? "true" : "false";
    case Value::Kind::kNull:
      return "null";
    default:
      return "?";
  }
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

// ---- command line ------------------------------------------------------------------------

bool valid_prefix(std::string_view prefix) {
  if (prefix.empty() || prefix.size() > kMaxPrefix) return false;
  if (prefix.front() == '/' || prefix.back() == '/') return false;
  if (prefix.find("//") != std::string_view::npos) return false;
  return std::all_of(prefix.begin(), prefix.end(),
                     [](char c) { return c == '/' || topic_char(c); });
}

// ---- topics ------------------------------------------------------------------------------

std::string subscription(std::string_view prefix, TopicKind kind) {
  return std::string(prefix) + (kind == TopicKind::kStatus   ? "/+/status"
                                : kind == TopicKind::kEvents ? "/+/events"
                                                             : "/+/status/state");
}

ParsedTopic parse_topic(std::string_view prefix, std::string_view topic) {
  ParsedTopic out;
  if (topic.size() <= prefix.size() || topic.substr(0, prefix.size()) != prefix ||
      topic[prefix.size()] != '/') {
    return out;
  }
  const std::string_view rest = topic.substr(prefix.size() + 1);
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return out;
  }
  const std::string_view id = rest.substr(0, slash);
  const std::string_view leaf = rest.substr(slash + 1);
  if (leaf == "status") {
    out.kind = TopicKind::kStatus;
  } else if (leaf == "events") {
    out.kind = TopicKind::kEvents;
  } else if (leaf == "status/state") {
    out.kind = TopicKind::kState;
  } else {
    return out;
  }
  if (id.empty()) {
    out.error = "no device id in the topic";
  } else if (id.size() > kMaxDeviceId) {
    out.error = "device id longer than " + std::to_string(kMaxDeviceId) + " characters";
  } else if (!std::all_of(id.begin(), id.end(), topic_char)) {
    out.error = "device id with spaces, control or non-ASCII characters, + or #";
  }
  if (!out.error.empty()) {
    out.result = ParsedTopic::Result::kMalformed;
    return out;
  }
  out.result = ParsedTopic::Result::kOurs;
  out.device = std::string(id);
  return out;
}

// ---- state -------------------------------------------------------------------------------

std::optional<std::string> parse_state(std::string_view payload, std::string* error) {
  auto fail = [error](std::string why) -> std::optional<std::string> {
    if (error) *error = "not a state message: " + why;
    return std::nullopt;
  };
  if (payload.size() > kMaxPayload) {
    return fail("larger than " + std::to_string(kMaxPayload) + " bytes");
  }
  std::string jerr;
  const auto doc = parse_json(payload, &jerr);
  if (!doc) return fail("not JSON (" + jerr + ")");
  const Value* state = doc->kind == Value::Kind::kObject ? doc->get("state") : nullptr;
  if (!state || state->kind != Value::Kind::kString || state->string.empty()) {
    return fail("no \"state\" string");
  }
  return state->string;
}

std::string state_line(std::string_view device, std::string_view state) {
  return "STATE " + printable(device) + " " + printable(state);
}

std::string state_json_line(std::string_view topic, std::string_view device, std::string_view state,
                            bool retained) {
  return "{\"topic\":" + json_escape(topic) + ",\"device\":" + json_escape(device) +
         ",\"kind\":\"state\",\"state\":" + json_escape(state) +
         ",\"retained\":" + (retained ? "true" : "false") + "}";
}

void SilenceWatch::heard(std::string_view device, double now_s) {
  auto it = devices_.find(device);
  if (it == devices_.end()) {
    if (devices_.size() >= kMaxDevices) {
      devices_.erase(std::min_element(
          devices_.begin(), devices_.end(),
          [](const auto& a, const auto& b) { return a.second.at_s < b.second.at_s; }));
    }
    it = devices_.emplace(std::string(device), Heard{}).first;
  }
  it->second = Heard{now_s, false};
}

std::vector<std::pair<std::string, double>> SilenceWatch::newly_silent(double now_s) {
  std::vector<std::pair<std::string, double>> out;
  if (limit_s_ <= 0) return out;
  for (auto& [id, h] : devices_) {
    if (!h.reported && now_s - h.at_s >= limit_s_) {
      h.reported = true;
      out.emplace_back(id, now_s - h.at_s);
    }
  }
  return out;
}

std::string silent_line(std::string_view device, double seconds) {
  return "SILENT " + printable(device) + " nothing for " +
         std::to_string(static_cast<long long>(seconds)) + " s";
}

std::string silent_json_line(std::string_view device, double seconds) {
  return "{\"device\":" + json_escape(device) +
         ",\"kind\":\"silent\",\"seconds\":" + std::to_string(static_cast<long long>(seconds)) +
         "}";
}

std::string broker_json_line(std::string_view broker, std::string_view state,
                             std::string_view error) {
  std::string line =
      "{\"kind\":\"broker\",\"broker\":" + json_escape(broker) + ",\"state\":" + json_escape(state);
  if (!error.empty()) line += ",\"error\":" + json_escape(error);
  return line + "}";
}

// ---- events ------------------------------------------------------------------------------

std::optional<Event> parse_event(std::string_view payload, std::string_view device,
                                 std::string* error) {
  auto fail = [error](std::string why) -> std::optional<Event> {
    if (error) *error = "not an event: " + why;
    return std::nullopt;
  };
  if (payload.size() > kMaxPayload) {
    return fail("larger than " + std::to_string(kMaxPayload) + " bytes");
  }
  std::string jerr;
  auto doc = parse_json(payload, &jerr);
  if (!doc) return fail("not JSON (" + jerr + ")");
  if (doc->kind != Value::Kind::kObject) return fail("not a JSON object");
  const Value* seq = doc->get("seq");
  if (!seq || seq->kind != Value::Kind::kNumber || !std::isfinite(seq->number) ||
      seq->number != std::floor(seq->number) || seq->number < 0 || seq->number > 4294967295.0) {
    return fail("no whole-number \"seq\" (0..4294967295)");
  }
  const Value* type = doc->get("type");
  if (!type || type->kind != Value::Kind::kString || type->string.empty()) {
    return fail("no \"type\" string");
  }
  if (const Value* dev = doc->get("device")) {
    if (dev->kind != Value::Kind::kString || dev->string != device) {
      return fail("it names device " + scalar_text(dev) + ", not the topic's " +
                  std::string(device));
    }
  }
  Event e;
  e.seq = static_cast<std::uint32_t>(seq->number);
  e.type = type->string;
  e.uptime_ms = doc->num("uptime_ms", 0);
  e.doc = std::move(*doc);
  return e;
}

std::string event_line(std::string_view device, const Event& e) {
  std::string s =
      "EVENT " + printable(device) + " #" + std::to_string(e.seq) + " " + printable(e.type);
  if (e.type == "scanner") {
    s += " src " + scalar_text(e.doc.get("src")) + " distinct_ports " +
         scalar_text(e.doc.get("distinct_ports"));
  } else if (e.type == "violation") {
    s += " " + scalar_text(e.doc.get("proto")) + "/" + scalar_text(e.doc.get("port")) + " " +
         scalar_text(e.doc.get("action"));
  } else {
    for (const auto& [key, value] : e.doc.object) {
      if (key == "device" || key == "seq" || key == "type" || key == "uptime_ms") continue;
      if (value.kind == Value::Kind::kArray || value.kind == Value::Kind::kObject) continue;
      s += " " + printable(key) + " " + scalar_text(&value);
    }
  }
  return s + " at " + scalar_text(e.doc.get("uptime_ms")) + " ms";
}

std::string event_json_line(std::string_view topic, std::string_view device, const Event& e) {
  std::ostringstream o;
  o << "{\"topic\":" << json_escape(topic) << ",\"device\":" << json_escape(device)
    << ",\"kind\":\"event\",\"event\":";
  write_json(o, e.doc);
  o << "}";
  return o.str();
}

// ---- status ------------------------------------------------------------------------------

StatusReport judge_status(std::string_view device, std::string_view payload,
                          std::string_view expected_digest, LabImages lab_images) {
  StatusReport out;
  PollResult& r = out.result;
  r.target.spec = std::string(device);
  r.target.host = std::string(device);
  if (payload.size() > kMaxPayload) {
    r.error = "the status is larger than " + std::to_string(kMaxPayload) + " bytes";
  } else {
    std::string jerr;
    auto doc = parse_json(payload, &jerr);
    if (!doc) {
      r.error = "the status is not JSON: " + jerr;
    } else if (doc->kind != Value::Kind::kObject) {
      r.error = "the status is not a JSON object";
    } else {
      r.doc = std::move(*doc);
      r.answered = true;
    }
  }
  out.verdict = judge(r, expected_digest, lab_images);
  if (r.answered) {
    const Value* dev = r.doc.get("device");
    const Value* id = dev ? dev->get("id") : nullptr;
    if (id && (id->kind != Value::Kind::kString || id->string != device)) {
      out.verdict.problems.push_back("the status names device " + scalar_text(id) +
                                     ", not the topic's " + std::string(device));
      out.verdict.ok = false;
    }
  }
  return out;
}

std::string status_json_line(std::string_view topic, std::string_view device, bool retained,
                             const StatusReport& report) {
  const Verdict& v = report.verdict;
  std::ostringstream o;
  o << "{\"topic\":" << json_escape(topic) << ",\"device\":" << json_escape(device)
    << ",\"kind\":\"status\",\"retained\":" << (retained ? "true" : "false")
    << ",\"verdict\":{\"ok\":" << (v.ok ? "true" : "false")
    << ",\"violation\":" << (v.violation ? "true" : "false")
    << ",\"lab_image\":" << (v.lab_image ? "true" : "false");
  if (v.digest_match) o << ",\"digest_match\":" << (*v.digest_match ? "true" : "false");
  o << ",\"problems\":[";
  for (std::size_t i = 0; i < v.problems.size(); ++i) {
    o << (i ? "," : "") << json_escape(v.problems[i]);
  }
  o << "]}";
  if (report.result.answered) {
    o << ",\"status\":";
    write_json(o, report.result.doc);
  } else {
    o << ",\"error\":" << json_escape(report.result.error);
  }
  o << "}";
  return o.str();
}

// ---- duplicates --------------------------------------------------------------------------

DuplicateFilter::Device& DuplicateFilter::device(std::string_view id) {
  ++clock_;
  auto it = devices_.find(id);
  if (it == devices_.end()) {
    if (devices_.size() >= kMaxDevices) {
      const auto oldest = std::min_element(devices_.begin(), devices_.end(), [](auto& a, auto& b) {
        return a.second.last_used < b.second.last_used;
      });
      devices_.erase(oldest);
    }
    it = devices_.emplace(std::string(id), Device{}).first;
  }
  it->second.last_used = clock_;
  return it->second;
}

bool DuplicateFilter::first_event(std::string_view id, std::uint32_t seq, double uptime_ms) {
  Device& d = device(id);
  if (d.any_event) {
    const Slot& s = d.slots[seq % kWindow];
    const bool seen = s.used && s.seq == seq;
    if (seen && s.uptime_ms == uptime_ms) return false;  // a redelivery
    // Within one boot a later seq never happened earlier; the device keeps at most kWindow
    // unsent events, so nothing older than the window is re-sent. Either way: a new boot.
    const bool restarted =
        seen || (seq > d.max_seq && uptime_ms < d.max_uptime_ms) ||
        (seq < d.max_seq && (uptime_ms > d.max_uptime_ms || d.max_seq - seq >= kWindow));
    if (restarted) {
      d.slots = {};
      d.any_event = false;
    }
  }
  d.slots[seq % kWindow] = Slot{.used = true, .seq = seq, .uptime_ms = uptime_ms};
  if (!d.any_event || seq > d.max_seq) {
    d.max_seq = seq;
    d.max_uptime_ms = uptime_ms;
  }
  d.any_event = true;
  return true;
}

bool DuplicateFilter::first_status(std::string_view id, std::string_view payload) {
  Device& d = device(id);
  const std::uint64_t h = fnv1a(payload);
  if (d.any_status && d.status_hash == h) return false;
  d.any_status = true;
  d.status_hash = h;
  return true;
}

// ---- count and exit status ---------------------------------------------------------------

int WatchTally::exit_status(bool broker_failed) const {
  if (statuses_ok_ < statuses_) return kExitViolation;
  if (broker_failed) return kExitUnreachable;
  if (want_ != 0 && !done()) return kExitUnreachable;
  return kExitOk;
}

std::string WatchTally::summary() const {
  return std::to_string(statuses_ok_) + " of " + std::to_string(statuses_) +
         " status message(s) OK, " + std::to_string(events_) + " event(s)";
}

}  // namespace portcullis::fleet
