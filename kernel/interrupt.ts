/**
 * Interrupting a busy cell from outside the main thread. Node cannot stop JavaScript that runs later (after an
 * `await`, in a timer the cell started) until it yields, and vm's breakOnSigint, which stops a cell's
 * synchronous part, swaps SIGINT handlers around every run: a signal that lands while they swap back is lost,
 * and stays pending in Node's watchdog until it stops some later cell. The optional addon
 * native/interrupt/interrupt.cc (built by `npm run build` with a C++ compiler) turns a SIGINT into a V8
 * interrupt that terminates the cell's code, in its synchronous part (runGuarded) as after an `await`, and
 * resumes the event loop, so the kernel and every variable survive; the handlers never change. Without the
 * addon, breakOnSigint as before: everything except busy code after an `await`, and that race.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot } from "./paths.js";

/** Slots of the shared Int32Array; native/interrupt/interrupt.cc reads all but `sigintReady`. */
export const Slot = {
  /** 1 while a cell executes: the addon terminates nothing else. */
  cellRunning: 0,
  /** How many busy cells the addon terminated. */
  terminated: 1,
  /** How many interrupt requests reached the main thread through the addon. */
  requests: 2,
  /** 1 once the kernel handles SIGINT, so the control thread may send one for interrupt_request. */
  sigintReady: 3,
  /** The running cell's serial number, 0 between cells. */
  serial: 4,
  /** The serial that was running when the addon's handler last saw SIGINT. */
  signalled: 5,
} as const;

export interface InterruptAddon {
  arm(shared: SharedArrayBuffer, cellPrefix: string, clearAsyncIdStack?: () => void): void;
  chainSigint(): boolean;
  /** Calls fn; an interrupt meanwhile terminates it and throws ERR_SCRIPT_EXECUTION_INTERRUPTED instead. */
  runGuarded<T>(fn: () => T): T;
  /** V8's low-memory collection on the calling thread's isolate, then malloc_trim (see kernel/memory.ts). */
  releaseMemory(): void;
}

/** The script names cells run under (`cell[3]`): the addon only terminates code called from them. */
export const CELL_PREFIX = "cell[";

export class InterruptGuard {
  /** Shared with the control thread, which reads `cellRunning` and `sigintReady`. */
  readonly state = new Int32Array(new SharedArrayBuffer(6 * 4));
  private serial = 0;
  private readonly addon: InterruptAddon | undefined;
  /** Why the addon is not in use, or "" when it is. */
  readonly unavailable: string;

  constructor() {
    const [addon, why] = loadInterruptAddon();
    const clear = addon && nodeClearAsyncIdStack();
    // Without Node's clearAsyncIdStack, terminating a timer callback would abort the process: no addon then.
    this.addon = clear ? addon : undefined;
    this.unavailable = addon && !clear ? "process.binding('async_wrap').clearAsyncIdStack is not available in this Node.js" : why;
    if (this.addon && clear) this.addon.arm(this.state.buffer as SharedArrayBuffer, CELL_PREFIX, clear);
  }

  /** True when busy code after an `await` can be interrupted. */
  get native(): boolean {
    return this.addon !== undefined;
  }

  /** Call after registering the process's SIGINT listener, and whenever Node may have swapped SIGINT handlers (after each vm run with breakOnSigint). */
  watchSigint(): void {
    this.addon?.chainSigint();
    Atomics.store(this.state, Slot.sigintReady, 1);
  }

  /** A cell begins (before its type check): SIGINTs from now on are for it. */
  cellBegins(): void {
    this.serial = (this.serial % 0x7fffffff) + 1;
    Atomics.store(this.state, Slot.serial, this.serial);
  }

  /** Its code starts running: the addon may terminate it from now on. */
  cellStarted(): void {
    Atomics.store(this.state, Slot.cellRunning, 1);
  }

  cellEnded(): void {
    Atomics.store(this.state, Slot.cellRunning, 0);
    Atomics.store(this.state, Slot.serial, 0);
  }

  /**
   * Whether a SIGINT the process listener sees now is meant for the running cell. With the addon, a signal
   * that arrived during an earlier cell (or between cells) and is only now delivered is not: Jupyter's
   * Interrupt never reaches further than the cell it was pressed for. Without the addon nothing tells them apart.
   */
  sigintIsForRunningCell(): boolean {
    if (!this.addon) return true;
    const running = Atomics.load(this.state, Slot.serial);
    return running !== 0 && Atomics.load(this.state, Slot.signalled) === running;
  }

  /**
   * Runs the synchronous part of a cell so that an interrupt can stop it. With the addon, the SIGINT handlers
   * stay as they are (vm's breakOnSigint swaps them around each run, and a signal landing while they swap
   * back was lost, then terminated a later cell); without it, breakOnSigint as before.
   */
  runCellScript<T>(run: (breakOnSigint: boolean) => T): T {
    if (this.addon) return this.addon.runGuarded(() => run(false));
    try {
      return run(true);
    } finally {
      this.watchSigint(); // breakOnSigint swapped the SIGINT handlers around the run
    }
  }

  /** How many busy cells were terminated so far. */
  get terminations(): number {
    return Atomics.load(this.state, Slot.terminated);
  }
}

/**
 * Node's own clearAsyncIdStack (what it runs after an uncaught exception a handler caught): the addon calls
 * it after terminating a timer callback, whose `finally` (emitAfter) never ran. Undefined where Node no
 * longer exposes it.
 */
function nodeClearAsyncIdStack(): (() => void) | undefined {
  // process.binding warns (DEP0111) on stderr, which a cell's output would show: silenced for this call.
  const proc = process as unknown as { noDeprecation: boolean; binding?(name: string): { clearAsyncIdStack?: () => void } };
  const quiet = proc.noDeprecation;
  proc.noDeprecation = true;
  try {
    const clear = proc.binding?.("async_wrap").clearAsyncIdStack;
    return typeof clear === "function" ? clear : undefined;
  } catch {
    return undefined;
  } finally {
    proc.noDeprecation = quiet;
  }
}

let cached: [InterruptAddon | undefined, string] | undefined;

/** The addon and "", or undefined and why it is not there. Loadable on any thread. */
export function loadInterruptAddon(): [InterruptAddon | undefined, string] {
  if (cached) return cached;
  const file = join(packageRoot, "native", "build", "mlsd_interrupt.node");
  if (process.env["MLSD_NATIVE"] === "0") cached = [undefined, "MLSD_NATIVE=0"];
  else if (!existsSync(file)) cached = [undefined, `${file} is not built (npm run build needs a C++ compiler)`];
  else {
    try {
      cached = [createRequire(import.meta.url)(file) as InterruptAddon, ""];
    } catch (err) {
      cached = [undefined, `${file} did not load: ${(err as Error).message}`];
    }
  }
  return cached;
}
