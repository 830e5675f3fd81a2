#include "srtp/provider_cipher.hpp"

#include <openssl/core_dispatch.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <strings.h>

#include <array>
#include <string>
#include <string_view>
#include <utility>

namespace tandem::srtp {

struct CipherDispatch {
  std::string_view name;
  EVP_CIPHER* fetched = nullptr;  // never freed: it holds the provider loaded
  void* provider_ctx = nullptr;
  OSSL_FUNC_cipher_newctx_fn* newctx = nullptr;
  OSSL_FUNC_cipher_freectx_fn* freectx = nullptr;
  OSSL_FUNC_cipher_encrypt_init_fn* encrypt_init = nullptr;
  OSSL_FUNC_cipher_decrypt_init_fn* decrypt_init = nullptr;
  OSSL_FUNC_cipher_update_fn* update = nullptr;
  OSSL_FUNC_cipher_final_fn* final = nullptr;
  OSSL_FUNC_cipher_get_ctx_params_fn* get_ctx_params = nullptr;
  OSSL_FUNC_cipher_set_ctx_params_fn* set_ctx_params = nullptr;

  bool complete() const noexcept {
    return newctx && freectx && encrypt_init && decrypt_init && update && final && get_ctx_params &&
           set_ctx_params;
  }
};

namespace {

constexpr std::array<std::string_view, 4> kCiphers = {"AES-128-GCM", "AES-256-GCM", "AES-128-CTR",
                                                      "AES-256-CTR"};

// Whether the provider's "NAME1:NAME2:OID" list holds name.
bool names_include(const char* names, std::string_view name) noexcept {
  std::string_view rest(names);
  while (!rest.empty()) {
    const size_t colon = rest.find(':');
    const std::string_view token = rest.substr(0, colon);
    if (token.size() == name.size() && ::strncasecmp(token.data(), name.data(), name.size()) == 0) {
      return true;
    }
    if (colon == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(colon + 1);
  }
  return false;
}

void take_functions(const OSSL_DISPATCH* fns, CipherDispatch& d) noexcept {
  for (; fns->function_id != 0; ++fns) {
    switch (fns->function_id) {
      case OSSL_FUNC_CIPHER_NEWCTX:
        d.newctx = OSSL_FUNC_cipher_newctx(fns);
        break;
      case OSSL_FUNC_CIPHER_FREECTX:
        d.freectx = OSSL_FUNC_cipher_freectx(fns);
        break;
      case OSSL_FUNC_CIPHER_ENCRYPT_INIT:
        d.encrypt_init = OSSL_FUNC_cipher_encrypt_init(fns);
        break;
      case OSSL_FUNC_CIPHER_DECRYPT_INIT:
        d.decrypt_init = OSSL_FUNC_cipher_decrypt_init(fns);
        break;
      case OSSL_FUNC_CIPHER_UPDATE:
        d.update = OSSL_FUNC_cipher_update(fns);
        break;
      case OSSL_FUNC_CIPHER_FINAL:
        d.final = OSSL_FUNC_cipher_final(fns);
        break;
      case OSSL_FUNC_CIPHER_GET_CTX_PARAMS:
        d.get_ctx_params = OSSL_FUNC_cipher_get_ctx_params(fns);
        break;
      case OSSL_FUNC_CIPHER_SET_CTX_PARAMS:
        d.set_ctx_params = OSSL_FUNC_cipher_set_ctx_params(fns);
        break;
      default:
        break;
    }
  }
}

// The implementation EVP_CIPHER_fetch selects, looked up in its provider's algorithm list.
CipherDispatch resolve(std::string_view name) noexcept {
  CipherDispatch d{.name = name};
  d.fetched = EVP_CIPHER_fetch(nullptr, std::string(name).c_str(), nullptr);
  if (d.fetched == nullptr) {
    return d;
  }
  const OSSL_PROVIDER* provider = EVP_CIPHER_get0_provider(d.fetched);
  int no_store = 0;
  const OSSL_ALGORITHM* algorithms =
      OSSL_PROVIDER_query_operation(provider, OSSL_OP_CIPHER, &no_store);
  for (const OSSL_ALGORITHM* a = algorithms; a != nullptr && a->algorithm_names != nullptr; ++a) {
    if (names_include(a->algorithm_names, name)) {
      take_functions(a->implementation, d);
      break;
    }
  }
  if (algorithms != nullptr) {
    OSSL_PROVIDER_unquery_operation(provider, OSSL_OP_CIPHER, algorithms);
  }
  d.provider_ctx = OSSL_PROVIDER_get0_provider_ctx(provider);
  return d;
}

const CipherDispatch* dispatch_for(std::string_view name) noexcept {
  static const std::array<CipherDispatch, kCiphers.size()> table = [] {
    std::array<CipherDispatch, kCiphers.size()> t;
    for (size_t i = 0; i < kCiphers.size(); ++i) {
      t[i] = resolve(kCiphers[i]);
    }
    return t;
  }();
  for (const CipherDispatch& d : table) {
    if (d.name == name) {
      return d.complete() ? &d : nullptr;
    }
  }
  return nullptr;
}

}  // namespace

Result<ProviderCipher> ProviderCipher::create(const char* name, std::span<const uint8_t> key) {
  const CipherDispatch* d = dispatch_for(name);
  if (d == nullptr) {
    return Error{std::string("OpenSSL cipher ") + name + " unavailable"};
  }
  void* algctx = d->newctx(d->provider_ctx);
  if (algctx == nullptr) {
    return Error{std::string("OpenSSL ") + name + " context allocation failed"};
  }
  ProviderCipher cipher(d, algctx);
  // Keyed once for encryption; start() switches direction without touching the key schedule
  // (AES-CTR and AES-GCM only ever run the block cipher forwards).
  if (d->encrypt_init(algctx, key.data(), key.size(), nullptr, 0, nullptr) != 1) {
    return Error{std::string("OpenSSL ") + name + " key set-up failed"};
  }
  return cipher;
}

Result<ProviderCipher> ProviderCipher::create_aes(std::string_view mode,
                                                  std::span<const uint8_t> key) {
  if (key.size() != 16 && key.size() != 32) {
    return Error{"AES-" + std::string(mode) + " key must be 16 or 32 bytes"};
  }
  const std::string name = (key.size() == 16 ? "AES-128-" : "AES-256-") + std::string(mode);
  return create(name.c_str(), key);
}

ProviderCipher::ProviderCipher(ProviderCipher&& other) noexcept
    : dispatch_(other.dispatch_), algctx_(std::exchange(other.algctx_, nullptr)) {}

ProviderCipher& ProviderCipher::operator=(ProviderCipher&& other) noexcept {
  if (this != &other) {
    if (algctx_ != nullptr) {
      dispatch_->freectx(algctx_);
    }
    dispatch_ = other.dispatch_;
    algctx_ = std::exchange(other.algctx_, nullptr);
  }
  return *this;
}

ProviderCipher::~ProviderCipher() {
  if (algctx_ != nullptr) {
    dispatch_->freectx(algctx_);
  }
}

bool ProviderCipher::start(std::span<const uint8_t> iv, bool encrypt) noexcept {
  auto* init = encrypt ? dispatch_->encrypt_init : dispatch_->decrypt_init;
  return init(algctx_, nullptr, 0, iv.data(), iv.size(), nullptr) == 1;
}

bool ProviderCipher::update(const uint8_t* in, uint8_t* out, size_t len) noexcept {
  size_t written = 0;
  // The provider checks the output size even for AAD (out == nullptr), so it is always len.
  if (dispatch_->update(algctx_, out, &written, len, in, len) != 1) {
    return false;
  }
  return out == nullptr || written == len;
}

bool ProviderCipher::finish() noexcept {
  uint8_t none[1];
  size_t written = 0;
  return dispatch_->final(algctx_, none, &written, 0) == 1 && written == 0;
}

bool ProviderCipher::get_params(OSSL_PARAM* params) noexcept {
  return dispatch_->get_ctx_params(algctx_, params) == 1;
}

bool ProviderCipher::set_params(const OSSL_PARAM* params) noexcept {
  return dispatch_->set_ctx_params(algctx_, params) == 1;
}

}  // namespace tandem::srtp
