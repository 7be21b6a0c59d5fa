// SPDX-License-Identifier: Apache-2.0
// The test's JSON parser: it must accept valid JSON and refuse what the encoder must never
// produce, or the encoder tests built on it prove nothing.
#include <string>
#include <string_view>

#include <CppUTest/TestHarness.h>

#include "json_checker.hpp"

using portcullis::test::JsonValue;
using portcullis::test::parse_json;

namespace {
void check_invalid(std::string_view text) {
  const auto r = parse_json(text);
  if (r.ok) {
    FAIL(("accepted invalid JSON: " + std::string(text)).c_str());
  }
}
void check_valid(std::string_view text) {
  const auto r = parse_json(text);
  if (!r.ok) {
    FAIL(("refused valid JSON: " + std::string(text) + " (" + r.error + ")").c_str());
  }
}
}  // namespace

TEST_GROUP(JsonChecker){};

TEST(JsonChecker, AcceptsEveryKindOfValue) {
  check_valid("{}");
  check_valid("[]");
  check_valid(" \t\r\n{ \"a\" : [ 1 , -0 , 0.5 , 1e3 , 2E-2 , true , false , null ] } \n");
  check_valid("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"");
  check_valid("\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
  check_valid("18446744073709551615");
}

TEST(JsonChecker, BuildsTheTree) {
  const auto r = parse_json(R"({"a":{"b":[1,"x",true]},"c":null})");
  CHECK_TRUE(r.ok);
  CHECK(r.value["a"]["b"][0].is_u64(1));
  CHECK(r.value["a"]["b"][1].is_string("x"));
  CHECK_TRUE(r.value["a"]["b"][2].boolean);
  CHECK(r.value["c"].kind == JsonValue::Kind::kNull);
  CHECK(r.value["d"].kind == JsonValue::Kind::kMissing);
  CHECK(r.value["a"]["b"][3].kind == JsonValue::Kind::kMissing);
  LONGS_EQUAL(2, r.value.size());
  STRCMP_EQUAL("a", r.value.keys[0].c_str());
}

TEST(JsonChecker, DecodesEscapesAndSurrogatePairs) {
  const auto r = parse_json(R"(["a\"b\\c\n\u0001\u00e9\ud83d\ude00"])");
  CHECK_TRUE(r.ok);
  CHECK(r.value[0].is_string("a\"b\\c\n\x01\xC3\xA9\xF0\x9F\x98\x80"));
}

TEST(JsonChecker, RefusesStructuralErrors) {
  check_invalid("");
  check_invalid("{");
  check_invalid("[1,]");
  check_invalid("{\"a\":1,}");
  check_invalid("{\"a\" 1}");
  check_invalid("{a:1}");
  check_invalid("[1 2]");
  check_invalid("{} {}");
  check_invalid("{\"a\":1,\"a\":2}");  // duplicate key
  check_invalid("nul");
  check_invalid("True");
  check_invalid(std::string(100, '[') + std::string(100, ']'));  // deeper than 64
}

TEST(JsonChecker, RefusesBadNumbers) {
  check_invalid("01");
  check_invalid("+1");
  check_invalid("1.");
  check_invalid(".5");
  check_invalid("1e");
  check_invalid("0x10");
  check_invalid("-");
  check_invalid("NaN");
}

TEST(JsonChecker, RefusesBadStrings) {
  check_invalid("\"abc");
  check_invalid(std::string("\"a\x01", 3) + "\"");  // raw control character
  check_invalid(std::string("\"a\0\"", 4));
  check_invalid("\"\\x41\"");
  check_invalid("\"\\u12\"");
  check_invalid("\"\\ud83d\"");           // lone high surrogate
  check_invalid("\"\\ude00\"");           // lone low surrogate
  check_invalid("\"\\ud83d\\u0041\"");    // high surrogate, then no low one
  check_invalid("\"\xC3\"");              // cut short
  check_invalid("\"\x80\"");              // stray continuation byte
  check_invalid("\"\xC0\xAF\"");          // overlong
  check_invalid("\"\xED\xA0\x80\"");      // UTF-8 encoded surrogate
  check_invalid("\"\xF4\x90\x80\x80\"");  // beyond U+10FFFF
  check_invalid("\"\xFF\"");
}

TEST(JsonChecker, IsU64TakesOnlyThatExactInteger) {
  const auto r = parse_json(R"([5,5.0,"5",-5])");
  CHECK_TRUE(r.ok);
  CHECK_TRUE(r.value[0].is_u64(5));
  CHECK_FALSE(r.value[0].is_u64(6));
  CHECK_FALSE(r.value[1].is_u64(5));
  CHECK_FALSE(r.value[2].is_u64(5));
  CHECK_FALSE(r.value[3].is_u64(5));
}
