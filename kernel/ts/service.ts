/** The main thread's handle on the type-service worker: promise-based calls, in order. */
import { Worker } from "node:worker_threads";
import { createHandler, type Handler } from "./handler.js";
import type { CheckProfile } from "./profile.js";
import type { CheckReply, Reply, ReplyMap, Request } from "./protocol.js";

type Op = Request["op"];
type Args<O extends Op> = Omit<Extract<Request, { op: O }>, "id" | "op">;

export class TypeService {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private warm: Promise<void>;

  /** `startAfter`: start the worker once this settles (at once by default). */
  constructor(private readonly cwd: string, private readonly packageRoot: string, private readonly log: (text: string) => void, startAfter: Promise<unknown> = Promise.resolve(), private readonly profile?: CheckProfile) {
    this.warm = startAfter.then(() => {
      if (!this.worker) this.start();
      return this.warm;
    });
  }

  private started = false;
  private inline: Handler | undefined;
  /** MLSD_TYPES_THREAD=main runs the service on the main thread (for measurements and debugging). */
  private readonly mode = process.env["MLSD_TYPES_THREAD"] === "main" ? "main" : "worker";

  private start(): void {
    this.started = true;
    if (this.mode === "main") {
      this.inline = createHandler(this.cwd, this.packageRoot, this.profile);
      this.warm = Promise.resolve();
      return;
    }
    if (process.env["MLSD_TRACE"]) this.log(`mlsd trace: type service starting at ${performance.now().toFixed(0)} ms\n`);
    // stdout/stderr are piped, so the worker's writes bypass the cell-output redirection on the main thread.
    const worker = new Worker(new URL("./worker.js", import.meta.url), {
      workerData: { cwd: this.cwd, packageRoot: this.packageRoot, profile: this.profile },
      stdout: true,
      stderr: true,
      // Each check builds a program (megabytes of short-lived objects): a larger young generation means fewer pauses.
      resourceLimits: { maxYoungGenerationSizeMb: 96 },
    });
    worker.stdout.on("data", (d: Buffer) => this.log(d.toString()));
    worker.stderr.on("data", (d: Buffer) => this.log(d.toString()));
    let markWarm!: () => void;
    this.warm = new Promise((resolve) => (markWarm = resolve));
    worker.on("message", (reply: Reply) => {
      if (reply.id === 0) return markWarm();
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new Error(`type service: ${reply.error}`));
    });
    const fail = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      markWarm();
      for (const p of this.pending.values()) p.reject(new Error(`type service stopped: ${why}`));
      this.pending.clear();
    };
    worker.on("error", (err) => fail(err.message));
    worker.on("exit", (code) => fail(`exit code ${code}`));
    worker.unref();
    this.worker = worker;
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
    if (!this.worker) {
      // The worker died (out of memory, say): start a fresh one. Earlier cells' declarations are lost with it.
      this.log("mlsd kernel: restarting the type service; earlier cells' types are forgotten\n");
      this.start();
    }
    const id = this.nextId++;
    return new Promise<ReplyMap[O]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker!.postMessage({ id, op, ...args } as Request);
    });
  }

  async check(code: string): Promise<CheckReply & { commit(): void }> {
    const id = this.nextId;
    const reply = await this.call("check", { code });
    return { ...reply, commit: () => this.notify({ id: this.nextId++, op: "commit", checkId: id }) };
  }

  /**
   * A request that gets no reply (the worker answers only those that return something): one thread hop per
   * cell instead of two. Messages stay in order, so the next check sees the commit.
   */
  private notify(req: Extract<Request, { op: "commit" }>): void {
    if (this.inline) {
      this.inline.handle(req);
      return;
    }
    this.worker?.postMessage(req);
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}
