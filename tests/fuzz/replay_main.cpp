// SPDX-License-Identifier: Apache-2.0
// Runs a harness over files and folders of inputs without libFuzzer, so that the host build
// (GCC, ASan + UBSan) can replay the committed corpus in CTest. Each input goes to the
// harness in a malloc'd buffer of exactly its size, as libFuzzer hands it, so that
// AddressSanitizer sees a read one byte past it. Exit status 0 when every input ran.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_input.hpp"

namespace {

bool run_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  // malloc(0) may return null; the harness gets a valid pointer for an empty input too.
  auto* copy = static_cast<std::uint8_t*>(std::malloc(std::max<std::size_t>(bytes.size(), 1)));
  if (copy == nullptr) {
    return false;
  }
  if (!bytes.empty()) {
    std::memcpy(copy, bytes.data(), bytes.size());
  }
  std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(), bytes.size());
  LLVMFuzzerTestOneInput(copy, bytes.size());
  std::free(copy);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE|FOLDER...\n", argv[0]);
    return 2;
  }
  std::size_t runs = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        if (entry.is_regular_file()) {
          files.push_back(entry.path());
        }
      }
      std::sort(files.begin(), files.end());
      if (files.empty()) {
        std::fprintf(stderr, "replay: %s holds no inputs\n", argv[i]);
        return 1;
      }
    } else {
      files.push_back(arg);
    }
    for (const auto& f : files) {
      if (!run_file(f)) {
        return 1;
      }
      ++runs;
    }
  }
  std::fprintf(stderr, "replay: %zu inputs, every invariant held\n", runs);
  return 0;
}
