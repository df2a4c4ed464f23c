/**
 * The main thread's handle on the type service: promise-based calls, in order. The service runs in a child
 * process started from the start-up snapshot when one is built and current (snapshot.ts: the libraries are
 * already parsed there), else in a worker thread; MLSD_TYPES_THREAD=main runs it on the main thread.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Worker } from "node:worker_threads";
import { createHandler, type Handler } from "./handler.js";
import type { CheckProfile } from "./profile.js";
import type { CheckReply, Reply, ReplyMap, Request } from "./protocol.js";
import type { SnapshotServiceArgs } from "./snapshot-main.js";
import { typeServiceSnapshot } from "./snapshot.js";

type Op = Request["op"];
type Args<O extends Op> = Omit<Extract<Request, { op: O }>, "id" | "op">;

/** Where the service runs: a worker thread or a child process, behind the same two calls. */
interface Channel {
  kind: "snapshot" | "worker";
  post(req: Request): void;
  /** Whether the process should stay alive for this channel (while a reply or the warm-up is awaited). */
  hold(on: boolean): void;
  close(): Promise<void>;
}

export class TypeService {
  private channel: Channel | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { req: Request; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private warm: Promise<void>;
  private markWarm: () => void = () => undefined;
  /** Set once the snapshot's process failed to start: the worker is used from then on. */
  private snapshotFailed: string | undefined;

  /** `startAfter`: start the service once this settles (at once by default). */
  constructor(private readonly cwd: string, private readonly packageRoot: string, private readonly log: (text: string) => void, startAfter: Promise<unknown> = Promise.resolve(), private readonly profile?: CheckProfile) {
    this.warm = startAfter.then(() => {
      if (!this.channel) this.start();
      return this.warm;
    });
  }

  private started = false;
  private inline: Handler | undefined;
  /** MLSD_TYPES_THREAD=main runs the service on the main thread (for measurements and debugging); =worker never uses the snapshot. */
  private readonly mode = process.env["MLSD_TYPES_THREAD"] === "main" ? "main" : process.env["MLSD_TYPES_THREAD"] === "worker" ? "worker" : "auto";

  /** Which runs the service: "snapshot", "worker" or "main" (undefined before it started). For tests and MLSD_TRACE. */
  get where(): "snapshot" | "worker" | "main" | undefined {
    return this.inline ? "main" : this.channel?.kind;
  }

  private start(): void {
    this.started = true;
    if (this.mode === "main") {
      this.inline = createHandler(this.cwd, this.packageRoot, this.profile);
      this.warm = Promise.resolve();
      return;
    }
    this.warm = new Promise((resolve) => (this.markWarm = resolve));
    const choice = this.mode === "worker" ? { why: "MLSD_TYPES_THREAD=worker" } : this.snapshotFailed ? { why: this.snapshotFailed } : typeServiceSnapshot(this.packageRoot);
    if (process.env["MLSD_TRACE"]) this.log(`mlsd trace: type service starting at ${performance.now().toFixed(0)} ms (${"blob" in choice ? "from the snapshot" : `worker thread; snapshot: ${choice.why}`})\n`);
    this.channel = "blob" in choice ? this.startChild(choice.blob, choice.flags) : this.startWorker();
  }

  private onReply(reply: Reply): void {
    if (reply.id === 0) return this.markWarm();
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.ok) p.resolve(reply.value);
    else p.reject(new Error(`type service: ${reply.error}`));
  }

  /** The channel stopped: fail what waits on it (the next call starts a fresh service). */
  private stopped(channel: Channel, why: string): void {
    if (this.channel !== channel) return;
    this.channel = undefined;
    this.markWarm();
    for (const p of this.pending.values()) p.reject(new Error(`type service stopped: ${why}`));
    this.pending.clear();
  }

  private startWorker(): Channel {
    // stdout/stderr are piped, so the worker's writes bypass the cell-output redirection on the main thread.
    const worker = new Worker(new URL("./worker.js", import.meta.url), {
      workerData: { cwd: this.cwd, packageRoot: this.packageRoot, profile: this.profile },
      stdout: true,
      stderr: true,
      // Each check builds a program (megabytes of short-lived objects): a larger young generation means fewer pauses.
      resourceLimits: { maxYoungGenerationSizeMb: 96 },
    });
    const channel: Channel = { kind: "worker", post: (req) => worker.postMessage(req), hold: () => undefined, close: async () => void (await worker.terminate()) };
    worker.stdout.on("data", (d: Buffer) => this.log(d.toString()));
    worker.stderr.on("data", (d: Buffer) => this.log(d.toString()));
    worker.on("message", (reply: Reply) => this.onReply(reply));
    worker.on("error", (err) => this.stopped(channel, err.message));
    worker.on("exit", (code) => this.stopped(channel, `exit code ${code}`));
    worker.unref();
    return channel;
  }

  private startChild(blob: string, flags: string[]): Channel {
    const child: ChildProcess = spawn(process.execPath, [...flags, "--snapshot-blob", blob], {
      cwd: this.cwd,
      // Without NODE_OPTIONS: V8 flags there (--max-old-space-size, say) would make Node refuse the snapshot.
      env: { ...process.env, NODE_OPTIONS: "", MLSD_TYPE_SERVICE: JSON.stringify({ cwd: this.cwd, packageRoot: this.packageRoot, profile: this.profile, kernelParent: process.ppid } satisfies SnapshotServiceArgs) },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let warm = false;
    let stderr = "";
    const channel: Channel = {
      kind: "snapshot",
      post: (req) => child.send(req),
      hold: (on) => {
        if (on) child.channel?.ref();
        else child.channel?.unref();
      },
      close: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise((done) => child.once("exit", done));
        child.kill("SIGKILL");
        await gone;
      },
    };
    child.stdout!.on("data", (d: Buffer) => this.log(d.toString()));
    // Until it is warm, what it writes is kept: a failed start is one line in the log, not a native stack.
    child.stderr!.on("data", (d: Buffer) => {
      if (warm) this.log(d.toString());
      else stderr += d.toString();
    });
    child.on("message", (reply: Reply) => {
      if (reply.id === 0) {
        warm = true;
        if (stderr) this.log(stderr);
      }
      this.onReply(reply);
      channel.hold(this.pending.size > 0);
    });
    const failed = (why: string) => {
      if (this.channel !== channel) return;
      if (warm) return this.stopped(channel, why);
      // It never got going (a Node.js that rejects the blob, say): the worker takes over, requests and all.
      const said = stderr.split("\n").map((l) => l.replace(/^\s*#\s*/, "").trim()).filter(Boolean);
      // Node's own refusal reads "Assertion failed: ..." after the line naming its source file.
      const line = said.find((l) => l.startsWith("Assertion failed")) ?? said[0];
      this.snapshotFailed = `its process failed to start (${why}${line ? `: ${line}` : ""})`;
      this.log(`mlsd kernel: the type service's start-up snapshot could not be used: ${this.snapshotFailed}; using a worker thread\n`);
      this.channel = this.startWorker();
      for (const p of this.pending.values()) this.channel.post(p.req);
    };
    child.on("error", (err) => failed(err.message));
    child.on("exit", (code, signal) => failed(signal ? `signal ${signal}` : `exit code ${code}`));
    // As worker.unref(): the service alone keeps no process alive, except while the kernel waits on it.
    child.unref();
    (child.stdout as unknown as { unref?(): void }).unref?.();
    (child.stderr as unknown as { unref?(): void }).unref?.();
    return channel;
  }

  /** Resolves once the compiler is loaded and the standard library parsed. */
  ready(): Promise<void> {
    return this.warm;
  }

  async call<O extends Op>(op: O, args: Args<O>): Promise<ReplyMap[O]> {
    if (!this.started) await this.warm;
    if (this.inline) {
      const id = this.nextId++;
      return this.inline.handle({ id, op, ...args } as Request) as ReplyMap[O];
    }
    if (!this.channel) {
      // The service died (out of memory, say): start a fresh one. Earlier cells' declarations are lost with it.
      this.log("mlsd kernel: restarting the type service; earlier cells' types are forgotten\n");
      this.start();
    }
    const id = this.nextId++;
    const req = { id, op, ...args } as Request;
    return new Promise<ReplyMap[O]>((resolve, reject) => {
      this.pending.set(id, { req, resolve: resolve as (v: unknown) => void, reject });
      this.channel!.hold(true);
      this.channel!.post(req);
    });
  }

  async check(code: string): Promise<CheckReply & { commit(): void }> {
    const id = this.nextId;
    const reply = await this.call("check", { code });
    return { ...reply, commit: () => this.notify({ id: this.nextId++, op: "commit", checkId: id }) };
  }

  /**
   * A request that gets no reply (the service answers only those that return something): one hop per cell
   * instead of two. Messages stay in order, so the next check sees the commit.
   */
  private notify(req: Extract<Request, { op: "commit" }>): void {
    if (this.inline) {
      this.inline.handle(req);
      return;
    }
    this.channel?.post(req);
  }

  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close();
  }
}
