/**
 * The arm64 build (NEON kernels) compiles with Debian's cross compiler, with the flags scripts/build-native.mjs
 * uses, and keeps multiplies and adds apart (no fused multiply-add instruction anywhere), which the
 * bit-for-bit equality with the JavaScript needs. There is no arm64 machine to run it on; this is the check
 * that can run here. Skipped where aarch64-linux-gnu-gcc is not installed (.ci/run installs it).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

const cross = "aarch64-linux-gnu-gcc";
const hasCross = spawnSync(cross, ["--version"], { stdio: "ignore" }).status === 0;
const headers = [join(dirname(process.execPath), "..", "include", "node"), "/usr/include/node", "/usr/local/include/node"].find((d) => existsSync(join(d, "node_api.h")));

describe("native kernels for arm64", () => {
  it.skipIf(!hasCross || !headers)("compile with NEON and without fused multiply-adds", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsd-arm64-"));
    try {
      const sources = readdirSync("native").filter((f) => f.endsWith(".c")).map((f) => join("native", f));
      const out = join(dir, "mlsd_native.node");
      const cc = spawnSync(cross, ["-O3", "-std=c11", "-ffp-contract=off", "-D_GNU_SOURCE", "-Wall", "-Werror", "-shared", "-fPIC", "-fvisibility=hidden", `-I${headers}`, "-o", out, ...sources, "-lpthread", "-lm"], { encoding: "utf8" });
      expect(cc.status, cc.stderr).toBe(0);
      const dis = spawnSync("aarch64-linux-gnu-objdump", ["-d", out], { encoding: "utf8", maxBuffer: 1 << 26 });
      expect(dis.status).toBe(0);
      const neon = dis.stdout.split("<candidates_neon>:")[1]?.split("\n\n")[0] ?? "";
      expect(neon).toMatch(/fmul\tv\d+\.2d/); // the NEON kernel multiplies two lanes at a time
      expect(neon).toMatch(/fadd\tv\d+\.2d/);
      expect(dis.stdout).not.toMatch(/\tf(n?)m(add|sub|la|ls)\t/); // no fused multiply-add or -subtract anywhere
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
