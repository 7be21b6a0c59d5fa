// SPDX-License-Identifier: Apache-2.0
// identity_dump FILE: reads an identity record (tools/pki provision's OUT) with the device's
// own parser (firmware/identity) and Mbed TLS, and prints what a device would use:
//   <state> <device id> <broker or -> <time server or -> <MAC or -> <SHA-256 of the certificate
//   DER>
// Exit 0 only for a valid record whose certificate and key parse and belong together.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "mbedtls/pk.h"
#include "mbedtls/sha256.h"
#include "mbedtls/x509_crt.h"
#include "portcullis/identity/record.hpp"

namespace {

int os_random(void*, unsigned char* out, std::size_t len) {
  std::random_device rd;
  for (std::size_t i = 0; i < len; ++i) {
    out[i] = static_cast<unsigned char>(rd());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: identity_dump FILE\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
  const auto parsed = portcullis::identity::parse_record(bytes);
  if (parsed.state != portcullis::identity::RecordState::kValid) {
    std::printf("%s\n", portcullis::identity::to_string(parsed.state));
    return 1;
  }
  const auto& id = parsed.identity;
  mbedtls_x509_crt crt;
  mbedtls_x509_crt_init(&crt);
  mbedtls_x509_crt ca;
  mbedtls_x509_crt_init(&ca);
  mbedtls_pk_context key;
  mbedtls_pk_init(&key);
  bool ok = mbedtls_x509_crt_parse_der(&crt, id.certificate.data(), id.certificate.size()) == 0 &&
            mbedtls_x509_crt_parse_der(&ca, id.ca.data(), id.ca.size()) == 0 &&
            mbedtls_pk_parse_key(&key, id.key.data(), id.key.size(), nullptr, 0, os_random,
                                 nullptr) == 0 &&
            mbedtls_pk_check_pair(&crt.pk, &key, os_random, nullptr) == 0;
  std::uint32_t flags = 0;
  ok = ok && mbedtls_x509_crt_verify(&crt, &ca, nullptr, nullptr, &flags, nullptr, nullptr) == 0;
  unsigned char digest[32];
  mbedtls_sha256(id.certificate.data(), id.certificate.size(), digest, 0);
  std::string hex;
  for (const unsigned char b : digest) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", b);
    hex += two;
  }
  std::string mac = id.mac.empty() ? "-" : "";
  for (const std::uint8_t b : id.mac) {
    char two[4];
    std::snprintf(two, sizeof two, "%s%02x", mac.empty() ? "" : ":", b);
    mac += two;
  }
  std::printf("%s %.*s %s %s %s %s\n", ok ? "valid" : "invalid-credentials",
              static_cast<int>(id.device_id.size()), id.device_id.data(),
              id.broker.empty() ? "-" : std::string(id.broker).c_str(),
              id.time_server.empty() ? "-" : std::string(id.time_server).c_str(), mac.c_str(),
              hex.c_str());
  mbedtls_pk_free(&key);
  mbedtls_x509_crt_free(&ca);
  mbedtls_x509_crt_free(&crt);
  return ok ? 0 : 1;
}
