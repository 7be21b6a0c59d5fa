// SPDX-License-Identifier: Apache-2.0
#pragma once
// The `/v1/status` document (and the MQTT status payload): JSON written into a caller's
// fixed buffer by a bounded writer. Field names are the contract of ARCHITECTURE.md
// ("Status endpoint"); the whole layout is in firmware/report/README.md.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "portcullis/report/status.hpp"
#include "portcullis/report/text_sink.hpp"

namespace portcullis::report {

inline constexpr std::string_view kJsonContentType = "application/json";

// MAJOR.MINOR of the status and event documents (docs/schema/*.schema.json): the first
// member of each, "schema_version". A minor version only adds members; anything else is a
// new major version (docs/status.md, "Compatibility").
inline constexpr std::string_view kSchemaVersion = "1.0";

// Writes JSON text (RFC 8259) into a fixed buffer: commas and nesting are its business,
// strings are escaped (quote, backslash, every control character; ill-formed UTF-8 becomes
// U+FFFD, so the output is always valid UTF-8). Text that does not fit is counted, not
// written. Misuse (a key outside an object, a value without its key, unbalanced or deeper
// than kMaxDepth nesting) writes nothing further and makes well_formed() false.
class JsonWriter {
 public:
  static constexpr std::size_t kMaxDepth = 8;

  explicit JsonWriter(std::span<char> out, std::size_t skip = 0) : sink_(out, skip) {}

  void begin_object() { open('{', true); }
  void end_object() { close('}', true); }
  void begin_array() { open('[', false); }
  void end_array() { close(']', false); }
  void key(std::string_view name);
  void string(std::string_view value);
  void number(std::uint64_t value);
  void boolean(bool value);

  void member_string(std::string_view name, std::string_view value) {
    key(name);
    string(value);
  }
  void member_number(std::string_view name, std::uint64_t value) {
    key(name);
    number(value);
  }
  void member_bool(std::string_view name, bool value) {
    key(name);
    boolean(value);
  }

  // Length of the whole text so far, written or not.
  std::size_t size() const { return sink_.size(); }
  std::size_t stored() const { return sink_.stored(); }
  // The text so far is entirely in the buffer.
  bool complete() const { return sink_.complete(); }
  // One complete value, every container closed, no misuse.
  bool well_formed() const { return !misused_ && depth_ == 0 && values_at_top_ == 1; }

 private:
  bool before_value();  // false on misuse
  void open(char bracket, bool object);
  void close(char bracket, bool object);

  TextSink sink_;
  std::uint32_t object_bits_ = 0;     // bit d: the container at depth d+1 is an object
  std::uint32_t non_empty_bits_ = 0;  // bit d: it has an element (a comma comes next)
  std::size_t depth_ = 0;
  std::size_t values_at_top_ = 0;
  bool after_key_ = false;
  bool misused_ = false;
};
static_assert(JsonWriter::kMaxDepth <= 32, "depth bits are kept in a std::uint32_t");

// The status document of `s`, as in firmware/report/README.md. Each call encodes it anew,
// so the snapshot must not change between a size call and the write that follows.
//
// status_json_size: kOk and the document's length (for Content-Length);
//   kInvalidArgument and 0 when `s.policy` or `s.counters` is null.
// write_status_json: kOk and the length written when it fits; kResourceExhausted and the
//   length needed when not (the buffer then holds no usable document: never send it);
//   kInvalidArgument as above.
// write_status_json_slice: bytes [offset, offset + out.size()) of the document into `out`;
//   kOk and how many were written (fewer than out.size() only at the end), to stream the
//   document through a small buffer.
[[nodiscard]] StatusWithSize status_json_size(const StatusSnapshot& s);
[[nodiscard]] StatusWithSize write_status_json(const StatusSnapshot& s, std::span<char> out);
[[nodiscard]] StatusWithSize write_status_json_slice(const StatusSnapshot& s, std::size_t offset,
                                                     std::span<char> out);

// For a buffer that cannot grow (the MQTT status payload): write_status_json, and while the
// document does not fit, the snapshot's recent lists are shortened and it is written again:
// `recent_blocked`, then `scanners`, then `violations`, each halved down to none, their
// newest entries kept. Totals, counters and every other member stay whole, so the document
// still tells the truth, only fewer of the latest entries. `left_out`: entries taken out of
// `s` (0: the whole document). kResourceExhausted when it does not fit even with those
// lists empty (they are left empty).
struct FittedStatus {
  StatusWithSize encoded;
  std::size_t left_out = 0;
};
[[nodiscard]] FittedStatus write_status_json_fitted(StatusSnapshot& s, std::span<char> out);
// The same shortening without writing: `s` is cut until its document is at most `max_size`
// bytes; `encoded` holds the document's size (or kResourceExhausted as above). For a writer
// that streams the document (write_status_json_slice) rather than holding it.
[[nodiscard]] FittedStatus fit_status_json(StatusSnapshot& s, std::size_t max_size);

}  // namespace portcullis::report
