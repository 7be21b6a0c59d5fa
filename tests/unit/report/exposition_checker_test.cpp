// SPDX-License-Identifier: Apache-2.0
// The test's exposition-format checker: valid text passes, and each rule it enforces
// refuses a text that breaks it.
#include <string>
#include <string_view>

#include <CppUTest/TestHarness.h>

#include "exposition_checker.hpp"

using portcullis::test::parse_exposition;

namespace {

constexpr std::string_view kValid =
    "# HELP a_total Things, with a \\\\ and a \\n.\n"
    "# TYPE a_total counter\n"
    "a_total 3\n"
    "# HELP b A gauge.\n"
    "# TYPE b gauge\n"
    "b{x=\"1\",y=\"q\\\"\\\\\\n\"} 1.5\n"
    "b{x=\"2\"} -2e3 1700000000000\n"
    "# HELP h A histogram.\n"
    "# TYPE h histogram\n"
    "h_bucket{le=\"+Inf\"} 1\n"
    "h_sum 2\n"
    "h_count 1\n";

void check_invalid(std::string_view text, std::string_view why_contains) {
  const auto r = parse_exposition(text);
  if (r.ok) {
    FAIL(("accepted: " + std::string(text)).c_str());
  }
  if (r.error.find(why_contains) == std::string::npos) {
    FAIL(
        ("refused for another reason: " + r.error + " (expected " + std::string(why_contains) + ")")
            .c_str());
  }
}

std::string with_family(std::string_view samples) {
  return "# HELP m M.\n# TYPE m gauge\n" + std::string(samples);
}

}  // namespace

TEST_GROUP(ExpositionChecker){};

TEST(ExpositionChecker, AcceptsValidTextAndParsesIt) {
  const auto r = parse_exposition(kValid);
  CHECK_TRUE_TEXT(r.ok, r.error.c_str());
  LONGS_EQUAL(3, r.families.size());
  STRCMP_EQUAL("Things, with a \\ and a \n.", r.families[0].help.c_str());
  STRCMP_EQUAL("counter", r.families[0].type.c_str());
  LONGS_EQUAL(6, r.samples.size());
  STRCMP_EQUAL("q\"\\\n", r.samples[1].label("y").c_str());
  STRCMP_EQUAL("-2e3", r.samples[2].value.c_str());
  CHECK(r.find("b", {{"x", "2"}}) != nullptr);
  CHECK(r.find("b", {}) == nullptr);  // two samples match: not one
  LONGS_EQUAL(2, r.of("b").size());
}

TEST(ExpositionChecker, RefusesBadLines) {
  check_invalid("", "empty document");
  check_invalid("# HELP m M.\n# TYPE m gauge\nm 1", "line feed");
  check_invalid(with_family("m 1\n\n"), "empty line");
  check_invalid(with_family("m 1\r\n"), "carriage return");
  check_invalid(with_family("m{x=\"\x1B[2J\"} 1\n"), "control character");
  check_invalid(with_family(std::string("m{x=\"a\0b\"} 1\n", 13)), "control character");
  check_invalid("# HELP m M\x7F.\n", "control character");
  check_invalid("# a comment\n", "comment other");
  check_invalid(with_family("m 1\xFF\n"), "UTF-8");
}

TEST(ExpositionChecker, RefusesBadNamesLabelsAndValues) {
  check_invalid("# HELP 1m M.\n", "bad metric name");
  check_invalid(with_family("m{1x=\"a\"} 1\n"), "bad label name");
  check_invalid(with_family("m{__x=\"a\"} 1\n"), "bad label name");
  check_invalid(with_family("m{x=a} 1\n"), "'=\"' expected");
  check_invalid(with_family("m{x=\"a} 1\n"), "unterminated");
  check_invalid(with_family("m{x=\"\\t\"} 1\n"), "bad escape");
  check_invalid(with_family("m{x=\"a\",} 1\n"), "bad label name");
  check_invalid(with_family("m{x=\"a\",x=\"b\"} 1\n"), "twice");
  check_invalid(with_family("m{x=\"a\" y=\"b\"} 1\n"), "',' or '}'");
  check_invalid(with_family("m  1\n"), "bad value");
  check_invalid(with_family("m 1.\n"), "bad value");
  check_invalid(with_family("m one\n"), "bad value");
  check_invalid(with_family("m 1 x\n"), "bad timestamp");
  check_invalid(with_family("m\n"), "one space");
  check_invalid("# HELP m M\\t.\n", "bad escape in HELP");
}

TEST(ExpositionChecker, RefusesFamiliesOutOfOrder) {
  check_invalid("m 1\n", "before its TYPE");
  check_invalid("# TYPE m gauge\nm 1\n", "before its HELP");
  check_invalid("# HELP m M.\n# HELP m M.\n", "second HELP");
  check_invalid("# TYPE m gauge\n# TYPE m gauge\n", "second TYPE");
  check_invalid("# HELP m M.\n# TYPE m meter\n", "unknown type");
  check_invalid(with_family("m 1\n# HELP m again\n"), "after its samples");
  check_invalid(with_family("m{a=\"1\"} 1\n# HELP n N.\n# TYPE n gauge\nm{a=\"2\"} 1\n"),
                "outside its family");
  check_invalid(with_family("m_total 1\n"), "before its TYPE");
}

TEST(ExpositionChecker, RefusesDuplicateSeriesWhateverTheLabelOrder) {
  check_invalid(with_family("m{a=\"1\",b=\"2\"} 1\nm{b=\"2\",a=\"1\"} 2\n"), "duplicate series");
  check_invalid(with_family("m 1\nm 2\n"), "duplicate series");
}
