// SPDX-License-Identifier: Apache-2.0
// The agent's C interface (include/portcullis/agent.h): one Agent attached to the firmware's
// lwIP, over the firmware's clock, console and seed record given as C functions and memory.
// Compiled in the firmware's own target (Portcullis::agent). Nothing is constructed before
// portcullis_agent_prepare() (no static constructors: a firmware that links the agent and uses
// only the C++ class pays no RAM for this one).
#include "portcullis/agent.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <string_view>

#include "portcullis/app/agent.hpp"
#include "portcullis/platform/seed_record.hpp"
#include "portcullis/platform/stack_use.hpp"
#include "portcullis/report/json.hpp"
#include "portcullis/stack/input_filter.hpp"
#include "portcullis/stack/lwip_context.hpp"

namespace {

class CClock final : public portcullis::hal::Clock {
 public:
  explicit CClock(std::uint64_t (*now_fn)(void)) : now_(now_fn) {}

 private:
  std::uint64_t do_now_ms() const override { return now_(); }
  std::uint64_t (*now_)(void);
};

class CConsole final : public portcullis::hal::Console {
 public:
  explicit CConsole(void (*write_fn)(const char*, std::size_t)) : write_(write_fn) {}

 private:
  void do_write(std::string_view text) override { write_(text.data(), text.size()); }
  void (*write_)(const char*, std::size_t);
};

// Storage for objects made at prepare(), aligned for them, never destroyed (the agent lives as
// long as the firmware).
template <typename T>
struct Slot {
  alignas(T) std::byte bytes[sizeof(T)];
};
Slot<CClock> clock_slot;
Slot<CConsole> console_slot;
Slot<portcullis::platform::SeedRecordStore> seed_slot;
Slot<portcullis::app::Agent> agent_slot;
portcullis::app::Agent* agent = nullptr;

}  // namespace

extern "C" {

int portcullis_agent_prepare(const struct portcullis_agent_config* config) {
  if (agent != nullptr || config == nullptr || config->now_ms == nullptr ||
      config->console_write == nullptr) {
    return -1;
  }
  const CClock* clock =
      std::construct_at(reinterpret_cast<CClock*>(clock_slot.bytes), config->now_ms);
  CConsole* console =
      std::construct_at(reinterpret_cast<CConsole*>(console_slot.bytes), config->console_write);
  portcullis::app::EntropySources entropy;
  if (config->seed_record != nullptr &&
      config->seed_record_size == portcullis::platform::kSeedRecordBytes) {
    entropy.seed =
        std::construct_at(reinterpret_cast<portcullis::platform::SeedRecordStore*>(seed_slot.bytes),
                          std::span<std::uint8_t, portcullis::platform::kSeedRecordBytes>(
                              config->seed_record, portcullis::platform::kSeedRecordBytes));
  }
  agent = std::construct_at(reinterpret_cast<portcullis::app::Agent*>(agent_slot.bytes), *clock,
                            *console, entropy);
  const std::string_view board =
      config->board_name != nullptr ? std::string_view(config->board_name) : "firmware";
  const std::span<const std::uint8_t> identity =
      config->identity != nullptr
          ? std::span<const std::uint8_t>(config->identity, config->identity_size)
          : std::span<const std::uint8_t>();
  return portcullis::ok(agent->prepare(board, identity)) ? 0 : -1;
}

int portcullis_agent_attach(struct netif* netif) {
  if (agent == nullptr || netif == nullptr) {
    return -1;
  }
  return portcullis::ok(agent->attach(*netif)) ? 0 : -1;
}

void portcullis_agent_poll(void) {
  if (agent != nullptr) {
    agent->poll();
  }
}

size_t portcullis_agent_status_json(char* buffer, size_t size) {
  if (agent == nullptr || buffer == nullptr || size == 0) {
    return 0;
  }
  portcullis::report::StatusSnapshot snapshot;
  portcullis::report::Counters counters;
  // The snapshot views the agent's records: written out before lwIP may change them.
  const portcullis::stack::LwipContext in_lwip;
  agent->snapshot(snapshot, counters);
  const portcullis::StatusWithSize written =
      portcullis::report::write_status_json(snapshot, std::span<char>(buffer, size - 1));
  if (!portcullis::ok(written.status)) {
    buffer[0] = '\0';
    return 0;
  }
  buffer[written.size] = '\0';
  return written.size;
}

void portcullis_agent_sent_frame(const uint8_t* frame, size_t length) {
  if (portcullis::stack::InputFilter* f = portcullis::stack::input_filter(); f != nullptr) {
    f->sent_frame(std::span<const std::uint8_t>(frame, length));
  }
}

int portcullis_agent_screen_frame(const uint8_t* frame, size_t length, const struct netif* netif) {
  portcullis::stack::InputFilter* const f = portcullis::stack::input_filter();
  if (f == nullptr || frame == nullptr) {
    return 0;
  }
  const portcullis::stack::LwipContext in_lwip;
  return f->screen_frame(std::span<const std::uint8_t>(frame, length), netif) ? 1 : 0;
}

}  // extern "C"

// How much of its stack the firmware used: a firmware that knows defines its own
// portcullis::platform::stack_use(); without one the status reports 0 (not measured).
__attribute__((weak)) portcullis::platform::StackUse portcullis::platform::stack_use() {
  return {};
}
