/**
 * The main thread's side of the kernel's I/O thread (io-thread.ts), which owns heartbeat, control and iopub
 * so that they answer while a cell keeps the main thread busy (ipykernel runs them on their own threads too).
 * The main thread publishes through it and answers the control requests it forwards.
 */
import { Worker } from "node:worker_threads";
import type { ConnectionInfo } from "./connection.js";
import type { Message } from "./wire.js";

/** Main thread to I/O thread. */
export type ToIo =
  | { kind: "publish"; msgType: string; content: Record<string, unknown>; parent: Message["parent_header"]; metadata: Record<string, unknown>; buffers?: Uint8Array[] }
  | { kind: "reply"; identities: Uint8Array[]; parent: Message["header"]; msgType: string; content: Record<string, unknown>; metadata: Record<string, unknown> }
  | { kind: "kernelInfo"; content: Record<string, unknown> }
  | { kind: "close" };

/** I/O thread to main thread. */
export type FromIo =
  | { kind: "ready" }
  | { kind: "control"; msg: Message }
  | { kind: "interrupt" }
  | { kind: "log"; line: string }
  | { kind: "closed" };

export interface IoThreadData {
  conn: ConnectionInfo;
  session: string;
  /** The InterruptGuard's shared state (kernel/interrupt.ts), or none. */
  interruptState: SharedArrayBuffer | undefined;
  /** Milliseconds a shutdown_request waits for the main thread before the I/O thread answers and ends the process. */
  shutdownGraceMs: number;
}

export interface IoHandlers {
  /** A control request the I/O thread cannot answer alone (shutdown, kernel_info before it is cached). */
  control(msg: Message): void;
  /** An interrupt_request when the kernel has no SIGINT handler to signal. */
  interrupt(): void;
  log(line: string): void;
}

export class IoThread {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private closing: Promise<void> | undefined;

  constructor(data: IoThreadData, private readonly handlers: IoHandlers) {
    this.worker = new Worker(new URL("./io-thread.js", import.meta.url), { workerData: data, stdout: false, stderr: false });
    this.ready = new Promise((resolve, reject) => {
      this.worker.once("error", reject);
      const onMessage = (m: FromIo) => {
        if (m.kind === "ready") {
          this.worker.off("error", reject);
          this.worker.on("error", (err) => handlers.log(`I/O thread failed: ${err.stack ?? err.message}`));
          resolve();
        }
      };
      this.worker.on("message", onMessage);
    });
    this.worker.on("message", (m: FromIo) => this.dispatch(m));
  }

  /** Resolves once heartbeat, control and iopub are bound. */
  start(): Promise<void> {
    return this.ready;
  }

  private dispatch(m: FromIo): void {
    if (m.kind === "control") {
      const msg = m.msg;
      // Structured cloning turns Buffers into Uint8Arrays; replies need the identities back as sent.
      msg.identities = msg.identities.map((id) => Buffer.from(id));
      this.handlers.control(msg);
    } else if (m.kind === "interrupt") this.handlers.interrupt();
    else if (m.kind === "log") this.handlers.log(m.line);
  }

  private post(m: ToIo): void {
    this.worker.postMessage(m);
  }

  /** Publishes on iopub; `parent` is the request being served, or none. */
  publish(msgType: string, content: Record<string, unknown>, parent: Message | undefined, metadata: Record<string, unknown> = {}, buffers?: Uint8Array[]): void {
    this.post({ kind: "publish", msgType, content, parent: parent?.header ?? {}, metadata, ...(buffers && buffers.length > 0 ? { buffers } : {}) });
  }

  /** Answers a control request that the I/O thread forwarded. */
  reply(parent: Message, msgType: string, content: Record<string, unknown>, metadata: Record<string, unknown> = {}): void {
    this.post({ kind: "reply", identities: parent.identities, parent: parent.header, msgType, content, metadata });
  }

  /** What a control kernel_info_request is answered with, without asking the (maybe busy) main thread. */
  setKernelInfo(content: Record<string, unknown>): void {
    this.post({ kind: "kernelInfo", content });
  }

  /** Sends everything queued, closes the sockets and ends the thread. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const done = () => void this.worker.terminate().then(() => resolve());
      const timer = setTimeout(done, 2000);
      this.worker.on("message", (m: FromIo) => {
        if (m.kind === "closed") {
          clearTimeout(timer);
          done();
        }
      });
      this.post({ kind: "close" });
    });
    return this.closing;
  }
}
