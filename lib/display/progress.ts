/** Progress bars that update in place in a notebook cell and draw on the terminal in scripts. */
import { randomUUID } from "node:crypto";
import { currentSink } from "./sink.js";

export interface ProgressOptions {
  label?: string;
  /** Total steps when it cannot be read from the iterable. */
  total?: number;
  /** Minimum milliseconds between redraws. */
  intervalMs?: number;
}

export interface ProgressBar {
  readonly value: number;
  readonly total: number | undefined;
  /** Advances by `n` (default 1). */
  tick(n?: number): void;
  /** Sets the current value. */
  update(value: number): void;
  /** Draws the final state. */
  close(): void;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
}

class Bar implements ProgressBar {
  value = 0;
  private readonly started = performance.now();
  private lastDraw = -Infinity;
  private readonly id = randomUUID();
  private shown = false;
  private closed = false;
  private lastPercentPrinted = -1;

  constructor(readonly total: number | undefined, private readonly label: string, private readonly intervalMs: number) {
    this.draw(true);
  }

  tick(n = 1): void {
    this.update(this.value + n);
  }

  update(value: number): void {
    this.value = value;
    this.draw(false);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.draw(true);
    const sink = currentSink();
    if (!sink.interactive && process.stderr.isTTY) process.stderr.write("\n");
  }

  text(): string {
    const elapsed = (performance.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.value / elapsed : 0;
    const label = this.label ? `${this.label} ` : "";
    if (this.total === undefined || this.total <= 0) return `${label}${this.value} it [${formatSeconds(elapsed)}, ${rate.toFixed(1)} it/s]`;
    const frac = Math.min(1, this.value / this.total);
    const width = 30;
    const filled = Math.round(frac * width);
    const eta = rate > 0 ? (this.total - this.value) / rate : Infinity;
    return `${label}${String(Math.round(frac * 100)).padStart(3)}% |${"█".repeat(filled)}${" ".repeat(width - filled)}| ${this.value}/${this.total} [${formatSeconds(elapsed)}<${formatSeconds(eta)}, ${rate.toFixed(1)} it/s]`;
  }

  private html(): string {
    const text = this.text().replace(/&/g, "&amp;").replace(/</g, "&lt;");
    const bar = this.total ? `<progress value="${this.value}" max="${this.total}" style="width:20em"></progress> ` : "";
    return `<div class="mlsd-progress">${bar}<code>${text}</code></div>`;
  }

  private draw(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastDraw < this.intervalMs && this.value !== this.total) return;
    this.lastDraw = now;
    const sink = currentSink();
    if (sink.interactive) {
      const bundle = { "text/plain": this.text(), "text/html": this.html() };
      if (!this.shown) sink.display(bundle, {}, this.id);
      else sink.update(bundle, {}, this.id);
      this.shown = true;
      return;
    }
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${this.text()}`);
      return;
    }
    // Plain logs (CI): a line at each quarter, and the end.
    const pct = this.total ? Math.floor((100 * this.value) / this.total / 25) * 25 : -1;
    if (this.closed || (pct > this.lastPercentPrinted && pct < 100)) {
      this.lastPercentPrinted = pct;
      process.stderr.write(`${this.text()}\n`);
    }
  }
}

function sizeOf(x: unknown): number | undefined {
  const o = x as { length?: unknown; size?: unknown };
  if (typeof o.length === "number") return o.length;
  if (typeof o.size === "number") return o.size;
  return undefined;
}

/**
 * Wraps an iterable (sync or async) or a step count in a progress bar.
 * @example for (const batch of progress(batches, { label: "train" })) step(batch);
 * @example const bar = progress(100); bar.tick(); bar.close();
 */
export function progress<T>(source: Iterable<T>, options?: ProgressOptions): Iterable<T> & ProgressBar;
export function progress<T>(source: AsyncIterable<T>, options?: ProgressOptions): AsyncIterable<T> & ProgressBar;
export function progress(total: number, options?: ProgressOptions): ProgressBar;
export function progress<T>(source: number | Iterable<T> | AsyncIterable<T>, options: ProgressOptions = {}): ProgressBar {
  const label = options.label ?? "";
  const interval = options.intervalMs ?? 100;
  if (typeof source === "number") {
    if (!(source >= 0)) throw new RangeError(`progress: 'total' must be a number >= 0, got ${source}`);
    return new Bar(source, label, interval);
  }
  if (source === null || typeof source !== "object") {
    throw new TypeError(`progress: 'source' must be a number, an iterable or an async iterable, got ${String(source)}`);
  }
  const total = options.total ?? sizeOf(source);
  const bar = new Bar(total, label, interval);
  // The bar itself becomes iterable, so `.value` and `.tick()` stay usable on what the caller holds.
  const wrapped = bar as Bar & Iterable<T> & AsyncIterable<T>;
  if (Symbol.asyncIterator in source) {
    wrapped[Symbol.asyncIterator] = async function* () {
      try {
        for await (const item of source as AsyncIterable<T>) {
          yield item;
          bar.tick();
        }
      } finally {
        bar.close();
      }
    };
  } else if (Symbol.iterator in source) {
    wrapped[Symbol.iterator] = function* () {
      try {
        for (const item of source as Iterable<T>) {
          yield item;
          bar.tick();
        }
      } finally {
        bar.close();
      }
    };
  } else {
    throw new TypeError("progress: 'source' must be a number, an iterable or an async iterable, got a plain object");
  }
  return wrapped;
}
