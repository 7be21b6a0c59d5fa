// SPDX-License-Identifier: Apache-2.0
// Reset handler and vector table for ARMv7-M. No vendor SDK: the table lists the 16
// core exceptions and a run of external interrupts, all weak so a board can claim one.
// Also the main stack's measurement (stack_use.hpp), whose paint the reset handler lays.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "portcullis/hal/fatal.hpp"
#include "portcullis/platform/stack_use.hpp"

extern "C" {
extern std::uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _sstack, _estack;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
int main();

[[noreturn]] void portcullis_reset();
[[noreturn]] void portcullis_start();
// Read by the reset handler's assembly, so the paint has one definition (kStackPaint).
extern const std::uint32_t portcullis_stack_paint;
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

__attribute__((used)) const std::uint32_t portcullis_stack_paint =
    portcullis::platform::kStackPaint;

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

// The reset vector: paints the stack region [_sstack, SP) with kStackPaint, then enters
// portcullis_start. Naked assembly because compiled code may put words on the stack from its
// first instruction; this puts none, so not one word in use is painted over (no margin
// needed). At reset SP is _estack (the table's first word): the whole region is painted. SP
// is clamped to _estack in case a bootloader jumps here on a stack of its own above it. Only
// instructions that ARMv6-M has too; interrupts are not yet enabled by anything.
extern "C" __attribute__((naked, noreturn)) void portcullis_reset() {
  __asm volatile(
      "  ldr r0, =_sstack\n"
      "  ldr r1, =_estack\n"
      "  mov r2, sp\n"
      "  cmp r2, r1\n"
      "  bhs 1f\n"
      "  mov r1, r2\n"  // the end: min(SP, _estack)
      "1:\n"
      "  ldr r2, =portcullis_stack_paint\n"
      "  ldr r2, [r2]\n"
      "2:\n"
      "  cmp r0, r1\n"
      "  bhs 3f\n"
      "  stmia r0!, {r2}\n"
      "  b 2b\n"
      "3:\n"
      "  ldr r0, =portcullis_start\n"
      "  bx r0\n"
      "  .ltorg\n");
}

extern "C" [[noreturn]] __attribute__((used)) void portcullis_start() {
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

namespace portcullis::platform {

StackUse stack_use() {
  const auto bytes = static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(&_estack) -
                                              reinterpret_cast<std::uintptr_t>(&_sstack));
  const std::span<const std::uint32_t> stack(&_sstack, bytes / sizeof(std::uint32_t));
  return {.size = stack.size_bytes(), .high_water = stack_high_water(stack)};
}

}  // namespace portcullis::platform
