// SPDX-License-Identifier: Apache-2.0
#pragma once
// lwIP's context: the only place lwIP's raw API, its PCB lists and the filter's records may
// be touched. With NO_SYS=1 that is the super-loop, and entering it costs nothing. With
// NO_SYS=0 (a tcpip thread, LWIP_TCPIP_CORE_LOCKING=1) it is lwIP's core lock: the tcpip
// thread holds it while it runs input, timers and callbacks, and any other task takes it
// here before it calls lwIP.
//
// The lock is not recursive: code already in lwIP's context (an lwIP callback, the input
// hooks, a function called from a LwipContext scope) must not enter it again.

#include <utility>

#include "lwip/opt.h"
#if !NO_SYS
#include "lwip/tcpip.h"
#endif

namespace portcullis::stack {

// true when lwIP runs in its own thread and callers must take the core lock.
inline constexpr bool kLwipThreaded = NO_SYS == 0;

#if !NO_SYS && !LWIP_TCPIP_CORE_LOCKING
#error \
    "Portcullis with NO_SYS=0 needs LWIP_TCPIP_CORE_LOCKING=1 (the audit walks PCB lists in place)"
#endif

// Holds lwIP's core lock for its scope (nothing with NO_SYS=1).
class [[nodiscard]] LwipContext {
 public:
  LwipContext() {
#if !NO_SYS
    LOCK_TCPIP_CORE();
#endif
  }
  ~LwipContext() {
#if !NO_SYS
    UNLOCK_TCPIP_CORE();
#endif
  }
  LwipContext(const LwipContext&) = delete;
  LwipContext& operator=(const LwipContext&) = delete;
};

// Runs `f` in lwIP's context and returns what it returns: a direct call with NO_SYS=1.
template <typename F>
decltype(auto) in_lwip_context(F&& f) {
  const LwipContext held;
  return std::forward<F>(f)();
}

}  // namespace portcullis::stack
