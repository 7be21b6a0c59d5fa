// SPDX-License-Identifier: Apache-2.0
#include <CppUTest/TestHarness.h>

#include <unistd.h>

#include <array>
#include <cstdint>
#include <ctime>

#include "portcullis/platform/posix.hpp"

TEST_GROUP(PosixClock){};

TEST(PosixClock, StartsNearZeroAndFollowsRealTime) {
  portcullis::platform::PosixClock clock;
  CHECK(clock.now_ms() < 50);
  timespec ts{0, 30'000'000};
  nanosleep(&ts, nullptr);
  const std::uint64_t t = clock.now_ms();
  CHECK(t >= 30);
  CHECK(t < 1000);
  CHECK(clock.now_ms() >= t);
}

TEST_GROUP(PosixEntropy){};

TEST(PosixEntropy, FillsTheWholeBufferWithBytesThatDiffer) {
  portcullis::platform::PosixEntropy entropy;
  std::array<std::uint8_t, 64> a{};
  std::array<std::uint8_t, 64> b{};
  CHECK(portcullis::ok(entropy.fill(a)));
  CHECK(portcullis::ok(entropy.fill(b)));
  CHECK(a != b);
  int zeros = 0;
  for (auto v : a) {
    zeros += v == 0 ? 1 : 0;
  }
  CHECK(zeros < 16);  // 64 random bytes are not mostly zero
}

TEST_GROUP(FdConsole){};

TEST(FdConsole, WritesEveryByteToItsDescriptor) {
  int fds[2];
  LONGS_EQUAL(0, pipe(fds));
  portcullis::platform::FdConsole console(fds[1]);
  console.write("boot ");
  console.write("ok\n");
  close(fds[1]);
  char buf[16] = {};
  LONGS_EQUAL(8, read(fds[0], buf, sizeof buf));
  STRCMP_EQUAL("boot ok\n", buf);
  close(fds[0]);
}
