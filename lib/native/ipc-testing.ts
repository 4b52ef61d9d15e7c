// @internal Host-sim test helpers over the addon's internal functions: read raw memory at a lease's
// address (proves the address is the sealed bytes) and try to write another process's export mapped
// here (proves the OS refuses it). Not part of the package's API.
import type { Allocation } from './device.js';
import { nativeRefOf } from './device.js';
import { callNativeSync } from './addon.js';

/** @internal Bytes at `address` (inside `allocation`), read directly from host memory (host-sim only). */
export function readAtAddressForTesting(allocation: Allocation, address: bigint, length: number): Uint8Array {
  const { addon, ref } = nativeRefOf(allocation);
  return new Uint8Array(callNativeSync(() => addon.readAtAddressForTesting({ ...ref, address, length })));
}

/**
 * @internal Tries to write an imported host-sim allocation: `store` writes through the mapping (the
 * OS kills the process with SIGSEGV); otherwise each other way's errno (0 = it was allowed).
 */
export function tryWriteForTesting(
  allocation: Allocation,
  exporter: { pid: number; fd: number },
  store = false,
): { mprotect: number; openReadWrite: number; pwrite?: number; mmapWrite?: number } {
  const { addon, ref } = nativeRefOf(allocation);
  return callNativeSync(() => addon.tryWriteForTesting({ ...ref, pid: exporter.pid, fd: exporter.fd, store }));
}
