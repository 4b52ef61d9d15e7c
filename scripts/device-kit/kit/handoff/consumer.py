#!/usr/bin/env python3
"""The Python side of the device kit's hand-off (issue 23's exported lease handle).

Maps the handle read-only the way an inference engine would: host-memfd (host-sim) through
/proc/<pid>/fd/<fd>; cuda-legacy with CuPy's cudaIpcOpenMemHandle; cuda-mempool by receiving the
pool's POSIX fd over the exporter's abstract Unix socket and importing pool and pointer through the
CUDA runtime. It then views the bytes as tensors with torch.from_dlpack (zero-copy) and compares
every byte, and every tensor, with the sealed file. CUDA handles need CuPy (and use PyTorch when
present); it says "skipped" (with the reason) when python3 has neither. A host-memfd handle (a
host-sim dry run) needs only NumPy. Prints one JSON line: {"status", "detail"}.

usage: consumer.py HANDLE.json MODEL_FILE TENSORS_JSON
"""
import ctypes
import json
import mmap
import os
import socket
import sys


def result(status, detail):
    print(json.dumps({"status": status, "detail": detail}))
    sys.exit(0)


def optional(name):
    try:
        return __import__(name)
    except Exception as error:  # ImportError, or a broken CUDA install
        return error


def numpy_dtype(np, dtype):
    return {"F32": np.float32, "F16": np.float16, "F64": np.float64, "U8": np.uint8, "I8": np.int8,
            "I16": np.int16, "I32": np.int32, "I64": np.int64, "U16": np.uint16}.get(dtype)


def dlpack(torch, array):
    """torch.from_dlpack(array), zero-copy; None when the exporter refuses (NumPy < 2 and read-only arrays)."""
    try:
        return torch.from_dlpack(array)
    except (BufferError, TypeError, RuntimeError):
        return None


def compare_tensors(np, torch, flat, expected, tensors):
    """flat: a uint8 array (NumPy or CuPy) over the sealed bytes; each tensor viewed via DLPack."""
    compared = 0
    for t in tensors:
        dt = numpy_dtype(np, t["dtype"])
        if dt is None:
            continue
        view = flat[t["offset"]:t["offset"] + t["length"]].view(dt).reshape(t["shape"])
        want = np.frombuffer(expected, dtype=dt, count=t["length"] // np.dtype(dt).itemsize,
                             offset=t["offset"]).reshape(t["shape"])
        tensor = dlpack(torch, view) if torch is not None else None
        if tensor is not None:
            got = tensor.cpu().numpy()
        else:
            got = view.get() if hasattr(view, "get") else view
        if not np.array_equal(got, want):
            result("failed", f"tensor {t['name']} differs from the file")
        compared += 1
    return compared


def host_memfd(h, expected, tensors, np, torch):
    path = f"/proc/{h['pid']}/fd/{h['fd']}"
    with open(path, "rb") as f:
        mapped = mmap.mmap(f.fileno(), h["offset"] + h["length"], prot=mmap.PROT_READ)
    flat = np.frombuffer(mapped, dtype=np.uint8, count=h["length"], offset=h["offset"])
    whole = dlpack(torch, flat) if torch is not None else None
    if bytes(flat) != expected or (whole is not None and whole.numpy().tobytes() != expected):
        result("failed", "host-memfd: the mapped bytes differ from the sealed file")
    n = compare_tensors(np, torch, flat, expected, tensors)
    how = "torch.from_dlpack zero-copy" if whole is not None else \
        "NumPy only: no PyTorch here" if torch is None else "NumPy: PyTorch refused the read-only map over DLPack"
    del whole, flat
    return f"host-memfd mapped read-only via {path}: {h['length']} bytes equal the file ({how}), {n} tensors compared"


def cudart():
    """The CUDA runtime CuPy loaded (same process, same primary context)."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            if "libcudart.so" in line:
                return ctypes.CDLL(line.split()[-1])
    for name in ("libcudart.so", "libcudart.so.13", "libcudart.so.12"):
        try:
            return ctypes.CDLL(name)
        except OSError:
            pass
    result("failed", "cuda-mempool: no libcudart found to import the memory pool")


def receive_pool_fd(token):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("\0vram-residency-fd-" + token)
    _, fds, _, _ = socket.recv_fds(s, 16, 1)
    s.close()
    if not fds:
        result("failed", "cuda-mempool: the exporter sent no descriptor")
    return fds[0]


def import_pool_pointer(h):
    rt = cudart()
    fd = receive_pool_fd(h["token"])
    pool = ctypes.c_void_p()
    err = rt.cudaMemPoolImportFromShareableHandle(ctypes.byref(pool), ctypes.c_void_p(fd), 1, 0)
    if err != 0:
        result("failed", f"cudaMemPoolImportFromShareableHandle failed: {err}")
    ptr = ctypes.c_void_p()
    data = ctypes.create_string_buffer(bytes.fromhex(h["handle"]), 64)
    err = rt.cudaMemPoolImportPointer(ctypes.byref(ptr), pool, data)
    if err != 0:
        result("failed", f"cudaMemPoolImportPointer failed: {err}")
    return ptr.value, lambda: (rt.cudaDeviceSynchronize(), rt.cudaFree(ptr), os.close(fd))


def cuda_handle(h, expected, tensors, np, cupy, torch):
    if isinstance(cupy, Exception):
        result("skipped", f"{h['kind']} needs CuPy to open a raw CUDA IPC handle (PyTorch alone cannot): {cupy}")
    cupy.cuda.Device(h["device"]).use()
    if h["kind"] == "cuda-legacy":
        ptr = cupy.cuda.runtime.ipcOpenMemHandle(bytes.fromhex(h["handle"]))
        close = lambda: cupy.cuda.runtime.ipcCloseMemHandle(ptr)  # noqa: E731
    else:
        ptr, close = import_pool_pointer(h)
    try:
        mem = cupy.cuda.UnownedMemory(ptr, h["offset"] + h["length"], h, h["device"])
        flat = cupy.ndarray((h["length"],), dtype=cupy.uint8, memptr=cupy.cuda.MemoryPointer(mem, h["offset"]))
        whole = torch.from_dlpack(flat) if torch is not None else flat
        got = whole.cpu().numpy().tobytes() if torch is not None else flat.get().tobytes()  # zero-copy view, then to host
        if got != expected:
            result("failed", f"{h['kind']}: the bytes read through the handle differ from the sealed file")
        n = compare_tensors(np, torch, flat, expected, tensors)
        where = f"torch.from_dlpack on {whole.device}" if torch is not None else "CuPy (no PyTorch)"
        del whole, flat, mem
        cupy.cuda.runtime.deviceSynchronize()
        return f"{h['kind']} opened with CuPy {cupy.__version__}: {h['length']} bytes equal the file via {where}, {n} tensors compared"
    finally:
        close()


def main():
    handle_file, model_file, tensors_json = sys.argv[1:4]
    h = json.load(open(handle_file))
    tensors = json.loads(tensors_json)
    with open(model_file, "rb") as f:
        f.seek(h["offset"])
        expected = f.read(h["length"])
    cupy, torch, np = optional("cupy"), optional("torch"), optional("numpy")
    if isinstance(np, Exception):
        result("skipped", f"python3 has no NumPy ({np})")
    if h["kind"] == "host-memfd":  # host-sim memory: NumPy maps it; PyTorch, when present, views it
        result("passed", host_memfd(h, expected, tensors, np, None if isinstance(torch, Exception) else torch))
    if isinstance(cupy, Exception) and isinstance(torch, Exception):
        result("skipped", f"python3 {sys.version.split()[0]} has neither CuPy nor PyTorch ({cupy}; {torch})")
    result("passed", cuda_handle(h, expected, tensors, np, cupy, None if isinstance(torch, Exception) else torch))


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except Exception as error:  # report, never a traceback without a verdict
        result("failed", f"{type(error).__name__}: {error}")
