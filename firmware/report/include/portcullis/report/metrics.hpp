// SPDX-License-Identifier: Apache-2.0
#pragma once
// `/metrics`: the snapshot in the Prometheus text exposition format 0.0.4, every family
// named `portcullis_...`, written into a caller's fixed buffer by a bounded writer. The
// families and their labels are listed in firmware/report/README.md.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include "portcullis/report/status.hpp"
#include "portcullis/report/text_sink.hpp"

namespace portcullis::report {

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";
// Every family name starts with it; MetricsWriter adds it, so no series can lack it.
inline constexpr std::string_view kMetricPrefix = "portcullis_";

struct Label {
  std::string_view name;   // [a-zA-Z_][a-zA-Z0-9_]*, a constant of ours
  std::string_view value;  // any text: escaped; ill-formed UTF-8 and control characters
                           // other than tab and line feed replaced by U+FFFD
};

// Writes families (a `# HELP` and a `# TYPE` line) and their samples. The caller passes
// family names and label names that follow the format's grammar (they are constants); help
// texts and label values are escaped. Text that does not fit is counted, not written.
class MetricsWriter {
 public:
  enum class Type : std::uint8_t { kCounter, kGauge };

  explicit MetricsWriter(std::span<char> out, std::size_t skip = 0) : sink_(out, skip) {}

  // Starts family kMetricPrefix + `name`; the samples that follow belong to it.
  void family(std::string_view name, Type type, std::string_view help);
  void sample(std::initializer_list<Label> labels, std::uint64_t value);
  // A value in milliseconds written as seconds with three decimals ("12.345").
  void sample_millis_as_seconds(std::initializer_list<Label> labels, std::uint64_t millis);

  std::size_t size() const { return sink_.size(); }
  std::size_t stored() const { return sink_.stored(); }
  bool complete() const { return sink_.complete(); }

 private:
  void sample_head(std::initializer_list<Label> labels);

  TextSink sink_;
  std::string_view family_;
};

// The metrics of `s`; same calls and results as the JSON encoder (json.hpp):
// metrics_size for Content-Length, write_metrics for a whole buffer (kResourceExhausted and
// the size needed when it does not fit; never send that buffer), write_metrics_slice to
// stream it. kInvalidArgument when `s.policy` or `s.counters` is null.
[[nodiscard]] StatusWithSize metrics_size(const StatusSnapshot& s);
[[nodiscard]] StatusWithSize write_metrics(const StatusSnapshot& s, std::span<char> out);
[[nodiscard]] StatusWithSize write_metrics_slice(const StatusSnapshot& s, std::size_t offset,
                                                 std::span<char> out);

}  // namespace portcullis::report
