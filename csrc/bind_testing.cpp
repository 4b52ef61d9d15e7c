// Internal test helpers (never documented as API): they prove what the lease tests claim. One
// reads raw host memory at a lease's address (host-sim: the address is a host pointer) to show it
// is the sealed bytes; the other tries to write another process's export mapped here, to show the
// OS refuses it. Both accept only addresses inside a live host-sim allocation of this addon.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "allocation.h"
#include "bindings.h"
#include "js_args.h"
#include "promise_worker.h"
#include "registry.h"

namespace vrr {

namespace {

std::shared_ptr<Allocation::Use> hostSimUse(const JsOptions& args) {
  auto use = std::make_shared<Allocation::Use>(
      Allocation::begin(registry().allocation(args.handle("device"), args.handle("allocation"))));
  if (std::string(use->backend().backendName()) != "host-sim") {
    fail("E_POLICY", "this test helper works on host-sim allocations only (a device address is not readable here)");
  }
  return use;
}

int errnoOf(bool ok) { return ok ? 0 : errno; }

}  // namespace

// {device, allocation, address: bigint, length} -> the bytes at that address, read with memcpy.
Napi::Value ReadAtAddressForTesting(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    const JsOptions args(info);
    const auto use = hostSimUse(args);
    const uint64_t address = args.bigint("address");
    const uint64_t length = args.integerAtMost("length", 1ull << 20);
    const auto base = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(use->base()));
    if (address < base) fail("E_BOUNDS", "the address is below the allocation");
    checkRange(address - base, length, use->size(), "readAtAddressForTesting");
    return copyToBuffer(info.Env(), reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(address)), length);
  });
}

// {device, allocation, pid, fd, store}: on an imported host-sim allocation. `store: true` writes one
// byte through the mapping (the OS kills the process with SIGSEGV); otherwise it tries the other
// ways to write and returns each one's errno (0 = it succeeded).
Napi::Value TryWriteForTesting(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    const JsOptions args(info);
    const auto use = hostSimUse(args);
    if (!use->imported()) fail("E_POLICY", "tryWriteForTesting needs an imported allocation");
    auto* base = static_cast<uint8_t*>(use->base());
    if (args.flag("store")) {
      volatile uint8_t* p = base;
      p[0] = static_cast<uint8_t>(p[0] ^ 0xff);
    }
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("mprotect", errnoOf(mprotect(base, static_cast<size_t>(use->size()), PROT_READ | PROT_WRITE) == 0));
    const std::string path =
        "/proc/" + std::to_string(args.integer("pid")) + "/fd/" + std::to_string(args.integer("fd"));
    const int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
    out.Set("openReadWrite", errnoOf(fd >= 0));
    if (fd >= 0) {
      const uint8_t byte = 0;
      out.Set("pwrite", errnoOf(pwrite(fd, &byte, 1, 0) == 1));
      void* p = mmap(nullptr, static_cast<size_t>(use->size()), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      out.Set("mmapWrite", errnoOf(p != MAP_FAILED));
      if (p != MAP_FAILED) munmap(p, static_cast<size_t>(use->size()));
      close(fd);
    }
    return out;
  });
}

}  // namespace vrr
