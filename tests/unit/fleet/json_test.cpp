// SPDX-License-Identifier: Apache-2.0
// portcullis-fleet's JSON reader: what the status document uses, and every malformed case
// the reader must refuse rather than half-read.
// Standard headers before CppUTest (its leak detector redefines new).
#include <string>

#include "json.hpp"

#include <CppUTest/TestHarness.h>

using portcullis::fleet::parse_json;
using portcullis::fleet::Value;

TEST_GROUP(FleetJson){};

TEST(FleetJson, ReadsAStatusLikeDocument) {
  const auto v =
      parse_json(R"({"device":{"id":"d1","uptime_ms":42},"listening":[{"proto":"tcp","port":8443,)"
                 R"("allowed":true}],"x":null,"neg":-1.5e2})");
  CHECK(v.has_value());
  CHECK(v->kind == Value::Kind::kObject);
  STRCMP_EQUAL("d1", v->get("device")->str("id").c_str());
  DOUBLES_EQUAL(42, v->get("device")->num("uptime_ms"), 0);
  LONGS_EQUAL(1, v->list("listening").size());
  CHECK(v->list("listening")[0].get("allowed")->boolean);
  DOUBLES_EQUAL(-150, v->num("neg"), 0);
  CHECK(v->get("x")->kind == Value::Kind::kNull);
  CHECK(v->get("missing") == nullptr);
  STRCMP_EQUAL("?", v->str("missing").c_str());
}

TEST(FleetJson, DecodesEscapes) {
  const auto v = parse_json(R"(["a\"b\\c\/\n\u00e9\ud83d\ude00"])");
  CHECK(v.has_value());
  STRCMP_EQUAL("a\"b\\c/\n\xC3\xA9\xF0\x9F\x98\x80", v->array[0].string.c_str());
}

TEST(FleetJson, RefusesMalformedInput) {
  const char* bad[] = {"",           "{",          "{\"a\"}",   "{\"a\":1,}",  "[1,]",  "[1 2]",
                       "tru",        "nul",        "01x",       "-",           "1.",    "1e",
                       "\"abc",      "\"\\x\"",    "\"\\u12\"", "\"\\ud800\"", "{} {}", "{a:1}",
                       "[\"\x01\"]", "\"\\udc00\""};
  for (const char* text : bad) {
    std::string err;
    CHECK_TEXT(!parse_json(text, &err).has_value(), text);
    CHECK_TEXT(!err.empty(), text);
  }
}

// RFC 8259 8.1: JSON between systems is UTF-8, and the firmware's encoder writes nothing else;
// a document that is not comes from a broken or hostile device and is refused like any
// syntax error, so every string the reader hands on is well-formed UTF-8.
TEST(FleetJson, RefusesInvalidUtf8) {
  const std::string bad[] = {
      "[\"\x80\"]",                  // a lone continuation byte
      "[\"\xc0\xaf\"]",              // overlong '/'
      "[\"\xe0\x80\xaf\"]",          // overlong, three bytes
      "[\"\xed\xa0\x80\"]",          // the UTF-16 surrogate U+D800
      "[\"\xe2\x82\"]",              // a euro sign cut short
      "[\"\xf0\x9f\x98\"]",          // an emoji cut short
      "[\"\xe2\x82",                 // cut short by the end of the text
      "[\"\xf4\x90\x80\x80\"]",      // U+110000
      "[\"\xf8\x88\x80\x80\x80\"]",  // the old five-byte form
      "[\"\xff\"]",                  // never in UTF-8
      "{\"\x9b\":1}",                // in a key
  };
  for (const std::string& text : bad) {
    std::string err;
    CHECK_TEXT(!parse_json(text, &err).has_value(), text.c_str());
    CHECK_TEXT(err.rfind("invalid UTF-8 in string at offset ", 0) == 0, err.c_str());
  }
  // A raw C1 byte (0x9B is CSI on an 8-bit terminal); the offset is that of the byte.
  const std::string csi = std::string("[\"dev\x9b") + "2J\"]";
  std::string err;
  CHECK(!parse_json(csi, &err).has_value());
  STRCMP_EQUAL("invalid UTF-8 in string at offset 5", err.c_str());
}

TEST(FleetJson, KeepsValidUtf8AndEscapedControls) {
  const auto v = parse_json("[\"Z\xc3\xbcrich \xe2\x82\xac \xf0\x9f\x98\x80\",\"dev\\u009b2J\"]");
  CHECK(v.has_value());
  STRCMP_EQUAL("Z\xc3\xbcrich \xe2\x82\xac \xf0\x9f\x98\x80", v->array[0].string.c_str());
  // Well-formed Unicode, kept as sent: showing it safely is the output's job (report_test).
  STRCMP_EQUAL((std::string("dev\xc2\x9b") + "2J").c_str(), v->array[1].string.c_str());
}

TEST(FleetJson, BoundsNesting) {
  CHECK(parse_json(std::string(20, '[') + std::string(20, ']')).has_value());
  CHECK(!parse_json(std::string(200, '[') + std::string(200, ']')).has_value());
}
