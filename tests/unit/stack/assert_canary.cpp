// SPDX-License-Identifier: Apache-2.0
// On the device an lwIP assertion reports the address of the failed check, not its text
// (platform/lwip/include/arch/cc.h): this program makes one from a function of its own and
// checks, in the fatal report, that the address lies inside that function. It exits 0 only
// from there; a wrong or missing address aborts (fatal()'s own ending).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lwip/arch.h"
#include "portcullis/hal/fatal.hpp"

namespace {

[[gnu::noinline]] void failing_check() {
  portcullis_lwip_assert_at();
}

class Checker final : public portcullis::hal::Console {
 private:
  void do_write(std::string_view text) override {
    constexpr std::string_view kLead = "lwIP assertion at 0x";
    if (text.substr(0, kLead.size()) != kLead) {
      return;  // "portcullis: FATAL: " and the line end
    }
    const std::string hex(text.substr(kLead.size()));
    const std::uint32_t reported =
        static_cast<std::uint32_t>(std::strtoul(hex.c_str(), nullptr, 16));
    const auto start = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(&failing_check));
    const bool inside = hex.size() == 8 && reported > start && reported - start < 64;
    std::printf("reported 0x%s, failing_check at 0x%08x: %s\n", hex.c_str(),
                static_cast<unsigned>(start), inside ? "inside" : "NOT inside");
    std::fflush(stdout);
    if (inside) {
      std::_Exit(0);
    }
  }
};

}  // namespace

int main() {
  static Checker checker;
  portcullis::hal::set_fatal_console(&checker);
  failing_check();
}
