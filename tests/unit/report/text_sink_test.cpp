// SPDX-License-Identifier: Apache-2.0
#include <array>
#include <string>
#include <string_view>

#include <CppUTest/TestHarness.h>

#include "portcullis/report/text_sink.hpp"

using portcullis::report::TextSink;
using portcullis::report::utf8_sequence_length;

TEST_GROUP(TextSink){};

TEST(TextSink, StoresWhatFitsAndCountsEverything) {
  std::array<char, 8> buffer{};
  buffer.fill('#');
  TextSink sink(std::span<char>(buffer.data(), 4));
  sink.put("abc");
  CHECK_TRUE(sink.complete());
  sink.put('d');
  CHECK_TRUE(sink.complete());
  sink.put("ef");
  CHECK_FALSE(sink.complete());
  LONGS_EQUAL(6, sink.size());
  LONGS_EQUAL(4, sink.stored());
  STRCMP_EQUAL("abcd####", std::string(buffer.data(), buffer.size()).c_str());
}

TEST(TextSink, EmptyBufferOnlyMeasures) {
  TextSink sink(std::span<char>{});
  CHECK_TRUE(sink.complete());
  sink.put("hello");
  sink.put_decimal(12345);
  LONGS_EQUAL(10, sink.size());
  LONGS_EQUAL(0, sink.stored());
  CHECK_FALSE(sink.complete());
}

TEST(TextSink, WindowStoresOnlyItsPart) {
  std::array<char, 4> buffer{};
  TextSink sink(buffer, 3);
  sink.put("0123456789");
  LONGS_EQUAL(10, sink.size());
  LONGS_EQUAL(4, sink.stored());
  STRCMP_EQUAL("3456", std::string(buffer.data(), 4).c_str());
  CHECK_FALSE(sink.complete());  // a window is never the whole text

  TextSink exactly(buffer, 3);
  exactly.put("0123");  // four characters, four bytes of buffer: still only one of them in it
  LONGS_EQUAL(1, exactly.stored());
  CHECK_FALSE(exactly.complete());

  TextSink past_end(buffer, 20);
  past_end.put("0123456789");
  LONGS_EQUAL(0, past_end.stored());
}

TEST(TextSink, PutDecimal) {
  std::array<char, 32> buffer{};
  TextSink sink(buffer);
  sink.put_decimal(1000000007);
  STRCMP_EQUAL("1000000007", std::string(buffer.data(), sink.size()).c_str());
}

TEST_GROUP(Utf8){};

TEST(Utf8, WellFormedSequences) {
  LONGS_EQUAL(1, utf8_sequence_length("A"));
  LONGS_EQUAL(1, utf8_sequence_length(std::string_view("\0", 1)));
  LONGS_EQUAL(1, utf8_sequence_length("\x7F"));
  LONGS_EQUAL(2, utf8_sequence_length("\xC2\x80"));
  LONGS_EQUAL(2, utf8_sequence_length("\xDF\xBF"));
  LONGS_EQUAL(3, utf8_sequence_length("\xE0\xA0\x80"));
  LONGS_EQUAL(3, utf8_sequence_length("\xED\x9F\xBF"));  // U+D7FF, just below the surrogates
  LONGS_EQUAL(3, utf8_sequence_length("\xEE\x80\x80"));  // U+E000, just above them
  LONGS_EQUAL(3, utf8_sequence_length("\xEF\xBF\xBD"));
  LONGS_EQUAL(4, utf8_sequence_length("\xF0\x90\x80\x80"));
  LONGS_EQUAL(4, utf8_sequence_length("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  LONGS_EQUAL(2, utf8_sequence_length("\xC3\xA9xyz"));       // only the first sequence
}

TEST(Utf8, IllFormedSequences) {
  LONGS_EQUAL(0, utf8_sequence_length(""));
  LONGS_EQUAL(0, utf8_sequence_length("\x80"));              // continuation byte first
  LONGS_EQUAL(0, utf8_sequence_length("\xC0\x80"));          // overlong
  LONGS_EQUAL(0, utf8_sequence_length("\xC1\xBF"));          // overlong
  LONGS_EQUAL(0, utf8_sequence_length("\xE0\x9F\xBF"));      // overlong
  LONGS_EQUAL(0, utf8_sequence_length("\xED\xA0\x80"));      // surrogate U+D800
  LONGS_EQUAL(0, utf8_sequence_length("\xF0\x8F\xBF\xBF"));  // overlong
  LONGS_EQUAL(0, utf8_sequence_length("\xF4\x90\x80\x80"));  // U+110000
  LONGS_EQUAL(0, utf8_sequence_length("\xF5\x80\x80\x80"));
  LONGS_EQUAL(0, utf8_sequence_length("\xFF"));
  LONGS_EQUAL(0, utf8_sequence_length("\xC3"));              // cut short
  LONGS_EQUAL(0, utf8_sequence_length("\xE2\x82"));          // cut short
  LONGS_EQUAL(0, utf8_sequence_length("\xC3\x28"));          // not a continuation
  LONGS_EQUAL(0, utf8_sequence_length("\xE2\x82\x28"));      // third byte not one
  LONGS_EQUAL(0, utf8_sequence_length("\xF0\x9F\x98\x28"));  // fourth byte not one
  LONGS_EQUAL(0, utf8_sequence_length("\xE2\x82\xC0"));      // third byte above the range
  LONGS_EQUAL(0, utf8_sequence_length("\xF0\x9F\x98\xC0"));  // fourth byte above it
  // The view ends inside the sequence: the bytes beyond it are not looked at.
  LONGS_EQUAL(0, utf8_sequence_length(std::string_view("\xC3\xA9", 1)));
  LONGS_EQUAL(0, utf8_sequence_length(std::string_view("\xF0\x9F\x98\x80", 3)));
}
