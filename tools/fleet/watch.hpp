// SPDX-License-Identifier: Apache-2.0
#pragma once
// `portcullis-fleet watch`: the parts that need no broker. The command line, which topics
// are ours (`<prefix>/<device-id>/status` and `.../events`), an event as one printable or
// JSON line, a status message judged like a polled one, duplicate suppression (QoS 1 is
// at-least-once) with bounded memory, and when the watch is done and with which exit status.
// The libmosquitto side is watch_mqtt.hpp.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "json.hpp"
#include "target.hpp"
#include "verdict.hpp"

namespace portcullis::fleet {

inline constexpr std::uint16_t kDefaultBrokerPort = 8883;
inline constexpr std::string_view kDefaultPrefix = "portcullis";
// Device ids are 1-64 characters (tools/pki); a topic level this long is no device.
inline constexpr std::size_t kMaxDeviceId = 128;
inline constexpr std::size_t kMaxPrefix = 200;
// A status document is a few KiB (PORTCULLIS_MQTT_PAYLOAD_MAX <= 16 KiB); anything larger is
// refused before parsing.
inline constexpr std::size_t kMaxPayload = 256 * 1024;

// ---- options (cli.hpp parses them)
// ------------------------------------------------------------------------

struct WatchOptions {
  Target broker;  // port kDefaultBrokerPort unless given
  std::string prefix{kDefaultPrefix};
  bool json = false;
  std::string expect_policy;     // a policy file, empty for none
  bool allow_lab_image = false;  // --allow-lab-image: a lab image is no finding (judge())
  std::uint64_t count = 0;       // --count N; 0: no count
  int timeout_s = 0;             // --timeout SEC; 0: none
  std::string ca, cert, key;     // --pki DIR resolved to DIR/ca.crt, DIR/mgmt.crt, DIR/mgmt.key
  // --session ID: a persistent session under this client id (clean session off), so the
  // broker keeps QoS 1 events published while the watcher is away; empty: a clean session.
  std::string session;
  // --silent-after SEC: say once when a device sent nothing (status, event or state) for this
  // long since it was last heard; 0: never. Default: three status periods (30 s each).
  int silent_after_s = 90;
};

// A topic prefix: one or more '/'-separated levels, none empty, no MQTT wildcard (+ #),
// printable ASCII only, at most kMaxPrefix characters.
bool valid_prefix(std::string_view prefix);

// ---- topics ------------------------------------------------------------------------------

enum class TopicKind { kStatus, kEvents, kState };

// "<prefix>/+/status", "<prefix>/+/events" or "<prefix>/+/status/state" (the device's
// retained online state and its last will, offline).
std::string subscription(std::string_view prefix, TopicKind kind);

struct ParsedTopic {
  enum class Result {
    kOurs,       // <prefix>/<device>/status, /events or /status/state, a well-formed id
    kIgnored,    // anything else: not ours
    kMalformed,  // <prefix>/<device>/status or /events, but the device id is not one
  };
  Result result = Result::kIgnored;
  TopicKind kind = TopicKind::kStatus;
  std::string device;
  std::string error;  // kMalformed: why
};

// Device ids are 1..kMaxDeviceId printable ASCII characters without '+', '#' or '/': what
// tools/pki allows and more, but nothing that could rewrite a terminal.
ParsedTopic parse_topic(std::string_view prefix, std::string_view topic);

// ---- events ------------------------------------------------------------------------------

struct Event {
  std::uint32_t seq = 0;
  std::string type;      // "scanner", "violation", or a type this tool does not know yet
  double uptime_ms = 0;  // 0 when absent
  Value doc;             // the whole payload
};

// nullopt (and `error` says why) for a payload that is no event: larger than kMaxPayload,
// not a JSON object, no whole-number "seq" in 0..2^32-1, no string "type", or a "device"
// that is not the topic's `device` (a missing "device" is the topic's).
std::optional<Event> parse_event(std::string_view payload, std::string_view device,
                                 std::string* error = nullptr);

// "EVENT <device> #<seq> scanner src <src> distinct_ports <n> at <uptime> ms",
// "EVENT <device> #<seq> violation <proto>/<port> <action> at <uptime> ms", or for another
// type "EVENT <device> #<seq> <type> <key> <value>... at <uptime> ms" (its scalar fields in
// document order). Control characters are shown as '?'.
std::string event_line(std::string_view device, const Event& e);

// {"topic":..,"device":..,"kind":"event","event":<payload>}
std::string event_json_line(std::string_view topic, std::string_view device, const Event& e);

// ---- state (birth and last will) -----------------------------------------------------------

// The "state" of a state message ({"state":"online"} or {"state":"offline"}; another string
// is passed on as it is), or nullopt (and `error` says why) for one that is not such an object.
std::optional<std::string> parse_state(std::string_view payload, std::string* error = nullptr);
// "STATE <device> <state>", or with --json {"topic":..,"device":..,"kind":"state","state":..,
// "retained":..}.
std::string state_line(std::string_view device, std::string_view state);
std::string state_json_line(std::string_view topic, std::string_view device, std::string_view state,
                            bool retained);

// Devices that went silent: each one heard is remembered with when; one not heard for
// `limit_s` is reported once, until it is heard again. At most kMaxDevices (the one silent
// longest is forgotten).
class SilenceWatch {
 public:
  static constexpr std::size_t kMaxDevices = 1024;
  explicit SilenceWatch(double limit_s) : limit_s_(limit_s) {}
  void heard(std::string_view device, double now_s);
  // Devices silent for the limit and not reported yet, with how long (seconds); each once.
  std::vector<std::pair<std::string, double>> newly_silent(double now_s);

 private:
  struct Heard {
    double at_s = 0;
    bool reported = false;
  };
  double limit_s_;
  std::map<std::string, Heard, std::less<>> devices_;
};
// "SILENT <device> nothing for <n> s", or {"device":..,"kind":"silent","seconds":n}.
std::string silent_line(std::string_view device, double seconds);
std::string silent_json_line(std::string_view device, double seconds);

// With --json, the broker's state on stdout too (the lines on stderr say the same in words):
// {"kind":"broker","broker":"HOST:PORT","state":"watching"|"lost"|"failed"[,"error":..]}.
// "lost": gone after watching, tried again; "failed": the watch ends without it.
std::string broker_json_line(std::string_view broker, std::string_view state,
                             std::string_view error = {});

// ---- status ------------------------------------------------------------------------------

struct StatusReport {
  PollResult result;  // target.spec is the device id; answered when the payload parsed
  Verdict verdict;
};

// A status message judged like a polled document (judge()); a payload that is no JSON
// object (or larger than kMaxPayload) fails like a device that did not answer, and a
// document whose device.id is not the topic's device fails too.
StatusReport judge_status(std::string_view device, std::string_view payload,
                          std::string_view expected_digest,
                          LabImages lab_images = LabImages::kFinding);

// {"topic":..,"device":..,"kind":"status","retained":..,"verdict":{"ok":..,"violation":..,"lab_image":..,
//  ["digest_match":..,]"problems":[..]},("status":<document>|"error":..)}
std::string status_json_line(std::string_view topic, std::string_view device, bool retained,
                             const StatusReport& report);

// ---- duplicates --------------------------------------------------------------------------

// QoS 1 delivers at least once, and the device re-sends unacknowledged events after a
// reconnect: an event is shown once per (device, seq). Sequence numbers restart at 1 when a
// device boots, so an event that cannot belong to the boot seen so far starts that device's
// record afresh instead of being dropped: its seq seen with another uptime, a later seq at an
// earlier time or an earlier seq at a later one, or a seq older than the window (the device
// keeps at most 256 unsent events, so it re-sends nothing older). A new event is therefore
// never dropped; a redelivery after such a restart may show twice. Memory is bounded: per
// device the last kWindow sequence numbers, at most kMaxDevices devices (the one silent
// longest is forgotten).
class DuplicateFilter {
 public:
  static constexpr std::size_t kWindow = 256;  // >= PORTCULLIS_PUSH_EVENT_QUEUE's maximum
  static constexpr std::size_t kMaxDevices = 1024;

  // True the first time this event is seen.
  bool first_event(std::string_view device, std::uint32_t seq, double uptime_ms);
  // True unless `payload` is byte for byte the device's previous status (a redelivery; a
  // new document always differs, its uptime has moved on).
  bool first_status(std::string_view device, std::string_view payload);

  std::size_t devices() const { return devices_.size(); }

 private:
  struct Slot {
    bool used = false;
    std::uint32_t seq = 0;
    double uptime_ms = 0;
  };
  struct Device {
    std::array<Slot, kWindow> slots{};
    bool any_event = false;
    std::uint32_t max_seq = 0;
    double max_uptime_ms = 0;  // of the event with max_seq
    bool any_status = false;
    std::uint64_t status_hash = 0;
    std::uint64_t last_used = 0;
  };
  Device& device(std::string_view id);

  std::map<std::string, Device, std::less<>> devices_;
  std::uint64_t clock_ = 0;
};

// ---- count and exit status ---------------------------------------------------------------

// Counts what was shown (duplicates are not) and decides the exit status.
class WatchTally {
 public:
  explicit WatchTally(std::uint64_t want = 0) : want_(want) {}  // want: --count N, 0 for none

  void status(bool ok) {
    ++statuses_;
    if (ok) ++statuses_ok_;
  }
  void event() { ++events_; }

  std::uint64_t messages() const { return statuses_ + events_; }
  std::uint64_t statuses() const { return statuses_; }
  std::uint64_t statuses_ok() const { return statuses_ok_; }
  std::uint64_t events() const { return events_; }
  std::uint64_t want() const { return want_; }
  // --count N messages arrived: stop.
  bool done() const { return want_ != 0 && messages() >= want_; }

  // kExitOk when every status was judged OK and, with --count, N messages arrived;
  // kExitViolation for a bad status; else kExitUnreachable for too few messages (timeout or
  // signal first) or `broker_failed` (connection, TLS or subscription refused, or the broker
  // lost and not back at the end).
  int exit_status(bool broker_failed) const;

  // "2 of 3 status message(s) OK, 4 event(s)"
  std::string summary() const;

 private:
  std::uint64_t want_;
  std::uint64_t statuses_ = 0;
  std::uint64_t statuses_ok_ = 0;
  std::uint64_t events_ = 0;
};

}  // namespace portcullis::fleet
