/**
 * The NEON kernels run, not just compile: the native module's sources (native/*.c, unmodified, with
 * scripts/build-native.mjs's flags) are linked with a minimal Node-API (harness/napi-shim.c) into a program
 * (harness/kernels-dump.c) that calls kNN, exp, the logistic gradients, binning, histograms, split scans,
 * partitions and presorting on fixed inputs at every instruction-set level and hashes every output byte. Built
 * for arm64 it runs under qemu-aarch64 (user-mode emulation, which executes Advanced SIMD) at `neon` and
 * `baseline` (portable C); built for this x86-64 machine it runs at each level this CPU runs. Every call's hash
 * must be the same everywhere: the NEON paths give the portable C's bits and the x86-64 kernels' bits, which
 * the other tests here compare with the JavaScript. Skipped, saying why, without the cross compiler
 * (Debian's gcc-aarch64-linux-gnu) or qemu-aarch64 (Debian's qemu-user).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

const works = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
const cross = "aarch64-linux-gnu-gcc";
const sysroot = "/usr/aarch64-linux-gnu"; // Debian's arm64 libc for the cross compiler, which qemu loads from -L
const hostCc = process.env["CC"] ?? ["cc", "gcc", "clang"].find((c) => works(c, ["--version"]));
const headers = [join(dirname(process.execPath), "..", "include", "node"), "/usr/include/node", "/usr/local/include/node"].find((d) => existsSync(join(d, "node_api.h")));
const why =
  process.arch !== "x64" ? `the comparison is with the x86-64 kernels and this machine is ${process.arch}`
  : !works(cross, ["--version"]) ? `${cross} is not installed (Debian package gcc-aarch64-linux-gnu)`
  : !works("qemu-aarch64", ["--version"]) ? "qemu-aarch64 is not installed (Debian package qemu-user)"
  : !hostCc ? "no C compiler for this machine (cc, gcc or clang)"
  : !headers ? "Node's headers (node_api.h) are not installed"
  : !existsSync(join(sysroot, "lib")) ? `the cross compiler's libc is not in ${sysroot}`
  : !existsSync(join(sysroot, "include", "stdint.h")) ? `the cross compiler's libc headers are not in ${sysroot}/include (Debian package libc6-dev-arm64-cross)`
  : null;

const harness = join("test", "lib", "native", "harness");
const flags = ["-O3", "-std=c11", "-ffp-contract=off", "-D_GNU_SOURCE", "-Wall", "-Werror", "-fvisibility=hidden", `-I${headers}`, `-I${harness}`];
const sources = () => [...readdirSync("native").filter((f) => f.endsWith(".c")).map((f) => join("native", f)), join(harness, "napi-shim.c"), join(harness, "kernels-dump.c")];

/** Builds and runs the dump; returns its lines as [level, call, hash]. */
function dump(cc: string, out: string, run: string[]): string[][] {
  const built = spawnSync(cc, [...flags, "-o", out, ...sources(), "-lpthread", "-lm"], { encoding: "utf8" });
  expect(built.status, built.stderr).toBe(0);
  const ran = spawnSync(run[0]!, [...run.slice(1), out], { encoding: "utf8", timeout: 240_000 });
  expect(ran.status, ran.stderr).toBe(0);
  return ran.stdout.trim().split("\n").map((l) => l.split(" "));
}

describe("NEON kernels under qemu-aarch64", () => {
  it.skipIf(why !== null)(`give the x86-64 kernels' bits at every level${why ? ` (skipped: ${why})` : ""}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsd-neon-"));
    try {
      const arm = dump(cross, join(dir, "dump-arm64"), ["qemu-aarch64", "-L", sysroot]);
      const x86 = dump(hostCc!, join(dir, "dump-x64"), ["env"]);
      // arm64 runs NEON and the portable C; x86-64 at least its baseline (SSE2).
      expect(new Set(arm.map((l) => l[0]))).toEqual(new Set(["neon", "baseline"]));
      expect(x86.map((l) => l[0])).toContain("baseline");
      const calls = [...new Set(arm.map((l) => l[1]!))];
      expect(calls).toEqual(expect.arrayContaining(["knn-self", "knn-queries", "knn-ordered", "exp", "logisticGradients", "histogram-root", "histogram-subtract", "findBestSplit", "partition", "transformBins", "presortColumns"]));
      const levels = new Set(arm.map((l) => `arm64 ${l[0]}`)).size + new Set(x86.map((l) => l[0])).size;
      // Different calls hash differently (a kernel that wrote nothing would hash its zeros like another).
      expect(new Set(arm.filter((l) => l[0] === "neon").map((l) => l[2])).size).toBe(calls.length);
      for (const call of calls) {
        const hashes = [...arm.map((l) => ["arm64", ...l]), ...x86.map((l) => ["x64", ...l])].filter((l) => l[2] === call).map((l) => `${l[0]} ${l[1]} ${l[3]}`);
        expect(hashes.length, call).toBe(levels); // once per level of each machine
        expect(new Set(hashes.map((h) => h.split(" ")[2])).size, `${call}: ${hashes.join(", ")}`).toBe(1);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
