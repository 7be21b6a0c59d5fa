// SPDX-License-Identifier: Apache-2.0
// hal::Log: the one facade the agent's console lines go through.
#include <cstdint>
#include <string>
#include <string_view>

#include <CppUTest/TestHarness.h>

#include "portcullis/hal/log.hpp"

namespace {

class TextConsole final : public portcullis::hal::Console {
 public:
  std::string text;
  int writes = 0;

 private:
  void do_write(std::string_view t) override {
    text.append(t);
    ++writes;
  }
};

}  // namespace

TEST_GROUP(Log) {
  TextConsole console;
  portcullis::hal::Log log{console};
};

TEST(Log, ALineIsThePrefixThePartsAndALineFeed) {
  log.line("violation: ", "tcp ", std::uint16_t{4444}, " ", std::string_view("closed"));
  STRCMP_EQUAL("portcullis: violation: tcp 4444 closed\n", console.text.c_str());
}

TEST(Log, NumbersOfEveryUnsignedWidthInDecimal) {
  log.line(std::uint8_t{0}, " ", std::uint16_t{65535}, " ", std::uint32_t{4294967295u}, " ",
           std::uint64_t{18446744073709551615u});
  STRCMP_EQUAL("portcullis: 0 65535 4294967295 18446744073709551615\n", console.text.c_str());
}

TEST(Log, ABannerHasNoPrefix) {
  log.banner("portcullis 1.2.3 on ", "qemu-mps2-an385");
  STRCMP_EQUAL("portcullis 1.2.3 on qemu-mps2-an385\n", console.text.c_str());
}

TEST(Log, NoPartsIsThePrefixAlone) {
  log.line();
  STRCMP_EQUAL("portcullis: \n", console.text.c_str());
}

TEST(Log, EachPartGoesStraightToTheConsoleWithoutABuffer) {
  log.line("a", "b", 7u);
  LONGS_EQUAL(5, console.writes);  // prefix, three parts, line feed
}
