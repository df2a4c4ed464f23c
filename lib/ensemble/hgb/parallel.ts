/**
 * Histograms on several threads: a node's features are split between the main thread and worker threads over
 * shared memory, synchronised with Atomics (a postMessage round trip per node would cost more than small
 * nodes take). Results are bit-identical to one thread: each feature is summed in the same order either way.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { nativeThreads } from "../../native/index.js";
import { CTRL, type WorkerSetup } from "./parallel-protocol.js";
import { gatherGradients, histogramFeatures, histogramSize, type HistogramScratch } from "./histogram.js";

const WORKER_URL = new URL("./hist-worker.js", import.meta.url);
let workers: Worker[] = [];

/** Threads for histograms: the same count as the native kernels (MLSD_THREADS, else the cores, at most 8). */
export const histogramThreads = nativeThreads;

function ensureWorkers(count: number): Worker[] | null {
  // Running from TypeScript sources (tests) there is no compiled worker file: stay on one thread.
  if (!existsSync(fileURLToPath(WORKER_URL))) return null;
  while (workers.length < count) {
    const w = new Worker(WORKER_URL);
    w.unref();
    workers.push(w);
  }
  return workers.slice(0, count);
}

/** Node memory shared with the workers for one fit; `close` releases them for the next. */
export class ParallelHistograms {
  readonly binned: Uint8Array;
  readonly partition: Uint32Array;
  readonly scratch: HistogramScratch;
  readonly hists: Float64Array[];
  private readonly ctrl: Int32Array;
  private readonly slotOf = new Map<Float64Array, number>();

  private constructor(private readonly team: Worker[], private readonly n: number, private readonly d: number, slots: number) {
    const sab = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
    const bufs = { ctrl: sab(4 * (CTRL.RANGES + 2 * team.length)), binned: sab(n * d), partition: sab(4 * n), go: sab(8 * n), ho: sab(8 * n), hists: sab(8 * slots * histogramSize(d)) };
    this.ctrl = new Int32Array(bufs.ctrl);
    this.binned = new Uint8Array(bufs.binned);
    this.partition = new Uint32Array(bufs.partition);
    this.scratch = { g: new Float64Array(bufs.go), h: new Float64Array(bufs.ho) };
    const size = histogramSize(d);
    this.hists = Array.from({ length: slots }, (_, s) => new Float64Array(bufs.hists, s * size * 8, size));
    this.hists.forEach((h, s) => this.slotOf.set(h, s));
    team.forEach((w, index) => w.postMessage({ index, ...bufs, slots, n, d } satisfies WorkerSetup));
  }

  /** Shared buffers and started workers, or null when one thread is all there is (or the workers do not start). */
  static open(n: number, d: number, slots: number): ParallelHistograms | null {
    const threads = histogramThreads();
    if (threads < 2 || d < 2) return null;
    const team = ensureWorkers(Math.min(threads, d) - 1);
    if (!team) return null;
    const par = new ParallelHistograms(team, n, d, slots);
    const deadline = Date.now() + 10_000;
    for (let ready = Atomics.load(par.ctrl, CTRL.READY); ready < team.length; ready = Atomics.load(par.ctrl, CTRL.READY)) {
      if (Date.now() > deadline || Atomics.wait(par.ctrl, CTRL.READY, ready, deadline - Date.now()) === "timed-out") {
        // A worker that never came up may be stuck: start afresh next time.
        par.close();
        for (const w of workers) void w.terminate();
        workers = [];
        return null;
      }
    }
    return par;
  }

  /** Builds `hist` for partition[start..end); buffers not from this pool are built on this thread alone. */
  build(hist: Float64Array, start: number, end: number, g: Float32Array, h: Float32Array | null, identity = false): void {
    gatherGradients(this.partition, start, end, g, h, this.scratch);
    const m = end - start;
    const slot = this.slotOf.get(hist);
    const ho = h ? this.scratch.h : null;
    // Small nodes are cheaper than waking a thread.
    if (slot === undefined || m * this.d < 20_000) {
      histogramFeatures(hist, this.binned, this.n, this.partition, start, m, this.scratch.g, ho, 0, this.d, identity);
      return;
    }
    const parts = this.team.length + 1;
    const c = this.ctrl;
    for (let w = 0; w < this.team.length; w++) {
      c[CTRL.RANGES + 2 * w] = Math.floor(((w + 1) * this.d) / parts);
      c[CTRL.RANGES + 2 * w + 1] = Math.floor(((w + 2) * this.d) / parts);
    }
    c[CTRL.CMD] = CTRL.BUILD;
    c[CTRL.SLOT] = slot;
    c[CTRL.START] = start;
    c[CTRL.M] = m;
    c[CTRL.HAS_H] = h ? 1 : 0;
    c[CTRL.IDENTITY] = identity ? 1 : 0;
    Atomics.store(c, CTRL.DONE, 0);
    Atomics.add(c, CTRL.SEQ, 1);
    Atomics.notify(c, CTRL.SEQ);
    histogramFeatures(hist, this.binned, this.n, this.partition, start, m, this.scratch.g, ho, 0, Math.floor(this.d / parts), identity);
    for (let done = Atomics.load(c, CTRL.DONE); done < this.team.length; done = Atomics.load(c, CTRL.DONE)) Atomics.wait(c, CTRL.DONE, done);
  }

  /** Sends the workers back to waiting for the next fit. */
  close(): void {
    this.ctrl[CTRL.CMD] = CTRL.QUIT;
    Atomics.add(this.ctrl, CTRL.SEQ, 1);
    Atomics.notify(this.ctrl, CTRL.SEQ);
  }
}
