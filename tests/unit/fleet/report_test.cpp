// portcullis-fleet's output shared by polling and watch: JSON writing, and a table that a
// device's strings cannot use to rewrite the terminal.
// Standard headers before CppUTest (its leak detector redefines new).
#include <sstream>
#include <string>

#include "json.hpp"
#include "report.hpp"
#include "verdict.hpp"

#include <CppUTest/TestHarness.h>

using portcullis::fleet::json_escape;
using portcullis::fleet::judge;
using portcullis::fleet::num;
using portcullis::fleet::parse_json;
using portcullis::fleet::PollResult;
using portcullis::fleet::print_table;
using portcullis::fleet::printable;
using portcullis::fleet::write_json;

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

TEST(FleetReport, TableHeaderWithNote) {
  const PollResult r = answered("d1", R"({"device":{"id":"d1","uptime_ms":2000}})");
  std::ostringstream o;
  print_table(o, r, judge(r, ""), "", "(retained)");
  const std::string out = o.str();
  // A partial document: the table still shows what it has, under a failed verdict.
  CHECK_TEXT(out.rfind("== d1  FAIL  (retained)\n   id:         d1\n", 0) == 0, out.c_str());
  CHECK_TEXT(out.find("   uptime:     2 s\n") != std::string::npos, out.c_str());
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

TEST(FleetReport, UnansweredTable) {
  PollResult r;
  r.target.spec = "192.0.2.2";
  r.error = "no answer (connect timed out)";
  std::ostringstream o;
  print_table(o, r, judge(r, ""), "");
  STRCMP_EQUAL("== 192.0.2.2  FAIL\n   error:      no answer (connect timed out)\n\n",
               o.str().c_str());
}
