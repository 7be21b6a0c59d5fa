#include <cstring>

#include "portcullis/platform/internal/provisioned_seed.hpp"
#include "portcullis/platform/tls.hpp"

namespace portcullis::platform {

static_assert(internal::kProvisionedSeed.size() == TlsSeedStore::kSize);

RamSeedStore::RamSeedStore(std::span<const std::uint8_t, kSize> initial) {
  std::memcpy(seed_, initial.data(), kSize);
}

Status RamSeedStore::do_read(std::span<std::uint8_t, kSize> out) {
  std::memcpy(out.data(), seed_, kSize);
  return Status::kOk;
}

Status RamSeedStore::do_write(std::span<const std::uint8_t, kSize> seed) {
  std::memcpy(seed_, seed.data(), kSize);
  ++writes_;
  return Status::kOk;
}

RamSeedStore& provisioned_seed_store() {
  static RamSeedStore store{internal::kProvisionedSeed};
  return store;
}

}  // namespace portcullis::platform
