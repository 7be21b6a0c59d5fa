// SPDX-License-Identifier: Apache-2.0
#pragma once
// The host tools' one TLS stack: OpenSSL, for the poller (through libcurl) and for watch
// (through libmosquitto). Credentials from files, the fleet's client context, and every
// failure in words. Nothing here talks to the network.

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portcullis::fleet::tls {

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// What the client presents and trusts, read once.
struct Credentials {
  std::vector<X509Ptr> cas;    // every certificate of the CA file (a bundle during a rotation)
  std::vector<X509Ptr> chain;  // our certificate first, then any intermediates
  PkeyPtr key;
  // Why the peer will refuse our certificate (not signed by any CA of the file, expired, not
  // yet valid, not for client use), "" when it will not.
  std::string client_warning;
};

// Reads the three files (PEM, a PEM bundle, or DER; "-" is stdin for at most one of them).
// `peer_word` names the peer in the warning ("the broker", "the device"). nullopt with `error`
// (one line) for an unreadable file, a file without a certificate or key, an encrypted key, or
// a key that is not the certificate's.
std::optional<Credentials> load_credentials(const std::string& ca, const std::string& cert,
                                            const std::string& key, std::string_view peer_word,
                                            std::string& error);

// What OpenSSL's callbacks saw during one handshake: the reason for a failure.
struct Seen {
  int verify_error = X509_V_OK;  // the first problem with the peer's chain
  int alert = -1;                // a fatal alert the peer sent
  bool wrong_role = false;       // chain fine, but not the role's certificate
};

// The fleet's client profile on `ctx`: TLS 1.2 or later with forward-secret AEAD suites only;
// trusts exactly `c.cas` (the store is replaced: no system CA is ever trusted); presents
// `c.chain` and `c.key`; the peer's certificate must name `host` (an IP SAN for an address);
// with a `role_ou`, its leaf must carry EKU serverAuth and exactly one subject OU, role_ou
// (platform/mbedtls's fleet roles). Failures are recorded in `*seen`, which must outlive the
// context's handshakes. false with `error` when the context cannot be set up.
bool setup_client_context(SSL_CTX* ctx, const Credentials& c, const std::string& host,
                          std::string_view role_ou, Seen* seen, std::string& error);

// "certificate problem: the device's certificate ..." for an X509_V_ERR_* code.
// `whose` is "the device's" or "the broker's".
std::string certificate_text(int verify_error, const std::string& host, std::string_view whose);
// The peer's leaf was not its role's.
std::string wrong_role_text(std::string_view whose, std::string_view role_ou);
// A fatal alert the peer sent. `peer` is "the device" or "the broker".
std::string alert_text(int alert, const std::string& client_warning, std::string_view peer);

}  // namespace portcullis::fleet::tls
