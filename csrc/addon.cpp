// N-API entry point of the addon: registers the binding groups. JS only ever sees integer
// handles, never addresses; every call takes one options object (js_args.h).
#include <napi.h>

#include "bindings.h"

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  vrr::registerCpuBindings(env, exports);
  vrr::registerDeviceBindings(env, exports);
  vrr::registerAllocationBindings(env, exports);
  return exports;
}

NODE_API_MODULE(vram_residency, InitAddon)
