// SPDX-License-Identifier: Apache-2.0
// portcullis_schema_samples DIR: the documents the firmware's encoders write, into DIR, for
// tests/schema/validate.py to check against docs/schema/*.schema.json: the status of a
// typical device (clock not set, then set), with every described number and the push, a
// status shortened to fit a small MQTT payload, a device with nothing to report, and each
// kind of event at its largest.
#include <array>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "portcullis/mgmt/push_queue.hpp"
#include "portcullis/report/json.hpp"
#include "status_fixture.hpp"

namespace {

namespace report = portcullis::report;
namespace mgmt = portcullis::mgmt;

bool write_file(const std::string& dir, const char* name, std::string_view text) {
  const std::string path = dir + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    return false;
  }
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && ok;
}

bool status(const std::string& dir, const char* name, const report::StatusSnapshot& s) {
  const std::string text =
      portcullis::test::render(s, report::status_json_size, report::write_status_json);
  if (text.empty()) {
    std::fprintf(stderr, "%s: the encoder wrote nothing\n", name);
    return false;
  }
  return write_file(dir, name, text);
}

bool event(const std::string& dir, const char* name, const mgmt::PushEvent& e) {
  std::array<char, mgmt::kEventJsonMax> out{};
  const portcullis::StatusWithSize r = mgmt::write_event_json(e, "portcullis-qemu-mps2-an385", out);
  if (!portcullis::ok(r.status)) {
    std::fprintf(stderr, "%s: the encoder failed\n", name);
    return false;
  }
  return write_file(dir, name, std::string_view(out.data(), r.size));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: portcullis_schema_samples DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  bool ok = true;
  {
    portcullis::test::TypicalStatus t;
    ok = status(dir, "status-typical.json", t.snapshot) && ok;
    t.snapshot.device.time_known = true;
    t.snapshot.device.unix_ms = 1'796'602'240'999;
    t.snapshot.netif = {3, 4, 5, 6, 7, 8, 9};
    portcullis::test::fill_described_numbers(t.snapshot, 100);
    t.snapshot.push.broker = "broker.portcullis.test:8883";
    t.snapshot.push.connected = true;
    ok = status(dir, "status-time-push.json", t.snapshot) && ok;
    // The MQTT push on a small board: a payload 100 bytes short of the document keeps only
    // some list entries.
    const std::size_t full = report::status_json_size(t.snapshot).size;
    const report::FittedStatus fitted = report::fit_status_json(t.snapshot, full - 100);
    if (!portcullis::ok(fitted.encoded.status) || fitted.left_out == 0) {
      std::fprintf(stderr, "status-fitted.json: nothing was left out\n");
      ok = false;
    }
    ok = status(dir, "status-fitted.json", t.snapshot) && ok;
  }
  {
    portcullis::test::TypicalStatus t;
    t.policy.rule_count = 0;
    t.policy.echo = false;
    t.policy.mode = portcullis::policy::Mode::kReject;
    t.policy_changed();
    t.snapshot.listening.count = 0;
    t.snapshot.recent_blocked.count = 0;
    t.snapshot.scanners.count = 0;
    t.snapshot.violations.count = 0;
    t.snapshot.violations_total = 0;
    t.snapshot.memory = {};
    t.snapshot.lwip.measured = false;
    report::Counters fresh;
    t.snapshot.counters = &fresh;
    ok = status(dir, "status-quiet.json", t.snapshot) && ok;
  }
  mgmt::PushEvent scanner;
  scanner.seq = UINT32_MAX;
  scanner.kind = mgmt::EventKind::kScanner;
  scanner.uptime_ms = UINT64_MAX;
  scanner.scanner.src.is_v6 = true;
  scanner.scanner.src.bytes.fill(0xFF);
  scanner.scanner.distinct_ports = 64;
  scanner.scanner.first_ms = 1000;
  scanner.scanner.last_ms = UINT64_MAX;
  ok = event(dir, "event-scanner.json", scanner) && ok;
  mgmt::PushEvent violation;
  violation.seq = 2;
  violation.kind = mgmt::EventKind::kViolation;
  violation.uptime_ms = 20000;
  violation.violation = {portcullis::policy::Proto::kUdp, 69, report::ViolationAction::kClosed,
                         20000};
  ok = event(dir, "event-violation.json", violation) && ok;
  return ok ? 0 : 1;
}
