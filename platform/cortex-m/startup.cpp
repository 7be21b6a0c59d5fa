// Reset handler and vector table for ARMv7-M. No vendor SDK: the table lists the 16
// core exceptions and a run of external interrupts, all weak so a board can claim one.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "portcullis/hal/fatal.hpp"

extern "C" {
extern std::uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
int main();

[[noreturn]] void portcullis_reset();
void portcullis_default_handler() {
  portcullis::hal::fatal("unexpected interrupt");
}
void portcullis_hard_fault() {
  portcullis::hal::fatal("hard fault");
}
void NMI_Handler() __attribute__((weak, alias("portcullis_default_handler")));
void HardFault_Handler() __attribute__((weak, alias("portcullis_hard_fault")));
void MemManage_Handler() __attribute__((weak, alias("portcullis_hard_fault")));
void BusFault_Handler() __attribute__((weak, alias("portcullis_hard_fault")));
void UsageFault_Handler() __attribute__((weak, alias("portcullis_hard_fault")));
void SVC_Handler() __attribute__((weak, alias("portcullis_default_handler")));
void DebugMon_Handler() __attribute__((weak, alias("portcullis_default_handler")));
void PendSV_Handler() __attribute__((weak, alias("portcullis_default_handler")));
void SysTick_Handler() __attribute__((weak, alias("portcullis_default_handler")));
}

namespace {

using Handler = void (*)();
constexpr std::size_t kExternalIrqs = 32;

struct VectorTable {
  std::uint32_t* initial_sp;
  Handler core[15];
  Handler external[kExternalIrqs];
};

}  // namespace

__attribute__((section(".isr_vector"), used)) const VectorTable portcullis_vectors = {
    &_estack,
    {
        portcullis_reset,
        NMI_Handler,
        HardFault_Handler,
        MemManage_Handler,
        BusFault_Handler,
        UsageFault_Handler,
        nullptr,
        nullptr,
        nullptr,
        nullptr,
        SVC_Handler,
        DebugMon_Handler,
        nullptr,
        PendSV_Handler,
        SysTick_Handler,
    },
    {
        portcullis_default_handler, portcullis_default_handler, portcullis_default_handler,
        portcullis_default_handler, portcullis_default_handler, portcullis_default_handler,
        portcullis_default_handler, portcullis_default_handler, portcullis_default_handler,
        portcullis_default_handler, portcullis_default_handler, portcullis_default_handler,
        portcullis_default_handler, portcullis_default_handler, portcullis_default_handler,
        portcullis_default_handler, portcullis_default_handler, portcullis_default_handler,
        portcullis_default_handler, portcullis_default_handler, portcullis_default_handler,
        portcullis_default_handler, portcullis_default_handler, portcullis_default_handler,
        portcullis_default_handler, portcullis_default_handler, portcullis_default_handler,
        portcullis_default_handler, portcullis_default_handler, portcullis_default_handler,
        portcullis_default_handler, portcullis_default_handler,
    },
};

extern "C" [[noreturn]] void portcullis_reset() {
  // Copy initialised data from flash, zero .bss, then run static constructors.
  const auto data_bytes = static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(&_edata) -
                                                   reinterpret_cast<std::uintptr_t>(&_sdata));
  std::memcpy(&_sdata, &_sidata, data_bytes);
  const auto bss_bytes = static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(&_ebss) -
                                                  reinterpret_cast<std::uintptr_t>(&_sbss));
  std::memset(&_sbss, 0, bss_bytes);
  // Trap integer divide by zero instead of computing 0. Unaligned access stays allowed:
  // ARMv7-M supports it and GCC emits it for packed protocol headers.
  constexpr std::uintptr_t kScbCcr = 0xE000ED14;
  *reinterpret_cast<volatile std::uint32_t*>(kScbCcr) |= 1u << 4;
  for (auto* ctor = __init_array_start; ctor != __init_array_end; ++ctor) {
    (*ctor)();
  }
  main();
  portcullis::hal::fatal("main returned");
}
