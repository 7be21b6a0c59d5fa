// SPDX-License-Identifier: Apache-2.0
// portcullis-fleet watch without a broker: the command line, which topics are a device's,
// what an event prints, how a pushed status is judged, which redeliveries are dropped (and
// that a rebooted device's events are not), and when the watch ends with which exit status.
// Standard headers before CppUTest (its leak detector redefines new).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli.hpp"
#include "utf8_check.hpp"
#include "verdict.hpp"
#include "watch.hpp"

#include <CppUTest/TestHarness.h>

using portcullis::fleet::broker_json_line;
using portcullis::fleet::CommandLine;
using portcullis::fleet::DuplicateFilter;
using portcullis::fleet::Event;
using portcullis::fleet::event_json_line;
using portcullis::fleet::event_line;
using portcullis::fleet::judge_status;
using portcullis::fleet::kExitOk;
using portcullis::fleet::kExitUnreachable;
using portcullis::fleet::kExitViolation;
using portcullis::fleet::kMaxDeviceId;
using portcullis::fleet::kMaxPayload;
using portcullis::fleet::LabImages;
using portcullis::fleet::parse_command_line;
using portcullis::fleet::parse_event;
using portcullis::fleet::parse_state;
using portcullis::fleet::parse_topic;
using portcullis::fleet::ParsedTopic;
using portcullis::fleet::SilenceWatch;
using portcullis::fleet::silent_line;
using portcullis::fleet::state_line;
using portcullis::fleet::status_json_line;
using portcullis::fleet::StatusReport;
using portcullis::fleet::subscription;
using portcullis::fleet::TopicKind;
using portcullis::fleet::valid_prefix;
using portcullis::fleet::WatchTally;
using portcullis::test::is_utf8;

namespace {

constexpr const char* kDevice = "portcullis-qemu-mps2-an385";
constexpr const char* kDigest = "3f1c9a0be4d2785c6e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f";
constexpr const char* kOtherDigest =
    "0000000000000000000000000000000000000000000000000000000000000001";

// `portcullis-fleet watch ARGS...` (cli_test.cpp has the rest of the command line).
CommandLine parse(std::vector<std::string> args) {
  args.insert(args.begin(), "watch");
  return parse_command_line(args, "", "0.0.0");
}

void check_usage(std::vector<std::string> args, const char* error) {
  const CommandLine a = parse(args);
  CHECK_TEXT(a.result == CommandLine::Result::kUsage, error);
  STRCMP_EQUAL(error, a.text.c_str());
}

void check_topic(const char* prefix, const char* topic, TopicKind kind, const char* device) {
  const ParsedTopic t = parse_topic(prefix, topic);
  CHECK_TEXT(t.result == ParsedTopic::Result::kOurs, topic);
  CHECK_TEXT(t.kind == kind, topic);
  STRCMP_EQUAL_TEXT(device, t.device.c_str(), topic);
}

void check_topic_result(const char* prefix, const std::string& topic, ParsedTopic::Result want) {
  const ParsedTopic t = parse_topic(prefix, topic);
  CHECK_TEXT(t.result == want, topic.c_str());
  CHECK_TEXT(t.device.empty(), topic.c_str());
  CHECK_TEXT((want == ParsedTopic::Result::kMalformed) == !t.error.empty(), topic.c_str());
}

std::string scanner_json(int seq, int uptime_ms) {
  return std::string(R"({"device":")") + kDevice + R"(","seq":)" + std::to_string(seq) +
         R"(,"type":"scanner","uptime_ms":)" + std::to_string(uptime_ms) +
         R"(,"src":"192.0.2.1","distinct_ports":25,"first_ms":12000,"last_ms":12345})";
}

Event event(const std::string& payload) {
  std::string error;
  const std::optional<Event> e = parse_event(payload, kDevice, &error);
  CHECK_TEXT(e.has_value(), error.c_str());
  return *e;
}

void check_not_event(const std::string& payload, const char* why) {
  std::string error;
  CHECK_TEXT(!parse_event(payload, kDevice, &error).has_value(), payload.c_str());
  STRCMP_EQUAL(why, error.c_str());
}

// A healthy device's status document as the firmware pushes it (tests/unit/fleet/verdict_test).
std::string status_json(const std::string& from = {}, const std::string& to = {}) {
  std::string s = std::string(R"({"device":{"id":")") + kDevice +
                  R"(","board":"qemu-mps2-an385","uptime_ms":1000},)" + R"("policy":{"digest":")" +
                  kDigest +
                  R"(","mode":"enforce","rules":[{"proto":"tcp","port":8443,"mgmt":true}]},)"
                  R"("listening":[{"proto":"tcp","port":8443,"allowed":true}],)"
                  R"("violations_total":0,"violations":[],)"
                  R"("counters":{"rx_total":10,"dropped_total":2,"violations_total":0}})";
  if (!from.empty()) {
    const auto at = s.find(from);
    CHECK_TEXT(at != std::string::npos, from.c_str());
    s.replace(at, from.size(), to);
  }
  return s;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

// ---- command line ------------------------------------------------------------------------

TEST_GROUP(FleetWatchArgs){};

TEST(FleetWatchArgs, DefaultsWithPki) {
  const CommandLine a = parse({"--pki", "/pki", "192.0.2.1"});
  CHECK(a.result == CommandLine::Result::kWatch);
  STRCMP_EQUAL("192.0.2.1", a.watch.broker.host.c_str());
  LONGS_EQUAL(8883, a.watch.broker.port);
  STRCMP_EQUAL("portcullis", a.watch.prefix.c_str());
  STRCMP_EQUAL("/pki/ca.crt", a.watch.ca.c_str());
  STRCMP_EQUAL("/pki/mgmt.crt", a.watch.cert.c_str());
  STRCMP_EQUAL("/pki/mgmt.key", a.watch.key.c_str());
  CHECK(!a.watch.json);
  CHECK(a.watch.expect_policy.empty());
  LONGS_EQUAL(0, a.watch.count);
  LONGS_EQUAL(0, a.watch.timeout_s);
}

TEST(FleetWatchArgs, EveryOption) {
  const CommandLine a =
      parse({"--json", "--prefix", "lab/fleet", "--expect-policy", "p.allow", "--allow-lab-image",
             "--count", "7", "--timeout", "30", "--ca", "ca.pem", "--cert", "c.pem", "--key",
             "k.pem", "[2001:db8::1]:18883"});
  CHECK(a.result == CommandLine::Result::kWatch);
  CHECK(a.watch.json);
  STRCMP_EQUAL("lab/fleet", a.watch.prefix.c_str());
  STRCMP_EQUAL("p.allow", a.watch.expect_policy.c_str());
  CHECK(a.watch.allow_lab_image);
  LONGS_EQUAL(7, a.watch.count);
  LONGS_EQUAL(30, a.watch.timeout_s);
  STRCMP_EQUAL("ca.pem", a.watch.ca.c_str());
  STRCMP_EQUAL("c.pem", a.watch.cert.c_str());
  STRCMP_EQUAL("k.pem", a.watch.key.c_str());
  STRCMP_EQUAL("2001:db8::1", a.watch.broker.host.c_str());
  LONGS_EQUAL(18883, a.watch.broker.port);
}

TEST(FleetWatchArgs, SessionNamesAPersistentSessionWithinMqttClientIdRules) {
  CHECK(parse({"--pki", "/pki", "192.0.2.1"}).watch.session.empty());
  const CommandLine a = parse({"--session", "lab-events_1", "--pki", "/pki", "192.0.2.1"});
  CHECK(a.result == CommandLine::Result::kWatch);
  STRCMP_EQUAL("lab-events_1", a.watch.session.c_str());
  CHECK(parse({"--session", "", "--pki", "/pki", "192.0.2.1"}).result ==
        CommandLine::Result::kUsage);
  CHECK(parse({"--session", "has space", "--pki", "/pki", "192.0.2.1"}).result ==
        CommandLine::Result::kUsage);
  CHECK(parse({"--session", "a/b", "--pki", "/pki", "192.0.2.1"}).result ==
        CommandLine::Result::kUsage);
  CHECK(parse({"--session", "abcdefghijklmnopqrstuvwx", "--pki", "/pki", "192.0.2.1"}).result ==
        CommandLine::Result::kUsage);  // 24 characters
  CHECK(parse({"--pki", "/pki", "192.0.2.1", "--session"}).result == CommandLine::Result::kUsage);
}

TEST(FleetWatchArgs, BrokerLikeAPollTarget) {
  const CommandLine named = parse({"--pki", "d", "broker.lab:1883"});
  STRCMP_EQUAL("broker.lab", named.watch.broker.host.c_str());
  LONGS_EQUAL(1883, named.watch.broker.port);
  const CommandLine bracketed = parse({"--pki", "d", "[2001:db8::1]"});
  STRCMP_EQUAL("2001:db8::1", bracketed.watch.broker.host.c_str());
  LONGS_EQUAL(8883, bracketed.watch.broker.port);
  const CommandLine bare = parse({"--pki", "d", "2001:db8::1"});
  STRCMP_EQUAL("2001:db8::1", bare.watch.broker.host.c_str());
  LONGS_EQUAL(8883, bare.watch.broker.port);
}

TEST(FleetWatchArgs, Help) {
  CHECK(parse({"--help"}).result == CommandLine::Result::kHelp);
  CHECK(parse({"--pki", "d", "-h", "192.0.2.1"}).result == CommandLine::Result::kHelp);
}

TEST(FleetWatchArgs, UsageErrors) {
  check_usage({"--pki", "d"}, "no BROKER given");
  check_usage({"--pki", "d", "192.0.2.1", "192.0.2.2"}, "watch takes one BROKER[:PORT]");
  check_usage({"--pki", "d", "192.0.2.1:0"}, "bad BROKER[:PORT] '192.0.2.1:0'");
  check_usage({"--pki", "d", "[2001:db8::1"}, "bad BROKER[:PORT] '[2001:db8::1'");
  check_usage({"192.0.2.1"},
              "need --pki DIR, PORTCULLIS_PKI_DIR, or all of --ca, --cert and --key");
  check_usage({"--ca", "a", "--cert", "b", "192.0.2.1"},
              "need --pki DIR, PORTCULLIS_PKI_DIR, or all of --ca, --cert and --key");
  check_usage({"--pki", "d", "--ca", "a", "192.0.2.1"},
              "--pki and --ca/--cert/--key exclude each other");
  // CLI11's own words for what it refuses itself; each names the option.
  for (const auto& [args, option] : {std::pair<std::vector<std::string>, const char*>{
                                         {"--pki", "d", "--verbose", "192.0.2.1"}, "--verbose"},
                                     {{"--pki", "d", "192.0.2.1", "--count"}, "--count"},
                                     {{"--pki"}, "--pki"}}) {
    const CommandLine a = parse(args);
    CHECK_TEXT(a.result == CommandLine::Result::kUsage, option);
    STRCMP_CONTAINS(option, a.text.c_str());
  }
}

TEST(FleetWatchArgs, CountAndTimeoutAreWholePositiveNumbers) {
  const char* count_error = "--count wants a whole number of messages, 1..999999999";
  const char* timeout_error = "--timeout wants whole seconds, 1..999999";
  for (const char* bad : {"0", "-1", "1.5", "x", "", "1000000000", " 3"}) {
    check_usage({"--pki", "d", "--count", bad, "192.0.2.1"}, count_error);
  }
  for (const char* bad : {"0", "-5", "2s", "1000000"}) {
    check_usage({"--pki", "d", "--timeout", bad, "192.0.2.1"}, timeout_error);
  }
  LONGS_EQUAL(999999999, parse({"--pki", "d", "--count", "999999999", "h"}).watch.count);
  LONGS_EQUAL(999999, parse({"--pki", "d", "--timeout", "999999", "h"}).watch.timeout_s);
}

TEST(FleetWatchArgs, Prefix) {
  CHECK(valid_prefix("portcullis"));
  CHECK(valid_prefix("site-1/lab/portcullis"));
  CHECK(valid_prefix("$share"));
  for (const char* bad :
       {"", "/", "/a", "a/", "a//b", "a/+/b", "a/#", "+", "a b", "a\tb", "caf\xc3\xa9"}) {
    CHECK_TEXT(!valid_prefix(bad), bad);
  }
  CHECK(!valid_prefix(std::string(201, 'p')));
  CHECK(valid_prefix(std::string(200, 'p')));
  check_usage({"--pki", "d", "--prefix", "a/+", "192.0.2.1"},
              "bad --prefix 'a/+': topic levels separated by '/', none empty, no spaces, + or #");
}

// ---- topics ------------------------------------------------------------------------------

TEST_GROUP(FleetWatchTopic){};

TEST(FleetWatchTopic, Subscriptions) {
  STRCMP_EQUAL("portcullis/+/status", subscription("portcullis", TopicKind::kStatus).c_str());
  STRCMP_EQUAL("a/b/+/events", subscription("a/b", TopicKind::kEvents).c_str());
}

TEST(FleetWatchTopic, StatusAndEvents) {
  check_topic("portcullis", "portcullis/portcullis-qemu-mps2-an385/status", TopicKind::kStatus,
              "portcullis-qemu-mps2-an385");
  check_topic("portcullis", "portcullis/d1/events", TopicKind::kEvents, "d1");
  check_topic("site/lab", "site/lab/d.2/status", TopicKind::kStatus, "d.2");
  check_topic("portcullis", "portcullis/status/status", TopicKind::kStatus, "status");
}

TEST(FleetWatchTopic, TheStateUnderTheStatusTopic) {
  STRCMP_EQUAL("portcullis/+/status/state", subscription("portcullis", TopicKind::kState).c_str());
  check_topic("portcullis", "portcullis/d1/status/state", TopicKind::kState, "d1");
  check_topic_result("portcullis", "portcullis/d1/status/state/x", ParsedTopic::Result::kIgnored);
  check_topic_result("portcullis", "portcullis//status/state", ParsedTopic::Result::kMalformed);
}

TEST(FleetWatchTopic, StateMessages) {
  STRCMP_EQUAL("offline", parse_state(R"({"state":"offline"})").value_or("?").c_str());
  STRCMP_EQUAL("online", parse_state(R"({"state":"online","x":1})").value_or("?").c_str());
  std::string error;
  CHECK_FALSE(parse_state("offline", &error).has_value());
  STRCMP_CONTAINS("not JSON", error.c_str());
  CHECK_FALSE(parse_state(R"({"state":""})", &error).has_value());
  CHECK_FALSE(parse_state(R"(["online"])", &error).has_value());
  STRCMP_EQUAL("STATE d1 offline", state_line("d1", "offline").c_str());
  STRCMP_EQUAL("STATE d? on?", state_line("d\x1b", "on\n").c_str());
}

TEST(FleetWatchTopic, ASilentDeviceIsReportedOnceUntilHeardAgain) {
  SilenceWatch silence(90);
  silence.heard("a", 100);
  silence.heard("b", 150);
  CHECK(silence.newly_silent(189).empty());
  auto silent = silence.newly_silent(190);
  LONGS_EQUAL(1, silent.size());
  STRCMP_EQUAL("a", silent[0].first.c_str());
  CHECK(silence.newly_silent(200).empty());  // once
  silence.heard("a", 210);                   // back
  silent = silence.newly_silent(300);
  LONGS_EQUAL(2, silent.size());
  STRCMP_EQUAL("SILENT a nothing for 90 s", silent_line("a", 90.4).c_str());
  SilenceWatch never(0);
  never.heard("a", 0);
  CHECK(never.newly_silent(1e9).empty());
}

TEST(FleetWatchTopic, OtherTopicsAreIgnored) {
  using R = ParsedTopic::Result;
  for (const char* topic : {"", "portcullis", "portcullis/", "portcullis/status", "portcullis/d1",
                            "portcullis/d1/", "portcullis/d1/metrics", "portcullis/d1/status/x",
                            "portcullis/a/b/status", "portcullisX/d1/status", "other/d1/status",
                            "Portcullis/d1/status", "portcullis/d1/Status", "$SYS/broker/uptime"}) {
    check_topic_result("portcullis", topic, R::kIgnored);
  }
  check_topic_result("site/lab", "site/d1/status", R::kIgnored);
}

TEST(FleetWatchTopic, MalformedDeviceIds) {
  using R = ParsedTopic::Result;
  check_topic_result("portcullis", "portcullis//status", R::kMalformed);
  check_topic_result("portcullis", "portcullis/a b/events", R::kMalformed);
  check_topic_result("portcullis", "portcullis/a\x1b[2Jb/status", R::kMalformed);
  check_topic_result("portcullis", "portcullis/a+b/status", R::kMalformed);
  check_topic_result("portcullis", "portcullis/caf\xc3\xa9/status", R::kMalformed);
  check_topic_result("portcullis", "portcullis/" + std::string(kMaxDeviceId + 1, 'd') + "/status",
                     R::kMalformed);
  check_topic("portcullis", ("portcullis/" + std::string(kMaxDeviceId, 'd') + "/status").c_str(),
              TopicKind::kStatus, std::string(kMaxDeviceId, 'd').c_str());
  STRCMP_EQUAL("no device id in the topic", parse_topic("p", "p//status").error.c_str());
}

// ---- events ------------------------------------------------------------------------------

TEST_GROUP(FleetWatchEvent){};

TEST(FleetWatchEvent, ScannerLine) {
  const Event e = event(R"({"device":"portcullis-qemu-mps2-an385","seq":3,"type":"scanner",)"
                        R"("uptime_ms":12345,"src":"192.0.2.1","distinct_ports":25,)"
                        R"("first_ms":12000,"last_ms":12345})");
  LONGS_EQUAL(3, e.seq);
  STRCMP_EQUAL("scanner", e.type.c_str());
  DOUBLES_EQUAL(12345, e.uptime_ms, 0);
  STRCMP_EQUAL(
      "EVENT portcullis-qemu-mps2-an385 #3 scanner src 192.0.2.1 distinct_ports 25 at 12345 ms",
      event_line(kDevice, e).c_str());
}

TEST(FleetWatchEvent, ViolationLine) {
  const Event e = event(R"({"device":"portcullis-qemu-mps2-an385","seq":4,"type":"violation",)"
                        R"("uptime_ms":20000,"proto":"tcp","port":4444,"action":"closed"})");
  STRCMP_EQUAL("EVENT portcullis-qemu-mps2-an385 #4 violation tcp/4444 closed at 20000 ms",
               event_line(kDevice, e).c_str());
}

TEST(FleetWatchEvent, UnknownTypeShowsItsScalarFields) {
  const Event e = event(R"({"seq":9,"type":"reboot","uptime_ms":5,"reason":"watchdog",)"
                        R"("count":2,"clean":false,"list":[1],"obj":{"a":1},"none":null})");
  STRCMP_EQUAL(
      "EVENT portcullis-qemu-mps2-an385 #9 reboot reason watchdog count 2 clean false none null "
      "at 5 ms",
      event_line(kDevice, e).c_str());
}

TEST(FleetWatchEvent, MissingFieldsShowAsQuestionMarks) {
  STRCMP_EQUAL("EVENT portcullis-qemu-mps2-an385 #1 scanner src ? distinct_ports ? at ? ms",
               event_line(kDevice, event(R"({"seq":1,"type":"scanner"})")).c_str());
  STRCMP_EQUAL("EVENT portcullis-qemu-mps2-an385 #2 violation ?/? ? at 7 ms",
               event_line(kDevice, event(R"({"seq":2,"type":"violation","uptime_ms":7})")).c_str());
}

TEST(FleetWatchEvent, ControlCharactersCannotReachTheTerminal) {
  const Event e = event(R"({"seq":1,"type":"scanner","src":"\u001b[2J192.0.2.1\r","uptime_ms":1,)"
                        R"("distinct_ports":"\u0007"})");
  STRCMP_EQUAL(
      "EVENT portcullis-qemu-mps2-an385 #1 scanner src ?[2J192.0.2.1? distinct_ports ? at 1 ms",
      event_line(kDevice, e).c_str());
}

TEST(FleetWatchEvent, C1AndBidiCannotReachTheTerminal) {
  const std::string zurich = "Z\xc3\xbcrich";
  const Event e = event(R"({"seq":1,"type":"scanner","src":"\u009b2J192.0.2.1\u202e",)"
                        R"("uptime_ms":1,"distinct_ports":")" +
                        zurich + "\"}");
  STRCMP_EQUAL(("EVENT portcullis-qemu-mps2-an385 #1 scanner src ?2J192.0.2.1? distinct_ports " +
                zurich + " at 1 ms")
                   .c_str(),
               event_line(kDevice, e).c_str());
  const std::string line = event_json_line("portcullis/d/events", kDevice, e);
  CHECK_TEXT(is_utf8(line), line.c_str());
  CHECK_TEXT(contains(line, R"("src":"\u009b2J192.0.2.1\u202e")"), line.c_str());
  CHECK_TEXT(contains(line, "\"distinct_ports\":\"" + zurich + "\""), line.c_str());
  // Raw bytes that are no UTF-8 make no event (tests/unit/fleet/json_test).
  check_not_event(std::string(R"({"seq":1,"type":"scanner)") + "\x9b\"}",
                  "not an event: not JSON (invalid UTF-8 in string at offset 24)");
}

TEST(FleetWatchEvent, SeqRange) {
  LONGS_EQUAL(0, event(R"({"seq":0,"type":"scanner"})").seq);
  CHECK(4294967295u == event(R"({"seq":4294967295,"type":"scanner"})").seq);
  CHECK(7u == event(R"({"seq":7.0,"type":"scanner"})").seq);
}

TEST(FleetWatchEvent, NotEvents) {
  check_not_event("", "not an event: not JSON (unexpected end of input at offset 0)");
  check_not_event("{\"seq\":1", "not an event: not JSON (unexpected end of input at offset 8)");
  check_not_event("[1,2]", "not an event: not a JSON object");
  const char* no_seq = "not an event: no whole-number \"seq\" (0..4294967295)";
  check_not_event(R"({"type":"scanner"})", no_seq);
  check_not_event(R"({"seq":"3","type":"scanner"})", no_seq);
  check_not_event(R"({"seq":-1,"type":"scanner"})", no_seq);
  check_not_event(R"({"seq":1.5,"type":"scanner"})", no_seq);
  check_not_event(R"({"seq":4294967296,"type":"scanner"})", no_seq);
  check_not_event(R"({"seq":1e300,"type":"scanner"})", no_seq);
  check_not_event(R"({"seq":3})", "not an event: no \"type\" string");
  check_not_event(R"({"seq":3,"type":""})", "not an event: no \"type\" string");
  check_not_event(R"({"seq":3,"type":7})", "not an event: no \"type\" string");
  check_not_event(R"({"device":"other","seq":3,"type":"scanner"})",
                  "not an event: it names device other, not the topic's "
                  "portcullis-qemu-mps2-an385");
  check_not_event(R"({"device":1,"seq":3,"type":"scanner"})",
                  "not an event: it names device 1, not the topic's portcullis-qemu-mps2-an385");
  check_not_event(
      std::string(R"({"seq":3,"type":"scanner","pad":")") + std::string(kMaxPayload, 'x') + "\"}",
      "not an event: larger than 262144 bytes");
}

TEST(FleetWatchEvent, JsonLineCarriesThePayload) {
  const Event e = event(scanner_json(3, 12345));
  STRCMP_EQUAL(
      (std::string(R"({"topic":"portcullis/)") + kDevice + R"(/events","device":")" + kDevice +
       R"(","kind":"event","event":)" + scanner_json(3, 12345) + "}")
          .c_str(),
      event_json_line(std::string("portcullis/") + kDevice + "/events", kDevice, e).c_str());
}

// ---- status ------------------------------------------------------------------------------

TEST_GROUP(FleetWatchStatus){};

TEST(FleetWatchStatus, HealthyStatusJudgedLikeAPoll) {
  const StatusReport r = judge_status(kDevice, status_json(), kDigest);
  CHECK(r.result.answered);
  STRCMP_EQUAL(kDevice, r.result.target.spec.c_str());
  CHECK(r.verdict.ok);
  CHECK(*r.verdict.digest_match);
  const std::string line = status_json_line("portcullis/x/status", kDevice, true, r);
  CHECK_TEXT(
      contains(line,
               std::string(R"({"topic":"portcullis/x/status","device":")") + kDevice +
                   R"(","kind":"status","retained":true,"verdict":{"ok":true,)"
                   R"("violation":false,"lab_image":false,"digest_match":true,"problems":[]},)"
                   R"("status":{"device":{"id":")"),
      line.c_str());
  CHECK(line.back() == '}');
}

TEST(FleetWatchStatus, MismatchAndViolation) {
  const StatusReport r = judge_status(
      kDevice, status_json(R"("violations_total":0,)", R"("violations_total":2,)"), kOtherDigest);
  CHECK(!r.verdict.ok);
  CHECK(r.verdict.violation);
  CHECK(!*r.verdict.digest_match);
  LONGS_EQUAL(2, r.verdict.problems.size());
  const std::string line = status_json_line("t", kDevice, false, r);
  CHECK_TEXT(
      contains(line,
               R"x("retained":false,"verdict":{"ok":false,"violation":true,)x"
               R"x("lab_image":false,"digest_match":false,"problems":["violation reported (0 )x"
               R"x(recorded, 0 listener(s) not allowed)","policy digest )x"
               R"x(MISMATCH"]})x"),
      line.c_str());
}

TEST(FleetWatchStatus, ALabImageIsAFindingUnlessAllowed) {
  const std::string doc = status_json(R"("uptime_ms":)", R"("firmware":"0.1.0+lab","uptime_ms":)");
  const StatusReport r = judge_status(kDevice, doc, kDigest);
  CHECK(!r.verdict.ok);
  CHECK(r.verdict.lab_image);
  CHECK_TEXT(contains(status_json_line("t", kDevice, false, r),
                      R"("lab_image":true,"digest_match":true,"problems":["lab image (firmware )"
                      R"(0.1.0+lab): the lab's services and test hook, not for a device"]})"),
             status_json_line("t", kDevice, false, r).c_str());
  WatchTally tally;
  tally.status(r.verdict.ok);
  LONGS_EQUAL(kExitViolation, tally.exit_status(false));
  const StatusReport lab = judge_status(kDevice, doc, kDigest, LabImages::kAllowed);
  CHECK(lab.verdict.ok);
  CHECK(lab.verdict.lab_image);
}

TEST(FleetWatchStatus, NotJsonFailsLikeADeviceThatDidNotAnswer) {
  const StatusReport r = judge_status(kDevice, "<html>", "");
  CHECK(!r.result.answered);
  CHECK(!r.verdict.ok);
  STRCMP_EQUAL("the status is not JSON: invalid literal at offset 0", r.result.error.c_str());
  LONGS_EQUAL(1, r.verdict.problems.size());
  const std::string line = status_json_line("t", kDevice, false, r);
  CHECK_TEXT(contains(line, R"("error":"the status is not JSON: invalid literal at offset 0"})"),
             line.c_str());
  CHECK(!contains(line, "\"status\":"));

  CHECK(!judge_status(kDevice, "[]", "").verdict.ok);
  STRCMP_EQUAL("the status is not a JSON object",
               judge_status(kDevice, "3", "").result.error.c_str());
  STRCMP_EQUAL("the status is larger than 262144 bytes",
               judge_status(kDevice, std::string(kMaxPayload + 1, ' '), "").result.error.c_str());
}

TEST(FleetWatchStatus, InvalidUtf8FailsLikeADeviceThatDidNotAnswer) {
  const std::string payload = status_json(R"("board":"qemu-mps2-an385")",
                                          std::string(R"("board":"qemu)") + "\x9b" + "2J\"");
  const StatusReport r = judge_status(kDevice, payload, "");
  CHECK(!r.result.answered);
  CHECK(!r.verdict.ok);
  STRCMP_EQUAL(("the status is not JSON: invalid UTF-8 in string at offset " +
                std::to_string(payload.find('\x9b')))
                   .c_str(),
               r.result.error.c_str());
  const std::string line = status_json_line("t", kDevice, false, r);
  CHECK_TEXT(is_utf8(line), line.c_str());
}

TEST(FleetWatchStatus, JsonLineIsValidUtf8WithControlsEscaped) {
  const std::string board = R"(dev\u009b2J \u202e Z)" + std::string("\xc3\xbc") + "rich";
  const StatusReport r = judge_status(
      kDevice, status_json(R"("board":"qemu-mps2-an385")", R"("board":")" + board + "\""), "");
  CHECK(r.result.answered);
  // The topic is the broker's: whatever bytes it holds, the line is UTF-8.
  const std::string line =
      status_json_line(std::string("portcullis/\x9b") + "/status", kDevice, false, r);
  CHECK_TEXT(is_utf8(line), line.c_str());
  CHECK_TEXT(contains(line, R"({"topic":"portcullis/\ufffd/status",)"), line.c_str());
  CHECK_TEXT(contains(line, R"("board":")" + board + "\""), line.c_str());
}

TEST(FleetWatchStatus, AStatusNamingAnotherDeviceFails) {
  const StatusReport r = judge_status("d2", status_json(), "");
  CHECK(r.result.answered);
  CHECK(!r.verdict.ok);
  CHECK(!r.verdict.violation);
  LONGS_EQUAL(1, r.verdict.problems.size());
  STRCMP_EQUAL("the status names device portcullis-qemu-mps2-an385, not the topic's d2",
               r.verdict.problems[0].c_str());
  // No id at all is no contradiction of the topic, but no status document either.
  const StatusReport no_id = judge_status("d2", R"({"device":{"board":"x"}})", "");
  CHECK(!no_id.verdict.ok);
  LONGS_EQUAL(1, no_id.verdict.problems.size());
  CHECK(no_id.verdict.problems[0].starts_with("not a status document (no device.id,"));
}

// ---- duplicates --------------------------------------------------------------------------

TEST_GROUP(FleetWatchDuplicates){};

TEST(FleetWatchDuplicates, ARedeliveryIsDropped) {
  DuplicateFilter f;
  CHECK(f.first_event("d1", 1, 100));
  CHECK(f.first_event("d1", 2, 150));
  CHECK(!f.first_event("d1", 2, 150));
  CHECK(!f.first_event("d1", 1, 100));
  CHECK(f.first_event("d1", 3, 150));
  CHECK(!f.first_event("d1", 3, 150));
}

TEST(FleetWatchDuplicates, DevicesAreSeparate) {
  DuplicateFilter f;
  CHECK(f.first_event("d1", 1, 100));
  CHECK(f.first_event("d2", 1, 100));
  CHECK(!f.first_event("d2", 1, 100));
  LONGS_EQUAL(2, f.devices());
}

TEST(FleetWatchDuplicates, OutOfOrderWithinTheWindow) {
  DuplicateFilter f;
  CHECK(f.first_event("d1", 10, 1000));
  CHECK(f.first_event("d1", 8, 800));
  CHECK(f.first_event("d1", 9, 900));
  CHECK(!f.first_event("d1", 8, 800));
  CHECK(!f.first_event("d1", 10, 1000));
  // The oldest seq the window still holds.
  CHECK(f.first_event("d1", 300, 3000));
  CHECK(f.first_event("d1", 300 - DuplicateFilter::kWindow + 1, 450));
  CHECK(!f.first_event("d1", 300 - DuplicateFilter::kWindow + 1, 450));
}

TEST(FleetWatchDuplicates, ARebootedDeviceIsNotSilenced) {
  DuplicateFilter f;
  for (std::uint32_t seq = 1; seq <= 5; ++seq) CHECK(f.first_event("d1", seq, 100000 + seq));
  // Booted again: seq 1 at another time is new, and so are 2.. after it.
  CHECK(f.first_event("d1", 1, 300));
  CHECK(!f.first_event("d1", 1, 300));
  CHECK(f.first_event("d1", 2, 400));
  CHECK(!f.first_event("d1", 2, 400));
}

TEST(FleetWatchDuplicates, RebootSeenOnlyFromTheOrder) {
  DuplicateFilter f;
  CHECK(f.first_event("d1", 5, 100000));
  // A later seq at an earlier time: a new boot whose 1..6 we did not see.
  CHECK(f.first_event("d1", 7, 500));
  CHECK(!f.first_event("d1", 7, 500));
  // An earlier seq at a later time: another boot.
  CHECK(f.first_event("d1", 6, 900));
  CHECK(!f.first_event("d1", 6, 900));
}

TEST(FleetWatchDuplicates, OlderThanTheWindowIsANewBoot) {
  DuplicateFilter f;
  const std::uint32_t last = 1000;
  for (std::uint32_t seq = 1; seq <= last; ++seq) CHECK(f.first_event("d1", seq, seq * 10.0));
  CHECK(f.first_event("d1", 3, 30));  // seq 3 at its old time, but long gone from the window
  CHECK(!f.first_event("d1", 3, 30));
}

TEST(FleetWatchDuplicates, BoundedNumberOfDevices) {
  DuplicateFilter f;
  CHECK(f.first_event("first", 1, 1));
  for (std::size_t i = 0; i < DuplicateFilter::kMaxDevices + 10; ++i) {
    CHECK(f.first_event("d" + std::to_string(i), 1, 1));
    if (i % 100 == 0) CHECK(!f.first_event("first", 1, 1));  // kept in use: never forgotten
  }
  LONGS_EQUAL(DuplicateFilter::kMaxDevices, f.devices());
  CHECK(!f.first_event("first", 1, 1));
  CHECK(f.first_event("d0", 1, 1));  // the longest silent ones were forgotten: shown again
  CHECK(!f.first_event("d" + std::to_string(DuplicateFilter::kMaxDevices + 9), 1, 1));
  LONGS_EQUAL(DuplicateFilter::kMaxDevices, f.devices());
}

TEST(FleetWatchDuplicates, StatusRedelivery) {
  DuplicateFilter f;
  CHECK(f.first_status("d1", status_json()));
  CHECK(!f.first_status("d1", status_json()));
  CHECK(f.first_status("d2", status_json()));
  const std::string later = status_json(R"("uptime_ms":1000)", R"("uptime_ms":31000)");
  CHECK(f.first_status("d1", later));
  CHECK(!f.first_status("d1", later));
  CHECK(f.first_status("d1", status_json()));  // not a redelivery of the previous one
}

// ---- count and exit status ---------------------------------------------------------------

TEST_GROUP(FleetWatchTally){};

TEST(FleetWatchTally, WithoutCount) {
  WatchTally t;
  CHECK(!t.done());
  LONGS_EQUAL(kExitOk, t.exit_status(false));  // a quiet fleet is no failure
  t.status(true);
  t.event();
  t.event();
  CHECK(!t.done());
  LONGS_EQUAL(3, t.messages());
  LONGS_EQUAL(kExitOk, t.exit_status(false));
  STRCMP_EQUAL("1 of 1 status message(s) OK, 2 event(s)", t.summary().c_str());
  t.status(false);
  LONGS_EQUAL(kExitViolation, t.exit_status(false));
  STRCMP_EQUAL("1 of 2 status message(s) OK, 2 event(s)", t.summary().c_str());
}

TEST(FleetWatchTally, CountReached) {
  WatchTally t(3);
  t.status(true);
  t.event();
  CHECK(!t.done());
  LONGS_EQUAL(kExitUnreachable, t.exit_status(false));  // stopped (timeout, signal) before 3
  t.event();
  CHECK(t.done());
  LONGS_EQUAL(kExitOk, t.exit_status(false));
}

TEST(FleetWatchTally, CountReachedWithABadStatus) {
  WatchTally t(1);
  t.status(false);
  CHECK(t.done());
  LONGS_EQUAL(kExitViolation, t.exit_status(false));
  LONGS_EQUAL(kExitViolation, t.exit_status(true));  // the finding outranks the lost broker
}

TEST(FleetWatchTally, BrokerFailure) {
  WatchTally t(1);
  t.status(true);
  LONGS_EQUAL(kExitUnreachable, t.exit_status(true));
  LONGS_EQUAL(kExitUnreachable, WatchTally().exit_status(true));
}

TEST_GROUP(FleetWatchBroker){};

TEST(FleetWatchBroker, JsonLines) {
  STRCMP_EQUAL(R"({"kind":"broker","broker":"192.0.2.1:8883","state":"watching"})",
               broker_json_line("192.0.2.1:8883", "watching").c_str());
  STRCMP_EQUAL(
      R"({"kind":"broker","broker":"[2001:db8::1]:8883","state":"failed","error":"cannot connect: \"x\"\u001b"})",
      broker_json_line("[2001:db8::1]:8883", "failed", "cannot connect: \"x\"\x1b").c_str());
}
