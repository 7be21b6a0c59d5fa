// SPDX-License-Identifier: Apache-2.0
// A library user's firmware (cmake/library.cmake): no seed is built into the package, so TLS
// seeds only from the device's own seed store (TlsSetup::seed_store), or refuses.
#include "portcullis/platform/tls.hpp"

namespace portcullis::platform {

TlsSeedStore* default_seed_store() {
  return nullptr;
}

}  // namespace portcullis::platform
