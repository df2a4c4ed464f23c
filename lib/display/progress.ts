/**
 * Progress bars that update in place in a notebook cell and draw on the terminal in scripts. Where a widget
 * frontend renders widgets, the bar is a widget, as tqdm.notebook's: an HBox of the description (HTML), a
 * FloatProgress and the counts (HTML), updated over its comm instead of re-sent as HTML.
 */
import { randomUUID } from "node:crypto";
import { FloatProgress, HBox, HTML } from "../widgets/controls.js";
import { widgetsLive } from "../widgets/frontend.js";
import { currentSink } from "./sink.js";

export interface ProgressOptions {
  /** Text before the bar (tqdm's `desc`; `label` is the same). */
  desc?: string;
  label?: string;
  /** Total steps when it cannot be read from the iterable. */
  total?: number;
  /** Starting count (tqdm's `initial`), e.g. when resuming. */
  initial?: number;
  /** Name of one step in the rate, "it" by default (tqdm's `unit`). */
  unit?: string;
  /** Draw nothing (tqdm's `disable`); counting still works. */
  disable?: boolean;
  /** Minimum milliseconds between redraws. */
  intervalMs?: number;
}

/**
 * A bar driven as tqdm's: `update(n)` adds `n` to the count (`n`), `close()` draws the final state.
 * @example
 * const bar = progress(3, { desc: "epochs" });
 * for (let epoch = 0; epoch < 3; epoch++) bar.update(1);
 * bar.close(); // epochs 100% |██████...| 3/3
 */
export interface ProgressBar {
  /** Steps done so far (tqdm's `n`). */
  readonly n: number;
  /** The same as `n`. */
  readonly value: number;
  readonly total: number | undefined;
  /** Adds `n` steps (default 1) to the count, as tqdm's `update(n)`; `n` may be negative to step back. */
  update(n?: number): void;
  /** The same as `update(n)`. */
  tick(n?: number): void;
  /** Starts again from 0, optionally with a new total (tqdm's `reset(total)`). */
  reset(total?: number): void;
  /** Changes the text before the bar (tqdm's `set_description`). */
  setDescription(desc: string): void;
  /** Redraws now (tqdm's `refresh`). */
  refresh(): void;
  /** Draws the final state; later updates still count but draw nothing. */
  close(): void;
}

const OPTION_NAMES = ["desc", "label", "total", "initial", "unit", "disable", "intervalMs"];

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
}

class Bar implements ProgressBar {
  n: number;
  private started = performance.now();
  private lastDraw = -Infinity;
  private readonly id = randomUUID();
  private shown = false;
  private closed = false;
  private lastPercentPrinted = -1;
  private widget: { box: HBox; desc: HTML; bar: FloatProgress; info: HTML } | undefined;

  constructor(
    public total: number | undefined,
    private label: string,
    private readonly intervalMs: number,
    private initial: number,
    private readonly unit: string,
    private readonly disabled: boolean,
  ) {
    this.n = initial;
    this.draw(true);
  }

  get value(): number {
    return this.n;
  }

  update(n = 1): void {
    if (typeof n !== "number" || !Number.isFinite(n)) throw new RangeError(`progress: update(n) adds n steps, so n must be a finite number; got ${String(n)}.`);
    this.n += n;
    this.draw(false);
  }

  tick(n = 1): void {
    this.update(n);
  }

  reset(total?: number): void {
    if (total !== undefined) this.total = checkTotal(total);
    this.n = 0;
    this.initial = 0;
    this.started = performance.now();
    this.lastPercentPrinted = -1;
    this.draw(true);
  }

  setDescription(desc: string): void {
    this.label = String(desc);
    this.draw(true);
  }

  refresh(): void {
    this.draw(true);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.draw(true);
    const sink = currentSink();
    if (!sink.interactive && process.stderr.isTTY) process.stderr.write("\n");
  }

  text(): string {
    const { percent, bar, stats } = this.parts();
    const label = this.label ? `${this.label} ` : "";
    return percent === undefined ? `${label}${stats}` : `${label}${percent} |${bar}| ${stats}`;
  }

  /** The pieces tqdm's format is made of: "NN%", the bar, and the counts with times and rate. */
  private parts(): { percent: string | undefined; bar: string; stats: string } {
    const elapsed = (performance.now() - this.started) / 1000;
    // The rate counts this run's steps, not `initial` (tqdm's rate after a resume).
    const rate = elapsed > 0 ? (this.value - this.initial) / elapsed : 0;
    if (this.total === undefined || this.total <= 0) return { percent: undefined, bar: "", stats: `${this.value} ${this.unit} [${formatSeconds(elapsed)}, ${rate.toFixed(1)} ${this.unit}/s]` };
    const frac = Math.min(1, Math.max(0, this.value / this.total));
    const width = 30;
    const filled = Math.round(frac * width);
    const eta = rate > 0 ? (this.total - this.value) / rate : Infinity;
    return { percent: `${String(Math.round(frac * 100)).padStart(3)}%`, bar: `${"█".repeat(filled)}${" ".repeat(width - filled)}`, stats: `${this.value}/${this.total} [${formatSeconds(elapsed)}<${formatSeconds(eta)}, ${rate.toFixed(1)} ${this.unit}/s]` };
  }

  /**
   * tqdm.notebook's layout: with no total the bar stays full and "info"-coloured; it turns "success" when
   * closed at its total. Widgets are made on the first draw and updated after.
   */
  private drawWidget(): void {
    const { percent, stats } = this.parts();
    const known = this.total !== undefined && this.total > 0;
    const max = known ? this.total! : 1;
    const value = known ? Math.min(max, Math.max(0, this.value)) : 1;
    const desc = `${this.label ? `${escapeText(this.label)} ` : ""}${percent ?? ""}`;
    const barStyle: "" | "info" | "success" = !known ? "info" : this.closed && this.value >= max ? "success" : "";
    if (!this.widget) {
      const w = { desc: new HTML({ value: desc }), bar: new FloatProgress({ min: 0, max, value, barStyle }), info: new HTML({ value: escapeText(stats) }) };
      this.widget = { ...w, box: new HBox([w.desc, w.bar, w.info]) };
      const box = this.widget.box as unknown as Record<symbol, () => Record<string, unknown>>;
      currentSink().display(box[Symbol.for("Jupyter.display")]!(), {}, this.id);
      return;
    }
    // max before value: a value above the old max would be clipped.
    this.widget.bar.set({ max, bar_style: barStyle });
    this.widget.bar.value = value;
    this.widget.desc.value = desc;
    this.widget.info.value = escapeText(stats);
  }

  private html(): string {
    const text = escapeText(this.text());
    const bar = this.total ? `<progress value="${this.value}" max="${this.total}" style="width:20em"></progress> ` : "";
    return `<div class="mlsd-progress">${bar}<code>${text}</code></div>`;
  }

  private draw(force: boolean): void {
    if (this.disabled || (this.closed && !force)) return;
    const now = performance.now();
    if (!force && now - this.lastDraw < this.intervalMs && this.value !== this.total) return;
    this.lastDraw = now;
    const sink = currentSink();
    if (sink.interactive && widgetsLive()) {
      this.drawWidget();
      return;
    }
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

const escapeText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

function sizeOf(x: unknown): number | undefined {
  const o = x as { length?: unknown; size?: unknown };
  if (typeof o.length === "number") return o.length;
  if (typeof o.size === "number") return o.size;
  return undefined;
}

function checkTotal(total: unknown): number {
  if (typeof total !== "number" || !(total >= 0)) throw new RangeError(`progress: 'total' must be a number >= 0, got ${String(total)}`);
  return total;
}

function checkOptions(options: unknown): void {
  if (typeof options !== "object" || options === null) throw new TypeError(`progress: options must be an object such as { desc: "train" }; got ${String(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) throw new TypeError(`progress: unknown option '${key}'. Valid options are: ${OPTION_NAMES.join(", ")}.`);
  }
  const o = options as ProgressOptions;
  if (o.total !== undefined) checkTotal(o.total);
  if (o.initial !== undefined && !(typeof o.initial === "number" && Number.isFinite(o.initial))) throw new RangeError(`progress: 'initial' must be a finite number, got ${String(o.initial)}`);
  if (o.intervalMs !== undefined && !(typeof o.intervalMs === "number" && o.intervalMs >= 0)) throw new RangeError(`progress: 'intervalMs' must be a number >= 0, got ${String(o.intervalMs)}`);
}

/**
 * Wraps an iterable (sync or async) or a step count in a progress bar that behaves as tqdm's: iterating counts
 * one step per item; a bar made from a count moves with `update(n)`, which adds n (tqdm's `update`).
 * @example for (const batch of progress(batches, { desc: "train" })) step(batch);
 * @example const bar = progress(100); for (const chunk of chunks) bar.update(chunk.length); bar.close();
 */
export function progress<T>(source: Iterable<T>, options?: ProgressOptions): Iterable<T> & ProgressBar;
export function progress<T>(source: AsyncIterable<T>, options?: ProgressOptions): AsyncIterable<T> & ProgressBar;
export function progress(total: number, options?: ProgressOptions): ProgressBar;
export function progress<T>(source: number | Iterable<T> | AsyncIterable<T>, options: ProgressOptions = {}): ProgressBar {
  checkOptions(options);
  const label = options.desc ?? options.label ?? "";
  const interval = options.intervalMs ?? 100;
  const make = (total: number | undefined) => new Bar(total, label, interval, options.initial ?? 0, options.unit ?? "it", options.disable ?? false);
  if (typeof source === "number") return make(checkTotal(source));
  if (source === null || typeof source !== "object") {
    throw new TypeError(`progress: 'source' must be a number, an iterable or an async iterable, got ${String(source)}`);
  }
  const total = options.total ?? sizeOf(source);
  if (!(Symbol.asyncIterator in source) && !(Symbol.iterator in source)) throw new TypeError("progress: 'source' must be a number, an iterable or an async iterable, got a plain object");
  const bar = make(total);
  // The bar itself becomes iterable, so `.n` and `.update()` stay usable on what the caller holds.
  const wrapped = bar as Bar & Iterable<T> & AsyncIterable<T>;
  if (Symbol.asyncIterator in source) {
    wrapped[Symbol.asyncIterator] = async function* () {
      try {
        for await (const item of source as AsyncIterable<T>) {
          yield item;
          bar.update(1);
        }
      } finally {
        bar.close();
      }
    };
  } else {
    wrapped[Symbol.iterator] = function* () {
      try {
        for (const item of source as Iterable<T>) {
          yield item;
          bar.update(1);
        }
      } finally {
        bar.close();
      }
    };
  }
  return wrapped;
}
