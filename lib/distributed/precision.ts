/**
 * Mixed precision emulated in JavaScript: rounding to float16 and bfloat16, and dynamic loss scaling with
 * PyTorch GradScaler's defaults (initial scale 2^16, growth x2 after 2,000 clean steps, backoff x0.5 on
 * overflow), counting overflows and underflows.
 */
import { InputError } from "../core/errors.js";

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The nearest float16 value (round to nearest even; overflow to ±Infinity; subnormals kept). */
export function toFloat16(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  if (a >= 65520) return Math.sign(x) * Infinity; // above the largest half (65504) plus half an ulp
  // Spacing of representable values at this magnitude: 2^(e-10) for normals, 2^-24 for subnormals.
  const e = Math.max(Math.floor(Math.log2(a)), -14);
  const ulp = 2 ** (e - 10);
  const q = a / ulp;
  let r = Math.round(q);
  if (Math.abs(q - Math.trunc(q) - 0.5) < 1e-12 && r % 2 === 1) r -= 1; // ties to even
  return Math.sign(x) * r * ulp;
}

/** The nearest bfloat16 value: float32's exponent range with 8 bits of mantissa (round to nearest even). */
export function toBFloat16(x: number): number {
  if (!Number.isFinite(x)) return x;
  f32[0] = x;
  const bits = u32[0]!;
  const rounded = (bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000;
  u32[0] = rounded >>> 0;
  return f32[0]!;
}

/** Rounds every value of an array (a copy). @example castArray(weights, "float16") */
export function castArray(values: ArrayLike<number>, dtype: "float16" | "bfloat16" | "float32"): Float64Array {
  const f = dtype === "float16" ? toFloat16 : dtype === "bfloat16" ? toBFloat16 : Math.fround;
  return Float64Array.from(values, (v) => f(v));
}

const HALF_MIN_SUBNORMAL = 2 ** -24;

export interface GradScalerOptions {
  initScale?: number;
  growthFactor?: number;
  backoffFactor?: number;
  growthInterval?: number;
}

/**
 * @example
 * const scaler = new GradScaler();
 * const g = scaler.unscale(scaledFloat16Grads); if (g) step(g); scaler.update();
 */
export class GradScaler {
  scale: number;
  /** Steps skipped because a scaled gradient overflowed float16. */
  overflows = 0;
  /** Gradient values that would have flushed to zero in float16 without scaling, but survived with it. */
  rescuedFromUnderflow = 0;
  /** Gradient values that flush to zero in float16 even after scaling. */
  underflows = 0;
  private clean = 0;
  private foundInf = false;
  private readonly o: Required<GradScalerOptions>;

  constructor(options: GradScalerOptions = {}) {
    this.o = { initScale: 2 ** 16, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000, ...options };
    if (!(this.o.initScale > 0 && this.o.growthFactor > 1 && this.o.backoffFactor > 0 && this.o.backoffFactor < 1 && Number.isInteger(this.o.growthInterval) && this.o.growthInterval >= 1)) {
      throw new InputError(`GradScaler: need initScale > 0, growthFactor > 1, 0 < backoffFactor < 1 and an integer growthInterval >= 1; got ${JSON.stringify(this.o)}.`);
    }
    this.scale = this.o.initScale;
  }

  /**
   * Float32 gradients of the *unscaled* loss, as float16 backprop would produce them from the scaled loss, then
   * unscaled: returns them, or null when any overflowed (the step must be skipped).
   */
  unscale(grads: ArrayLike<number>): Float64Array | null {
    const out = new Float64Array(grads.length);
    this.foundInf = false;
    for (let i = 0; i < grads.length; i++) {
      const g = grads[i]!;
      const scaled = toFloat16(g * this.scale);
      if (!Number.isFinite(scaled)) {
        this.foundInf = true;
        continue;
      }
      if (g !== 0 && scaled === 0) this.underflows++;
      else if (g !== 0 && Math.abs(g) < HALF_MIN_SUBNORMAL / 2) this.rescuedFromUnderflow++;
      out[i] = scaled / this.scale;
    }
    if (this.foundInf) {
      this.overflows++;
      return null;
    }
    return out;
  }

  /** Adjusts the scale after a step: back off on overflow, grow after `growthInterval` clean steps. */
  update(): void {
    if (this.foundInf) {
      this.scale *= this.o.backoffFactor;
      this.clean = 0;
    } else if (++this.clean >= this.o.growthInterval) {
      this.scale *= this.o.growthFactor;
      this.clean = 0;
    }
  }
}
