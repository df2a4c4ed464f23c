/**
 * The protocol half of the kernel: binds the sockets, verifies and dispatches requests, and owns the
 * bookkeeping every kernel shares (busy/idle, execution count, execute_input, errors, aborts, history).
 * The language half is an Interpreter. Shell and stdin live on the main thread, beside the cells; heartbeat,
 * control and iopub live on the I/O thread (io-thread.ts), which answers while a cell keeps this one busy.
 */
import * as zmq from "zeromq";
import { endpoint, type ConnectionInfo } from "./connection.js";
import { IoThread } from "./io-link.js";
import { SerialSender } from "./sender.js";
import type { ExecuteRequest, Interpreter, OutputContext } from "./types.js";
import { encode, makeHeader, receiveSigned, Signer, type Message } from "./wire.js";
import { History, type HistoryQuery } from "../history.js";
import { MemoryKeeper } from "../memory.js";
import { setStdinChannel, StdinChannel } from "../stdin.js";

type Log = (line: string) => void;
const TRACE = Boolean(process.env["MLSD_TRACE"]);
// Captured before the interpreter redirects process.stderr into cell output: kernel logs go to the real one.
const stderrWrite = process.stderr.write.bind(process.stderr);

export interface ServerOptions {
  history?: History;
  log?: Log;
  /** Called after a shutdown_request has been answered; the default exits the process. */
  onShutdown?: (restart: boolean) => void;
  /** The interpreter's shared interrupt state (kernel/interrupt.ts), read by the I/O thread. */
  interruptState?: SharedArrayBuffer;
  /** How long a shutdown_request waits for a busy main thread before the I/O thread ends the process. */
  shutdownGraceMs?: number;
}

export class KernelServer {
  private readonly signer: Signer;
  private readonly session = crypto.randomUUID();
  private readonly shell = new zmq.Router();
  /** stdin lives on its own thread (stdin-thread.ts), so a synchronous prompt() can wait for its reply. */
  private readonly stdin: StdinChannel;
  private readonly io: IoThread;
  private readonly send: Record<"shell", SerialSender>;
  private readonly queue: Message[] = [];
  private draining = false;
  private executionCount = 0;
  /** Hands memory the cells freed back to the system between requests (kernel/memory.ts). */
  private readonly memory = new MemoryKeeper();
  /** Execute requests that arrived before this time are aborted (stop_on_error). */
  private abortBefore = 0;
  readonly history: History;
  private readonly log: Log;
  private readonly onShutdown: (restart: boolean) => void;

  constructor(private readonly conn: ConnectionInfo, private readonly interpreter: Interpreter, options: ServerOptions = {}) {
    this.signer = new Signer(conn.key);
    this.history = options.history ?? new History();
    this.log = options.log ?? ((line) => stderrWrite(`mlsd kernel: ${line}\n`));
    this.onShutdown = options.onShutdown ?? (() => process.exit(0));
    const onError = (err: unknown) => this.log(`send failed: ${(err as Error).message}`);
    this.send = {
      shell: new SerialSender(this.shell, onError),
    };
    this.stdin = new StdinChannel(conn, this.session, this.log);
    this.io = new IoThread(
      { conn, session: this.session, interruptState: options.interruptState, shutdownGraceMs: options.shutdownGraceMs ?? 5000 },
      { control: (msg) => void this.handleControl(msg), interrupt: () => interpreter.interrupt(), log: this.log },
    );
  }

  async start(): Promise<void> {
    await Promise.all([this.shell.bind(endpoint(this.conn, "shell")), this.stdin.start(), this.io.start()]);
    setStdinChannel(this.stdin);
    void this.listen(this.shell, (msg) => this.enqueue(msg));
    this.publish("status", { execution_state: "starting" }, undefined);
    void this.refreshKernelInfo();
  }

  /** kernel_info as this server answers it; the I/O thread keeps a copy for control requests. */
  private async kernelInfo(): Promise<Record<string, unknown>> {
    const info = await this.interpreter.kernelInfo();
    const features = Array.isArray(info["supported_features"]) ? (info["supported_features"] as string[]) : [];
    const content = { ...info, supported_features: [...new Set([...features, "iopub_welcome"])] };
    this.io.setKernelInfo(content);
    return content;
  }

  private async refreshKernelInfo(): Promise<void> {
    try {
      await this.kernelInfo();
    } catch (err) {
      this.log(`kernel_info failed: ${(err as Error).message}`);
    }
  }

  /** Publishes an iopub message whose parent is `parent` (a request, or none). */
  publish(msgType: string, content: Record<string, unknown>, parent: Message | undefined, metadata: Record<string, unknown> = {}, buffers?: Uint8Array[]): void {
    this.io.publish(msgType, content, parent, metadata, buffers);
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.send).map((s) => s.flush()));
    this.shell.close();
    setStdinChannel(undefined);
    await Promise.all([this.stdin.close(), this.io.close()]);
  }

  private listen(socket: zmq.Router, handle: (msg: Message) => void): Promise<void> {
    return receiveSigned(socket, this.signer, "shell", this.log, (msg) => {
      (msg as Message & { receivedAt: number }).receivedAt = performance.now();
      handle(msg);
    });
  }

  private reply(channel: "shell" | "control", parent: Message, msgType: string, content: Record<string, unknown>, metadata: Record<string, unknown> = {}): Promise<void> {
    if (channel === "control") {
      this.io.reply(parent, msgType, content, metadata);
      return Promise.resolve();
    }
    return this.send[channel].send(
      encode({ identities: parent.identities, header: makeHeader(msgType, this.session), parent_header: parent.header, metadata, content }, this.signer),
    );
  }

  private enqueue(msg: Message): void {
    this.queue.push(msg);
    if (!this.draining) void this.drain();
  }

  /** Shell requests run one at a time, in order, as in ipykernel. */
  private async drain(): Promise<void> {
    this.draining = true;
    while (this.queue.length > 0) {
      const msg = this.queue.shift()!;
      this.publish("status", { execution_state: "busy" }, msg);
      try {
        await this.handleShell(msg);
      } catch (err) {
        this.log(`error handling ${msg.header.msg_type}: ${(err as Error).stack ?? String(err)}`);
      }
      this.publish("status", { execution_state: "idle" }, msg);
      this.memory.afterRequest();
    }
    this.draining = false;
  }

  private async handleShell(msg: Message): Promise<void> {
    const c = msg.content;
    const type = msg.header.msg_type;
    switch (type) {
      case "execute_request":
        return this.execute(msg);
      case "kernel_info_request":
        return this.reply("shell", msg, "kernel_info_reply", await this.kernelInfo());
      case "complete_request": {
        const code = String(c["code"] ?? "");
        const result = await this.interpreter.complete(code, Number(c["cursor_pos"] ?? code.length));
        return this.reply("shell", msg, "complete_reply", { status: "ok", ...result });
      }
      case "inspect_request": {
        const code = String(c["code"] ?? "");
        const result = await this.interpreter.inspect(code, Number(c["cursor_pos"] ?? code.length), Number(c["detail_level"] ?? 0));
        return this.reply("shell", msg, "inspect_reply", { status: "ok", ...result });
      }
      case "is_complete_request":
        return this.reply("shell", msg, "is_complete_reply", { ...(await this.interpreter.isComplete(String(c["code"] ?? ""))) });
      case "history_request":
        return this.reply("shell", msg, "history_reply", { status: "ok", history: this.history.query(c as unknown as HistoryQuery) });
      case "comm_info_request": {
        const target = typeof c["target_name"] === "string" ? c["target_name"] : undefined;
        return this.reply("shell", msg, "comm_info_reply", { status: "ok", comms: this.interpreter.commInfo?.(target) ?? {} });
      }
      case "comm_open":
      case "comm_msg":
      case "comm_close":
        if (this.interpreter.comm) return this.interpreter.comm(msg, this.context(msg, this.executionCount));
        // No comm support: close an open at once so the frontend does not wait on it.
        if (type === "comm_open") this.publish("comm_close", { comm_id: c["comm_id"], data: {} }, msg);
        return;
      case "shutdown_request":
        return this.shutdown(msg, "shell");
      default:
        this.log(`unsupported shell request '${type}'`);
        return this.reply("shell", msg, type.replace(/_request$/, "_reply"), {
          status: "error",
          ename: "NotImplementedError",
          evalue: `mlsd does not handle '${type}'`,
          traceback: [],
        });
    }
  }

  /** The control requests the I/O thread forwards (it has published busy already, and answers the rest itself). */
  private async handleControl(msg: Message): Promise<void> {
    const type = msg.header.msg_type;
    try {
      if (type === "shutdown_request") return await this.shutdown(msg, "control");
      if (type === "kernel_info_request") await this.reply("control", msg, "kernel_info_reply", await this.kernelInfo());
    } catch (err) {
      this.log(`error handling control ${type}: ${(err as Error).stack ?? String(err)}`);
    }
    this.publish("status", { execution_state: "idle" }, msg);
  }

  private async shutdown(msg: Message, channel: "shell" | "control"): Promise<void> {
    const restart = Boolean(msg.content["restart"]);
    await this.interpreter.shutdown(restart);
    await this.reply(channel, msg, "shutdown_reply", { status: "ok", restart });
    this.publish("status", { execution_state: "idle" }, msg);
    await this.close();
    this.onShutdown(restart);
  }

  /** Where output produced while serving `msg` goes: iopub, with `msg` as parent. */
  private context(msg: Message, executionCount: number): OutputContext {
    return { parent: msg, executionCount, publish: (type, content, buffers, metadata) => this.publish(type, content, msg, metadata ?? {}, buffers) };
  }

  private async execute(msg: Message): Promise<void> {
    const c = msg.content;
    const request: ExecuteRequest = {
      code: String(c["code"] ?? ""),
      silent: Boolean(c["silent"] ?? false),
      store_history: Boolean(c["store_history"] ?? true),
      user_expressions: (c["user_expressions"] as Record<string, string> | undefined) ?? {},
      allow_stdin: Boolean(c["allow_stdin"] ?? false),
      stop_on_error: Boolean(c["stop_on_error"] ?? true),
    };
    const receivedAt = (msg as Message & { receivedAt?: number }).receivedAt ?? performance.now();
    if (receivedAt < this.abortBefore) {
      return this.reply("shell", msg, "execute_reply", { status: "aborted", execution_count: this.executionCount }, { status: "aborted" });
    }
    const counts = !request.silent && request.store_history;
    if (counts) this.executionCount++;
    const executionCount = this.executionCount;
    if (counts) this.history.record(executionCount, request.code);

    const ctx = this.context(msg, executionCount);
    const started = performance.now();
    const announce = () => {
      if (!request.silent) this.publish("execute_input", { code: request.code, execution_count: executionCount }, msg);
    };
    const outcome = await this.interpreter.execute(request, ctx, announce);
    if (TRACE) this.log(`trace: queued ${(started - receivedAt).toFixed(2)} ms, execute ${(performance.now() - started).toFixed(2)} ms`);
    if (outcome.status === "ok") {
      if (outcome.result && !request.silent) {
        this.publish("execute_result", { execution_count: executionCount, data: outcome.result, metadata: {} }, msg);
        const plain = outcome.result["text/plain"];
        if (counts && typeof plain === "string") this.history.recordOutput(executionCount, plain);
      }
      return this.reply("shell", msg, "execute_reply", {
        status: "ok",
        execution_count: executionCount,
        payload: outcome.payload ?? [],
        user_expressions: outcome.userExpressions ?? {},
      }, { status: "ok" });
    }
    const error = { ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback };
    if (!request.silent) this.publish("error", error, msg);
    if (request.stop_on_error) this.abortBefore = performance.now();
    return this.reply("shell", msg, "execute_reply", { status: "error", execution_count: executionCount, ...error }, { status: "error" });
  }
}
