/** Where this package lives, so the kernel can resolve `mlsd/...` and its own dependencies from any notebook folder. */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// dist/kernel/paths.js -> package root; the same depth holds for kernel/paths.ts under vitest.
const here = dirname(fileURLToPath(import.meta.url));
export const packageRoot = here.includes(`${"/"}dist${"/"}`) ? join(here, "..", "..") : join(here, "..");
export const distDir = join(packageRoot, "dist");
