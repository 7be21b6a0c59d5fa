// SPDX-License-Identifier: Apache-2.0
#pragma once
// A whole file's bytes for the host tools (portcullis-policy, portcullis-fleet), "-" for standard
// input, or why not in one phrase: a missing or unreadable file, a directory, a read error. With stdio: an ifstream's
// reader throws on a directory (both tools aborted with exit 134). Header-only: the policy tool
// is also compiled on its own at configure time (cmake/policy.cmake).

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

namespace portcullis::tools {

// Standard input as a file ("-"): at most this much, read once per process.
inline constexpr std::size_t kMaxStdin = 16 * 1024 * 1024;

// FILE's bytes, or standard input's for "-"; nullopt and `error` = "FILE: cannot read: REASON"
// when there are none.
inline std::optional<std::string> read_file(const std::string& path, std::string& error) {
  if (path == "-") {
    static bool taken = false;  // a second "-" would read an empty stream
    if (taken) {
      error = "-: cannot read: standard input was read already";
      return std::nullopt;
    }
    taken = true;
    std::string text;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0) {
      text.append(buffer, n);
      if (text.size() > kMaxStdin) {
        error = "-: cannot read: standard input is larger than 16 MiB";
        return std::nullopt;
      }
    }
    if (std::ferror(stdin) != 0) {
      error = "-: cannot read: read error on standard input";
      return std::nullopt;
    }
    return text;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    error = path + ": cannot read: " + std::strerror(errno);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    error = path + ": cannot read: not a regular file";
    return std::nullopt;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = path + ": cannot read: " + std::strerror(errno);
    return std::nullopt;
  }
  std::string text;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) {
    text.append(buffer, n);
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) {
    error = path + ": cannot read: read error";
    return std::nullopt;
  }
  return text;
}

}  // namespace portcullis::tools
