{
  # The addon: CPU engine (Node's OpenSSL), host-simulated device, and - when a CUDA toolkit is
  # found at configure time (scripts/detect-cuda.mjs) - the CUDA backend, with SASS and PTX for
  # the architectures of scripts/cuda-archs.mjs. cudart is linked statically and every symbol but
  # the module's entry point is hidden, so the addon loads on machines without a driver and
  # clashes with no other CUDA library in the process.
  "variables": {
    "with_cuda%": "<!(node scripts/detect-cuda.mjs)",
    "cuda_home%": "<!(node scripts/detect-cuda.mjs --home)"
  },
  "targets": [
    {
      "target_name": "vram_residency",
      "sources": [
        "csrc/addon.cpp",
        "csrc/bind_allocation.cpp",
        "csrc/bind_cpu.cpp",
        "csrc/bind_device.cpp",
        "csrc/bind_lease.cpp",
        "csrc/bind_testing.cpp",
        "csrc/bind_tlog.cpp",
        "csrc/cpu_engine.cpp",
        "csrc/fd_pass.cpp",
        "csrc/file_reader.cpp",
        "csrc/host_memfd.cpp",
        "csrc/host_grid.cpp",
        "csrc/host_sim_backend.cpp",
        "csrc/js_args.cpp",
        "csrc/lane_ops.cpp",
        "csrc/promise_worker.cpp",
        "csrc/registry.cpp"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "csrc"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++14", "-std=gnu++17"],
      "ldflags": ["-Wl,--version-script=<(module_root_dir)/csrc/exports.map"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O3", "-fvisibility=hidden", "-Wall", "-Wno-unused-function", "-Wno-unknown-pragmas"],
      "conditions": [
        ["with_cuda==1", {
          "defines": ["VRR_WITH_CUDA=1"],
          "sources": ["csrc/cuda_backend.cpp", "csrc/cuda_ipc.cpp", "csrc/kernels.cu"],
          "include_dirs": ["<(cuda_home)/include"],
          "libraries": ["<(cuda_home)/lib64/libcudart_static.a", "-ldl", "-lrt", "-lpthread"],
          "ldflags": ["-Wl,--exclude-libs,ALL"],
          "rules": [
            {
              "rule_name": "nvcc",
              "extension": "cu",
              "inputs": ["csrc/sha256_core.cuh", "csrc/mth_core.cuh", "csrc/leaf_kernel_body.cuh", "csrc/leaf_limits.h", "csrc/cuda_kernels.h"],
              "outputs": ["<(INTERMEDIATE_DIR)/<(RULE_INPUT_ROOT).cu.o"],
              "action": [
                "<(cuda_home)/bin/nvcc", "-c", "<(RULE_INPUT_PATH)", "-o", "<@(_outputs)",
                "-std=c++17", "-O3", "-Xcompiler", "-fPIC", "-Xcompiler", "-fvisibility=hidden",
                "<!@(node scripts/cuda-archs.mjs)"
              ],
              "message": "nvcc <(RULE_INPUT_PATH)",
              "process_outputs_as_sources": 1
            }
          ]
        }, {
          "defines": ["VRR_WITH_CUDA=0"]
        }]
      ]
    }
  ]
}
