/**
 * Input from the frontend for cells: browser-style `prompt()`, `confirm()` and `alert()` (synchronous, as in a
 * browser), an awaitable `input(question, { password })`, and `process.stdin` for `readline`, all as
 * `input_request` / `input_reply` on the stdin channel (the Jupyter messaging spec's "Messages on the stdin
 * ROUTER/DEALER channel"). ipykernel's `raw_input`/`getpass` and Deno's kernel prompt() do the same.
 *
 * When the execute_request says `allow_stdin: false` (`mlsd run`, nbclient), asking fails at once with
 * StdinNotImplementedError, as ipykernel's does, instead of waiting for a reply that will never come.
 */
import { Readable } from "node:stream";
import { Worker } from "node:worker_threads";
import type { ConnectionInfo } from "./protocol/connection.js";
import type { Message } from "./protocol/wire.js";
import { InputSlot, newInputBuffer, readReply, type StdinRequest, type StdinThreadData } from "./stdin-shared.js";

/** ipykernel's name for it: the frontend cannot be asked for input. */
export class StdinNotImplementedError extends Error {
  override name = "StdinNotImplementedError";
}

/** A pending input ended by an interrupt (Kernel > Interrupt), as Python's KeyboardInterrupt in input(). */
export class InputInterruptedError extends Error {
  override name = "KeyboardInterrupt";
}

/** The main thread's side of the stdin thread (stdin-thread.ts). */
export class StdinChannel {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private closing: Promise<void> | undefined;

  constructor(conn: ConnectionInfo, session: string, log: (line: string) => void) {
    const data: StdinThreadData = { conn, session };
    this.worker = new Worker(new URL("./stdin-thread.js", import.meta.url), { workerData: data, stdout: false, stderr: false });
    this.ready = new Promise((resolve, reject) => {
      this.worker.once("error", reject);
      this.worker.on("message", (m: { kind: string }) => {
        if (m.kind !== "ready") return;
        this.worker.off("error", reject);
        this.worker.on("error", (err) => log(`stdin thread failed: ${err.stack ?? err.message}`));
        resolve();
      });
    });
    this.worker.unref();
  }

  /** Resolves once the stdin socket is bound. */
  start(): Promise<void> {
    return this.ready;
  }

  /** Sends an input_request on behalf of `parent` (the execute_request); the reply lands in the returned buffer. */
  request(parent: Message, prompt: string, password: boolean): Int32Array {
    const shared = newInputBuffer();
    const m: StdinRequest = { kind: "request", identities: parent.identities, parent: parent.header, prompt, password, shared: shared.buffer as SharedArrayBuffer };
    this.worker.postMessage(m);
    return shared;
  }

  /** Ends the pending request (interrupt, cell ended): its waiter sees "cancelled". */
  cancel(): void {
    this.worker.postMessage({ kind: "cancel" });
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const done = () => void this.worker.terminate().then(() => resolve());
      const timer = setTimeout(done, 1000);
      this.worker.on("message", (m: { kind: string }) => {
        if (m.kind === "closed") {
          clearTimeout(timer);
          done();
        }
      });
      this.worker.postMessage({ kind: "close" });
    });
    return this.closing;
  }
}

interface InputContext {
  parent: Message;
  allowStdin: boolean;
}

let channel: StdinChannel | undefined;
let context: InputContext | undefined;
/** The buffer of the request now waiting, so an interrupt or the cell's end can cancel it. */
let waiting: Int32Array | undefined;

/** kernel/interrupt.ts's shared state: its `requests` slot counts SIGINTs the native addon saw. */
let interruptState: Int32Array | undefined;
const INTERRUPT_REQUESTS_SLOT = 2;

/**
 * Lets a synchronous prompt() notice an interrupt: the main thread is blocked in Atomics.wait, so no JavaScript
 * SIGINT handler can run, but the addon's V8 interrupt (which Atomics.wait lets through) counts the request.
 */
export function watchInterrupts(state: Int32Array | undefined): void {
  interruptState = state;
}

/** Called by the server once its stdin thread is up. */
export function setStdinChannel(c: StdinChannel | undefined): void {
  channel = c;
}

/** The interpreter marks which request cells ask on behalf of; `undefined` once the cell ends. */
export function setInputContext(ctx: InputContext | undefined): void {
  if (!ctx) {
    // A prompt ended by a termination (an interrupt) never reached its cleanup: the cell's end does it.
    cancelInput();
    waiting = undefined;
  }
  context = ctx;
  if (!ctx) cellStdin?.push(null);
  cellStdin = undefined;
}

/** Ends a pending input (the interpreter calls this on interrupt). */
export function cancelInput(): void {
  if (waiting) channel?.cancel();
}

function open(prompt: string, password: boolean, asker: string): Int32Array {
  if (!context || !context.allowStdin || !channel) {
    const why = !context ? "no cell is running" : !channel ? "the kernel has no stdin channel" : "this execute_request has allow_stdin: false (as `mlsd run`, nbclient and exported scripts send)";
    throw new StdinNotImplementedError(`${asker} needs an answer from the frontend, but ${why}. Give the value in code instead (a parameters cell for \`mlsd run --param\`).`);
  }
  if (waiting) throw new Error(`${asker} was called while another input is still pending; await the first one.`);
  const shared = channel.request(context.parent, prompt, password);
  waiting = shared;
  return shared;
}

function finish(shared: Int32Array): string {
  waiting = undefined;
  if (Atomics.load(shared, InputSlot.state) === InputSlot.cancelled) throw new InputInterruptedError("The input was interrupted; the kernel and its variables are kept.");
  return readReply(shared);
}

/** Blocks the main thread until the frontend answers: browsers' prompt() is synchronous too. */
export function askSync(prompt: string, password = false, asker = "prompt()"): string {
  const shared = open(prompt, password, asker);
  const requests = () => (interruptState ? Atomics.load(interruptState, INTERRUPT_REQUESTS_SLOT) : 0);
  const before = requests();
  // Short waits, so an interrupt counted meanwhile ends a cell stuck on an unanswered prompt.
  while (Atomics.load(shared, InputSlot.state) === InputSlot.pending) {
    Atomics.wait(shared, InputSlot.state, InputSlot.pending, 50);
    if (requests() !== before && Atomics.load(shared, InputSlot.state) === InputSlot.pending) {
      channel?.cancel();
      waiting = undefined;
      throw new InputInterruptedError("The input was interrupted; the kernel and its variables are kept.");
    }
  }
  return finish(shared);
}

/** Resolves when the frontend answers; the event loop keeps running meanwhile (timers, interrupts). */
export async function askAsync(prompt: string, password = false, asker = "input()"): Promise<string> {
  const shared = open(prompt, password, asker);
  while (Atomics.load(shared, InputSlot.state) === InputSlot.pending) {
    const r = Atomics.waitAsync(shared, InputSlot.state, InputSlot.pending);
    if (r.async) await r.value;
  }
  return finish(shared);
}

/**
 * Asks the user for a line of text and resolves with it; `password: true` hides what is typed (getpass).
 * @example const name = await input("Your name: ");
 */
export function input(question = "", options: { password?: boolean } = {}): Promise<string> {
  if (typeof question !== "string") return Promise.reject(new TypeError(`input(question): question must be a string. Got ${typeof question} instead.`));
  return askAsync(question, options.password === true, "input()");
}

/**
 * The browser's prompt(): the answer, or `defaultValue` (else "") when the answer is empty.
 * @example const k = Number(prompt("How many neighbours?", "5"));
 */
export function prompt(message = "", defaultValue?: string): string | null {
  const answer = askSync(String(message), false, "prompt()");
  return answer === "" ? (defaultValue ?? "") : answer;
}

/**
 * The browser's confirm(): true for an answer that starts with y (yes), false otherwise.
 * @example if (confirm("Retrain the model?")) model.fit(X, y);
 */
export function confirm(message = ""): boolean {
  return /^\s*y/i.test(askSync(`${String(message)} [y/N] `, false, "confirm()"));
}

/**
 * The browser's alert(): shows the message and waits until the user presses Enter.
 * @example alert("Training finished");
 */
export function alert(message = ""): void {
  askSync(`${String(message)} [press Enter] `, false, "alert()");
}

let cellStdin: CellStdin | undefined;

/**
 * `process.stdin` inside a cell: each read asks the frontend for a line. One stream per cell, ended when the
 * cell ends, so a `readline` loop finishes with its cell instead of waiting forever.
 */
class CellStdin extends Readable {
  private wanted = false;
  private asking = false;

  constructor() {
    super({ encoding: "utf8" });
    this.on("resume", () => this.maybeAsk());
  }

  override _read(): void {
    this.wanted = true;
    // Deferred: readline pauses its input when the consumer closes it in a line callback; asking at once
    // would leave an input box nobody answers.
    setImmediate(() => this.maybeAsk());
  }

  private maybeAsk(): void {
    if (!this.wanted || this.asking || this.destroyed || this.readableEnded || this.readableFlowing === false) return;
    this.wanted = false;
    this.asking = true;
    askAsync("", false, "process.stdin").then(
      (line) => {
        this.asking = false;
        this.push(`${line}\n`);
      },
      (err: Error) => {
        this.asking = false;
        this.destroy(err);
      },
    );
  }
}

/** Makes `process.stdin` the cell's stdin stream. */
export function installStdinStream(): void {
  Object.defineProperty(process, "stdin", {
    configurable: true,
    enumerable: true,
    get: () => (cellStdin ??= new CellStdin()),
  });
}

/** Puts prompt, confirm, alert and input on globalThis for cells. */
export function installInputGlobals(): void {
  Object.assign(globalThis, { prompt, confirm, alert, input });
  installStdinStream();
}
