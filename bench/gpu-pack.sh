#!/usr/bin/env bash
# Packs bench/gpu.ts for the lent GPU machine: ../shared/gpu/pack.sh, plus the GL vendor-neutral libraries
# NVIDIA's Vulkan driver needs there (without them Dawn reports "Found no drivers").
# Usage, from the project root:  bash bench/gpu-pack.sh   then run the printed command with carry [".gpu"].
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
bash ../shared/gpu/pack.sh bench/gpu.ts >/dev/null
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64-lists'
(cd .gpu/deb && apt-get $o download libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 libx11-6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0 libxext6 >/dev/null 2>&1)
du -sh .gpu
cat <<'CMD'
Device command (carry [".gpu"]):
for f in .gpu/deb/*.deb; do dpkg -x $f /; done; ldconfig; export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json XDG_RUNTIME_DIR=/tmp; python3 -c "import lzma,shutil;shutil.copyfileobj(lzma.open('.gpu/node.xz'),open('/tmp/node','wb'))" && chmod +x /tmp/node && cd .gpu/app && /tmp/node bundle.mjs
CMD
