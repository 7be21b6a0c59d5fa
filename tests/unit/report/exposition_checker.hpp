// SPDX-License-Identifier: Apache-2.0
#pragma once
// A line-by-line checker of the Prometheus text exposition format 0.0.4, stricter than
// Prometheus itself where our encoder has no reason to use the freedom: every family has
// one `# HELP` and one `# TYPE`, both before its samples, and its samples form one group;
// no other comments, no empty lines, no carriage returns or other control characters but
// tab, no duplicate series; the text is valid UTF-8 and ends with a line feed. Test code
// only: it allocates.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portcullis::test {

struct MetricSample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;  // in order, values unescaped
  std::string value;                                        // as written

  // The value of label `name`, or "<none>".
  std::string label(std::string_view label_name) const;
};

struct MetricFamily {
  std::string name;
  std::string type;
  std::string help;  // unescaped
};

struct Exposition {
  bool ok = false;
  std::string error;  // what was wrong, with the line number
  std::vector<MetricFamily> families;
  std::vector<MetricSample> samples;

  // Samples of family `name`.
  std::vector<MetricSample> of(std::string_view name) const;
  // The one sample of `name` whose labels include all of `labels`; nullptr if none or several.
  const MetricSample* find(std::string_view name,
                           const std::vector<std::pair<std::string, std::string>>& labels) const;
};

Exposition parse_exposition(std::string_view text);

}  // namespace portcullis::test
