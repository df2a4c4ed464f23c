#!/usr/bin/env bash
# Packs every curated notebook for the lent GPU machine (issue 21), which has Python 3 and NVIDIA's Vulkan
# driver but no Node.js, npm or network: into .gpu-nb/ (ignored by git) go
#   bin.tar.xz  the node binary and every native library the notebooks load (stripped, xz with the x86 filter):
#               the native kernels and SQLite's addon (native/build), DuckDB, ONNX Runtime, zeromq, Dawn
#   app.tar.xz  the package as the kernel needs it: package.json, dist/, the notebooks, and of node_modules only
#               the files a traced local run of the notebooks opened (TypeScript and the type declarations the
#               cells are checked against, tfjs and its wasm binaries, the datasets read), plus what WebGPU loads
#               (the webgpu package, tfjs-backend-webgpu), which no run here reaches
#   deb/        the Vulkan loader and the GL vendor-neutral libraries, as bench/gpu-pack.sh downloads them
#   run.sh      the device side: unpacks into /tmp/mlsd-gpu with Python's tarfile+lzma, installs the debs,
#               runs dist/bench/gpu-notebooks.js (every notebook on auto, then on MLSD_BACKEND=wasm)
# The file list comes from running dist/bench/gpu-notebooks.js here under strace (about 10 minutes on two
# cores); it is kept in $TMPDIR/mlsd-gpu-nb/files.txt and reused until --retrace.
#
# Left out to stay under the 64 MiB carry limit:
#   - 03-data-engineering: its 13.5 MB flights-3m.parquet (13 MB compressed; already compressed data). Its
#     cells are DuckDB, SQLite and Arrow work with no tfjs, so nothing in it depends on the backend; run.sh
#     passes --skip 03.
#   - the type service's start-up snapshot (dist/kernel/ts/type-service.blob, 7 MB compressed): it is valid only
#     for the node path and package root it was built at, and building it needs esbuild. Kernels there start
#     their type service in a worker instead (as with MLSD_SNAPSHOT=0).
# Usage, from the project root:  bash bench/gpu-notebooks-pack.sh [--retrace]
# then the device tool's run with carry [".gpu-nb"] and the command this prints.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
retrace=0
for a in "$@"; do
  case "$a" in
    --retrace) retrace=1 ;;
    *) echo "gpu-notebooks-pack.sh: unknown option '$a' (options: --retrace)" >&2; exit 2 ;;
  esac
done
command -v strace >/dev/null || { echo "gpu-notebooks-pack.sh: needs strace to find the files the notebooks open" >&2; exit 1; }
grep -qx '/.gpu-nb/' .git/info/exclude 2>/dev/null || echo '/.gpu-nb/' >> .git/info/exclude
work=${TMPDIR:-/tmp}/mlsd-gpu-nb
mkdir -p "$work"
SKIP=03-data-engineering
EXPORT=06-class-imbalance

nice -n 15 npm run build --silent 2>&1 | grep -v 'up to date' || true

# 1. What the notebooks open: the runner itself under strace (every notebook twice, the exported pipeline),
#    and WebGPU's modules, which only load where Dawn finds a Vulkan loader.
if [ "$retrace" = 1 ] || [ ! -s "$work/files.txt" ]; then
  echo "tracing a full local run (every notebook on auto and wasm; ~10 min on 2 cores)..." >&2
  rm -f "$work"/strace.*
  # Without the type service's snapshot, as there: the kernels then read the standard library's declarations.
  if ! MLSD_SNAPSHOT=0 strace -f --seccomp-bpf -e trace=openat,open,execve -e status=successful -o "$work/strace.run" \
      node dist/bench/gpu-notebooks.js --skip "$SKIP" --export "$EXPORT" --jobs 2 --work "$work/trace-runs" > "$work/trace-run.txt" 2>&1; then
    echo "gpu-notebooks-pack.sh: the traced local run failed; its output is in $work/trace-run.txt" >&2
    tail -30 "$work/trace-run.txt" >&2
    exit 1
  fi
  strace -f --seccomp-bpf -e trace=openat,open -e status=successful -o "$work/strace.webgpu" \
    node --input-type=module -e 'await import("webgpu"); globalThis.navigator = { gpu: {} }; await import("@tensorflow/tfjs-backend-webgpu");' >/dev/null 2>&1 || true
  cat "$work"/strace.* | grep -oE "\"$root/[^\"]+\"" | tr -d '"' | sort -u > "$work/files.txt.new"
  mv "$work/files.txt.new" "$work/files.txt"
fi

# 2. The file list: traced files, plus dist/, the notebooks, the native build and WebGPU's packages whole.
list=$work/list.txt
{
  sed "s,^$root/,," "$work/files.txt"
  find dist -type f ! -name '*.map' ! -name '.tsbuildinfo' ! -name 'type-service.blob*'
  # What the snapshot holds parsed (the standard library's and Node's declarations, tfjs's types), in case the
  # trace ran with it: kernels there start without it and read these files.
  [ -f dist/kernel/ts/type-service.blob.json ] && node -e 'const m = JSON.parse(require("fs").readFileSync("dist/kernel/ts/type-service.blob.json", "utf8")); for (const f of Object.keys(m.inputs)) console.log(f.replace(process.argv[1] + "/", ""))' "$root"
  ls notebooks/*.ipynb native/build/*.node package.json tsconfig.json
  find node_modules/webgpu -maxdepth 1 -type f
  find node_modules/webgpu/dist -maxdepth 1 -type f
  find node_modules/webgpu/dist/linux-x64 -type f
  # Each traced package's entry points (main, exports' "." targets): the trace has been seen to miss one
  # (vega-datasets/build/index.js), and a package is always entered through them.
  sed "s,^$root/,," "$work/files.txt" | grep -oE '^node_modules/(@[^/]+/)?[^/]+' | sort -u | node -e '
    const fs = require("fs"), path = require("path");
    const targets = (e) => (typeof e === "string" ? [e] : e && typeof e === "object" ? Object.values(e).flatMap(targets) : []);
    for (const dir of fs.readFileSync(0, "utf8").split("\n").filter(Boolean)) {
      let pkg;
      try { pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")); } catch { continue; }
      const dot = pkg.exports && (typeof pkg.exports === "string" || pkg.exports["."] === undefined ? pkg.exports : pkg.exports["."]);
      for (const t of [pkg.main ?? "index.js", pkg.module, ...targets(typeof dot === "object" && !Array.isArray(dot) ? dot : [dot])].filter((t) => typeof t === "string" && !t.includes("*"))) {
        for (const f of [t, `${t}.js`, path.join(t, "index.js")]) if (fs.existsSync(path.join(dir, f)) && fs.statSync(path.join(dir, f)).isFile()) console.log(path.join(dir, f));
      }
    }'
} | grep -vE '^(\.git|test|\.gpu|/)|type-service\.blob|flights-3m\.parquet|^node_modules/\.package-lock\.json$|^node_modules/\.cache/' \
  | while read -r f; do [ -f "$f" ] && [ ! -L "$f" ] && echo "$f"; done | sort -u > "$list"

# 3. Stage under mlsd/, strip the ELF files, pack ELF and the rest apart (x86 filter only where it helps).
stage=$work/stage
rm -rf "$stage" && mkdir -p "$stage/mlsd"
tar -cf - -T "$list" | tar -xf - -C "$stage/mlsd"
cp "$(readlink -f "$(command -v node)")" "$stage/mlsd/node"
(cd "$stage" && find mlsd -type f \( -name '*.node' -o -name '*.so' -o -name '*.so.*' -o -path mlsd/node \) | sort > ../elf.txt)
while read -r f; do
  if file -b "$stage/$f" | grep -q '^ELF'; then strip --strip-unneeded "$stage/$f" 2>/dev/null || strip "$stage/$f" 2>/dev/null || true; fi
done < "$work/elf.txt"
(cd "$stage" && find mlsd -type f | sort | grep -vxF -f ../elf.txt > ../rest.txt)
rm -rf .gpu-nb && mkdir -p .gpu-nb/deb
(cd "$stage" && tar -cf - -T ../elf.txt | xz -T2 --x86 --lzma2=preset=9e > "$root/.gpu-nb/bin.tar.xz")
(cd "$stage" && tar -cf - -T ../rest.txt | xz -T2 -9e > "$root/.gpu-nb/app.tar.xz")

# 4. The Vulkan loader and GL vendor-neutral libraries (bench/gpu-pack.sh's list), amd64 as the machine is.
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64-lists'
mkdir -p /tmp/amd64-lists/partial
apt-get $o update >/dev/null 2>&1 || true
(cd .gpu-nb/deb && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 libx11-6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0 libxext6 >/dev/null 2>&1) \
  || echo "warning: could not download every deb (Dawn then finds no Vulkan loader and the auto runs use wasm)" >&2

# 5. The device side.
cat > .gpu-nb/run.sh <<RUN
#!/usr/bin/env bash
# Made by bench/gpu-notebooks-pack.sh. On the GPU machine, from the folder holding .gpu-nb:  bash .gpu-nb/run.sh [runner options]
set -euo pipefail
here=\$(cd "\$(dirname "\$0")" && pwd)
dest=\${MLSD_GPU_DEST:-/tmp/mlsd-gpu}
t0=\$(date +%s.%N)
python3 - "\$here" "\$dest" <<'PY'
import sys, tarfile
here, dest = sys.argv[1], sys.argv[2]
for name in ("bin.tar.xz", "app.tar.xz"):
    with tarfile.open(f"{here}/{name}", "r:xz") as t:
        try:
            t.extractall(dest, filter="fully_trusted")
        except TypeError:  # Python before 3.12 has no filter argument
            t.extractall(dest)
PY
# As bench/gpu-pack.sh does there (the recipe that ran on an H100). MLSD_GPU_DEBS=0 leaves the system alone,
# for a rehearsal on a machine whose /usr must not change.
if [ "\${MLSD_GPU_DEBS:-1}" != 0 ]; then
  for f in "\$here"/deb/*.deb; do [ -f "\$f" ] && { dpkg -x "\$f" / || echo "could not unpack \$f"; }; done
  ldconfig || true
fi
for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "\$f" ]; then export VK_DRIVER_FILES=\$f; break; fi
done
for f in /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json /usr/share/glvnd/egl_vendor.d/10_nvidia.json; do
  if [ -f "\$f" ]; then export __EGL_VENDOR_LIBRARY_FILENAMES=\$f; break; fi
done
mkdir -p /tmp/mlsd-home /tmp/mlsd-cache
export XDG_RUNTIME_DIR=/tmp HOME=/tmp/mlsd-home MLSD_CACHE_DIR=/tmp/mlsd-cache PATH="\$dest/mlsd:\$PATH"
echo "unpacked in \$(python3 -c "import time; print(round(time.time() - \$t0, 1))") s; VK_DRIVER_FILES=\${VK_DRIVER_FILES:-none}"
cd "\$dest/mlsd"
# A cell may run 150 s; no run starts after 300 s, so the table comes out within the device's 600 s; the progress
# file under \$OUT keeps each finished pair even if the device cuts the command short.
exec ./node dist/bench/gpu-notebooks.js --skip $SKIP --export $EXPORT --timeout 150 --deadline 300 "\$@"
RUN
chmod +x .gpu-nb/run.sh
rm -rf "$stage"

bytes=$(du -cb .gpu-nb | tail -1 | cut -f1)
echo "files: $(wc -l < "$list") from the package, $(wc -l < "$work/elf.txt") ELF"
ls -l .gpu-nb .gpu-nb/deb | awk 'NF > 5 {print $5, $9}'
python3 -c "b = $bytes; print(f'carry .gpu-nb: {b} bytes = {b / 2**20:.1f} MiB of 64 MiB')"
[ "$bytes" -le $((64 * 1024 * 1024)) ] || { echo "gpu-notebooks-pack.sh: .gpu-nb is over the 64 MiB carry limit" >&2; exit 1; }
# A deadline and cell timeout under run.sh's defaults, so that one 400 s call leaves room in a session's
# 15 device minutes (the machine's start counts) to run it again; $OUT keeps the progress, table, record and logs.
cat <<'CMD'
Device command (carry [".gpu-nb"], timeout_s 400; a few minutes expected with 8 notebooks at once):
nvidia-smi -L; set -o pipefail; bash .gpu-nb/run.sh --deadline 180 --timeout 120 2>&1 | tee $OUT/run.log
CMD
