// One SHA-256 core for both compilers: nvcc builds it into the CUDA kernels, g++ into the
// host-simulated device and the test hook. Keeping a single source is what lets CI (no GPU)
// exercise the exact code the GPU runs.
#pragma once
#include <stddef.h>
#include <stdint.h>

#if defined(__CUDACC__)
#define HD __host__ __device__ __forceinline__
#define VRR_UNROLL _Pragma("unroll")
#else
#define HD inline
#define VRR_UNROLL _Pragma("GCC unroll 64")
#endif

namespace vrr {

// Round constants: constant memory on the device (broadcast reads), a plain table on the host.
#define VRR_SHA256_ROUND_CONSTANTS                                                                                  \
  {                                                                                                                 \
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,     \
        0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, \
        0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, \
        0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, \
        0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, \
        0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, \
        0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, \
        0xc67178f2                                                                                                  \
  }

#if defined(__CUDACC__)
__constant__ static const uint32_t kRoundConstantsDevice[64] = VRR_SHA256_ROUND_CONSTANTS;
#endif
static const uint32_t kRoundConstantsHost[64] = VRR_SHA256_ROUND_CONSTANTS;

HD uint32_t roundConstant(int i) {
#if defined(__CUDA_ARCH__)
  return kRoundConstantsDevice[i];
#else
  return kRoundConstantsHost[i];
#endif
}

HD uint32_t rotr32(uint32_t x, unsigned n) {
#if defined(__CUDA_ARCH__)
  return __funnelshift_r(x, x, n);
#else
  return (x >> n) | (x << (32 - n));
#endif
}

// Bytes of the 8-byte value {hi:lo} picked by the four selector nibbles (CUDA __byte_perm
// semantics). Used to build big-endian message words from little-endian loads that sit one
// byte off (the leaf prefix 0x00 shifts every leaf by one byte).
HD uint32_t bytePerm(uint32_t lo, uint32_t hi, uint32_t selector) {
#if defined(__CUDA_ARCH__)
  return __byte_perm(lo, hi, selector);
#else
  const uint64_t both = (static_cast<uint64_t>(hi) << 32) | lo;
  uint32_t out = 0;
  for (int i = 0; i < 4; i++) {
    const unsigned pick = (selector >> (4 * i)) & 7u;
    out |= static_cast<uint32_t>((both >> (8 * pick)) & 0xffu) << (8 * i);
  }
  return out;
#endif
}

HD uint32_t loadBigEndian32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | static_cast<uint32_t>(p[3]);
}

HD void storeBigEndian32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

HD void sha256Init(uint32_t state[8]) {
  state[0] = 0x6a09e667;
  state[1] = 0xbb67ae85;
  state[2] = 0x3c6ef372;
  state[3] = 0xa54ff53a;
  state[4] = 0x510e527f;
  state[5] = 0x9b05688c;
  state[6] = 0x1f83d9ab;
  state[7] = 0x5be0cd19;
}

// One compression over 16 big-endian message words (already byte-ordered by the caller).
HD void sha256Compress(uint32_t state[8], const uint32_t block[16]) {
  uint32_t w[16];
  VRR_UNROLL
  for (int i = 0; i < 16; i++) w[i] = block[i];
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
  VRR_UNROLL
  for (int i = 0; i < 64; i++) {
    uint32_t wi;
    if (i < 16) {
      wi = w[i];
    } else {
      const uint32_t w15 = w[(i - 15) & 15], w2 = w[(i - 2) & 15];
      const uint32_t s0 = rotr32(w15, 7) ^ rotr32(w15, 18) ^ (w15 >> 3);
      const uint32_t s1 = rotr32(w2, 17) ^ rotr32(w2, 19) ^ (w2 >> 10);
      wi = w[i & 15] + s0 + w[(i - 7) & 15] + s1;
      w[i & 15] = wi;
    }
    const uint32_t S1 = rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25);
    const uint32_t ch = (e & f) ^ (~e & g);
    const uint32_t t1 = h + S1 + ch + roundConstant(i) + wi;
    const uint32_t S0 = rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22);
    const uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
    const uint32_t t2 = S0 + maj;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

HD void sha256StoreDigest(const uint32_t state[8], uint8_t out[32]) {
  VRR_UNROLL
  for (int i = 0; i < 8; i++) storeBigEndian32(out + 4 * i, state[i]);
}

// Streams the message "prefix byte ‖ data" (prefix < 0 means no prefix) through the core.
// Byte-at-a-time assembly keeps it simple; the fast paths (warp staging on the device,
// OpenSSL on the CPU engine) do not go through here.
HD void sha256PrefixedMessage(int prefix, const uint8_t* data, uint64_t length, uint8_t out[32]) {
  uint32_t state[8];
  sha256Init(state);
  uint8_t buffer[64];
  unsigned filled = 0;
  uint64_t total = 0;
  uint32_t words[16];
  if (prefix >= 0) {
    buffer[filled++] = static_cast<uint8_t>(prefix);
    total++;
  }
  for (uint64_t i = 0; i < length; i++) {
    buffer[filled++] = data[i];
    total++;
    if (filled == 64) {
      for (int j = 0; j < 16; j++) words[j] = loadBigEndian32(buffer + 4 * j);
      sha256Compress(state, words);
      filled = 0;
    }
  }
  buffer[filled++] = 0x80;
  if (filled > 56) {
    while (filled < 64) buffer[filled++] = 0;
    for (int j = 0; j < 16; j++) words[j] = loadBigEndian32(buffer + 4 * j);
    sha256Compress(state, words);
    filled = 0;
  }
  while (filled < 56) buffer[filled++] = 0;
  const uint64_t bits = total * 8;
  for (int i = 0; i < 8; i++) buffer[56 + i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  for (int j = 0; j < 16; j++) words[j] = loadBigEndian32(buffer + 4 * j);
  sha256Compress(state, words);
  sha256StoreDigest(state, out);
}

HD void sha256Bytes(const uint8_t* data, uint64_t length, uint8_t out[32]) {
  sha256PrefixedMessage(-1, data, length, out);
}

}  // namespace vrr
