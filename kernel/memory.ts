/**
 * Gives the memory a long session frees back to the system. Each cell's type check builds a program of
 * megabytes of short-lived objects; V8 keeps the pages it grew into (old space settles at several times the
 * live heap, the young generation at its maximum) and glibc keeps what V8's compiler freed, so resident memory
 * climbed by 400 MB over 2000 trivial cells while the live heap grew by a few. The kernel's main thread and
 * its type-service thread each keep one of these: after a request, if the thread's own V8 heap grew by more
 * than `growthMiB` since the last release, or once the thread has been idle for `idleMs`, V8's low-memory
 * collection runs on that thread's isolate, then malloc_trim (for the whole process). It needs the native
 * addon (native/interrupt/); without it, nothing is released early.
 */
import { writeSync } from "node:fs";
import { getHeapStatistics } from "node:v8";
import { loadInterruptAddon } from "./interrupt.js";

export interface MemoryKeeperOptions {
  /** Growth of this thread's V8 heap (MiB, committed pages) since the last release that triggers one at once. */
  growthMiB?: number;
  /** Milliseconds without requests after which memory is released if it grew at all. */
  idleMs?: number;
}

const MiB = 1024 * 1024;
/** This isolate's committed heap: what its garbage costs in resident memory. */
const heapBytes = () => getHeapStatistics().total_physical_size;

export class MemoryKeeper {
  private readonly release: (() => void) | undefined;
  private readonly growth: number;
  private readonly idleMs: number;
  private baseline = heapBytes();
  private idle: NodeJS.Timeout | undefined;
  /** How many releases ran (for tests and MLSD_TRACE). */
  releases = 0;
  /** Read when the keeper is made, not when the module loads: the type service's snapshot loads it at build time. */
  private readonly trace = Boolean(process.env["MLSD_TRACE"]);

  /**
   * @example
   *   const memory = new MemoryKeeper({ growthMiB: 24 });
   *   port.on("message", (req) => { reply(req); memory.afterRequest(); });
   */
  constructor(options: MemoryKeeperOptions = {}) {
    const [addon] = loadInterruptAddon();
    this.release = addon && (() => addon.releaseMemory());
    this.growth = (options.growthMiB ?? 24) * MiB;
    this.idleMs = options.idleMs ?? 1000;
  }

  /** Call when a request has been answered. */
  afterRequest(): void {
    if (!this.release) return;
    if (heapBytes() - this.baseline > this.growth) return this.releaseNow();
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (heapBytes() > this.baseline + MiB) this.releaseNow();
    }, this.idleMs);
    this.idle.unref();
  }

  private releaseNow(): void {
    clearTimeout(this.idle);
    const t = performance.now();
    const before = heapBytes();
    this.release!();
    this.releases++;
    this.baseline = heapBytes();
    // fd 2 directly: on the main thread process.stderr is redirected into the cell's output.
    if (this.trace) writeSync(2, `mlsd trace: memory release ${this.releases}: heap ${(before / MiB).toFixed(0)} -> ${(this.baseline / MiB).toFixed(0)} MiB in ${(performance.now() - t).toFixed(1)} ms\n`);
  }
}
