/**
 * What the native benchmarks share: the CPU they ran on (model and vector extensions, from /proc/cpuinfo), the
 * instruction-set levels the native kernels can be forced to here, and running a measurement at one of them
 * (the same switch as MLSD_ISA, made in-process so every level sees the same data and the same warm JIT).
 */
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { type IsaLevel, nativeKernels, nativeStatus } from "../lib/native/index.js";

/** "AMD EPYC, 2 cores, avx512f avx2 fma" from /proc/cpuinfo (or os.cpus() elsewhere). */
export function cpuDescription(): string {
  const info = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const model = /^model name\s*:\s*(.*)$/m.exec(info)?.[1] ?? cpus()[0]?.model ?? "unknown CPU";
  const flags = new Set((/^(?:flags|Features)\s*:\s*(.*)$/m.exec(info)?.[1] ?? "").split(/\s+/));
  const vector = ["avx512f", "avx2", "fma", "asimd"].filter((f) => flags.has(f));
  return `${model}, ${cpus().length} cores, ${vector.length ? vector.join(" ") : "no AVX2/AVX-512/NEON flags"}`;
}

/** The levels to benchmark: every one this CPU runs (best first), or none without the native kernels. */
export function benchLevels(): IsaLevel[] {
  return nativeKernels()?.isaLevels() ?? [];
}

/** Runs f with the native kernels forced to `level`, then restores the level they had. */
export function atLevel<T>(level: IsaLevel, f: () => T): T {
  const k = nativeKernels()!;
  const previous = k.setIsa(level);
  try {
    return f();
  } finally {
    k.setIsa(previous);
  }
}

/** The header lines every native benchmark prints: CPU, load, native status. */
export function benchHeader(): string[] {
  const [one, five] = loadavg();
  return [`CPU: ${cpuDescription()}; load average ${one!.toFixed(2)} (1 min), ${five!.toFixed(2)} (5 min) at the start`, `native: ${nativeStatus()}`];
}
