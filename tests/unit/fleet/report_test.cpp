// SPDX-License-Identifier: Apache-2.0
// portcullis-fleet's output shared by polling and watch: JSON writing, and a table that a
// device's strings cannot use to rewrite the terminal.
// Standard headers before CppUTest (its leak detector redefines new).
#include <sstream>
#include <string>

#include "json.hpp"
#include "report.hpp"
#include "utf8_check.hpp"
#include "verdict.hpp"

#include <CppUTest/TestHarness.h>

using portcullis::fleet::json_escape;
using portcullis::fleet::judge;
using portcullis::fleet::num;
using portcullis::fleet::parse_json;
using portcullis::fleet::PollResult;
using portcullis::fleet::print_table;
using portcullis::fleet::printable;
using portcullis::fleet::Value;
using portcullis::fleet::write_json;
using portcullis::test::is_utf8;

namespace {

PollResult answered(const std::string& spec, const std::string& json) {
  PollResult r;
  r.target.spec = spec;
  std::string err;
  const auto doc = parse_json(json, &err);
  CHECK_TEXT(doc.has_value(), err.c_str());
  r.answered = true;
  r.doc = *doc;
  return r;
}

constexpr const char* kReplacement = "\xef\xbf\xbd";  // U+FFFD

// A device whose id is raw bytes, as the JSON reader never passes them on: the table must be
// safe whatever reaches it.
PollResult raw_device(const std::string& id) {
  Value s;
  s.kind = Value::Kind::kString;
  s.string = id;
  Value dev;
  dev.kind = Value::Kind::kObject;
  dev.object.emplace_back("id", s);
  PollResult r;
  r.target.spec = id;
  r.answered = true;
  r.doc.kind = Value::Kind::kObject;
  r.doc.object.emplace_back("device", dev);
  return r;
}

// Something a terminal acts on or reorders: C0, DEL, C1 (UTF-8 C2 80..C2 9F) or a bidi
// override or isolate (E2 80 AA..AE, E2 81 A6..A9). `s` is UTF-8.
bool has_terminal_control(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    const auto next = [&s, i](std::size_t k) {
      return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
    };
    if (b < 0x20 || b == 0x7f) return true;
    if (b == 0xc2 && next(1) >= 0x80 && next(1) <= 0x9f) return true;
    if (b == 0xe2 && next(1) == 0x80 && next(2) >= 0xaa && next(2) <= 0xae) return true;
    if (b == 0xe2 && next(1) == 0x81 && next(2) >= 0xa6 && next(2) <= 0xa9) return true;
  }
  return false;
}

// What a device may send, and what a broken one may.
const std::string kHostile[] = {
    std::string("dev\xc2\x9b") + "2J",        // U+009B, CSI, from "\u009b"
    std::string("dev\x9b") + "2J",            // a raw 0x9B byte
    "\xc0\xaf",                               // overlong '/'
    "\xe0\x80\xaf",                           // overlong, three bytes
    "\xed\xa0\x80",                           // a UTF-16 surrogate
    "x\xe2\x82",                              // cut short
    "\xf4\x90\x80\x80",                       // above U+10FFFF
    std::string("\xe2\x80\xae") + "gnp.exe",  // right-to-left override
    std::string("nul\0\x1b[2J\x7f", 9),       // C0 and DEL
};

// A table with its own line breaks taken out.
std::string one_line(std::string table) {
  for (char& c : table) c = c == '\n' ? ' ' : c;
  return table;
}

}  // namespace

TEST_GROUP(FleetReport){};

TEST(FleetReport, Numbers) {
  STRCMP_EQUAL("0", num(0).c_str());
  STRCMP_EQUAL("4444", num(4444).c_str());
  STRCMP_EQUAL("-3", num(-3).c_str());
  STRCMP_EQUAL("1.5", num(1.5).c_str());
}

TEST(FleetReport, JsonRoundTrip) {
  const char* doc = R"({"a":[1,true,null,"x\"y\\z"],"b":{"c":-2.5},"d":"\u0001"})";
  const auto v = parse_json(doc);
  CHECK(v.has_value());
  std::ostringstream o;
  write_json(o, *v);
  STRCMP_EQUAL(doc, o.str().c_str());
  STRCMP_EQUAL(R"("tab\u0009")", json_escape("tab\t").c_str());
}

TEST(FleetReport, Printable) {
  STRCMP_EQUAL("plain text 1.2", printable("plain text 1.2").c_str());
  STRCMP_EQUAL("?[31mred?", printable("\x1b[31mred\r").c_str());
  STRCMP_EQUAL("a?b", printable(std::string("a\0b", 3)).c_str());
  STRCMP_EQUAL("del?", printable("del\x7f").c_str());
}

TEST(FleetReport, PrintableReplacesC1BidiAndInvalidUtf8) {
  // U+0080..U+009F are controls like C0 (U+009B is CSI on many terminals): '?'.
  STRCMP_EQUAL("dev?2J", printable(std::string("dev\xc2\x9b") + "2J").c_str());
  STRCMP_EQUAL("??", printable("\xc2\x80\xc2\x9f").c_str());
  // Bidi overrides and isolates would show the table in another order than it reads.
  STRCMP_EQUAL("a?b?c", printable(std::string("a\xe2\x80\xae") + "b\xe2\x81\xa6" + "c").c_str());
  // Invalid UTF-8: U+FFFD for each maximal subpart (Unicode 3.9), the next character kept.
  const std::string r = kReplacement;
  STRCMP_EQUAL(("dev" + r + "2J").c_str(), printable(std::string("dev\x9b") + "2J").c_str());
  STRCMP_EQUAL((r + r).c_str(), printable("\xc0\xaf").c_str());          // overlong
  STRCMP_EQUAL((r + r + r).c_str(), printable("\xe0\x80\xaf").c_str());  // overlong
  STRCMP_EQUAL((r + r + r).c_str(), printable("\xed\xa0\x80").c_str());  // surrogate
  STRCMP_EQUAL(("x" + r).c_str(), printable("x\xe2\x82").c_str());       // cut short
  STRCMP_EQUAL((r + "x").c_str(), printable("\xe2\x82x").c_str());
  STRCMP_EQUAL((r + r + r + r).c_str(), printable("\xf4\x90\x80\x80").c_str());  // > U+10FFFF
  STRCMP_EQUAL(r.c_str(), printable("\xff").c_str());
  // Valid text in other scripts stays as it is.
  for (const char* ok :
       {"Z\xc3\xbcrich", "\xe2\x82\xac 5", "\xf0\x9f\x98\x80", "\xd7\xa9\xd7\x9c"}) {
    STRCMP_EQUAL(ok, printable(ok).c_str());
  }
  for (const std::string& s : kHostile) {
    CHECK_TEXT(is_utf8(printable(s)), s.c_str());
    CHECK_TEXT(!has_terminal_control(printable(s)), s.c_str());
  }
}

TEST(FleetReport, TableHeaderWithNote) {
  const PollResult r = answered("d1", R"({"device":{"id":"d1","uptime_ms":2000}})");
  std::ostringstream o;
  print_table(o, r, judge(r, ""), "", "(retained)");
  const std::string out = o.str();
  // A partial document: the table still shows what it has, under a failed verdict.
  CHECK_TEXT(out.rfind("== d1  FAIL  (retained)\n   id:         d1\n", 0) == 0, out.c_str());
  CHECK_TEXT(out.find("   uptime:     2 s\n") != std::string::npos, out.c_str());
  CHECK_TEXT(out.find("   time:       unknown (no SNTP answer yet)\n") != std::string::npos,
             out.c_str());
}

TEST(FleetReport, TableShowsTheDevicesTimeOnceKnown) {
  const PollResult r =
      answered("d1", R"({"device":{"id":"d1","time_known":true,"time":"2026-12-07T00:10:40Z"}})");
  std::ostringstream o;
  print_table(o, r, judge(r, ""), "", "");
  CHECK_TEXT(o.str().find("   time:       2026-12-07T00:10:40Z (sntp)\n") != std::string::npos,
             o.str().c_str());
}

TEST(FleetReport, TableKeepsDeviceStringsOffTheTerminal) {
  const PollResult r =
      answered("d1", R"({"device":{"id":"d1\u001b]0;pwned\u0007","board":"b\r"},)"
                     R"("listening":[{"proto":"tcp\u001b","port":1,"allowed":true}]})");
  std::ostringstream o;
  print_table(o, r, judge(r, ""), "");
  const std::string out = o.str();
  CHECK_TEXT(out.find('\x1b') == std::string::npos, out.c_str());
  CHECK_TEXT(out.find('\x07') == std::string::npos, out.c_str());
  CHECK_TEXT(out.find('\r') == std::string::npos, out.c_str());
  CHECK_TEXT(out.find("   id:         d1?]0;pwned?\n") != std::string::npos, out.c_str());
  CHECK_TEXT(out.find(" tcp?/1 allowed=yes") != std::string::npos, out.c_str());
}

TEST(FleetReport, TableNamesALabImage) {
  // The build tag "lab" in the firmware version's build metadata: a lab image (the lab's
  // services and their test hook), said beside the version; other tags and none are not.
  const std::string lab_note = "  LAB IMAGE (the lab's services and test hook: not for a device)";
  for (const char* fw : {"0.1.0+lab", "0.1.0+nofilter.lab", "1.2.3+lab.x"}) {
    const PollResult r =
        answered("d1", std::string(R"({"device":{"id":"d1","firmware":")") + fw + R"("}})");
    std::ostringstream o;
    print_table(o, r, judge(r, ""), "");
    CHECK_TEXT(
        o.str().find(std::string("   firmware:   ") + fw + lab_note + "\n") != std::string::npos,
        o.str().c_str());
  }
  for (const char* fw : {"0.1.0", "0.1.0+nofilter", "0.1.0+label", "0.1.0-lab", "lab"}) {
    const PollResult r =
        answered("d1", std::string(R"({"device":{"id":"d1","firmware":")") + fw + R"("}})");
    std::ostringstream o;
    print_table(o, r, judge(r, ""), "");
    CHECK_TEXT(o.str().find(std::string("   firmware:   ") + fw + "\n") != std::string::npos,
               o.str().c_str());
  }
}

TEST(FleetReport, TableKeepsC1AndInvalidUtf8OffTheTerminal) {
  const std::string zurich = "Z\xc3\xbcrich";  // valid UTF-8, kept
  const PollResult r = answered("d1", R"({"device":{"id":"dev\u009b2J","board":")" + zurich +
                                          R"(","firmware":"\u202egnp.exe"}})");
  std::ostringstream o;
  print_table(o, r, judge(r, ""), "");
  const std::string out = o.str();
  CHECK_TEXT(is_utf8(out), out.c_str());
  CHECK_TEXT(!has_terminal_control(one_line(out)), out.c_str());
  CHECK_TEXT(out.find("   id:         dev?2J\n") != std::string::npos, out.c_str());
  CHECK_TEXT(out.find("   board:      " + zurich + "\n") != std::string::npos, out.c_str());
  CHECK_TEXT(out.find("   firmware:   ?gnp.exe\n") != std::string::npos, out.c_str());

  for (const std::string& id : kHostile) {
    const PollResult raw = raw_device(id);
    std::ostringstream t;
    print_table(t, raw, judge(raw, ""), "");
    CHECK_TEXT(is_utf8(t.str()), id.c_str());
    CHECK_TEXT(!has_terminal_control(one_line(t.str())), id.c_str());
  }
  const PollResult raw = raw_device(std::string("dev\x9b") + "2J");
  std::ostringstream t;
  print_table(t, raw, judge(raw, ""), "");
  const std::string want =
      std::string("== dev") + kReplacement + "2J  FAIL\n   id:         dev" + kReplacement + "2J\n";
  CHECK_TEXT(t.str().rfind(want, 0) == 0, t.str().c_str());
}

TEST(FleetReport, JsonIsValidUtf8WithControlsEscaped) {
  STRCMP_EQUAL(R"("dev\u009b2J")", json_escape(std::string("dev\xc2\x9b") + "2J").c_str());
  STRCMP_EQUAL(R"("dev\ufffd2J")", json_escape(std::string("dev\x9b") + "2J").c_str());
  STRCMP_EQUAL(R"("del\u007f")", json_escape("del\x7f").c_str());
  STRCMP_EQUAL(R"("\u202egnp.exe")", json_escape(std::string("\xe2\x80\xae") + "gnp.exe").c_str());
  STRCMP_EQUAL(R"("\ufffd\ufffd\ufffd")", json_escape("\xed\xa0\x80").c_str());
  STRCMP_EQUAL("\"Z\xc3\xbcrich \xf0\x9f\x98\x80\"",
               json_escape("Z\xc3\xbcrich \xf0\x9f\x98\x80").c_str());
  for (const std::string& s : kHostile) {
    const std::string j = json_escape(s);
    CHECK_TEXT(is_utf8(j), s.c_str());
    CHECK_TEXT(!has_terminal_control(j), s.c_str());
    CHECK_TEXT(parse_json(j).has_value(), s.c_str());
  }
  // A document read with "\u009b" is written back with it, not with the raw character.
  const char* doc = R"({"id":"dev\u009b2J","del":"\u007f","rlo":"\u202e"})";
  const auto v = parse_json(doc);
  CHECK(v.has_value());
  std::ostringstream o;
  write_json(o, *v);
  STRCMP_EQUAL(doc, o.str().c_str());
}

TEST(FleetReport, UnansweredTable) {
  PollResult r;
  r.target.spec = "192.0.2.2";
  r.error = "no answer (connect timed out)";
  std::ostringstream o;
  print_table(o, r, judge(r, ""), "");
  STRCMP_EQUAL("== 192.0.2.2  FAIL\n   error:      no answer (connect timed out)\n\n",
               o.str().c_str());
}
