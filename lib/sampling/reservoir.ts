/**
 * Reservoir sampling: k items uniformly from a stream of unknown length in one pass and O(k) memory.
 * Algorithm R (Vitter) draws for every item; Li's Algorithm L skips ahead geometrically and draws O(k log(n/k))
 * times, so on arrays it jumps instead of reading every item. A-ExpJ does the same for weighted streams.
 */
import { InputError } from "../core/errors.js";
import { checkRandomState, type Random, type RandomState } from "../core/random.js";

export interface ReservoirOptions {
  randomState?: RandomState;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new InputError(`k must be an integer >= 1; got ${k}.`);
}

/**
 * Algorithm R as a stream consumer: item i (1-based) replaces a random slot with probability k/i.
 * @example const r = new ReservoirR(10, { randomState: 1 }); for (const t of tweets) r.add(t); r.sample
 */
export class ReservoirR<T> {
  readonly sample: T[] = [];
  seen = 0;
  private readonly rng: Random;
  constructor(readonly k: number, options: ReservoirOptions = {}) {
    checkK(k);
    this.rng = checkRandomState(options.randomState);
  }
  add(item: T): void {
    this.seen++;
    if (this.sample.length < this.k) this.sample.push(item);
    else {
      const j = this.rng.randint(this.seen);
      if (j < this.k) this.sample[j] = item;
    }
  }
}

/**
 * Algorithm L as a stream consumer: after the first k items, the number of items to skip before the next
 * replacement is geometric, so only O(k log(n/k)) random numbers are drawn.
 */
export class ReservoirL<T> {
  readonly sample: T[] = [];
  seen = 0;
  private w = 0;
  /** 1-based index of the next item that enters the reservoir. */
  private next = 0;
  private readonly rng: Random;
  constructor(readonly k: number, options: ReservoirOptions = {}) {
    checkK(k);
    this.rng = checkRandomState(options.randomState);
  }
  private u(): number {
    // (0, 1]: log(0) would be -Infinity.
    return 1 - this.rng.random();
  }
  private advance(): void {
    this.w *= Math.exp(Math.log(this.u()) / this.k);
    this.next += Math.floor(Math.log(this.u()) / Math.log(1 - this.w)) + 1;
  }
  add(item: T): void {
    this.seen++;
    if (this.sample.length < this.k) {
      this.sample.push(item);
      if (this.sample.length === this.k) {
        this.w = 1;
        this.next = this.k;
        this.advance();
      }
      return;
    }
    if (this.seen === this.next) {
      this.sample[this.rng.randint(this.k)] = item;
      this.advance();
    }
  }
  /** For indexable sources: the index (0-based) of the next item that will be taken, to jump straight to it. */
  nextIndex(): number {
    return this.sample.length < this.k ? this.sample.length : this.next - 1;
  }
  /** Records that items up to `index` (0-based, exclusive) were passed over without being read. */
  skipTo(index: number): void {
    this.seen = index;
  }
}

type Source<T> = ArrayLike<T> | Iterable<T> | AsyncIterable<T>;

/**
 * k items chosen uniformly from `source`: an array or typed array (Algorithm L jumps through it), an iterable,
 * an async iterable, or a Node stream in object mode.
 * @example await reservoirSample(fs.createReadStream("tweets.ndjson").pipe(split()), 100, { randomState: 7 })
 */
export function reservoirSample<T>(source: ArrayLike<T> | Iterable<T>, k: number, options?: ReservoirOptions & { algorithm?: "L" | "R" }): T[];
export function reservoirSample<T>(source: AsyncIterable<T>, k: number, options?: ReservoirOptions & { algorithm?: "L" | "R" }): Promise<T[]>;
export function reservoirSample<T>(source: Source<T>, k: number, options: ReservoirOptions & { algorithm?: "L" | "R" } = {}): T[] | Promise<T[]> {
  const algorithm = options.algorithm ?? "L";
  const r = algorithm === "L" ? new ReservoirL<T>(k, options) : new ReservoirR<T>(k, options);
  if (typeof source === "object" && source !== null && Symbol.asyncIterator in source) {
    return (async () => {
      for await (const item of source as AsyncIterable<T>) r.add(item);
      return r.sample;
    })();
  }
  if (typeof (source as ArrayLike<T>).length === "number" && !(typeof source === "string")) {
    const arr = source as ArrayLike<T>;
    if (r instanceof ReservoirL) {
      // Jump from one chosen index to the next instead of reading every item.
      for (let i = r.nextIndex(); i < arr.length; i = r.nextIndex()) {
        r.skipTo(i);
        r.add(arr[i]!);
      }
      return r.sample;
    }
    for (let i = 0; i < arr.length; i++) r.add(arr[i]!);
    return r.sample;
  }
  if (typeof source === "object" && source !== null && Symbol.iterator in source) {
    for (const item of source as Iterable<T>) r.add(item);
    return r.sample;
  }
  throw new InputError(`source must be an array, an iterable, an async iterable or a stream; got ${typeof source}.`);
}

/**
 * Weighted reservoir (Efraimidis–Spirakis A-ExpJ): k items, item i kept with the probabilities of drawing
 * without replacement proportionally to w_i; exponential jumps skip items without drawing for each.
 */
export class WeightedReservoir<T> {
  private readonly items: { item: T; key: number }[] = [];
  private jump = 0;
  private readonly rng: Random;
  constructor(readonly k: number, options: ReservoirOptions = {}) {
    checkK(k);
    this.rng = checkRandomState(options.randomState);
  }
  get sample(): T[] {
    return this.items.map((e) => e.item);
  }
  private minIndex(): number {
    let m = 0;
    for (let i = 1; i < this.items.length; i++) if (this.items[i]!.key < this.items[m]!.key) m = i;
    return m;
  }
  add(item: T, weight: number): void {
    if (!(weight > 0) || !Number.isFinite(weight)) throw new InputError(`weight must be finite and > 0; got ${weight}.`);
    const u = () => 1 - this.rng.random();
    if (this.items.length < this.k) {
      this.items.push({ item, key: Math.pow(u(), 1 / weight) });
      if (this.items.length === this.k) this.jump = Math.log(u()) / Math.log(this.items[this.minIndex()]!.key);
      return;
    }
    this.jump -= weight;
    if (this.jump > 0) return;
    const m = this.minIndex();
    const tw = Math.pow(this.items[m]!.key, weight);
    const r2 = tw + (1 - tw) * this.rng.random();
    this.items[m] = { item, key: Math.pow(r2, 1 / weight) };
    this.jump = Math.log(u()) / Math.log(this.items[this.minIndex()]!.key);
  }
}
