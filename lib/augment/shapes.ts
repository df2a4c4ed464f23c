/**
 * A small image set generated in code (nothing is downloaded): grayscale pictures of four shapes drawn at a
 * random position, size and thickness, over noise. The classes keep their label under flips, small shifts and
 * small rotations, so the usual augmentations are label-preserving here, as they are for photographs.
 */
import { InputError } from "../core/errors.js";
import { checkRandomState, type RandomState } from "../core/random.js";

/** The class names, in label order. */
export const SHAPE_CLASSES = ["square", "disk", "plus", "ring"] as const;

export interface MakeShapesOptions {
  nSamples?: number;
  /** Side of the square image in pixels (default 16). */
  size?: number;
  /** Standard deviation of the Gaussian pixel noise (default 0.15). */
  noise?: number;
  randomState?: RandomState;
}

/**
 * Images as a flat Float32Array [nSamples, size, size, 1] in [0, 1]-ish values, with labels 0..3 in turn
 * (balanced), for `tf.tensor4d(images, [n, size, size, 1])`.
 * @example const { images, labels, shape } = makeShapes({ nSamples: 400, randomState: 0 });
 */
export function makeShapes(options: MakeShapesOptions = {}): { images: Float32Array; labels: Int32Array; shape: [number, number, number, number]; classes: readonly string[] } {
  const n = options.nSamples ?? 400;
  const size = options.size ?? 16;
  const noise = options.noise ?? 0.15;
  if (!Number.isInteger(n) || n < 1) throw new InputError(`makeShapes: 'nSamples' must be an integer >= 1; got ${String(n)}.`);
  if (!Number.isInteger(size) || size < 8) throw new InputError(`makeShapes: 'size' must be an integer >= 8; got ${String(size)}.`);
  if (typeof noise !== "number" || !(noise >= 0)) throw new InputError(`makeShapes: 'noise' must be a number >= 0; got ${String(noise)}.`);
  const rng = checkRandomState(options.randomState);
  const images = new Float32Array(n * size * size);
  const labels = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const label = s % SHAPE_CLASSES.length;
    labels[s] = label;
    // Radius between a quarter and 0.4 of the side; the centre keeps the whole shape inside the image.
    const r = size * (0.22 + 0.16 * rng.random());
    const cx = r + 0.5 + rng.random() * (size - 2 * r - 1);
    const cy = r + 0.5 + rng.random() * (size - 2 * r - 1);
    const thick = 1 + rng.random() * 1.2;
    const base = s * size * size;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const dx = x + 0.5 - cx;
        const dy = y + 0.5 - cy;
        let on: boolean;
        if (label === 0) on = Math.max(Math.abs(dx), Math.abs(dy)) <= r * 0.85 && Math.max(Math.abs(dx), Math.abs(dy)) >= r * 0.85 - thick;
        else if (label === 1) on = Math.hypot(dx, dy) <= r * 0.75;
        else if (label === 2) on = (Math.abs(dx) <= thick && Math.abs(dy) <= r) || (Math.abs(dy) <= thick && Math.abs(dx) <= r);
        else on = Math.abs(Math.hypot(dx, dy) - r * 0.8) <= thick * 0.7;
        images[base + y * size + x] = (on ? 0.9 : 0.1) + noise * rng.normal();
      }
    }
  }
  return { images, labels, shape: [n, size, size, 1], classes: SHAPE_CLASSES };
}
