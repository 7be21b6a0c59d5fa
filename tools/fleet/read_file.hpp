#pragma once
// A whole file's bytes for the fleet tool (policies, host lists, certificates and keys), or why
// not in one phrase: a missing or unreadable file, a directory, a read error. With stdio: an
// ifstream's reader throws on a directory (the tool aborted with exit 134).

#include <optional>
#include <string>

namespace portcullis::fleet {

// FILE's bytes; nullopt and `error` = "FILE: cannot read: REASON" when there are none.
std::optional<std::string> read_file(const std::string& path, std::string& error);

}  // namespace portcullis::fleet
