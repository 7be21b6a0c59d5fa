// SPDX-License-Identifier: Apache-2.0
// Mutual TLS between an Mbed TLS server with the build's device credentials and an Mbed TLS
// client, both on the fleet profile (platform::tls_configure), over an in-memory link that
// hands bytes over in TCP-sized chunks. Every allocation is charged to the party that made
// it, so the server's arena use is measured (and printed) while the tests run.
#include <CppUTest/TestHarness.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "fake_clock.hpp"
#include "portcullis/credentials/device_credentials.hpp"
#include "portcullis/hal/wall_clock.hpp"
#include "portcullis/platform/posix.hpp"
#include "portcullis/platform/tls.hpp"
#include "portcullis/platform/tls_probe.hpp"
#include "portcullis/platform/tls_session_cache.hpp"
#include "test_credentials.hpp"

namespace {

namespace pp = portcullis::platform;
namespace probe = portcullis::platform::probe;
namespace cred = portcullis::credentials;
namespace t = portcullis::test;
using probe::Party;
using probe::PartyAllocator;
using Der = std::span<const std::uint8_t>;

constexpr std::size_t kMss = 536;  // lwIP's default TCP_MSS: how the link hands bytes over

// Static: a link is 32 KiB.
std::array<probe::MemoryLink, 4> links;

struct Peer {
  pp::TlsCredentials id;
  mbedtls_ssl_config conf;
  mbedtls_ssl_context ssl;

  Peer() {
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_init(&ssl);
  }
  ~Peer() {
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    id.reset();
  }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;
};

// Loads `ca`/`cert`/`key` into `peer`, applies the fleet profile for `role` accepting peers
// in role `expect` and attaches the context to `end`, charging it all to `party`.
void start(Peer& peer, pp::TlsRole role, pp::FleetRole expect, Der ca, Der cert, Der key,
           probe::MemoryLink::End& end, const char* hostname = nullptr) {
  const Party before = PartyAllocator::party();
  PartyAllocator::set_party(role == pp::TlsRole::kServer ? Party::kServer : Party::kClient);
  CHECK(portcullis::ok(peer.id.load(ca, cert, key)));
  CHECK(portcullis::ok(pp::tls_configure(peer.conf, role, peer.id, expect)));
  LONGS_EQUAL(0, mbedtls_ssl_setup(&peer.ssl, &peer.conf));
  if (hostname != nullptr) {
    LONGS_EQUAL(0, mbedtls_ssl_set_hostname(&peer.ssl, hostname));
  }
  mbedtls_ssl_set_bio(&peer.ssl, &end, probe::MemoryLink::send, probe::MemoryLink::recv, nullptr);
  PartyAllocator::set_party(before);
}

// The device's status endpoint: management clients only.
void start_device(Peer& server, probe::MemoryLink::End& end) {
  start(server, pp::TlsRole::kServer, pp::FleetRole::kManagement, cred::kCaCertificate,
        cred::kDeviceCertificate, cred::kDeviceKey, end);
}

// A management client (curl, the poller): it expects a device.
void start_client(Peer& client, Der ca, Der cert, Der key, probe::MemoryLink::End& end,
                  const char* hostname) {
  start(client, pp::TlsRole::kClient, pp::FleetRole::kDevice, ca, cert, key, end, hostname);
}

// The client sends a request, the server answers with `response_bytes`; both sides check
// what they receive.
void exchange(Peer& server, Peer& client, std::size_t response_bytes) {
  static constexpr std::string_view kRequest = "GET /v1/status HTTP/1.1\r\n\r\n";
  PartyAllocator::set_party(Party::kClient);
  LONGS_EQUAL(
      kRequest.size(),
      mbedtls_ssl_write(&client.ssl, reinterpret_cast<const unsigned char*>(kRequest.data()),
                        kRequest.size()));
  PartyAllocator::set_party(Party::kServer);
  std::array<unsigned char, 256> in{};
  LONGS_EQUAL(kRequest.size(), mbedtls_ssl_read(&server.ssl, in.data(), in.size()));
  MEMCMP_EQUAL(kRequest.data(), in.data(), kRequest.size());
  std::vector<unsigned char> response(response_bytes);
  for (std::size_t i = 0; i < response.size(); ++i) {
    response[i] = static_cast<unsigned char>(i * 7);
  }
  std::size_t sent = 0;
  while (sent < response.size()) {
    PartyAllocator::set_party(Party::kServer);
    const int n = mbedtls_ssl_write(&server.ssl, response.data() + sent, response.size() - sent);
    CHECK(n > 0);
    // Records carry at most MBEDTLS_SSL_OUT_CONTENT_LEN bytes.
    CHECK(n <= MBEDTLS_SSL_OUT_CONTENT_LEN);
    sent += static_cast<std::size_t>(n);
  }
  std::vector<unsigned char> got;
  PartyAllocator::set_party(Party::kClient);
  while (got.size() < response.size()) {
    std::array<unsigned char, 1024> buf{};
    const int n = mbedtls_ssl_read(&client.ssl, buf.data(), buf.size());
    CHECK(n > 0);
    got.insert(got.end(), buf.begin(), buf.begin() + n);
  }
  CHECK(got == response);
  PartyAllocator::set_party(Party::kShared);
}

struct Outcome {
  probe::HandshakeOutcome hs;
  std::uint32_t server_flags = 0;
  std::uint32_t client_flags = 0;
};

// A whole handshake: the device as server, a client with `ca`/`cert`/`key` expecting
// `hostname`.
Outcome handshake(Der ca, Der cert, Der key, const char* hostname = "192.0.2.2") {
  links[0].reset();
  Peer server;
  Peer client;
  start_device(server, links[0].server());
  start_client(client, ca, cert, key, links[0].client(), hostname);
  Outcome out;
  out.hs = probe::run_handshake(server.ssl, client.ssl);
  out.server_flags = mbedtls_ssl_get_verify_result(&server.ssl);
  out.client_flags = mbedtls_ssl_get_verify_result(&client.ssl);
  return out;
}

}  // namespace

TEST_GROUP(MutualTls) {
  void setup() override {
    for (auto& l : links) {
      l.set_chunk(kMss);
      l.reset();
    }
    PartyAllocator::install();
    const pp::TlsSetup setup{
        .arena = {}, .entropy = &os, .seed_store = nullptr, .personalization = {}};
    CHECK(portcullis::ok(pp::tls_init(setup)));
  }
  void teardown() override {
    pp::tls_shutdown();
    for (Party p : {Party::kShared, Party::kServer, Party::kClient}) {
      LONGS_EQUAL(0, PartyAllocator::use(p).blocks);  // everything went back
    }
    PartyAllocator::uninstall();
  }
  pp::PosixEntropy os;
};

TEST(MutualTls, SucceedsWithTheDeviceAndAManagementCertificate) {
  Peer server;
  Peer client;
  start_device(server, links[0].server());
  start_client(client, cred::kCaCertificate, t::kMgmtCertificate, t::kMgmtKey, links[0].client(),
               "192.0.2.2");
  const auto hs = probe::run_handshake(server.ssl, client.ssl);
  LONGS_EQUAL(0, hs.server);
  LONGS_EQUAL(0, hs.client);
  LONGS_EQUAL(0, mbedtls_ssl_get_verify_result(&server.ssl));  // the client's certificate
  LONGS_EQUAL(0, mbedtls_ssl_get_verify_result(&client.ssl));  // the device's
  exchange(server, client, 5000);
}

TEST(MutualTls, NegotiatesTheFleetSuite) {
  Peer server;
  Peer client;
  start_device(server, links[0].server());
  start_client(client, cred::kCaCertificate, t::kMgmtCertificate, t::kMgmtKey, links[0].client(),
               "192.0.2.2");
  CHECK(probe::run_handshake(server.ssl, client.ssl).ok());
#if PORTCULLIS_MBEDTLS_TLS13
  LONGS_EQUAL(MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
              mbedtls_ssl_get_ciphersuite_id_from_ssl(&server.ssl));
  LONGS_EQUAL(MBEDTLS_SSL_VERSION_TLS1_3, mbedtls_ssl_get_version_number(&server.ssl));
#else
  LONGS_EQUAL(MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
              mbedtls_ssl_get_ciphersuite_id_from_ssl(&server.ssl));
  LONGS_EQUAL(pp::kTlsCipherSuite, mbedtls_ssl_get_ciphersuite_id_from_ssl(&client.ssl));
  STRCMP_EQUAL("TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256", mbedtls_ssl_get_ciphersuite(&server.ssl));
  LONGS_EQUAL(MBEDTLS_SSL_VERSION_TLS1_2, mbedtls_ssl_get_version_number(&server.ssl));
#endif
}

TEST(MutualTls, RecordsStayWithinTheSmallBuffers) {
  Peer server;
  Peer client;
  start_device(server, links[0].server());
  start_client(client, cred::kCaCertificate, t::kMgmtCertificate, t::kMgmtKey, links[0].client(),
               "192.0.2.2");
  CHECK(probe::run_handshake(server.ssl, client.ssl).ok());
#if PORTCULLIS_MBEDTLS_TLS13
  // TLS 1.3 has no max_fragment_length; the inner content type takes one byte of a record.
  CHECK(mbedtls_ssl_get_max_out_record_payload(&server.ssl) <= MBEDTLS_SSL_OUT_CONTENT_LEN);
#else
  // The client asked for 2 KiB records (max_fragment_length): both directions keep to it.
  LONGS_EQUAL(2048, mbedtls_ssl_get_max_out_record_payload(&server.ssl));
  LONGS_EQUAL(2048, mbedtls_ssl_get_max_in_record_payload(&server.ssl));
  LONGS_EQUAL(2048, mbedtls_ssl_get_max_out_record_payload(&client.ssl));
#endif
}

TEST(MutualTls, FailsWhenTheClientPresentsNoCertificate) {
  links[0].reset();
  Peer server;
  Peer client;
  start_device(server, links[0].server());
  start_client(client, cred::kCaCertificate, {}, {}, links[0].client(), "192.0.2.2");
  const auto hs = probe::run_handshake(server.ssl, client.ssl);
  LONGS_EQUAL(MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE, hs.server);
  LONGS_EQUAL(MBEDTLS_X509_BADCERT_MISSING, mbedtls_ssl_get_verify_result(&server.ssl));
  // Mbed TLS 3.6 sends no alert for a missing client certificate: the TLS layer should send
  // handshake_failure itself, so that the client learns why rather than seeing the
  // connection drop.
  LONGS_EQUAL(0, mbedtls_ssl_send_alert_message(&server.ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                                MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE));
  PartyAllocator::set_party(Party::kClient);
#if PORTCULLIS_MBEDTLS_TLS13
  // A TLS 1.3 client has finished before the server judges its certificate: its first read
  // fails (the alert comes under the server's handshake keys, so Mbed TLS reports a MAC error).
  LONGS_EQUAL(0, hs.client);
  unsigned char byte = 0;
  const int ret = mbedtls_ssl_read(&client.ssl, &byte, 1);
  CHECK(ret < 0 && ret != MBEDTLS_ERR_SSL_WANT_READ);
#else
  LONGS_EQUAL(MBEDTLS_ERR_SSL_WANT_READ, hs.client);
  LONGS_EQUAL(MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, mbedtls_ssl_handshake(&client.ssl));
#endif
}

TEST(MutualTls, FailsWhenTheClientCertificateComesFromAnotherCa) {
  // other-ca has the fleet CA's name but another key: only the signature tells them apart.
  const auto out = handshake(cred::kCaCertificate, t::kOtherClientCertificate, t::kOtherClientKey);
  LONGS_EQUAL(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, out.hs.server);
  CHECK(out.server_flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
#if !PORTCULLIS_MBEDTLS_TLS13  // a TLS 1.3 client is done before the verdict
  LONGS_EQUAL(MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, out.hs.client);
#endif
}

TEST(MutualTls, FailsWhenTheClientCertificateIsNotForClients) {
  // The broker's certificate: the fleet CA signed it, for serverAuth only.
  // Mbed TLS's EKU check and the profile's role rule both refuse it; the rule runs first.
  const auto out = handshake(cred::kCaCertificate, t::kBrokerCertificate, t::kBrokerKey);
  LONGS_EQUAL(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, out.hs.server);
  CHECK(out.server_flags & MBEDTLS_X509_BADCERT_EXT_KEY_USAGE);
  CHECK(out.server_flags & MBEDTLS_X509_BADCERT_OTHER);
  CHECK((out.server_flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) == 0);
}

TEST(MutualTls, ClientRefusesAServerFromAnotherCa) {
  const auto out =
      handshake(t::kOtherCaCertificate, t::kOtherClientCertificate, t::kOtherClientKey);
  LONGS_EQUAL(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, out.hs.client);
  CHECK(out.client_flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
  CHECK(out.hs.server != 0);
}

TEST(MutualTls, ClientVerifiesTheDeviceByEitherAddressOrItsId) {
  const std::string id{cred::kDeviceId};
  for (const char* name : {"192.0.2.2", "2001:db8::2", id.c_str()}) {
    const auto out = handshake(cred::kCaCertificate, t::kMgmtCertificate, t::kMgmtKey, name);
    CHECK_TEXT(out.hs.ok(), name);
  }
}

TEST(MutualTls, ClientRefusesADeviceCertificateForAnotherName) {
  const auto out = handshake(cred::kCaCertificate, t::kMgmtCertificate, t::kMgmtKey, "192.0.2.99");
  LONGS_EQUAL(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, out.hs.client);
  CHECK(out.client_flags & MBEDTLS_X509_BADCERT_CN_MISMATCH);
}

// ---- roles: who is accepted as what -------------------------------------------------------
// Every certificate of the fleet CA chains to it, and a device's carries both clientAuth (the
// push) and serverAuth (the endpoint): chain and EKU alone would let one device's key poll
// every device, or stand in for the broker. The role is the subject's OU.

namespace {

// Steps the server and the client in turn until both are done or the server fails; returns
// the server's last result. What the server sent last stays in the link for the client.
int handshake_until_the_server_ends(Peer& server, Peer& client) {
  auto pending = [](int r) {
    return r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE;
  };
  int server_ret = MBEDTLS_ERR_SSL_WANT_READ;
  int client_ret = MBEDTLS_ERR_SSL_WANT_READ;
  for (int round = 0; round < 64 && (pending(server_ret) || pending(client_ret)); ++round) {
    if (pending(server_ret)) {
      PartyAllocator::set_party(Party::kServer);
      server_ret = mbedtls_ssl_handshake(&server.ssl);
      if (server_ret != 0 && !pending(server_ret)) {
        break;
      }
    }
    if (pending(client_ret)) {
      PartyAllocator::set_party(Party::kClient);
      client_ret = mbedtls_ssl_handshake(&client.ssl);
    }
  }
  PartyAllocator::set_party(Party::kShared);
  return server_ret;
}

// The device's push: the device as a client expecting the broker at `hostname`, against a
// server (expecting a device, as the broker does) that presents `cert`/`key`.
Outcome push_handshake(Der cert, Der key, const char* hostname) {
  links[0].reset();
  Peer broker;
  Peer device;
  start(broker, pp::TlsRole::kServer, pp::FleetRole::kDevice, cred::kCaCertificate, cert, key,
        links[0].server());
  start(device, pp::TlsRole::kClient, pp::FleetRole::kBroker, cred::kCaCertificate,
        cred::kDeviceCertificate, cred::kDeviceKey, links[0].client(), hostname);
  Outcome out;
  out.hs = probe::run_handshake(broker.ssl, device.ssl);
  out.server_flags = mbedtls_ssl_get_verify_result(&broker.ssl);
  out.client_flags = mbedtls_ssl_get_verify_result(&device.ssl);
  return out;
}

}  // namespace

TEST(MutualTls, ServerRefusesADeviceCertificateAsAManagementClient) {
  // Any device's certificate and key (read out of one device): the fleet CA's, clientAuth.
  links[0].reset();
  Peer server;
  Peer client;
  start_device(server, links[0].server());
  start_client(client, cred::kCaCertificate, cred::kDeviceCertificate, cred::kDeviceKey,
               links[0].client(), "192.0.2.2");
  LONGS_EQUAL(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, handshake_until_the_server_ends(server, client));
  // Chain and EKU are good; only the role (OU=device) is refused.
  LONGS_EQUAL(MBEDTLS_X509_BADCERT_OTHER, mbedtls_ssl_get_verify_result(&server.ssl));
#if !PORTCULLIS_MBEDTLS_TLS13  // TLS 1.3 encrypts the alert
  // The client hears why: a fatal access_denied alert (plain text before ChangeCipherSpec).
  const std::array<unsigned char, 7> access_denied = {MBEDTLS_SSL_MSG_ALERT,
                                                      0x03,
                                                      0x03,
                                                      0x00,
                                                      0x02,
                                                      MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                                      MBEDTLS_SSL_ALERT_MSG_ACCESS_DENIED};
  std::array<unsigned char, 7> sent{};
  LONGS_EQUAL(sent.size(), probe::MemoryLink::recv(&links[0].client(), sent.data(), sent.size()));
  CHECK(sent == access_denied);
#endif
}

TEST(MutualTls, ServerStillAcceptsTheManagementCertificate) {
  const auto out = handshake(cred::kCaCertificate, t::kMgmtCertificate, t::kMgmtKey);
  CHECK(out.hs.ok());
  LONGS_EQUAL(0, out.server_flags);
}

// ---- certificate dates against the device's wall clock ----------------------------------
// Both parties of these handshakes read the one wall clock (mbedtls_time is process-wide); the
// fleet's certificates were made this week (tools/pki) and last a year or more.
namespace {
constexpr std::int64_t k2000 = 946'684'800;
constexpr std::int64_t k2200 = 7'258'118'400;

// The device's handshake with the management client, dates checked against `wall`.
Outcome handshake_at(const portcullis::hal::WallClock& wall) {
  pp::tls_use_wall_clock(&wall);
  const Outcome out = handshake(cred::kCaCertificate, t::kMgmtCertificate, t::kMgmtKey);
  pp::tls_use_wall_clock(nullptr);
  return out;
}
}  // namespace

TEST(MutualTls, AKnownTimeAfterTheCertificatesRefusesThemAsExpired) {
  t::FakeClock mono;
  portcullis::hal::WallClock wall(mono, k2000);
  CHECK(wall.set(k2200 * 1000));
  const Outcome out = handshake_at(wall);
  CHECK_FALSE(out.hs.ok());
  CHECK((out.server_flags & MBEDTLS_X509_BADCERT_EXPIRED) != 0);  // the client's certificate
}

TEST(MutualTls, AKnownTimeBeforeTheCertificatesRefusesThemAsNotYetValid) {
  t::FakeClock mono;
  portcullis::hal::WallClock wall(mono, k2000);
  CHECK(wall.set(k2000 * 1000));
  const Outcome out = handshake_at(wall);
  CHECK_FALSE(out.hs.ok());
  CHECK((out.server_flags & MBEDTLS_X509_BADCERT_FUTURE) != 0);
}

TEST(MutualTls, WhileTheTimeIsUnknownNotYetValidIsNotJudged) {
  // The floor (2000) is before the certificates: that they are not valid yet at the floor
  // says nothing about now.
  t::FakeClock mono;
  const portcullis::hal::WallClock wall(mono, k2000);
  const Outcome out = handshake_at(wall);
  CHECK(out.hs.ok());
  LONGS_EQUAL(0, out.server_flags);
}

TEST(MutualTls, WhileTheTimeIsUnknownACertificateExpiredBeforeTheFloorIsRefused) {
  t::FakeClock mono;
  const portcullis::hal::WallClock wall(mono, k2200);  // an image released in 2200
  const Outcome out = handshake_at(wall);
  CHECK_FALSE(out.hs.ok());
  CHECK((out.server_flags & MBEDTLS_X509_BADCERT_EXPIRED) != 0);
}

TEST(MutualTls, ClientRefusesTheBrokerAsADevice) {
  // The poller (and curl-like clients of the profile) expect OU=device: here the broker's
  // certificate is presented under a name it carries, so only the role can refuse it.
  links[0].reset();
  Peer server;
  Peer client;
  start(server, pp::TlsRole::kServer, pp::FleetRole::kManagement, cred::kCaCertificate,
        t::kBrokerCertificate, t::kBrokerKey, links[0].server());
  start_client(client, cred::kCaCertificate, t::kMgmtCertificate, t::kMgmtKey, links[0].client(),
               "192.0.2.1");
  const auto hs = probe::run_handshake(server.ssl, client.ssl);
  LONGS_EQUAL(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, hs.client);
  LONGS_EQUAL(MBEDTLS_X509_BADCERT_OTHER, mbedtls_ssl_get_verify_result(&client.ssl));
}

TEST(MutualTls, PushRefusesADeviceCertificateAsTheBroker) {
  // A device certificate that names the broker's address (192.0.2.2 here: a broker where a
  // device's certificate says it is): the name check passes, the role does not.
  const auto out = push_handshake(cred::kDeviceCertificate, cred::kDeviceKey, "192.0.2.2");
  LONGS_EQUAL(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, out.hs.client);
  LONGS_EQUAL(MBEDTLS_X509_BADCERT_OTHER, out.client_flags);
}

TEST(MutualTls, PushAcceptsTheBrokerAndABrokerSideAcceptsTheDevice) {
  const auto out = push_handshake(t::kBrokerCertificate, t::kBrokerKey, "192.0.2.1");
  CHECK(out.hs.ok());
  LONGS_EQUAL(0, out.client_flags);  // the broker's certificate, as the device sees it
  LONGS_EQUAL(0, out.server_flags);  // the device's, as a server expecting devices sees it
}

// ---- what the server refuses to speak ----------------------------------------------------

namespace {

// A TLS ClientHello record offering `version` and `suites`, with P-256 and ECDSA-SHA256.
std::vector<unsigned char> client_hello(std::uint16_t version, std::vector<std::uint16_t> suites) {
  std::vector<unsigned char> body;
  auto u8 = [&](unsigned v) { body.push_back(static_cast<unsigned char>(v)); };
  auto u16 = [&](unsigned v) {
    u8(v >> 8);
    u8(v & 0xff);
  };
  u16(version);
  for (int i = 0; i < 32; ++i) {
    u8(i);  // random
  }
  u8(0);  // no session id
  u16(static_cast<unsigned>(2 * suites.size()));
  for (auto s : suites) {
    u16(s);
  }
  u8(1);  // compression methods: null
  u8(0);
  u16(8 + 6 + 8);                            // extensions
  u16(0x000a), u16(4), u16(2), u16(0x0017);  // supported_groups: secp256r1
  u16(0x000b), u16(2), u8(1), u8(0);         // ec_point_formats: uncompressed
  u16(0x000d), u16(4), u16(2), u16(0x0403);  // signature_algorithms: ecdsa_secp256r1_sha256
  std::vector<unsigned char> record = {0x16, 0x03, 0x01};
  const std::size_t hs_len = body.size() + 4;
  record.push_back(static_cast<unsigned char>(hs_len >> 8));
  record.push_back(static_cast<unsigned char>(hs_len & 0xff));
  record.push_back(0x01);  // ClientHello
  record.push_back(0);
  record.push_back(static_cast<unsigned char>(body.size() >> 8));
  record.push_back(static_cast<unsigned char>(body.size() & 0xff));
  record.insert(record.end(), body.begin(), body.end());
  return record;
}

struct HelloResult {
  int server = 0;
  unsigned char first_record_type = 0;  // 0x16 handshake, 0x15 alert
};

HelloResult offer(const std::vector<unsigned char>& hello) {
  links[0].reset();
  Peer server;
  start_device(server, links[0].server());
  const int sent = probe::MemoryLink::send(&links[0].client(), hello.data(), hello.size());
  LONGS_EQUAL(hello.size(), sent);
  PartyAllocator::set_party(Party::kServer);
  HelloResult r;
  do {
    r.server = mbedtls_ssl_handshake(&server.ssl);
  } while (r.server == MBEDTLS_ERR_SSL_WANT_WRITE);
  PartyAllocator::set_party(Party::kShared);
  unsigned char first = 0;
  if (probe::MemoryLink::recv(&links[0].client(), &first, 1) == 1) {
    r.first_record_type = first;
  }
  return r;
}

constexpr std::uint16_t kTls12 = 0x0303;
constexpr std::uint16_t kEcdheEcdsaAes128Gcm = 0xc02b;
constexpr std::uint16_t kEcdheRsaAes128Gcm = 0xc02f;
constexpr std::uint16_t kEcdheEcdsaAes256Gcm = 0xc02c;
constexpr std::uint16_t kEcdheEcdsaChacha = 0xcca9;

}  // namespace

TEST(MutualTls, ServerAnswersAHandBuiltHelloOfferingTheFleetSuite) {
  // The control for the refusals below: the same hello with our suite gets a ServerHello.
  const auto r = offer(client_hello(kTls12, {kEcdheEcdsaAes128Gcm}));
  CHECK(r.server == MBEDTLS_ERR_SSL_WANT_READ);
  LONGS_EQUAL(0x16, r.first_record_type);
}

TEST(MutualTls, ServerRefusesEveryOtherSuite) {
  const auto r =
      offer(client_hello(kTls12, {kEcdheRsaAes128Gcm, kEcdheEcdsaAes256Gcm, kEcdheEcdsaChacha}));
  LONGS_EQUAL(MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE, r.server);
  LONGS_EQUAL(0x15, r.first_record_type);
}

TEST(MutualTls, ServerRefusesTls11) {
  const auto r = offer(client_hello(0x0302, {kEcdheEcdsaAes128Gcm}));
  CHECK(r.server != 0 && r.server != MBEDTLS_ERR_SSL_WANT_READ);
  LONGS_EQUAL(0x15, r.first_record_type);
}

// ---- arena use ---------------------------------------------------------------------------

TEST_GROUP(TlsArena) {
  void setup() override {
    for (auto& l : links) {
      l.set_chunk(kMss);
      l.reset();
    }
  }
  void teardown() override {
    pp::tls_shutdown();
    PartyAllocator::uninstall();
  }
  pp::PosixEntropy os;
};

namespace {

struct SessionFigures {
  std::size_t fixed = 0;        // device credentials + server profile
  std::size_t set_up = 0;       // + the sessions' contexts before their handshakes
  std::size_t peak = 0;         // the sessions handshaking at once
  std::size_t established = 0;  // after every handshake
  std::size_t blocks = 0;       // allocations live at the peak
  std::size_t client_peak = 0;  // all clients together
};

// `count` sessions on one server configuration with the device's credentials (as the TLS
// layer builds them), each with its own client, handshaking at once (round-robin, one step
// each in turn). Server-side use is charged to Party::kServer.
SessionFigures run_sessions(std::size_t count) {
  CHECK(count <= links.size());
  SessionFigures f;
  PartyAllocator::set_party(Party::kServer);
  PartyAllocator::reset_peaks(Party::kServer);
  PartyAllocator::reset_peaks(Party::kClient);
  pp::TlsCredentials device;
  CHECK(portcullis::ok(
      device.load(cred::kCaCertificate, cred::kDeviceCertificate, cred::kDeviceKey)));
  mbedtls_ssl_config server_conf;
  mbedtls_ssl_config_init(&server_conf);
  CHECK(portcullis::ok(
      pp::tls_configure(server_conf, pp::TlsRole::kServer, device, pp::FleetRole::kManagement)));
  f.fixed = PartyAllocator::use(Party::kServer).arena;

  std::array<mbedtls_ssl_context, 4> servers;
  std::array<Peer, 4> clients;
  for (std::size_t i = 0; i < count; ++i) {
    links[i].reset();
    PartyAllocator::set_party(Party::kServer);
    mbedtls_ssl_init(&servers[i]);
    LONGS_EQUAL(0, mbedtls_ssl_setup(&servers[i], &server_conf));
    mbedtls_ssl_set_bio(&servers[i], &links[i].server(), probe::MemoryLink::send,
                        probe::MemoryLink::recv, nullptr);
    start_client(clients[i], cred::kCaCertificate, t::kMgmtCertificate, t::kMgmtKey,
                 links[i].client(), "192.0.2.2");
  }
  f.set_up = PartyAllocator::use(Party::kServer).arena;

  std::array<int, 4> server_ret;
  std::array<int, 4> client_ret;
  server_ret.fill(MBEDTLS_ERR_SSL_WANT_READ);
  client_ret.fill(MBEDTLS_ERR_SSL_WANT_READ);
  auto pending = [](int r) {
    return r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE;
  };
  for (int round = 0; round < 64; ++round) {
    bool any = false;
    for (std::size_t i = 0; i < count; ++i) {
      if (pending(server_ret[i])) {
        PartyAllocator::set_party(Party::kServer);
        server_ret[i] = mbedtls_ssl_handshake(&servers[i]);
        any = true;
      }
      if (pending(client_ret[i])) {
        PartyAllocator::set_party(Party::kClient);
        client_ret[i] = mbedtls_ssl_handshake(&clients[i].ssl);
        any = true;
      }
    }
    if (!any) {
      break;
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    LONGS_EQUAL(0, server_ret[i]);
    LONGS_EQUAL(0, client_ret[i]);
  }
  f.peak = PartyAllocator::use(Party::kServer).peak_arena;
  f.blocks = PartyAllocator::use(Party::kServer).peak_blocks;
  f.established = PartyAllocator::use(Party::kServer).arena;
  f.client_peak = PartyAllocator::use(Party::kClient).peak_arena;

  PartyAllocator::set_party(Party::kServer);
  for (std::size_t i = 0; i < count; ++i) {
    mbedtls_ssl_free(&servers[i]);
  }
  mbedtls_ssl_config_free(&server_conf);
  device.reset();
  PartyAllocator::set_party(Party::kShared);
  return f;
}

}  // namespace

// The board's promise (kTlsArenaBytes holds kTlsSessions sessions however their handshakes
// interleave): credentials and profile once, plus one whole handshake's peak per session,
// must fit. The sessions are run at once under that limit too. Prints the figures.
TEST(TlsArena, BuiltInArenaHoldsTheBoardsSessionsHandshakingAtOnce) {
  static_assert(pp::kTlsSessions <= links.size());
  PartyAllocator::install();
  PartyAllocator::set_party(Party::kShared);
  const pp::TlsSetup setup{
      .arena = {}, .entropy = &os, .seed_store = nullptr, .personalization = {}};
  CHECK(portcullis::ok(pp::tls_init(setup)));
  const std::size_t shared = PartyAllocator::use(Party::kShared).arena;
  PartyAllocator::set_limit(Party::kServer, pp::kTlsArenaBytes - shared);

  const SessionFigures one = run_sessions(1);
  const SessionFigures all = run_sessions(pp::kTlsSessions);
  LONGS_EQUAL(0, PartyAllocator::use(Party::kServer).failures);
  const std::size_t per_session = one.peak - one.fixed;
  const std::size_t bound = shared + one.fixed + pp::kTlsSessions * per_session;
  std::printf(
      "\nTLS arena on this host (%zu-bit; arena-equivalent bytes, %zu-byte block header):\n"
      "  entropy + DRBG %zu; device credentials + profile %zu\n"
      "  one session: set up %zu, handshake peak %zu (%zu blocks), established %zu; its "
      "client's peak %zu\n"
      "  %zu sessions at once: set up %zu, peak %zu, established %zu\n"
      "  bound for %zu sessions in any interleaving: %zu + %zu + %zu x %zu = %zu; built-in "
      "arena %zu\n",
      sizeof(void*) * 8, PartyAllocator::kArenaHeaderBytes, shared, one.fixed, one.set_up, one.peak,
      one.blocks, one.established, one.client_peak, pp::kTlsSessions, all.set_up, all.peak,
      all.established, pp::kTlsSessions, shared, one.fixed, pp::kTlsSessions, per_session, bound,
      pp::kTlsArenaBytes);
  CHECK(bound <= pp::kTlsArenaBytes);
}

// The accounting ignores fragmentation: one server and one client in a real arena must not
// need more than their accounted peaks together. Prints the real high-water mark.
TEST(TlsArena, RealArenaNeedsNoMoreThanTheAccountedPeaks) {
  std::size_t accounted = 0;
  {
    PartyAllocator::install();
    const pp::TlsSetup setup{
        .arena = {}, .entropy = &os, .seed_store = nullptr, .personalization = {}};
    CHECK(portcullis::ok(pp::tls_init(setup)));
    {
      Peer server;
      Peer client;
      start_device(server, links[0].server());
      start_client(client, cred::kCaCertificate, t::kMgmtCertificate, t::kMgmtKey,
                   links[0].client(), "192.0.2.2");
      CHECK(probe::run_handshake(server.ssl, client.ssl).ok());
      exchange(server, client, 3000);
    }
    for (Party p : {Party::kShared, Party::kServer, Party::kClient}) {
      accounted += PartyAllocator::use(p).peak_arena;
    }
    pp::tls_shutdown();
    PartyAllocator::uninstall();
  }
  links[0].reset();
  static std::array<std::uint8_t, 4 * pp::kTlsArenaBytes> arena;
  const pp::TlsSetup setup{
      .arena = arena, .entropy = &os, .seed_store = nullptr, .personalization = {}};
  CHECK(portcullis::ok(pp::tls_init(setup)));
  {
    Peer server;
    Peer client;
    start_device(server, links[0].server());
    start_client(client, cred::kCaCertificate, t::kMgmtCertificate, t::kMgmtKey, links[0].client(),
                 "192.0.2.2");
    CHECK(probe::run_handshake(server.ssl, client.ssl).ok());
    exchange(server, client, 3000);
  }
  const std::size_t high_water = pp::tls_arena_use().high_water;
  std::printf("\nreal arena, one server and one client: high-water %zu B, accounted peaks %zu B\n",
              high_water, accounted);
  CHECK(high_water <= accounted);
}

// ---- session resumption (platform/tls_session_cache.hpp) --------------------------------

#if !PORTCULLIS_MBEDTLS_TLS13  // TLS 1.3 resumes with tickets, which are not compiled in
namespace {

// What a resumed or full handshake of a management client shows.
struct Poll {
  bool ok = false;
  bool resumed = false;          // the cache handed a session back
  std::size_t server_bytes = 0;  // the server's handshake flights: its Certificate is ~0.5 KiB
};

// What a management client keeps between polls (curl's or openssl's session cache).
struct ClientSession {
  ClientSession() { mbedtls_ssl_session_init(&session); }
  ~ClientSession() { mbedtls_ssl_session_free(&session); }
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;
  mbedtls_ssl_session session;
  bool held = false;
};

// One poll by a management client offering `kept`'s session if it holds one, against the
// device whose server profile keeps sessions in `cache`; `kept` then holds the poll's session.
Poll poll_with(pp::TlsSessionCache& cache, ClientSession& kept, Der cert = t::kMgmtCertificate,
               Der key = t::kMgmtKey) {
  links[1].reset();
  Peer server;
  Peer client;
  start_device(server, links[1].server());
  cache.attach(server.conf);
  start_client(client, cred::kCaCertificate, cert, key, links[1].client(), "192.0.2.2");
  if (kept.held) {
    LONGS_EQUAL(0, mbedtls_ssl_set_session(&client.ssl, &kept.session));
  }
  const std::uint32_t resumed_before = cache.stats().resumed;
  Poll out;
  out.ok = probe::run_handshake(server.ssl, client.ssl).ok();
  out.resumed = cache.stats().resumed != resumed_before;
  out.server_bytes = links[1].server().bytes_sent;
  if (out.ok) {
    exchange(server, client, 300);
    mbedtls_ssl_session_free(&kept.session);
    mbedtls_ssl_session_init(&kept.session);
    LONGS_EQUAL(0, mbedtls_ssl_get_session(&client.ssl, &kept.session));
    kept.held = true;
  }
  return out;
}

}  // namespace

TEST_GROUP(SessionResumption) {
  void setup() override {
    links[1].set_chunk(kMss);
    PartyAllocator::install();
    const pp::TlsSetup setup{
        .arena = {}, .entropy = &os, .seed_store = nullptr, .personalization = {}};
    CHECK(portcullis::ok(pp::tls_init(setup)));
  }
  void teardown() override {
    for (auto& s : sessions) {
      mbedtls_ssl_session_free(&s.session);
      mbedtls_ssl_session_init(&s.session);
    }
    cache.clear();
    pp::tls_shutdown();
    for (Party p : {Party::kShared, Party::kServer, Party::kClient}) {
      LONGS_EQUAL(0, PartyAllocator::use(p).blocks);
    }
    PartyAllocator::uninstall();
  }
  pp::PosixEntropy os;
  t::FakeClock clock;
  pp::TlsSessionCache cache{clock};
  std::array<ClientSession, pp::kTlsSessionCacheEntries + 1> sessions;
};

TEST(SessionResumption, AClientResumesWithoutCertificatesWithinTheLifetime) {
  const Poll first = poll_with(cache, sessions[0]);
  CHECK(first.ok);
  CHECK_FALSE(first.resumed);
  LONGS_EQUAL(1, cache.stats().stored);
  clock.advance(pp::kTlsSessionLifetimeMs - 1);
  const Poll again = poll_with(cache, sessions[0]);
  CHECK(again.ok);
  CHECK(again.resumed);
  // The full handshake sent the device's certificate and a signed key exchange; the resumed
  // one a ServerHello, ChangeCipherSpec and Finished.
  CHECK(first.server_bytes > 800);
  CHECK(again.server_bytes < 200);
  LONGS_EQUAL(1, cache.stats().stored);  // a resumption keeps the session's first date
}

TEST(SessionResumption, TheLifetimeIsCountedFromTheFullHandshake) {
  CHECK(poll_with(cache, sessions[0]).ok);
  clock.advance(pp::kTlsSessionLifetimeMs / 2);
  CHECK(poll_with(cache, sessions[0]).resumed);
  clock.advance(pp::kTlsSessionLifetimeMs / 2);
  const Poll late = poll_with(cache, sessions[0]);
  CHECK(late.ok);  // a full handshake again, and a new session
  CHECK_FALSE(late.resumed);
  CHECK(late.server_bytes > 800);
  LONGS_EQUAL(1, cache.stats().expired);
  LONGS_EQUAL(2, cache.stats().stored);
}

TEST(SessionResumption, ExpireWipesSessionsPastTheirLifetime) {
  CHECK(poll_with(cache, sessions[0]).ok);
  LONGS_EQUAL(1, cache.size());
  clock.advance(pp::kTlsSessionLifetimeMs - 1);
  cache.expire();
  LONGS_EQUAL(1, cache.size());
  clock.advance(1);
  cache.expire();
  LONGS_EQUAL(0, cache.size());
  LONGS_EQUAL(1, cache.stats().expired);
}

TEST(SessionResumption, TheOldestSessionMakesRoomWhenTheCacheIsFull) {
  for (auto& s : sessions) {
    CHECK(poll_with(cache, s).ok);
    clock.advance(1);
  }
  LONGS_EQUAL(pp::kTlsSessionCacheEntries, cache.size());
  LONGS_EQUAL(1, cache.stats().evicted);
  CHECK_FALSE(poll_with(cache, sessions[0]).resumed);  // the first was evicted
  CHECK(poll_with(cache, sessions.back()).resumed);
}

TEST(SessionResumption, AnUnknownSessionIdGetsAFullHandshake) {
  CHECK(poll_with(cache, sessions[0]).ok);
  cache.clear();
  const Poll p = poll_with(cache, sessions[0]);
  CHECK(p.ok);
  CHECK_FALSE(p.resumed);
  CHECK(p.server_bytes > 800);
}

TEST(SessionResumption, ARefusedClientLeavesNothingToResume) {
  // A device certificate is no management client's: the handshake fails in verification.
  const Poll p = poll_with(cache, sessions[0], cred::kDeviceCertificate, cred::kDeviceKey);
  CHECK_FALSE(p.ok);
  LONGS_EQUAL(0, cache.stats().stored);
  LONGS_EQUAL(0, cache.size());
}
#endif
