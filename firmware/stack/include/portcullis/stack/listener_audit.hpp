// SPDX-License-Identifier: Apache-2.0
#pragma once
// The listener audit: finds listeners lwIP has open on ports the policy does not allow (a
// bug, a debug service left in, a compromised component) and closes or reports them. The
// input filter already hides such a port from the network; the audit removes the listener
// itself and leaves a record the management host can see.

#include <cstddef>
#include <cstdint>
#include <span>

#include "lwip/opt.h"
#include "portcullis/policy/table.hpp"
#include "portcullis/stack/audit_logic.hpp"
#include "portcullis/stack/settings.hpp"

namespace portcullis::stack {

enum class Enforcement : std::uint8_t { kClose, kReportOnly };

// The build's enforcement, period and log size: stack/settings.hpp.
inline constexpr Enforcement kAuditEnforcement =
    kAuditClose ? Enforcement::kClose : Enforcement::kReportOnly;

// Every PCB an audit can meet: lwIP's static pools bound both lists, hence the audit's cost.
inline constexpr std::size_t kMaxAuditedPcbs = MEMP_NUM_TCP_PCB_LISTEN + MEMP_NUM_UDP_PCB;
inline constexpr std::size_t kMaxListeners = kMaxAuditedPcbs;

using AuditLog = ViolationLog<kAuditLogSize, kMaxAuditedPcbs>;

// poll() and audit_now() enter lwIP's context themselves (lwip_context.hpp: nothing with
// NO_SYS=1, lwIP's core lock with NO_SYS=0): call them from the loop or any task, never with
// the core lock held or from an lwIP callback. listeners(), violations() and audits() read
// without a lock: call them in lwIP's context (the status snapshot runs there), or, for the
// log and the count, from the task that polls. No heap.
class ListenerAudit {
 public:
  // The table `policy` views must outlive the audit. The firmware passes policy::kPolicyTable
  // and keeps the build's enforcement; tests pass their own policy's table and choose.
  explicit ListenerAudit(policy::Table policy, Enforcement enforcement = kAuditEnforcement)
      : policy_(policy), enforcement_(enforcement) {}
  ListenerAudit(const ListenerAudit&) = delete;
  ListenerAudit& operator=(const ListenerAudit&) = delete;

  // Call every loop turn (or every few ms from a task). Audits when kAuditPeriodMs has passed since
  // the last audit, or at once when the lists' fingerprint changed: a PCB added to or removed from
  // the TCP listen list or the UDP list, a UDP PCB rebound to another port or (dis)connected.
  // Between audits it only walks the lists (at most kMaxAuditedPcbs PCBs).
  void poll(std::uint64_t now_ms);

  // Audits now, whatever the schedule (the agent's start, once the services are open).
  void audit_now(std::uint64_t now_ms);

  // The listeners lwIP has right now (TCP listen PCBs, then bound unconnected UDP PCBs,
  // each list newest first), allowed or not; returns how many it wrote (<= out.size()).
  // An `out` of kMaxListeners entries always holds them all.
  std::size_t listeners(std::span<report::Listener> out) const;

  const AuditLog& violations() const { return log_; }
  std::uint64_t audits() const { return audits_; }

  // Writes the audit's part of the status: the listeners now (as many as the snapshot
  // holds), the most recent violations (oldest first) and their total since boot.
  void report(report::StatusSnapshot& s) const;

 private:
  void run(std::uint64_t now_ms, std::span<const PcbEntry> pcbs);

  const policy::Table policy_;
  Enforcement enforcement_;
  AuditSchedule schedule_{kAuditPeriodMs};
  AuditLog log_;
  std::uint64_t audits_ = 0;
};

}  // namespace portcullis::stack
