// N-API entry point of the addon: registers the bindings. JS only ever sees integer handles,
// never addresses; every call takes one options object (js_args.h).
#include <napi.h>

#include "bindings.h"

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  struct Entry {
    const char* name;
    Napi::Value (*function)(const Napi::CallbackInfo&);
  };
  static const Entry entries[] = {
      {"status", vrr::Status},
      {"coreSha256", vrr::CoreSha256},
      {"cpuMth", vrr::CpuMth},
      {"cpuSha256", vrr::CpuSha256},
      {"cpuMthFile", vrr::CpuMthFile},
      {"cpuSha256File", vrr::CpuSha256File},
      {"tlogAppend", vrr::TlogAppend},
      {"openDevice", vrr::OpenDevice},
      {"loseDevice", vrr::LoseDevice},
      {"deviceProperties", vrr::DeviceProps},
      {"deviceMemInfo", vrr::DeviceMemInfo},
      {"deviceClose", vrr::DeviceClose},
      {"allocate", vrr::Allocate},
      {"free", vrr::Free},
      {"upload", vrr::Upload},
      {"uploadFile", vrr::UploadFile},
      {"leafHashes", vrr::LeafHashes},
      {"chosenLeafHashes", vrr::ChosenLeafHashes},
      {"root", vrr::Root},
      {"flipBits", vrr::FlipBits},
      {"isDeviceMemory", vrr::IsDeviceMemory},
      {"allocationAddress", vrr::AllocationAddress},
      {"exportIpc", vrr::ExportIpc},
      {"openIpc", vrr::OpenIpc},
      {"checkIpc", vrr::CheckIpc},
      {"ipcStatus", vrr::IpcStatus},
      {"readRange", vrr::ReadRange},
      {"rangeRoots", vrr::RangeRoots},
      {"readAtAddressForTesting", vrr::ReadAtAddressForTesting},
      {"tryWriteForTesting", vrr::TryWriteForTesting},
  };
  for (const Entry& e : entries) exports.Set(e.name, Napi::Function::New(env, e.function, e.name));
  return exports;
}

NODE_API_MODULE(vram_residency, InitAddon)
