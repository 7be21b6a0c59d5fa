#include "verdict.hpp"

#include <algorithm>

namespace portcullis::fleet {

Verdict judge(const PollResult& r, std::string_view expected_digest) {
  Verdict v;
  if (!r.answered) {
    v.problems.push_back(r.error);
    return v;
  }
  const Value* counters = r.doc.get("counters");
  const double violations_total =
      std::max(r.doc.num("violations_total"), counters ? counters->num("violations_total") : 0);
  std::size_t rogue = 0;
  for (const auto& l : r.doc.list("listening")) {
    if (!is_true(l.get("allowed"))) ++rogue;
  }
  if (violations_total > 0 || !r.doc.list("violations").empty() || rogue > 0) {
    v.violation = true;
    v.problems.push_back("violation reported (" + std::to_string(r.doc.list("violations").size()) +
                         " recorded, " + std::to_string(rogue) + " listener(s) not allowed)");
  }
  if (!expected_digest.empty()) {
    const Value* policy = r.doc.get("policy");
    v.digest_match = policy && policy->str("digest", "") == expected_digest;
    if (!*v.digest_match) v.problems.push_back("policy digest MISMATCH");
  }
  v.ok = v.problems.empty();
  return v;
}

int exit_status(std::span<const Verdict> verdicts) {
  if (verdicts.empty()) return kExitUsage;
  const bool all_ok =
      std::all_of(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return v.ok; });
  return all_ok ? kExitOk : kExitFail;
}

}  // namespace portcullis::fleet
