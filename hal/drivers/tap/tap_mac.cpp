// SPDX-License-Identifier: Apache-2.0
#include "portcullis/hal/tap_mac.hpp"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace portcullis::hal {

TapMac::TapMac(std::string_view ifname) {
  if (!ifname.empty() && ifname.size() <= kMaxNameBytes) {
    std::memcpy(name_.data(), ifname.data(), ifname.size());
    name_ok_ = true;
  }
}

TapMac::~TapMac() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

Status TapMac::do_init(const MacAddress&) {
  if (!name_ok_) {
    return Status::kInvalidArgument;
  }
  if (fd_ >= 0) {
    ::close(fd_);
  }
  fd_ = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) {
    return Status::kUnavailable;
  }
  ifreq ifr{};
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  std::memcpy(ifr.ifr_name, name_.data(), name_.size());
  if (::ioctl(fd_, TUNSETIFF, &ifr) != 0) {
    ::close(fd_);
    fd_ = -1;
    return Status::kUnavailable;
  }
  return Status::kOk;
}

std::size_t TapMac::do_receive(std::span<std::uint8_t> frame) {
  if (fd_ < 0) {
    return 0;
  }
  // A spill-over area after the caller's buffer tells a too-large frame from one that fits.
  std::array<std::uint8_t, 64> spill{};
  for (;;) {
    iovec iov[2] = {{frame.data(), frame.size()}, {spill.data(), spill.size()}};
    const ssize_t n = ::readv(fd_, iov, 2);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return 0;  // EAGAIN: nothing waiting
    }
    const auto len = static_cast<std::size_t>(n);
    if (len > frame.size()) {
      ++counters_.rx_too_large;
      continue;
    }
    if (len < 14) {
      ++counters_.rx_errors;
      continue;
    }
    ++counters_.rx_frames;
    return len;
  }
}

Status TapMac::do_transmit(std::span<const std::uint8_t> frame) {
  if (frame.empty() || frame.size() > kMaxFrameBytes) {
    return Status::kInvalidArgument;
  }
  if (fd_ < 0) {
    return Status::kUnavailable;
  }
  for (;;) {
    const ssize_t n = ::write(fd_, frame.data(), frame.size());
    if (n == static_cast<ssize_t>(frame.size())) {
      ++counters_.tx_frames;
      return Status::kOk;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    ++counters_.tx_errors;
    return n < 0 && errno == EAGAIN ? Status::kResourceExhausted : Status::kUnavailable;
  }
}

bool TapMac::do_link_up() {
  if (fd_ < 0) {
    return false;
  }
  const int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) {
    return false;
  }
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name_.data(), name_.size());
  const bool up = ::ioctl(sock, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP) != 0;
  ::close(sock);
  return up;
}

void TapMac::wait_readable(int timeout_ms) const {
  if (fd_ < 0) {
    return;
  }
  pollfd pfd{fd_, POLLIN, 0};
  (void)::poll(&pfd, 1, timeout_ms);
}

}  // namespace portcullis::hal
