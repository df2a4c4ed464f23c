/**
 * A Jupyter client over zeromq: starts a kernel with a fresh connection file and talks to it over the real
 * protocol. `mlsd run`, the protocol tests and the kernel benchmark all drive kernels through it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zmq from "zeromq";
import { endpoint, type ConnectionInfo } from "./protocol/connection.js";
import { SerialSender } from "./protocol/sender.js";
import { decode, encode, makeHeader, Signer, type Message } from "./protocol/wire.js";

export interface StartOptions {
  /** argv of the kernel; "{connection_file}" is replaced. Defaults to this package's kernel. */
  argv?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Milliseconds to wait for the first kernel_info_reply. */
  readyTimeoutMs?: number;
}

export interface ExecuteResult {
  reply: Message;
  /** iopub messages of this request, between busy and idle (status messages excluded). */
  iopub: Message[];
}

async function freePort(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, ip, () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export class KernelClient {
  readonly session = randomUUID();
  private readonly signer: Signer;
  private readonly shell = new zmq.Dealer();
  private readonly control = new zmq.Dealer();
  private readonly iopub = new zmq.Subscriber();
  private readonly shellSend: SerialSender;
  private readonly controlSend: SerialSender;
  private readonly replies = new Map<string, (m: Message) => void>();
  private readonly listeners = new Map<string, (m: Message) => void>();
  private readonly stderrChunks: string[] = [];
  private exited: { code: number | null; signal: string | null } | undefined;
  private readonly pendingFailures = new Set<(err: Error) => void>();
  private closed = false;

  private constructor(readonly conn: ConnectionInfo, readonly process: ChildProcess, private readonly tmp: string) {
    this.signer = new Signer(conn.key);
    const onError = (err: unknown) => {
      if (!this.closed) throw err;
    };
    this.shellSend = new SerialSender(this.shell, onError);
    this.controlSend = new SerialSender(this.control, onError);
    process.stderr?.on("data", (d: Buffer) => this.stderrChunks.push(d.toString()));
    process.on("exit", (code, signal) => {
      this.exited = { code, signal };
      // Fail whatever still waits on this kernel now, rather than at its timeout.
      const err = new Error(`kernel exited (code ${code}, signal ${signal}):\n${this.stderr.slice(-2000)}`);
      for (const fail of this.pendingFailures) fail(err);
      this.pendingFailures.clear();
    });
  }

  /**
   * Starts a kernel process and resolves once it answers kernel_info and its iopub is connected. The ports are
   * chosen free here and bound by the kernel later, so another process can take one in between (tests start
   * kernels in parallel): a kernel that ends saying its address is in use is started again on new ports, twice
   * at most.
   */
  static async start(options: StartOptions = {}): Promise<KernelClient> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await KernelClient.startOnce(options);
      } catch (err) {
        if (attempt >= 3 || !/address already in use|EADDRINUSE/i.test((err as Error).message)) throw err;
      }
    }
  }

  private static async startOnce(options: StartOptions): Promise<KernelClient> {
    const ip = "127.0.0.1";
    const ports = await Promise.all([0, 1, 2, 3, 4].map(() => freePort(ip)));
    const conn: ConnectionInfo = {
      transport: "tcp",
      ip,
      key: randomBytes(16).toString("hex"),
      signature_scheme: "hmac-sha256",
      shell_port: ports[0]!,
      iopub_port: ports[1]!,
      stdin_port: ports[2]!,
      control_port: ports[3]!,
      hb_port: ports[4]!,
    };
    const tmp = mkdtempSync(join(tmpdir(), "mlsd-client-"));
    const file = join(tmp, "connection.json");
    writeFileSync(file, JSON.stringify(conn));
    const { kernelArgv } = await import("./install.js");
    const argv = (options.argv ?? kernelArgv()).map((a) => a.replace("{connection_file}", file));
    const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.resume();
    const client = new KernelClient(conn, child, tmp);
    try {
      await client.connect(options.readyTimeoutMs ?? 30_000);
    } catch (err) {
      await client.shutdown();
      throw err;
    }
    return client;
  }

  /** What the kernel process wrote to stderr so far. */
  get stderr(): string {
    return this.stderrChunks.join("");
  }

  private async connect(timeoutMs: number): Promise<void> {
    this.shell.connect(endpoint(this.conn, "shell"));
    this.control.connect(endpoint(this.conn, "control"));
    this.iopub.connect(endpoint(this.conn, "iopub"));
    this.iopub.subscribe();
    void this.pump(this.shell, (m) => this.replies.get(String(m.parent_header.msg_id))?.(m));
    void this.pump(this.control, (m) => this.replies.get(String(m.parent_header.msg_id))?.(m));
    void this.pump(this.iopub, (m) => this.listeners.get(String(m.parent_header.msg_id))?.(m));
    // Repeat kernel_info until one of its iopub status messages arrives: then iopub is subscribed too.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exited) throw new Error(`kernel exited (code ${this.exited.code}, signal ${this.exited.signal}) before it was ready:\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`kernel did not answer kernel_info within ${timeoutMs} ms:\n${this.stderr}`);
      const msg = this.message("kernel_info_request", {});
      let sawIopub = false;
      this.listeners.set(msg.header.msg_id, () => (sawIopub = true));
      try {
        await this.sendAndWait(this.shellSend, msg, 1000);
      } catch {
        continue;
      }
      for (let i = 0; i < 20 && !sawIopub; i++) await new Promise((r) => setTimeout(r, 10));
      this.listeners.delete(msg.header.msg_id);
      if (sawIopub) return;
    }
  }

  private async pump(socket: zmq.Dealer | zmq.Subscriber, route: (m: Message) => void): Promise<void> {
    try {
      for await (const frames of socket) route(decode(frames as Buffer[], this.signer));
    } catch (err) {
      if (!this.closed) throw err;
    }
  }

  message(msgType: string, content: Record<string, unknown>): Message {
    return { identities: [], header: makeHeader(msgType, this.session, "mlsd-client"), parent_header: {}, metadata: {}, content, buffers: [] };
  }

  private sendAndWait(sender: SerialSender, msg: Message, timeoutMs: number): Promise<Message> {
    return new Promise<Message>((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.replies.delete(msg.header.msg_id);
        this.pendingFailures.delete(fail);
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error(`no reply to ${msg.header.msg_type} within ${timeoutMs} ms`)), timeoutMs);
      if (this.exited) return fail(new Error(`kernel has exited (code ${this.exited.code})`));
      this.pendingFailures.add(fail);
      this.replies.set(msg.header.msg_id, (reply) => {
        clearTimeout(timer);
        this.replies.delete(msg.header.msg_id);
        this.pendingFailures.delete(fail);
        resolve(reply);
      });
      void sender.send(encode(msg, this.signer));
    });
  }

  /** Sends a shell request and resolves with its reply. */
  request(msgType: string, content: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<Message> {
    return this.sendAndWait(this.shellSend, this.message(msgType, content), timeoutMs);
  }

  /** Sends a control request and resolves with its reply. */
  controlRequest(msgType: string, content: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<Message> {
    return this.sendAndWait(this.controlSend, this.message(msgType, content), timeoutMs);
  }

  /** Sends raw frames on the shell socket (for tests of malformed or forged messages). */
  sendRawShell(frames: (Buffer | string)[]): Promise<void> {
    return this.shellSend.send(frames);
  }

  /** Signs and encodes a message, as the kernel expects it. */
  encode(msg: Message, signer: Signer = this.signer): (Buffer | string)[] {
    return encode(msg, signer);
  }

  /**
   * Runs `code` and collects its iopub output until the kernel is idle again.
   * `onOutput` sees each output message as it arrives.
   */
  execute(code: string, options: { timeoutMs?: number; onOutput?: (m: Message) => void; silent?: boolean; storeHistory?: boolean; userExpressions?: Record<string, string>; stopOnError?: boolean } = {}): Promise<ExecuteResult> {
    const msg = this.message("execute_request", {
      code,
      silent: options.silent ?? false,
      store_history: options.storeHistory ?? true,
      user_expressions: options.userExpressions ?? {},
      allow_stdin: false,
      stop_on_error: options.stopOnError ?? true,
    });
    const id = msg.header.msg_id;
    const iopub: Message[] = [];
    let reply: Message | undefined;
    let idle = false;
    return new Promise<ExecuteResult>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? 120_000;
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.listeners.delete(id);
        this.replies.delete(id);
        this.pendingFailures.delete(fail);
        reject(err);
      };
      const timer = setTimeout(() => fail(new ExecuteTimeout(`execute_request did not finish within ${timeoutMs} ms`)), timeoutMs);
      if (this.exited) return fail(new Error(`kernel has exited (code ${this.exited.code})`));
      this.pendingFailures.add(fail);
      const done = () => {
        if (!reply || !idle) return;
        clearTimeout(timer);
        this.listeners.delete(id);
        this.pendingFailures.delete(fail);
        resolve({ reply, iopub });
      };
      this.listeners.set(id, (m) => {
        if (m.header.msg_type === "status") {
          if (m.content["execution_state"] === "idle") {
            idle = true;
            done();
          }
          return;
        }
        iopub.push(m);
        options.onOutput?.(m);
      });
      this.replies.set(id, (m) => {
        this.replies.delete(id);
        reply = m;
        done();
      });
      void this.shellSend.send(encode(msg, this.signer));
    });
  }

  /** Interrupts the running cell the way Jupyter does for `interrupt_mode: signal`. */
  interrupt(): void {
    this.process.kill("SIGINT");
  }

  /** Asks the kernel to shut down, then makes sure the process is gone. */
  async shutdown(): Promise<void> {
    if (!this.exited) {
      try {
        await this.controlRequest("shutdown_request", { restart: false }, 5000);
      } catch {
        // Not answering: fall through to the kill below.
      }
      await new Promise<void>((resolve) => {
        if (this.exited) return resolve();
        const t = setTimeout(() => {
          this.process.kill("SIGKILL");
          resolve();
        }, 3000);
        this.process.once("exit", () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    this.closed = true;
    for (const s of [this.shell, this.control, this.iopub]) s.close();
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

export class ExecuteTimeout extends Error {
  override name = "ExecuteTimeout";
}
