// Public types of the native layer (device backends and the CPU engine).

/** Where shard bytes live: real VRAM, or host memory pretending to be a device (never VRAM). */
export type Backend = 'cuda' | 'host-sim';

export interface DeviceProperties {
  index: number;
  backend: Backend;
  name: string;
  uuid: string | null;
  totalMemory: number;
  computeCapability: { major: number; minor: number };
  integrated: boolean;
  canMapHostMemory: boolean;
  managedMemory: boolean;
  pageableMemoryAccess: boolean;
  pageableMemoryAccessUsesHostPageTables: boolean;
  driverVersion: number | null;
  runtimeVersion: number | null;
}

export interface NativeStatus {
  /** The addon binary loaded. */
  loaded: boolean;
  /** Which binary: the package's prebuilt addon or a local build (null when none loaded). */
  binary?: { kind: 'prebuild' | 'local-build'; path: string } | null;
  /** CUDA builds: the CUDA version the installed driver supports (e.g. 13000 = 13.0); null when no driver answered. */
  driverCudaVersion?: number | null;
  /** CUDA builds: the statically linked CUDA runtime version (e.g. 13000). */
  runtimeVersion?: number;
  /** CUDA builds: the oldest NVIDIA driver branch the runtime runs on (580 for CUDA 13). */
  minimumDriverBranch?: number;
  /** The NVIDIA kernel driver's version ("580.65.06") from /proc, null when none is loaded. */
  nvidiaDriver?: string | null;
  /** CUDA builds: the driver against what the addon needs, in one sentence (doctor prints it). */
  driverRequirement?: string | null;
  /** The addon was built with the CUDA backend (nvcc was found at install time). */
  withCuda: boolean;
  /** Why no CUDA device is usable: "built without CUDA", "no CUDA driver: …", "no device: …", a load error; null when usable. */
  reason: string | null;
  cudaDeviceCount: number;
  /** The CPU has SHA extensions (SHA-NI) that Node's OpenSSL uses for the CPU engine. */
  sha256Accelerated?: boolean;
}

export interface OpenDeviceOptions {
  backend: Backend;
  /** Device index (0…1023); default 0. */
  index?: number;
  /** host-sim only: bytes the simulated device can hold; default 1 GiB. */
  capacityBytes?: number;
  /** Allow Allocation.flipBits (tests and drills only); default false. */
  faultInjection?: boolean;
  /** host-sim only: CPU threads that run the simulated grid; default: all cores. */
  threads?: number;
  /**
   * Tests (host-sim + faultInjection only): every host→device copy lands as late as the stream
   * ordering allows, so work not ordered after a copy sees the old bytes, every time.
   */
  simulatedLateCopies?: boolean;
  /** Tests (host-sim + faultInjection only): plant the ordering bug the pipeline guards against. */
  simulatedOrderingBug?: boolean;
}

export interface UploadFileOptions {
  /** First byte of the file to upload; default 0. */
  fileOffset?: number;
  /** Bytes to upload; default: to the end of the file. */
  length?: number;
  /** Where the bytes land in the allocation; default 0. Leaves are counted from here. */
  deviceOffset?: number;
  /** SPEC §1 leaf size (power of two, 4 KiB…16 MiB). */
  leafSize: number;
  /** Also compute the plain SHA-256 of the uploaded bytes; default false. */
  sha256?: boolean;
  /** Staging chunk (a multiple of leafSize); default: 8 MiB rounded up to a whole leaf. */
  chunkBytes?: number;
  /** Called with the number of bytes copied to the device so far (monotonic); the last call, with length, comes after every leaf is hashed. */
  onProgress?: (bytesDone: number) => void;
}

export interface UploadFileResult {
  /** 32-byte leaf hashes, computed from device memory as each chunk landed. */
  leafHashes: Uint8Array;
  sha256: Uint8Array | null;
  /** Bytes uploaded (the resolved length). */
  length: number;
}

export interface MthFileOptions {
  leafSize: number;
  offset?: number;
  length?: number;
  threads?: number;
  sha256?: boolean;
}
