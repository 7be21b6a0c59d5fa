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

TEST(FleetJson, BoundsNesting) {
  CHECK(parse_json(std::string(20, '[') + std::string(20, ']')).has_value());
  CHECK(!parse_json(std::string(200, '[') + std::string(200, ']')).has_value());
}
