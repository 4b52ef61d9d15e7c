// vram-residency native layer: the addon loader, devices (cuda, host-sim) and the CPU engine.
export type {
  Backend,
  DeviceProperties,
  MthFileOptions,
  NativeStatus,
  OpenDeviceOptions,
  UploadFileOptions,
  UploadFileResult,
} from './types.js';
export { loadNative, nativeStatus, type NativeAddon } from './addon.js';
export { DeviceLostError } from '../errors.js';
export { openDevice, type Allocation, type Device, type FreeResult } from './device.js';
export { cpuEngine, type CpuEngine } from './cpu-engine.js';
