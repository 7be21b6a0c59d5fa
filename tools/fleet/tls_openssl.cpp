// SPDX-License-Identifier: Apache-2.0
#include "tls_openssl.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "portcullis/tools/read_file.hpp"
#include "report.hpp"

namespace portcullis::fleet::tls {
namespace {

struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

// Each handshake's Seen and the role it expects, on the SSL_CTX (one context per connection
// for libcurl; one for watch's single connection).
struct ContextData {
  Seen* seen;
  std::string role_ou;
};
int g_ctx_index = -1;

ContextData* data_of(const SSL* ssl) {
  return static_cast<ContextData*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), g_ctx_index));
}

void free_data(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*idx*/, long /*argl*/,
               void* /*argp*/) {
  delete static_cast<ContextData*>(ptr);
}

// The leaf's role: EKU serverAuth, exactly one subject OU and that one `role_ou`.
bool has_role(X509* leaf, std::string_view role_ou) {
  if ((X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) == 0 ||
      (X509_get_extended_key_usage(leaf) & XKU_SSL_SERVER) == 0) {
    return false;
  }
  const X509_NAME* subject = X509_get_subject_name(leaf);
  int at = -1;
  int count = 0;
  bool match = false;
  while ((at = X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, at)) >= 0) {
    ++count;
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at));
    match = std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                             static_cast<std::size_t>(ASN1_STRING_length(s))) == role_ou;
  }
  return count == 1 && match;
}

int on_verify(int ok, X509_STORE_CTX* store) {
  const auto* ssl = static_cast<const SSL*>(
      X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  ContextData* d = ssl ? data_of(ssl) : nullptr;
  if (d == nullptr) return ok;
  if (!ok) {
    if (d->seen->verify_error == X509_V_OK) d->seen->verify_error = X509_STORE_CTX_get_error(store);
    return 0;
  }
  if (X509_STORE_CTX_get_error_depth(store) == 0 && !d->role_ou.empty() &&
      !has_role(X509_STORE_CTX_get_current_cert(store), d->role_ou)) {
    d->seen->wrong_role = true;
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  return 1;
}

void on_info(const SSL* ssl, int where, int ret) {
  // SSL_CB_READ_ALERT shares its SSL_CB_ALERT bit with the alerts we send.
  if ((where & SSL_CB_ALERT) && (where & SSL_CB_READ) && (ret >> 8) == SSL3_AL_FATAL) {
    if (ContextData* d = data_of(ssl); d && d->seen->alert < 0) d->seen->alert = ret & 0xff;
  }
}

// The chain does not lead to a certificate of the CA file (OpenSSL's several ways of saying so).
bool not_signed_by_ca(int verify_error) {
  switch (verify_error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return true;
    default:
      return false;
  }
}

bool is_pem(const std::string& text) {
  return text.find("-----BEGIN ") != std::string::npos;
}

BioPtr memory_bio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Every certificate of a PEM file, or the one of a DER file.
std::vector<X509Ptr> parse_certificates(const std::string& text) {
  std::vector<X509Ptr> out;
  BioPtr bio = memory_bio(text);
  if (!bio) return out;
  if (is_pem(text)) {
    while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(x);
  } else {
    if (X509* x = d2i_X509_bio(bio.get(), nullptr)) out.emplace_back(x);
  }
  ERR_clear_error();  // the end of the PEM file reads as an error
  return out;
}

// No passphrase prompt on the terminal: an encrypted key just fails to load.
int no_passphrase(char*, int, int, void*) {
  return 0;
}

PkeyPtr parse_key(const std::string& text) {
  BioPtr bio = memory_bio(text);
  if (!bio) return nullptr;
  PkeyPtr key(is_pem(text) ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr)
                           : d2i_PrivateKey_bio(bio.get(), nullptr));
  ERR_clear_error();
  return key;
}

std::string client_certificate_warning(const Credentials& c, const std::string& ca_path,
                                       const std::string& cert_path, std::string_view peer) {
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), &X509_STORE_free);
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  if (!store || !ctx || untrusted == nullptr) {
    sk_X509_free(untrusted);
    return {};
  }
  for (const auto& ca : c.cas) X509_STORE_add_cert(store.get(), ca.get());
  for (std::size_t i = 1; i < c.chain.size(); ++i) sk_X509_push(untrusted, c.chain[i].get());
  std::string warning;
  if (X509_STORE_CTX_init(ctx.get(), store.get(), c.chain[0].get(), untrusted) == 1) {
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
    if (X509_verify_cert(ctx.get()) != 1) {
      switch (X509_STORE_CTX_get_error(ctx.get())) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
          warning = "our client certificate " + cert_path + " has expired";
          break;
        case X509_V_ERR_CERT_NOT_YET_VALID:
          warning = "our client certificate " + cert_path + " is not valid yet";
          break;
        case X509_V_ERR_INVALID_PURPOSE:
          warning = "our client certificate " + cert_path + " is not for TLS client use";
          break;
        default:
          if (not_signed_by_ca(X509_STORE_CTX_get_error(ctx.get()))) {
            warning = "our client certificate " + cert_path + " is not signed by the CA " +
                      ca_path + " (" + std::string(peer) + " will refuse it)";
          }
          break;
      }
    }
  }
  sk_X509_free(untrusted);
  ERR_clear_error();
  return warning;
}

}  // namespace

std::optional<Credentials> load_credentials(const std::string& ca, const std::string& cert,
                                            const std::string& key, std::string_view peer_word,
                                            std::string& error) {
  const auto ca_text = portcullis::tools::read_file(ca, error);
  if (!ca_text) return std::nullopt;
  const auto cert_text = portcullis::tools::read_file(cert, error);
  if (!cert_text) return std::nullopt;
  const auto key_text = portcullis::tools::read_file(key, error);
  if (!key_text) return std::nullopt;

  Credentials c;
  c.cas = parse_certificates(*ca_text);
  if (c.cas.empty()) {
    error = ca + ": no certificate in it (PEM or DER)";
    return std::nullopt;
  }
  c.chain = parse_certificates(*cert_text);
  if (c.chain.empty()) {
    error = cert + ": no certificate in it (PEM or DER)";
    return std::nullopt;
  }
  c.key = parse_key(*key_text);
  if (!c.key) {
    error = key + ": no private key in it (PEM or DER; encrypted keys are not supported)";
    return std::nullopt;
  }
  if (X509_check_private_key(c.chain[0].get(), c.key.get()) != 1) {
    ERR_clear_error();
    error = key + " is not the private key of " + cert;
    return std::nullopt;
  }
  c.client_warning = client_certificate_warning(c, ca, cert, peer_word);
  return c;
}

bool setup_client_context(SSL_CTX* ctx, const Credentials& c, const std::string& host,
                          std::string_view role_ou, Seen* seen, std::string& error) {
  if (g_ctx_index < 0) {
    g_ctx_index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, free_data);
    if (g_ctx_index < 0) {
      error = "cannot set up OpenSSL";
      return false;
    }
  }
  // TLS 1.3, or TLS 1.2 with forward-secret AEAD suites only (the devices and the broker use
  // ECDHE-ECDSA-AES128-GCM-SHA256).
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL");

  // A store of our own: whatever a library loaded before (libcurl's system bundle) goes.
  X509_STORE* store = X509_STORE_new();
  if (store == nullptr) {
    error = "cannot create a certificate store";
    return false;
  }
  for (const auto& ca : c.cas) X509_STORE_add_cert(store, ca.get());
  SSL_CTX_set_cert_store(ctx, store);  // takes it
  ERR_clear_error();                   // a CA listed twice is not an error

  if (SSL_CTX_use_certificate(ctx, c.chain[0].get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, c.key.get()) != 1) {
    ERR_clear_error();
    error = "cannot use our certificate and key";
    return false;
  }
  for (std::size_t i = 1; i < c.chain.size(); ++i) SSL_CTX_add1_chain_cert(ctx, c.chain[i].get());

  // The peer's certificate must chain to the CA file and name HOST.
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
  const std::string bare = host.substr(0, host.find('%'));
  unsigned char addr[16];
  const bool is_ip = ::inet_pton(AF_INET, bare.c_str(), addr) == 1 ||
                     ::inet_pton(AF_INET6, bare.c_str(), addr) == 1;
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if ((is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, bare.c_str())
             : X509_VERIFY_PARAM_set1_host(param, bare.c_str(), 0)) != 1) {
    error = "cannot check the certificate against '" + printable(bare) + "'";
    return false;
  }
  SSL_CTX_set_ex_data(ctx, g_ctx_index, new ContextData{seen, std::string(role_ou)});
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, on_verify);
  SSL_CTX_set_info_callback(ctx, on_info);
  return true;
}

std::string certificate_text(int err, const std::string& host, std::string_view whose) {
  const std::string w(whose);
  std::string why;
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      why = w + " certificate has expired";
      break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      why = w + " certificate is not valid yet (check the clock)";
      break;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      why = w + " certificate does not name " + printable(host);
      break;
    case X509_V_ERR_CERT_REVOKED:
      why = w + " certificate is revoked";
      break;
    case X509_V_ERR_INVALID_PURPOSE:
      why = w + " certificate is not for TLS server use";
      break;
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_CA_MD_TOO_WEAK:
      why = w + " certificate uses an unacceptable algorithm or key";
      break;
    default:
      why = not_signed_by_ca(err) ? w + " certificate is not signed by the trusted CA (--ca)"
                                  : std::string("certificate verification failed: ") +
                                        X509_verify_cert_error_string(err);
  }
  return "certificate problem: " + why;
}

std::string wrong_role_text(std::string_view whose, std::string_view role_ou) {
  return "certificate problem: " + std::string(whose) +
         " certificate is not of its role (it needs EKU serverAuth and the one subject OU '" +
         std::string(role_ou) + "')";
}

std::string alert_text(int alert, const std::string& client_warning, std::string_view peer) {
  const std::string p(peer);
  switch (alert) {
    case SSL_AD_BAD_CERTIFICATE:
    case SSL_AD_UNSUPPORTED_CERTIFICATE:
    case SSL_AD_CERTIFICATE_REVOKED:
    case SSL_AD_CERTIFICATE_EXPIRED:
    case SSL_AD_CERTIFICATE_UNKNOWN:
    case SSL_AD_UNKNOWN_CA:
    case SSL_AD_ACCESS_DENIED:
    case SSL_AD_CERTIFICATE_REQUIRED:
      if (!client_warning.empty()) {
        return "certificate problem: " + p + " refused the TLS handshake: " + client_warning;
      }
      return "certificate problem: " + p + " refused our client certificate (" +
             SSL_alert_desc_string_long(alert) +
             "): it is missing, expired, or not from the fleet CA " + p + " trusts";
    case SSL_AD_HANDSHAKE_FAILURE:
    case SSL_AD_INSUFFICIENT_SECURITY:
      return "TLS handshake failed: no common cipher suite or group with " + p;
    case SSL_AD_PROTOCOL_VERSION:
      return "TLS handshake failed: no common TLS version with " + p + " (we need 1.2 or later)";
    default:
      return p + " ended the TLS handshake: " + SSL_alert_desc_string_long(alert);
  }
}

}  // namespace portcullis::fleet::tls
