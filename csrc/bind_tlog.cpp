// SPEC §8, the audit writer's tree: one call per written batch appends its records to the Merkle
// tree. From JS each SHA-256 of a 33- or 65-byte message costs a call into node:crypto several
// times the hashing itself, and the tree takes about two per record.
#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "bindings.h"
#include "js_args.h"
#include "native_error.h"
#include "openssl_sha256.h"
#include "promise_worker.h"

namespace vrr {

namespace {

// Lowercase hex digit values; 0xff for every other byte (SPEC §4 hashes are lowercase).
struct HexTable {
  uint8_t value[256];
  HexTable() {
    for (int i = 0; i < 256; i++) value[i] = 0xff;
    for (int i = 0; i < 10; i++) value['0' + i] = static_cast<uint8_t>(i);
    for (int i = 0; i < 6; i++) value['a' + i] = static_cast<uint8_t>(10 + i);
  }
};
const HexTable kHex;

void decodeEntry(const std::string& hex, size_t index, uint8_t out[32]) {
  const auto* p = reinterpret_cast<const uint8_t*>(hex.data()) + index * 64;
  uint8_t bad = 0;
  for (size_t i = 0; i < 32; i++) {
    const uint8_t hi = kHex.value[p[2 * i]];
    const uint8_t lo = kHex.value[p[2 * i + 1]];
    bad |= (hi | lo) & 0xf0;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  if (bad != 0) fail("E_ARG", "entriesHex: entry " + std::to_string(index) + " is not 64 lowercase hex");
}

}  // namespace

// Appends entries (record hashes, 64 lowercase hex each, concatenated) to a tree of `size` entries
// whose right edge `frontier` holds the roots of its complete subtrees, largest first (one per set
// bit of size). Returns { stored, frontier }: the hashes the entries add in Go sumdb/tlog order
// (each leaf, then the interior hashes it completes) and the new right edge.
Napi::Value TlogAppend(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    const JsOptions args(info);
    const uint64_t size = args.integer("size");
    const Napi::Uint8Array frontier = args.bytes("frontier");
    const std::string hex = args.string("entriesHex");
    const size_t edges = static_cast<size_t>(__builtin_popcountll(size));
    if (frontier.ByteLength() != 32 * edges)
      fail("E_ARG", "frontier: a tree of " + std::to_string(size) + " entries has " + std::to_string(edges) +
                        " subtree roots (32 bytes each)");
    if (hex.size() % 64 != 0) fail("E_ARG", "entriesHex: 64 hex characters per entry");
    const size_t count = hex.size() / 64;

    // The right edge as a stack: hashes and their levels, largest subtree at the bottom.
    std::vector<std::array<uint8_t, 32>> hashes(edges);
    std::vector<int> levels;
    for (size_t i = 0; i < edges; i++) std::memcpy(hashes[i].data(), frontier.Data() + 32 * i, 32);
    for (int level = 63; level >= 0; level--)
      if ((size >> level) & 1) levels.push_back(level);

    std::vector<uint8_t> stored;
    stored.reserve(count * 64);
    Sha256Stream sha;
    uint8_t entry[32];
    std::array<uint8_t, 32> h;
    for (size_t i = 0; i < count; i++) {
      decodeEntry(hex, i, entry);
      sha.leafHash(entry, 32, h.data());
      stored.insert(stored.end(), h.begin(), h.end());
      int level = 0;
      while (!levels.empty() && levels.back() == level) {
        sha.nodeHash(hashes.back().data(), h.data(), h.data());
        hashes.pop_back();
        levels.pop_back();
        level++;
        stored.insert(stored.end(), h.begin(), h.end());
      }
      hashes.push_back(h);
      levels.push_back(level);
    }

    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("stored", copyToBuffer(env, stored.data(), stored.size()));
    std::vector<uint8_t> edge(32 * hashes.size());
    for (size_t i = 0; i < hashes.size(); i++) std::memcpy(edge.data() + 32 * i, hashes[i].data(), 32);
    out.Set("frontier", copyToBuffer(env, edge.data(), edge.size()));
    return out;
  });
}

}  // namespace vrr
