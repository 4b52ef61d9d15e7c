// SHA-256 through the OpenSSL that is linked into the node binary (symbols resolve at load
// time against node itself): SHA-NI / AVX2 assembly, ~7x the portable core.
#pragma once
#include <openssl/evp.h>

#include <cstdint>
#include <cstring>

#include "native_error.h"

namespace vrr {

// OpenSSL 3 looks the algorithm up again on every EVP_DigestInit_ex given EVP_sha256() (an
// "implicit fetch", several times the cost of hashing 64 bytes); an explicitly fetched one is kept.
inline const EVP_MD* sha256Md() {
#if OPENSSL_VERSION_MAJOR >= 3
  static const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (fetched != nullptr) return fetched;
#endif
  return EVP_sha256();
}

class Sha256Stream {
 public:
  Sha256Stream() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr) fail("E_OUT_OF_MEMORY", "cannot allocate a SHA-256 context");
    reset();
  }
  ~Sha256Stream() { EVP_MD_CTX_free(ctx_); }
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;

  void reset() {
    if (EVP_DigestInit_ex(ctx_, sha256Md(), nullptr) != 1) fail("E_IO", "SHA-256 init failed");
  }
  void update(const void* data, size_t length) {
    if (length > 0 && EVP_DigestUpdate(ctx_, data, length) != 1) fail("E_IO", "SHA-256 update failed");
  }
  void finish(uint8_t out[32]) {
    unsigned int written = 0;
    if (EVP_DigestFinal_ex(ctx_, out, &written) != 1 || written != 32) fail("E_IO", "SHA-256 final failed");
    reset();
  }

  void leafHash(const uint8_t* data, size_t length, uint8_t out[32]) {
    const uint8_t prefix = 0x00;
    update(&prefix, 1);
    update(data, length);
    finish(out);
  }
  void nodeHash(const uint8_t* left, const uint8_t* right, uint8_t out[32]) {
    uint8_t message[65];
    message[0] = 0x01;
    std::memcpy(message + 1, left, 32);
    std::memcpy(message + 33, right, 32);
    update(message, sizeof message);
    finish(out);
  }

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace vrr
