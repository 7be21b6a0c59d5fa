// SPDX-License-Identifier: Apache-2.0
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include <CppUTest/TestHarness.h>

#include "json_checker.hpp"
#include "portcullis/report/json.hpp"

using portcullis::report::JsonWriter;
using portcullis::test::parse_json;

namespace {
std::string text_of(const JsonWriter& w, const std::vector<char>& buffer) {
  return std::string(buffer.data(), w.stored());
}
}  // namespace

TEST_GROUP(JsonWriter) {
  std::vector<char> buffer = std::vector<char>(256, '#');
  JsonWriter w{std::span<char>(buffer)};
};

TEST(JsonWriter, PlacesCommasAndColons) {
  w.begin_object();
  w.key("a");
  w.begin_array();
  w.number(1);
  w.boolean(true);
  w.string("x");
  w.begin_object();
  w.end_object();
  w.begin_array();
  w.end_array();
  w.end_array();
  w.member_bool("b", false);
  w.key("c");
  w.begin_object();
  w.member_number("d", 0);
  w.member_string("e", "");
  w.end_object();
  w.end_object();
  CHECK_TRUE(w.well_formed());
  CHECK_TRUE(w.complete());
  STRCMP_EQUAL(R"({"a":[1,true,"x",{},[]],"b":false,"c":{"d":0,"e":""}})",
               text_of(w, buffer).c_str());
}

TEST(JsonWriter, TopLevelArrayAndScalars) {
  w.begin_array();
  w.number(18446744073709551615ull);
  w.end_array();
  CHECK_TRUE(w.well_formed());
  STRCMP_EQUAL("[18446744073709551615]", text_of(w, buffer).c_str());
}

TEST(JsonWriter, EscapesStringsAndKeys) {
  w.begin_object();
  w.member_string("k\"\n", std::string_view("q\"b\\s/\b\f\n\r\t\x01\x1f\x7f\0e", 16));
  w.end_object();
  CHECK_TRUE(w.well_formed());
  STRCMP_EQUAL(R"({"k\"\n":"q\"b\\s/\b\f\n\r\t\u0001\u001f\u007f\u0000e"})",
               text_of(w, buffer).c_str());
  CHECK_TRUE(parse_json(text_of(w, buffer)).ok);
}

TEST(JsonWriter, KeepsWellFormedUtf8AndReplacesTheRest) {
  w.begin_array();
  w.string("\xC3\xA9\xF0\x9F\x98\x80");  // é and an emoji: kept as they are
  w.string(
      "a\xFF"
      "b\xC3");              // a stray byte, a sequence cut short
  w.string("\xED\xA0\x80");  // an encoded surrogate: three ill-formed bytes
  w.end_array();
  CHECK_TRUE(w.well_formed());
  STRCMP_EQUAL(
      "[\"\xC3\xA9\xF0\x9F\x98\x80\",\"a\xEF\xBF\xBD"
      "b\xEF\xBF\xBD\",\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"]",
      text_of(w, buffer).c_str());
}

TEST(JsonWriter, NeverWritesPastItsBuffer) {
  std::vector<char> small(16, '#');
  JsonWriter tight(std::span<char>(small.data(), 8));
  tight.begin_object();
  tight.member_string("name", "a long value");
  tight.end_object();
  CHECK_TRUE(tight.well_formed());
  CHECK_FALSE(tight.complete());
  LONGS_EQUAL(23, tight.size());
  LONGS_EQUAL(8, tight.stored());
  STRCMP_EQUAL("########", std::string(small.data() + 8, 8).c_str());
}

TEST(JsonWriter, KeyOutsideAnObjectIsMisuse) {
  w.key("a");
  CHECK_FALSE(w.well_formed());
}

TEST(JsonWriter, ValueWithoutKeyInAnObjectIsMisuse) {
  w.begin_object();
  w.number(1);
  w.end_object();
  CHECK_FALSE(w.well_formed());
}

TEST(JsonWriter, KeyWithoutValueIsMisuse) {
  w.begin_object();
  w.key("a");
  w.end_object();
  CHECK_FALSE(w.well_formed());
}

TEST(JsonWriter, TwoKeysInARowIsMisuse) {
  w.begin_object();
  w.key("a");
  w.key("b");
  w.number(1);
  w.end_object();
  CHECK_FALSE(w.well_formed());
}

TEST(JsonWriter, MismatchedCloseIsMisuse) {
  w.begin_object();
  w.end_array();
  CHECK_FALSE(w.well_formed());
}

TEST(JsonWriter, CloseWithNothingOpenIsMisuse) {
  w.end_object();
  CHECK_FALSE(w.well_formed());
}

TEST(JsonWriter, UnclosedContainerIsNotWellFormed) {
  w.begin_array();
  CHECK_FALSE(w.well_formed());
}

TEST(JsonWriter, NothingWrittenIsNotWellFormed) {
  CHECK_FALSE(w.well_formed());
}

TEST(JsonWriter, SecondTopLevelValueIsMisuse) {
  w.begin_array();
  w.end_array();
  w.number(1);
  CHECK_FALSE(w.well_formed());
  STRCMP_EQUAL("[]", text_of(w, buffer).c_str());  // nothing written after the misuse
}

TEST(JsonWriter, NestingUpToMaxDepthAndNoDeeper) {
  for (std::size_t i = 0; i < JsonWriter::kMaxDepth; ++i) {
    w.begin_array();
  }
  for (std::size_t i = 0; i < JsonWriter::kMaxDepth; ++i) {
    w.end_array();
  }
  CHECK_TRUE(w.well_formed());

  std::vector<char> other(64, '#');
  JsonWriter deep{std::span<char>(other)};
  for (std::size_t i = 0; i <= JsonWriter::kMaxDepth; ++i) {
    deep.begin_array();
  }
  for (std::size_t i = 0; i <= JsonWriter::kMaxDepth; ++i) {
    deep.end_array();
  }
  CHECK_FALSE(deep.well_formed());
}
