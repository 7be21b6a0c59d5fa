// SPDX-License-Identifier: Apache-2.0
#include "exposition_checker.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

#include "utf8_check.hpp"

namespace portcullis::test {

namespace {

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Raw in the text: the format has no escape for them, and a reader need not cope (tab is
// fine, line feeds end lines).
bool is_control(char c) {
  const auto u = static_cast<std::uint8_t>(c);
  return (u < 0x20 && c != '\t') || u == 0x7F;
}

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool is_metric_name(std::string_view s) {
  if (s.empty() || is_digit(s[0])) {
    return false;
  }
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return is_alpha(c) || is_digit(c) || c == '_' || c == ':'; });
}

// [a-zA-Z_][a-zA-Z0-9_]*, and names starting with "__" are reserved for Prometheus.
bool is_label_name(std::string_view s) {
  if (s.empty() || is_digit(s[0]) || s.substr(0, 2) == "__") {
    return false;
  }
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return is_alpha(c) || is_digit(c) || c == '_'; });
}

// A Go ParseFloat value as Prometheus writes them: integers, decimals, exponents, NaN, ±Inf.
bool is_sample_value(std::string_view s) {
  if (s == "NaN" || s == "+Inf" || s == "-Inf") {
    return true;
  }
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    ++i;
  }
  const std::size_t int_start = i;
  while (i < s.size() && is_digit(s[i])) {
    ++i;
  }
  if (i == int_start) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    const std::size_t frac_start = ++i;
    while (i < s.size() && is_digit(s[i])) {
      ++i;
    }
    if (i == frac_start) {
      return false;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
      ++i;
    }
    const std::size_t exp_start = i;
    while (i < s.size() && is_digit(s[i])) {
      ++i;
    }
    if (i == exp_start) {
      return false;
    }
  }
  return i == s.size();
}

// Help text escapes only backslash and line feed.
bool unescape_help(std::string_view s, std::string& out) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (++i == s.size()) {
      return false;
    }
    if (s[i] == '\\') {
      out += '\\';
    } else if (s[i] == 'n') {
      out += '\n';
    } else {
      return false;
    }
  }
  return true;
}

class Checker {
 public:
  Exposition run(std::string_view text) {
    if (text.empty()) {
      return failed(0, "empty document");
    }
    if (!is_utf8(text)) {
      return failed(0, "not valid UTF-8");
    }
    if (text.back() != '\n') {
      return failed(0, "does not end with a line feed");
    }
    std::size_t line_no = 0;
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      ++line_no;
      const std::string_view line = text.substr(start, end - start);
      start = end + 1;
      std::string why;
      if (line.empty()) {
        why = "empty line";
      } else if (line.find('\r') != std::string_view::npos) {
        why = "carriage return";
      } else if (std::any_of(line.begin(), line.end(), is_control)) {
        why = "control character";
      } else if (line[0] == '#') {
        why = comment(line);
      } else {
        why = sample(line);
      }
      if (!why.empty()) {
        return failed(line_no, why);
      }
    }
    result_.ok = true;
    return result_;
  }

 private:
  Exposition failed(std::size_t line_no, const std::string& why) {
    Exposition r;
    r.error = "line " + std::to_string(line_no) + ": " + why;
    return r;
  }

  MetricFamily* family(std::string_view name) {
    for (MetricFamily& f : result_.families) {
      if (f.name == name) {
        return &f;
      }
    }
    return nullptr;
  }

  std::string comment(std::string_view line) {
    const bool help = line.substr(0, 7) == "# HELP ";
    const bool type = line.substr(0, 7) == "# TYPE ";
    if (!help && !type) {
      return "a comment other than HELP or TYPE";
    }
    const std::string_view rest = line.substr(7);
    const std::size_t space = rest.find(' ');
    if (space == std::string_view::npos) {
      return "HELP/TYPE without its text";
    }
    const std::string name(rest.substr(0, space));
    const std::string_view text = rest.substr(space + 1);
    if (!is_metric_name(name)) {
      return "bad metric name '" + name + "'";
    }
    if (sampled_.count(name) != 0) {
      return "HELP/TYPE of '" + name + "' after its samples";
    }
    MetricFamily* f = family(name);
    if (f == nullptr) {
      result_.families.push_back(MetricFamily{name, "", ""});
      declared_help_.push_back(false);
      f = &result_.families.back();
    }
    const std::size_t index = static_cast<std::size_t>(f - result_.families.data());
    current_ = name;
    if (help) {
      if (declared_help_[index]) {
        return "second HELP for '" + name + "'";
      }
      declared_help_[index] = true;
      if (!unescape_help(text, f->help)) {
        return "bad escape in HELP of '" + name + "'";
      }
      return {};
    }
    if (!f->type.empty()) {
      return "second TYPE for '" + name + "'";
    }
    if (text != "counter" && text != "gauge" && text != "histogram" && text != "summary" &&
        text != "untyped") {
      return "unknown type '" + std::string(text) + "'";
    }
    f->type = text;
    return {};
  }

  // The family a sample name belongs to, given the family types seen so far.
  std::string family_of(const std::string& name) {
    if (const MetricFamily* f = family(name); f != nullptr && !f->type.empty()) {
      return name;
    }
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string_view s(suffix);
      if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
        std::string base = name.substr(0, name.size() - s.size());
        const MetricFamily* f = family(base);
        if (f != nullptr && (f->type == "histogram" || (f->type == "summary" && s != "_bucket"))) {
          return base;
        }
      }
    }
    return {};
  }

  std::string sample(std::string_view line) {
    MetricSample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') {
      ++i;
    }
    s.name = line.substr(0, i);
    if (!is_metric_name(s.name)) {
      return "bad metric name '" + s.name + "'";
    }
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (true) {
        const std::size_t name_start = i;
        while (i < line.size() && line[i] != '=') {
          ++i;
        }
        const std::string label_name(line.substr(name_start, i - name_start));
        if (!is_label_name(label_name)) {
          return "bad label name '" + label_name + "'";
        }
        if (line.substr(i, 2) != "=\"") {
          return "'=\"' expected after label name";
        }
        i += 2;
        std::string value;
        while (true) {
          if (i >= line.size()) {
            return "unterminated label value";
          }
          const char c = line[i++];
          if (c == '"') {
            break;
          }
          if (c != '\\') {
            value += c;
            continue;
          }
          const char e = i < line.size() ? line[i++] : '\0';
          if (e == '\\' || e == '"') {
            value += e;
          } else if (e == 'n') {
            value += '\n';
          } else {
            return "bad escape in label value";
          }
        }
        for (const auto& l : s.labels) {
          if (l.first == label_name) {
            return "label '" + label_name + "' twice";
          }
        }
        s.labels.emplace_back(label_name, value);
        if (i < line.size() && line[i] == ',') {
          ++i;
          continue;
        }
        if (i < line.size() && line[i] == '}') {
          ++i;
          break;
        }
        return "',' or '}' expected after a label";
      }
    }
    if (i >= line.size() || line[i] != ' ') {
      return "one space expected before the value";
    }
    const std::string_view rest = line.substr(i + 1);
    const std::size_t space = rest.find(' ');
    s.value = rest.substr(0, space);
    if (!is_sample_value(s.value)) {
      return "bad value '" + s.value + "'";
    }
    if (space != std::string_view::npos) {
      const std::string_view ts = rest.substr(space + 1);
      const std::string_view digits = ts.substr(!ts.empty() && ts[0] == '-' ? 1 : 0);
      if (digits.empty() || !std::all_of(digits.begin(), digits.end(), is_digit)) {
        return "bad timestamp";
      }
    }
    const std::string fam = family_of(s.name);
    if (fam.empty()) {
      return "sample '" + s.name + "' before its TYPE";
    }
    const MetricFamily* f = family(fam);
    if (!declared_help_[static_cast<std::size_t>(f - result_.families.data())]) {
      return "sample '" + s.name + "' before its HELP";
    }
    if (fam != current_) {
      return "sample '" + s.name + "' outside its family's group";
    }
    sampled_.insert(fam);
    auto sorted = s.labels;
    std::sort(sorted.begin(), sorted.end());
    std::string key = s.name + "{";
    for (const auto& l : sorted) {
      key += l.first + "=\"" + l.second + "\",";
    }
    if (!series_.insert(key).second) {
      return "duplicate series " + key + "}";
    }
    result_.samples.push_back(std::move(s));
    return {};
  }

  Exposition result_;
  std::vector<bool> declared_help_;
  std::set<std::string> sampled_;
  std::set<std::string> series_;
  std::string current_;
};

}  // namespace

std::string MetricSample::label(std::string_view label_name) const {
  for (const auto& l : labels) {
    if (l.first == label_name) {
      return l.second;
    }
  }
  return "<none>";
}

std::vector<MetricSample> Exposition::of(std::string_view name) const {
  std::vector<MetricSample> out;
  for (const MetricSample& s : samples) {
    if (s.name == name) {
      out.push_back(s);
    }
  }
  return out;
}

const MetricSample* Exposition::find(
    std::string_view name, const std::vector<std::pair<std::string, std::string>>& labels) const {
  const MetricSample* found = nullptr;
  for (const MetricSample& s : samples) {
    if (s.name != name) {
      continue;
    }
    const bool all = std::all_of(labels.begin(), labels.end(), [&s](const auto& want) {
      return s.label(want.first) == want.second;
    });
    if (all) {
      if (found != nullptr) {
        return nullptr;
      }
      found = &s;
    }
  }
  return found;
}

Exposition parse_exposition(std::string_view text) {
  return Checker().run(text);
}

}  // namespace portcullis::test
