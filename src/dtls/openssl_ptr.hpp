// Move-only owning handles for the OpenSSL objects the DTLS layer creates (RAII: every object is
// freed exactly once, also on early error returns).
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>

namespace tandem::dtls {

template <auto Free>
struct OpenSslFree {
  template <typename T>
  void operator()(T* object) const noexcept {
    Free(object);
  }
};

using SslCtxPtr = std::unique_ptr<SSL_CTX, OpenSslFree<&SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OpenSslFree<&SSL_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslFree<&X509_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree<&EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree<&BIO_free_all>>;
using BioMethodPtr = std::unique_ptr<BIO_METHOD, OpenSslFree<&BIO_meth_free>>;

}  // namespace tandem::dtls
