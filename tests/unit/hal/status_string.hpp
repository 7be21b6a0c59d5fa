// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <CppUTest/SimpleString.h>

#include "portcullis/base/status.hpp"

// Lets CHECK_EQUAL print a Status by name. Global, beside CppUTest's own StringFrom overloads:
// declared in namespace portcullis it would hide them from tests written inside it.
inline SimpleString StringFrom(portcullis::Status status) {
  return SimpleString(portcullis::to_string(status));
}
