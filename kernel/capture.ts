/**
 * Routes everything written to process.stdout/stderr into `stream` messages of the cell that is running (or
 * ran last), including writes from callbacks that fire after their cell finished. Output is batched, and
 * capped per cell so a runaway loop cannot flood the frontend.
 */
import type { OutputContext } from "./protocol/types.js";

type Write = typeof process.stdout.write;
type StreamName = "stdout" | "stderr";

export const realStdoutWrite: Write = process.stdout.write.bind(process.stdout);
export const realStderrWrite: Write = process.stderr.write.bind(process.stderr);

export class OutputRouter {
  private target: OutputContext | undefined;
  private pending: { name: StreamName; text: string }[] = [];
  private scheduled = false;
  private written = 0;
  private dropped = 0;

  constructor(private readonly limitBytes: number) {}

  install(): void {
    const patch = (name: StreamName): Write =>
      ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
        this.write(name, text);
        const cb = typeof encoding === "function" ? encoding : callback;
        if (typeof cb === "function") queueMicrotask(() => (cb as () => void)());
        return true;
      }) as Write;
    process.stdout.write = patch("stdout");
    process.stderr.write = patch("stderr");
  }

  /** Output from now on belongs to `ctx`; the per-cell cap starts again. */
  setTarget(ctx: OutputContext): void {
    this.finish();
    this.target = ctx;
    this.written = 0;
    this.dropped = 0;
  }

  write(name: StreamName, text: string): void {
    if (!this.target) {
      (name === "stdout" ? realStdoutWrite : realStderrWrite)(text);
      return;
    }
    if (this.written + text.length > this.limitBytes) {
      const room = Math.max(0, this.limitBytes - this.written);
      this.dropped += text.length - room;
      text = text.slice(0, room);
      if (!text) return;
    }
    this.written += text.length;
    const last = this.pending[this.pending.length - 1];
    if (last && last.name === name) last.text += text;
    else this.pending.push({ name, text });
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(() => this.flush(), 20).unref();
    }
  }

  /** Publishes what is buffered; called before any other output so the order is kept. */
  flush(): void {
    this.scheduled = false;
    if (!this.target || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    for (const { name, text } of batch) this.target.publish("stream", { name, text });
  }

  /** Flushes and, if output was cut, says how much. */
  finish(): void {
    this.flush();
    if (this.target && this.dropped > 0) {
      this.target.publish("stream", {
        name: "stderr",
        text: `\n[mlsd: output truncated: ${this.dropped} more characters were not shown (limit ${this.limitBytes}; set MLSD_MAX_OUTPUT_BYTES to change it)]\n`,
      });
      this.dropped = 0;
    }
  }
}
