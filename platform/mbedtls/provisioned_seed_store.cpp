// SPDX-License-Identifier: Apache-2.0
// The build's provisioned NV seed (generated/provisioned_seed.cpp, from the build host's
// /dev/urandom): what TLS seeds from when the board names no seed store (host-linux). Our
// builds only; a library user's firmware links no_seed_store.cpp instead.
#include "portcullis/platform/internal/provisioned_seed.hpp"
#include "portcullis/platform/tls.hpp"

namespace portcullis::platform {

static_assert(internal::kProvisionedSeed.size() == TlsSeedStore::kSize);

RamSeedStore& provisioned_seed_store() {
  static RamSeedStore store{internal::kProvisionedSeed};
  return store;
}

TlsSeedStore* default_seed_store() {
  return &provisioned_seed_store();
}

}  // namespace portcullis::platform
