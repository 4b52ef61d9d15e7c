#!/bin/bash
# The device kit's entry point, for a GPU machine with the NVIDIA driver and nothing else: no
# Node.js, no package registry, no network. It unpacks the kit's own Node binary and hands over to
# kit/runner.mjs, which prints the device facts, runs every check with its own time cap (all within
# 8 minutes) and writes RESULTS/summary.json plus one log per step.
# Tools it needs on PATH: xz, mkdir and chmod — or python3 alone (its lzma module unpacks Node).
# Everything else is a bash builtin, so it runs with a bare PATH.
# Exit 0 all passed, 1 a check failed, 2 stopped (no GPU, Node cannot be unpacked, bad usage).
#   run.sh [--out RESULTS] [--dry-run]     (--dry-run: no GPU needed, host-sim stands in for CUDA)
kit="${BASH_SOURCE[0]%/*}"
[[ "$kit" == "${BASH_SOURCE[0]}" ]] && kit=.
kit="$(cd "$kit" && pwd)" || {
  echo "device-kit: stopped - cannot enter the kit folder"
  exit 2
}

# Unpacks node.xz into $1/node. The binary is marked executable only once it is complete, so an
# interrupted unpack is redone on the next run.
unpack_node() {
  local dir="$1"
  node_bin="$dir/node"
  if [[ -x "$node_bin" ]]; then
    unpacked_with=cached
    return 0
  fi
  if command -v xz >/dev/null && command -v mkdir >/dev/null && command -v chmod >/dev/null; then
    mkdir -p "$dir" 2>/dev/null && xz -dc "$kit/node.xz" >"$node_bin" && chmod 755 "$node_bin" || return 1
    unpacked_with=xz
  elif command -v python3 >/dev/null; then
    python3 - "$kit/node.xz" "$dir" <<'PY' || return 1
import lzma, os, shutil, sys
os.makedirs(sys.argv[2], exist_ok=True)
target = os.path.join(sys.argv[2], "node")
with lzma.open(sys.argv[1]) as src, open(target, "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
os.chmod(target, 0o755)
PY
    unpacked_with=python3-lzma
  else
    echo "device-kit: stopped - no way to unpack the kit's Node binary: it needs xz (with mkdir and chmod) or python3 on PATH"
    exit 2
  fi
}

if ! unpack_node "$kit/.node" 2>/dev/null; then
  # A read-only kit folder: unpack into the temp directory instead.
  unpack_node "${TMPDIR:-/tmp}/vrr-device-kit-$$" 2>/dev/null || {
    echo "device-kit: stopped - could not unpack node.xz into $kit/.node or ${TMPDIR:-/tmp}"
    exit 2
  }
fi
if ! "$node_bin" -e 0 >/dev/null 2>&1; then
  echo "device-kit: stopped - the kit's Node binary does not start on this machine (it needs x86-64 Linux with glibc 2.28+ and libstdc++); rebuild the kit on a machine like this one"
  exit 2
fi
exec "$node_bin" "$kit/kit/runner.mjs" --unpacked-with "$unpacked_with" "$@"
