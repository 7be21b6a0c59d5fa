// SPDX-License-Identifier: Apache-2.0
#include "verdict.hpp"

#include <algorithm>

#include "report.hpp"

namespace portcullis::fleet {
namespace {

// What every status document has (ARCHITECTURE.md, "Status endpoint"). Without it "no
// violations" would be read from a document that never said so: `{}` is not a healthy device.
std::string missing_fields(const Value& doc) {
  using K = Value::Kind;
  const auto has = [](const Value* v, K kind) { return v != nullptr && v->kind == kind; };
  std::string missing;
  const auto need = [&missing](bool present, const char* name) {
    if (!present) missing += std::string(missing.empty() ? "" : ", ") + name;
  };
  const Value* device = doc.get("device");
  const Value* policy = doc.get("policy");
  need(has(device, K::kObject) && has(device->get("id"), K::kString), "device.id");
  need(has(policy, K::kObject) && has(policy->get("digest"), K::kString), "policy.digest");
  need(has(doc.get("listening"), K::kArray), "listening");
  need(has(doc.get("counters"), K::kObject), "counters");
  need(has(doc.get("violations"), K::kArray), "violations");
  return missing;
}

}  // namespace

bool lab_firmware(std::string_view version) {
  const std::size_t plus = version.find('+');
  if (plus == std::string_view::npos) return false;
  std::string_view tags = version.substr(plus + 1);
  for (;;) {
    const std::size_t dot = tags.find('.');
    if (tags.substr(0, dot) == "lab") return true;
    if (dot == std::string_view::npos) return false;
    tags.remove_prefix(dot + 1);
  }
}

Verdict judge(const PollResult& r, std::string_view expected_digest, LabImages lab_images) {
  Verdict v;
  v.answered = r.answered;
  if (!r.answered) {
    v.problems.push_back(r.error);
    return v;
  }
  if (const std::string missing = missing_fields(r.doc); !missing.empty()) {
    v.problems.push_back("not a status document (no " + missing + ")");
  }
  // Schema 1.x (docs/status.md): a minor version only adds members, which this reader
  // ignores; another major version may mean something else by the same names. Firmware
  // before schema 1.0 sent no schema_version.
  if (const Value* version = r.doc.get("schema_version"); version != nullptr) {
    const std::string text = version->kind == Value::Kind::kString ? version->string : "";
    if (text.rfind(kSchemaMajor, 0) != 0) {
      v.problems.push_back("schema_version '" + printable(text) + "' is not one this tool reads (" +
                           std::string(kSchemaMajor) + "x)");
    }
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
  if (const Value* device = r.doc.get("device"); device != nullptr) {
    const std::string firmware = device->str("firmware", "");
    v.lab_image = lab_firmware(firmware);
    if (v.lab_image && lab_images == LabImages::kFinding) {
      v.problems.push_back("lab image (firmware " + printable(firmware) +
                           "): the lab's services and test hook, not for a device");
    }
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
  const auto finding = [](const Verdict& v) { return v.answered && !v.ok; };
  const auto silent = [](const Verdict& v) { return !v.answered; };
  if (std::any_of(verdicts.begin(), verdicts.end(), finding)) return kExitViolation;
  if (std::any_of(verdicts.begin(), verdicts.end(), silent)) return kExitUnreachable;
  return kExitOk;
}

}  // namespace portcullis::fleet
