/**
 * The MPI transport: ranks started by `mpirun` or Slurm's `srun` (one process each, on one machine or many),
 * with rank and size from MPI and all-reduce, broadcast and barrier done by MPI's own collectives
 * (MPI_Allreduce in place, MPI_Bcast, MPI_Barrier), through the optional binding native/mpi/ (built by
 * `npm run build` when the system has an MPI library). Point-to-point messages (for the teaching ring and the
 * parameter servers over MPI) are MPI_Isend and polled MPI_Iprobe/MPI_Recv.
 *
 * A collective that does not complete within `timeoutMs` (a peer is gone, stuck, or called another
 * collective) rejects with an error naming the rank and the call, and the transport refuses further calls:
 * MPI has no portable way to leave a collective (ULFM is not in Debian's Open MPI), so the rank's entry then
 * ends the job with MPI_Abort. When another rank dies, Open MPI's launcher sends SIGTERM to the rest: the
 * transport turns that into a message naming this rank and the call it was waiting in.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../core/errors.js";
import type { NativeCollectives, Transport } from "./transport.js";

/** What native/mpi/mpi.c exports. */
interface MpiBinding {
  init(): { rank: number; size: number; library: string; tagUpperBound: number };
  allReduce(buf: Float32Array): Promise<void>;
  broadcast(buf: Float32Array, root: number): Promise<void>;
  barrier(): Promise<void>;
  send(to: number, tag: number, data: Float32Array): void;
  tryRecv(from: number, tag: number): Float32Array | null;
  finalize(): void;
  abort(code: number): never;
}

// From dist/lib/distributed/ or lib/distributed/ (tests may run the sources): native/build/ at the package root.
const here = dirname(fileURLToPath(import.meta.url));
const ADDON = [join(here, "..", "..", "native", "build", "mlsd_mpi.node"), join(here, "..", "..", "..", "native", "build", "mlsd_mpi.node")].find((f) => existsSync(f));
let binding: MpiBinding | null | undefined;
let loadError = "";

function load(): MpiBinding | null {
  if (binding !== undefined) return binding;
  // As for the other native kernels (lib/native): MLSD_NATIVE=0 runs without them.
  if (process.env["MLSD_NATIVE"] === "0") {
    loadError = "the MPI binding is turned off by MLSD_NATIVE=0";
    return (binding = null);
  }
  // MLSD_MPI_ADDON: a binding built against another MPI library (e.g. MPICH beside Open MPI, with
  // MPICC=mpicc.mpich MLSD_MPI_OUT=... node native/mpi/build.mjs), for this process and the ranks it starts.
  const file = process.env["MLSD_MPI_ADDON"] || ADDON;
  if (!file) {
    loadError = "the MPI binding is not built (npm run build builds native/build/mlsd_mpi.node when mpicc is on PATH; Debian: apt-get install openmpi-bin libopenmpi-dev)";
    return (binding = null);
  }
  // UCX (MPICH's ch4 netmod) hot-patches mmap/munmap in libc during MPI_Init to track memory for its
  // registration cache, while V8's background threads are calling them: 7 in 40 four-rank runs ended in a
  // SIGSEGV inside V8 (test/lib/distributed/mpich.test.ts), none in 40 with the hooks off. libucs reads its
  // options when it is loaded with the binding, so this must come first; a value the user set is kept.
  // Without memory events UCX registers memory per call instead of caching it: correct, a little slower on
  // InfiniBand, no difference in shared memory.
  process.env["UCX_MEM_EVENTS"] ??= "no";
  try {
    binding = createRequire(import.meta.url)(file) as MpiBinding;
  } catch (err) {
    loadError = `the MPI binding ${file} does not load: ${(err as Error).message}`;
    binding = null;
  }
  return binding;
}

/**
 * Whether the MPI binding is built and loads (the MPI library it links is present).
 * @example if (mpiAvailable()) await launch(worker, { workers: 4, transport: "mpi" })
 */
export function mpiAvailable(): boolean {
  return load() !== null;
}

/**
 * Where the binding comes from, or why it is unavailable.
 * @example mpiStatus() // "loaded from .../native/build/mlsd_mpi.node"
 */
export function mpiStatus(): string {
  return load() ? `loaded from ${process.env["MLSD_MPI_ADDON"] || ADDON}` : loadError;
}

/** Environment variables an MPI launcher sets in every rank: mpirun (Open MPI, PRRTE), Hydra (MPICH), srun's PMI and PMIx. */
const LAUNCHER_VARS = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK", "MPI_LOCALNRANKS"];

/**
 * Whether this process was started by an MPI launcher (`mpirun`, `mpiexec`, `srun --mpi=...`).
 * @example underMpiLauncher() // true inside `mpirun -np 2 node job.js`
 */
export function underMpiLauncher(env: NodeJS.ProcessEnv = process.env): boolean {
  return LAUNCHER_VARS.some((v) => env[v] !== undefined);
}

/**
 * The timeout from MLSD_MPI_TIMEOUT (seconds), else 5 minutes: long enough for the slowest rank's compute between collectives.
 * @example defaultMpiTimeoutMs({ MLSD_MPI_TIMEOUT: "30" }) // 30000
 */
export function defaultMpiTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env["MLSD_MPI_TIMEOUT"];
  if (raw === undefined || raw === "") return 300_000;
  const s = Number(raw);
  if (!(s > 0)) throw new InputError(`MLSD_MPI_TIMEOUT must be a positive number of seconds; got '${raw}'.`);
  return s * 1000;
}

export interface MpiOpenOptions {
  /** How long one collective or receive may wait for the other ranks before it fails (default: MLSD_MPI_TIMEOUT or 300 s). */
  timeoutMs?: number;
  /** Called (synchronously) when the launcher stops this rank with SIGTERM, before it exits: the message says why; `waitingIn` names the collective this rank was in ("" if none). */
  onStopped?: (message: string, waitingIn: string) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One rank of an MPI job. Open it once per process (MPI is initialised once).
 * @example const t = MpiTransport.open(); const c = new Collectives(t); await c.allReduce(grads) // MPI_Allreduce
 */
export class MpiTransport implements Transport, NativeCollectives {
  readonly rank: number;
  readonly size: number;
  readonly library: string;
  readonly native: NativeCollectives = this;
  private readonly tagLimit: number;
  private readonly timeoutMs: number;
  // MPI_THREAD_SERIALIZED: one call at a time, whichever thread makes it; every call goes through this chain.
  private tail: Promise<unknown> = Promise.resolve();
  private waitingIn = "";
  private broken: Error | undefined;
  private closed = false;
  private readonly onSigterm: () => void;

  private constructor(private readonly mpi: MpiBinding, options: MpiOpenOptions) {
    const info = mpi.init();
    this.rank = info.rank;
    this.size = info.size;
    this.library = info.library;
    this.tagLimit = info.tagUpperBound + 1;
    this.timeoutMs = options.timeoutMs ?? defaultMpiTimeoutMs();
    if (!(this.timeoutMs > 0)) throw new InputError(`MpiTransport.open: 'timeoutMs' must be positive; got ${this.timeoutMs}.`);
    this.onSigterm = () => {
      const message = `rank ${this.rank} of ${this.size} was stopped by the MPI launcher (SIGTERM)${this.waitingIn ? ` while waiting in ${this.waitingIn}` : ""}: another rank of the job failed or died (the launcher's message names it)`;
      process.stderr.write(`mlsd: ${message}\n`);
      options.onStopped?.(message, this.waitingIn);
      process.exit(143);
    };
    process.once("SIGTERM", this.onSigterm);
  }

  /**
   * Initialises MPI (once per process) and returns this rank's transport.
   * @example const t = MpiTransport.open({ timeoutMs: 60_000 }); t.rank // from MPI_Comm_rank
   */
  static open(options: MpiOpenOptions = {}): MpiTransport {
    const mpi = load();
    if (!mpi) throw new InputError(`MpiTransport.open: ${loadError}.`);
    return new MpiTransport(mpi, options);
  }

  private usable(what: string): void {
    if (this.closed) throw new Error(`${what}: the MPI transport of rank ${this.rank} is closed.`);
    if (this.broken) throw new Error(`${what}: the MPI transport of rank ${this.rank} failed earlier and cannot be used (${this.broken.message}).`);
  }

  private serial<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** A collective on libuv's thread pool, failed (and the transport with it) if it outlasts the timeout. */
  private collective(what: string, start: () => Promise<void>): Promise<void> {
    this.usable(what);
    return this.serial(
      () =>
        new Promise<void>((resolve, reject) => {
          this.usable(what);
          this.waitingIn = what;
          // `waitingIn` keeps the call: the thread-pool thread is still inside it, whatever the JavaScript does next.
          const fail = (err: Error) => {
            this.broken ??= err;
            reject(err);
          };
          const timer = setTimeout(() => fail(new Error(`${what} on rank ${this.rank} of ${this.size} did not complete within ${this.timeoutMs / 1000} s: another rank is gone, stuck, or called a different collective (MLSD_MPI_TIMEOUT sets the limit).`)), this.timeoutMs);
          start().then(
            () => {
              clearTimeout(timer);
              this.waitingIn = "";
              resolve();
            },
            (err: Error) => {
              clearTimeout(timer);
              fail(new Error(`${what} on rank ${this.rank} of ${this.size}: ${err.message}`));
            },
          );
        }),
    );
  }

  /** MPI_Allreduce(MPI_IN_PLACE, buf, MPI_FLOAT, MPI_SUM): every rank ends with the sum. */
  allReduce(buf: Float32Array): Promise<void> {
    if (!(buf instanceof Float32Array)) throw new InputError(`MpiTransport.allReduce: 'buf' must be a Float32Array; got ${Object.prototype.toString.call(buf)}.`);
    return this.collective(`MPI_Allreduce of ${buf.length} floats`, () => this.mpi.allReduce(buf));
  }

  /** MPI_Bcast from `root`. */
  broadcast(buf: Float32Array, root: number): Promise<void> {
    if (!(buf instanceof Float32Array)) throw new InputError(`MpiTransport.broadcast: 'buf' must be a Float32Array; got ${Object.prototype.toString.call(buf)}.`);
    if (!(Number.isInteger(root) && root >= 0 && root < this.size)) throw new InputError(`MpiTransport.broadcast: 'root' must be a rank in [0, ${this.size}); got ${root}.`);
    return this.collective(`MPI_Bcast of ${buf.length} floats from rank ${root}`, () => this.mpi.broadcast(buf, root));
  }

  barrier(): Promise<void> {
    return this.collective("MPI_Barrier", () => this.mpi.barrier());
  }

  private checkPeer(what: string, peer: number): void {
    if (!(Number.isInteger(peer) && peer >= 0 && peer < this.size) || peer === this.rank) throw new InputError(`${what}: peer rank must be an integer in [0, ${this.size}) other than ${this.rank}; got ${peer}.`);
  }

  async send(to: number, tag: number, data: Float32Array): Promise<void> {
    this.checkPeer("MpiTransport.send", to);
    this.usable("MpiTransport.send");
    // MPI_Isend of a copy: returns at once, like the other transports' send.
    await this.serial(() => this.mpi.send(to, tag % this.tagLimit, data));
  }

  async recv(from: number, tag: number): Promise<Float32Array> {
    this.checkPeer("MpiTransport.recv", from);
    this.usable("MpiTransport.recv");
    const deadline = performance.now() + this.timeoutMs;
    // Polled, so that the JavaScript thread never blocks: backing off to 1 ms between probes.
    for (let wait = 0; ; wait = Math.min(1, wait + 0.05)) {
      const got = await this.serial(() => this.mpi.tryRecv(from, tag % this.tagLimit));
      if (got) return got;
      if (performance.now() > deadline) {
        this.broken ??= new Error(`recv from rank ${from} timed out`);
        throw new Error(`MpiTransport.recv: rank ${this.rank} of ${this.size} got no message from rank ${from} (tag ${tag}) within ${this.timeoutMs / 1000} s: that rank is gone or stuck (MLSD_MPI_TIMEOUT sets the limit).`);
      }
      if (wait === 0) await new Promise((resolve) => setImmediate(resolve));
      else await sleep(wait);
    }
  }

  /** MPI_Finalize after this rank's sends complete; call once every rank is done (after a barrier). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    process.off("SIGTERM", this.onSigterm);
    if (this.broken) return;
    await this.serial(() => this.mpi.finalize());
  }

  /** After a failure: nothing to release, the entry ends the job with `abort` (MPI_Finalize would wait for the others). */
  abandon(): void {
    process.off("SIGTERM", this.onSigterm);
  }

  /** MPI_Abort(MPI_COMM_WORLD, code): the launcher stops every rank of the job; this process exits. */
  abort(code = 1): never {
    process.off("SIGTERM", this.onSigterm);
    return this.mpi.abort(code);
  }
}
