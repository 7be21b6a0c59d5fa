// SPDX-License-Identifier: Apache-2.0
// portcullis-fleet's verdict on each device and the exit status for the fleet: which status
// documents pass, which fail and why, and how one failing device fails the run.
// Standard headers before CppUTest (its leak detector redefines new).
#include <cctype>
#include <cstddef>
#include <string>
#include <vector>

#include "json.hpp"
#include "target.hpp"
#include "verdict.hpp"

#include <CppUTest/TestHarness.h>

using portcullis::fleet::exit_status;
using portcullis::fleet::judge;
using portcullis::fleet::kExitOk;
using portcullis::fleet::kExitUnreachable;
using portcullis::fleet::kExitUsage;
using portcullis::fleet::kExitViolation;
using portcullis::fleet::lab_firmware;
using portcullis::fleet::LabImages;
using portcullis::fleet::parse_json;
using portcullis::fleet::parse_target;
using portcullis::fleet::PollResult;
using portcullis::fleet::Verdict;

namespace {

constexpr const char* kDigest = "3f1c9a0be4d2785c6e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f";
constexpr const char* kOtherDigest =
    "0000000000000000000000000000000000000000000000000000000000000001";

// A healthy device's GET /v1/status, as the firmware writes it, with `from` replaced by `to`.
std::string status_json(const std::string& from = {}, const std::string& to = {}) {
  std::string s = std::string(R"({"device":{"id":"d1","board":"host-linux","uptime_ms":1000},)") +
                  R"("policy":{"digest":")" + kDigest +
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

PollResult answered(const std::string& json) {
  PollResult r;
  r.target = *parse_target("192.0.2.2");
  std::string err;
  const auto doc = parse_json(json, &err);
  CHECK_TEXT(doc.has_value(), err.c_str());
  r.answered = true;
  r.http_status = 200;
  r.doc = *doc;
  return r;
}

PollResult failed(const std::string& error) {
  PollResult r;
  r.target = *parse_target("192.0.2.99");
  r.error = error;
  return r;
}

void check_problems(const Verdict& v, const std::vector<std::string>& want) {
  LONGS_EQUAL(want.size(), v.problems.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    STRCMP_EQUAL(want[i].c_str(), v.problems[i].c_str());
  }
}

}  // namespace

TEST_GROUP(FleetVerdict){};

TEST(FleetVerdict, HealthyDeviceWithoutExpectation) {
  const Verdict v = judge(answered(status_json()), "");
  CHECK(v.ok);
  CHECK(!v.violation);
  CHECK(!v.digest_match.has_value());
  check_problems(v, {});
}

TEST(FleetVerdict, NoExpectationIgnoresTheDigest) {
  const Verdict v = judge(answered(status_json(kDigest, kOtherDigest)), "");
  CHECK(v.ok);
  CHECK(!v.digest_match.has_value());
}

TEST(FleetVerdict, DigestMatch) {
  const Verdict v = judge(answered(status_json()), kDigest);
  CHECK(v.ok);
  CHECK(!v.violation);
  CHECK(v.digest_match.has_value());
  CHECK(*v.digest_match);
  check_problems(v, {});
}

TEST(FleetVerdict, DigestMismatch) {
  const Verdict v = judge(answered(status_json()), kOtherDigest);
  CHECK(!v.ok);
  CHECK(!v.violation);
  CHECK(v.digest_match.has_value());
  CHECK(!*v.digest_match);
  check_problems(v, {"policy digest MISMATCH"});
}

TEST(FleetVerdict, DigestComparedExactly) {
  std::string upper = kDigest;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const Verdict v = judge(answered(status_json(kDigest, upper)), kDigest);
  CHECK(!v.ok);
  CHECK(!*v.digest_match);
}

TEST(FleetVerdict, MissingDigestOrPolicyIsAMismatch) {
  const Verdict no_digest =
      judge(answered(status_json(std::string(R"("digest":")") + kDigest + "\",", "")), kDigest);
  CHECK(!no_digest.ok);
  CHECK(!*no_digest.digest_match);
  check_problems(no_digest, {"not a status document (no policy.digest)", "policy digest MISMATCH"});

  const Verdict numeric = judge(answered(R"({"policy":{"digest":1}})"), kDigest);
  CHECK(!numeric.ok);
  CHECK(!*numeric.digest_match);

  const Verdict no_policy = judge(answered(R"({"listening":[]})"), kDigest);
  CHECK(!no_policy.ok);
  CHECK(!*no_policy.digest_match);
  check_problems(no_policy,
                 {"not a status document (no device.id, policy.digest, counters, violations)",
                  "policy digest MISMATCH"});
}

TEST(FleetVerdict, AnEmptyObjectIsNoHealthyDevice) {
  const Verdict v = judge(answered("{}"), "");
  CHECK(!v.ok);
  CHECK(!v.violation);
  check_problems(
      v, {"not a status document (no device.id, policy.digest, listening, counters, violations)"});
}

TEST(FleetVerdict, EachMissingFieldIsNamed) {
  const Verdict v = judge(answered(status_json(R"("listening":[)", R"("listening_x":[)")), "");
  CHECK(!v.ok);
  check_problems(v, {"not a status document (no listening)"});
}

TEST(FleetVerdict, Unreachable) {
  const Verdict v = judge(failed("no answer (connect timed out)"), "");
  CHECK(!v.ok);
  CHECK(!v.violation);
  CHECK(!v.digest_match.has_value());
  check_problems(v, {"no answer (connect timed out)"});
}

TEST(FleetVerdict, UnreachableWithExpectationHasNoDigestVerdict) {
  const Verdict v =
      judge(failed("cannot resolve nowhere.invalid: Name or service not known"), kDigest);
  CHECK(!v.ok);
  CHECK(!v.digest_match.has_value());
  check_problems(v, {"cannot resolve nowhere.invalid: Name or service not known"});
}

TEST(FleetVerdict, TlsOrCertificateFailure) {
  const std::string error =
      "certificate problem: the device's certificate is not signed by the trusted CA (--ca)";
  const Verdict v = judge(failed(error), kDigest);
  CHECK(!v.ok);
  CHECK(!v.violation);
  CHECK(!v.digest_match.has_value());
  check_problems(v, {error});
}

TEST(FleetVerdict, NotAnsweredFailsEvenWithADocument) {
  // A 500 or a broken body never reaches answered; a stale document must not pass.
  PollResult r = answered(status_json());
  r.answered = false;
  r.http_status = 500;
  r.error = "HTTP status 500";
  const Verdict v = judge(r, kDigest);
  CHECK(!v.ok);
  CHECK(!v.digest_match.has_value());
  check_problems(v, {"HTTP status 500"});
}

TEST(FleetVerdict, ViolationsTotal) {
  const Verdict v =
      judge(answered(status_json(R"("violations_total":0,)", R"("violations_total":3,)")), kDigest);
  CHECK(!v.ok);
  CHECK(v.violation);
  CHECK(*v.digest_match);
  check_problems(v, {"violation reported (0 recorded, 0 listener(s) not allowed)"});
}

TEST(FleetVerdict, ViolationsTotalInCounters) {
  const Verdict v = judge(answered(status_json(R"("dropped_total":2,"violations_total":0)",
                                               R"("dropped_total":2,"violations_total":1)")),
                          "");
  CHECK(!v.ok);
  CHECK(v.violation);
  check_problems(v, {"violation reported (0 recorded, 0 listener(s) not allowed)"});
}

TEST(FleetVerdict, RecordedViolations) {
  const Verdict v =
      judge(answered(status_json(
                R"("violations":[])",
                R"("violations":[{"proto":"tcp","port":23,"action":"closed","uptime_ms":5},)"
                R"({"proto":"udp","port":69,"action":"closed","uptime_ms":6}])")),
            "");
  CHECK(!v.ok);
  CHECK(v.violation);
  check_problems(v, {"violation reported (2 recorded, 0 listener(s) not allowed)"});
}

TEST(FleetVerdict, ListenerNotAllowed) {
  const Verdict v =
      judge(answered(status_json(R"("listening":[{"proto":"tcp","port":8443,"allowed":true}])",
                                 R"("listening":[{"proto":"tcp","port":8443,"allowed":true},)"
                                 R"({"proto":"tcp","port":23,"allowed":false}])")),
            "");
  CHECK(!v.ok);
  CHECK(v.violation);
  check_problems(v, {"violation reported (0 recorded, 1 listener(s) not allowed)"});
}

TEST(FleetVerdict, OnlyJsonTrueAllowsAListener) {
  const Verdict v =
      judge(answered(status_json(R"("listening":[{"proto":"tcp","port":8443,"allowed":true}])",
                                 R"("listening":[{"proto":"tcp","port":1},)"
                                 R"({"proto":"tcp","port":2,"allowed":"true"},)"
                                 R"({"proto":"tcp","port":3,"allowed":1},)"
                                 R"({"proto":"tcp","port":4,"allowed":null}])")),
            "");
  CHECK(v.violation);
  check_problems(v, {"violation reported (0 recorded, 4 listener(s) not allowed)"});
}

TEST(FleetVerdict, ViolationAndMismatchAreBothReported) {
  const Verdict v = judge(
      answered(status_json(R"("violations_total":0,)", R"("violations_total":1,)")), kOtherDigest);
  CHECK(!v.ok);
  CHECK(v.violation);
  CHECK(!*v.digest_match);
  check_problems(
      v, {"violation reported (0 recorded, 0 listener(s) not allowed)", "policy digest MISMATCH"});
}

// A lab image (firmware/app/CMakeLists.txt: the build tag "lab") carries the lab's test hook,
// which opens a listener behind the policy's back on a datagram: a finding on a fleet's
// device, unless the poll is the lab's own.
// A healthy device's document whose device.firmware is `fw`.
std::string with_firmware(const std::string& fw) {
  return status_json(R"("board":"host-linux",)",
                     std::string(R"("board":"host-linux","firmware":")") + fw + R"(",)");
}

TEST(FleetVerdict, ALabImageIsAFinding) {
  for (const char* fw : {"0.1.0+lab", "0.1.0+nofilter.lab", "1.2.3+lab.x"}) {
    const Verdict v = judge(answered(with_firmware(fw)), kDigest);
    CHECK_TEXT(lab_firmware(fw), fw);
    CHECK_TEXT(!v.ok, fw);
    CHECK_TEXT(v.lab_image, fw);
    CHECK_TEXT(!v.violation, fw);
    CHECK_TEXT(*v.digest_match, fw);
    check_problems(v, {std::string("lab image (firmware ") + fw +
                       "): the lab's services and test hook, not for a device"});
    LONGS_EQUAL(kExitViolation, exit_status(std::vector<Verdict>{v}));
    // The lab polling its own: named, not a finding.
    const Verdict lab = judge(answered(with_firmware(fw)), kDigest, LabImages::kAllowed);
    CHECK_TEXT(lab.ok, fw);
    CHECK_TEXT(lab.lab_image, fw);
    LONGS_EQUAL(kExitOk, exit_status(std::vector<Verdict>{lab}));
  }
}

TEST(FleetVerdict, OnlyTheBuildTagLabIsALabImage) {
  for (const char* fw : {"0.1.0", "0.1.0+nofilter", "0.1.0+label", "0.1.0+xlab", "0.1.0-lab", "lab",
                         "0.1.0+", "0.1.0+.", "0.1.0+lab-x"}) {
    const Verdict v = judge(answered(with_firmware(fw)), kDigest);
    CHECK_TEXT(!lab_firmware(fw), fw);
    CHECK_TEXT(v.ok, fw);
    CHECK_TEXT(!v.lab_image, fw);
  }
  // No firmware member, or one that is no string: no lab image said (the device is judged on
  // the rest).
  CHECK(!judge(answered(status_json()), kDigest).lab_image);
  CHECK(!judge(answered(status_json(R"("board":"host-linux",)",
                                    R"("board":"host-linux","firmware":["0.1.0+lab"],)")),
               kDigest)
             .lab_image);
}

TEST(FleetVerdict, ALabImagesVersionIsShownPrintable) {
  const Verdict v = judge(answered(with_firmware(R"(0+lab.\u001b[2J)")), kDigest);
  CHECK(v.lab_image);
  check_problems(v, {"lab image (firmware 0+lab.?[2J): the lab's services and test hook, not for "
                     "a device"});
}

TEST_GROUP(FleetExitStatus){};

TEST(FleetExitStatus, Codes) {
  LONGS_EQUAL(0, kExitOk);
  LONGS_EQUAL(1, kExitViolation);
  LONGS_EQUAL(2, kExitUsage);
  LONGS_EQUAL(3, kExitUnreachable);
}

TEST(FleetExitStatus, EveryDeviceOk) {
  const std::vector<Verdict> one{judge(answered(status_json()), kDigest)};
  LONGS_EQUAL(kExitOk, exit_status(one));
  const std::vector<Verdict> three(3, judge(answered(status_json()), kDigest));
  LONGS_EQUAL(kExitOk, exit_status(three));
}

TEST(FleetExitStatus, OneBadDeviceFailsTheFleet) {
  const Verdict good = judge(answered(status_json()), kDigest);
  const Verdict bad = judge(failed("no answer (connect timed out)"), kDigest);
  LONGS_EQUAL(kExitUnreachable, exit_status(std::vector<Verdict>{bad}));
  LONGS_EQUAL(kExitUnreachable, exit_status(std::vector<Verdict>{good, good, bad}));
  LONGS_EQUAL(kExitUnreachable, exit_status(std::vector<Verdict>{bad, good, good}));
  const Verdict finding =
      judge(answered(status_json(R"("violations_total":0,)", R"("violations_total":1,)")), kDigest);
  LONGS_EQUAL(kExitViolation, exit_status(std::vector<Verdict>{good, finding}));
  LONGS_EQUAL(kExitViolation, exit_status(std::vector<Verdict>{
                                  good, judge(answered(status_json()), kOtherDigest)}));
}

TEST(FleetExitStatus, MixedFleet) {
  const std::vector<Verdict> fleet{
      judge(answered(status_json()), kDigest),
      judge(failed("no answer (connect timed out)"), kDigest),
      judge(failed("certificate problem: the device's certificate has expired"), kDigest),
      judge(answered(status_json(R"("violations_total":0,)", R"("violations_total":2,)")), kDigest),
      judge(answered(status_json()), kOtherDigest),
  };
  std::size_t ok = 0;
  for (const auto& v : fleet) ok += v.ok ? 1 : 0;
  LONGS_EQUAL(1, ok);
  LONGS_EQUAL(kExitViolation, exit_status(fleet));  // a finding outranks the silent ones
}

TEST(FleetExitStatus, EveryDeviceBad) {
  const std::vector<Verdict> fleet{judge(failed("cannot connect: Connection refused"), ""),
                                   judge(answered(status_json()), kOtherDigest)};
  LONGS_EQUAL(kExitViolation, exit_status(fleet));
}

TEST(FleetExitStatus, NoDevicesIsNoFleet) {
  LONGS_EQUAL(kExitUsage, exit_status({}));
}

// docs/status.md: a minor version only adds members; another major version is not read as
// if it were 1.x. Firmware before schema 1.0 sent none.
TEST(FleetVerdict, SchemaVersionOneXOrNone) {
  CHECK(judge(answered(status_json()), kDigest).ok);
  CHECK(
      judge(answered(status_json("{\"device\"", "{\"schema_version\":\"1.0\",\"device\"")), kDigest)
          .ok);
  CHECK(
      judge(answered(status_json("{\"device\"", "{\"schema_version\":\"1.7\",\"device\"")), kDigest)
          .ok);
  for (const char* other : {"\"2.0\"", "\"10.1\"", "\"\"", "1", "\"1\""}) {
    const Verdict v =
        judge(answered(status_json("{\"device\"",
                                   std::string("{\"schema_version\":") + other + ",\"device\"")),
              kDigest);
    CHECK_TEXT(!v.ok, other);
    CHECK_TEXT(v.answered, other);
    STRCMP_CONTAINS("is not one this tool reads (1.x)", v.problems.back().c_str());
  }
}
