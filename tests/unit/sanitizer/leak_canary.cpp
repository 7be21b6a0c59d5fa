// SPDX-License-Identifier: Apache-2.0
// Proves that LeakSanitizer runs in the host test build: this program loses a heap block on
// purpose, and CTest passes it only when LeakSanitizer reports the leak. If a change to the
// build or the test environment turned leak detection off, this test fails, not silently
// every leak in the other tests.
#include <cstdio>
#include <cstdlib>

int main() {
  void* volatile block = std::malloc(48);  // volatile: the compiler may not drop the call
  std::printf("allocated %p and lost it\n", block);
  block = nullptr;
  return 0;
}
