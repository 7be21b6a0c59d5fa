// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness: the identity record parser (firmware/identity/record.hpp), which reads
// whatever is in the device's reserved region (or a host's file) at every boot.
//
// Input: the region's bytes, as is.
//
// Invariants:
// - a valid record's views lie inside the input, its device id and text settings are what
//   the writer accepts, and the device id is NUL-terminated in place;
// - writing the parsed identity again and parsing that gives the same identity (a fixed point
//   of the writer, whatever order or padding the input had).

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz_input.hpp"
#include "portcullis/identity/record.hpp"

namespace {

namespace id = portcullis::identity;

bool inside(std::span<const std::uint8_t> view, std::span<const std::uint8_t> input) {
  return view.empty() ||
         (view.data() >= input.data() && view.data() + view.size() <= input.data() + input.size());
}

bool same(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

void run(std::span<const std::uint8_t> input) {
  const id::ParsedRecord parsed = id::parse_record(input);
  if (parsed.state != id::RecordState::kValid) {
    return;
  }
  const id::Identity& got = parsed.identity;
  const auto bytes = [](std::string_view s) {
    return std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  };
  FUZZ_CHECK(inside(got.certificate, input) && inside(got.key, input) && inside(got.ca, input) &&
             inside(bytes(got.device_id), input) && inside(bytes(got.broker), input) &&
             inside(bytes(got.time_server), input) && inside(got.mac, input));
  FUZZ_CHECK(got.mac.empty() || (got.mac.size() == 6 && (got.mac[0] & 1) == 0));
  FUZZ_CHECK(got.device_id.data()[got.device_id.size()] == '\0');
  static std::array<std::uint8_t, id::kRegionBytes> again;
  const portcullis::StatusWithSize w = id::write_record(got, again);
  FUZZ_CHECK(portcullis::ok(w.status));
  const id::ParsedRecord back = id::parse_record(std::span(again).first(w.size));
  FUZZ_CHECK(back.state == id::RecordState::kValid);
  const id::Identity& b = back.identity;
  FUZZ_CHECK(b.device_id == got.device_id && b.broker == got.broker &&
             b.time_server == got.time_server && same(b.certificate, got.certificate) &&
             same(b.key, got.key) && same(b.ca, got.ca) && same(b.mac, got.mac));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  run(std::span<const std::uint8_t>(data, size));
  return 0;
}
