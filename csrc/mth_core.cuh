// SPEC §1 building blocks on top of the shared SHA-256 core:
//   leafHash(d)    = SHA-256(0x00 ‖ d)
//   nodeHash(a, b) = SHA-256(0x01 ‖ a ‖ b)
// Compiled by nvcc (kernels) and g++ (host-simulated device, CPU-side tree reduction).
#pragma once
#include "leaf_limits.h"
#include "sha256_core.cuh"

namespace vrr {

HD bool isValidLeafSize(uint64_t leafSize) {
  return leafSize >= kMinLeafSize && leafSize <= kMaxLeafSize && (leafSize & (leafSize - 1)) == 0;
}

HD uint64_t leafCountFor(uint64_t size, uint64_t leafSize) { return (size + leafSize - 1) / leafSize; }

HD void leafHashBytes(const uint8_t* data, uint64_t length, uint8_t out[32]) {
  sha256PrefixedMessage(0x00, data, length, out);
}

// The 65-byte node message is exactly two blocks: 0x01 ‖ a ‖ b[0..31) and b[31] ‖ padding.
HD void nodeHash(const uint8_t a[32], const uint8_t b[32], uint8_t out[32]) {
  uint8_t bytes[128];
  bytes[0] = 0x01;
  for (int i = 0; i < 32; i++) bytes[1 + i] = a[i];
  for (int i = 0; i < 32; i++) bytes[33 + i] = b[i];
  bytes[65] = 0x80;
  for (int i = 66; i < 120; i++) bytes[i] = 0;
  const uint64_t bits = 65 * 8;
  for (int i = 0; i < 8; i++) bytes[120 + i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  uint32_t state[8];
  uint32_t words[16];
  sha256Init(state);
  for (int blockIndex = 0; blockIndex < 2; blockIndex++) {
    for (int j = 0; j < 16; j++) words[j] = loadBigEndian32(bytes + 64 * blockIndex + 4 * j);
    sha256Compress(state, words);
  }
  sha256StoreDigest(state, out);
}

// One step of the bottom-up reduction: node i of the next level from nodes 2i, 2i+1 of this
// one; an odd last node moves up unchanged (SPEC §1, equivalent bottom-up form).
HD void reduceLevelNode(const uint8_t* level, uint64_t count, uint64_t i, uint8_t* next) {
  if (2 * i + 1 < count) {
    nodeHash(level + 64 * i, level + 64 * i + 32, next + 32 * i);
  } else if (2 * i < count) {
    for (int k = 0; k < 32; k++) next[32 * i + k] = level[64 * i + k];
  }
}

HD uint64_t nextLevelCount(uint64_t count) { return (count + 1) / 2; }

}  // namespace vrr
