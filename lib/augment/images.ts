/**
 * Image augmentation as tfjs operations on a batch (NHWC, `tf.Tensor4D`), in the manner of torchvision's
 * transforms: each transform is drawn anew for every image of every batch, from a seeded generator, so the
 * same seed gives the same augmented batches.
 */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors.js";
import { checkRandomState, type Random, type RandomState } from "../core/random.js";
import { betaSample } from "../imbalance/mixup.js";

/** One random transform of a batch of images; `apply` draws its randomness from `rng`. */
export interface ImageTransform {
  readonly name: string;
  apply(images: tf.Tensor4D, rng: Random): tf.Tensor4D;
}

function probability(value: unknown, owner: string, name: string): number {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) throw new InputError(`${owner}: '${name}' must be a probability in [0, 1]; got ${String(value)}.`);
  return value;
}

function checkImages(images: unknown, owner: string): tf.Tensor4D {
  if (!(images instanceof tf.Tensor) || images.rank !== 4) {
    const what = images instanceof tf.Tensor ? `a rank-${images.rank} tensor` : typeof images;
    throw new InputError(`${owner}: 'images' must be a tf.Tensor4D [batch, height, width, channels]; got ${what}.`);
  }
  return images as tf.Tensor4D;
}

/** Per-image 0/1 draws as a [n, 1, 1, 1] mask. */
function coinFlips(n: number, p: number, rng: Random): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from({ length: n }, () => (rng.random() < p ? 1 : 0)), [n, 1, 1, 1]);
}

/**
 * Flips each image left-right (or top-bottom) with probability `p`, as torchvision's RandomHorizontalFlip.
 * @example const flip = randomFlip({ p: 0.5 });
 */
export function randomFlip(options: { p?: number; direction?: "horizontal" | "vertical" } = {}): ImageTransform {
  const p = probability(options.p ?? 0.5, "randomFlip", "p");
  const direction = options.direction ?? "horizontal";
  if (direction !== "horizontal" && direction !== "vertical") throw new InputError(`randomFlip: 'direction' must be "horizontal" or "vertical"; got ${String(direction)}.`);
  return {
    name: `randomFlip(${direction}, p=${p})`,
    apply: (images, rng) =>
      tf.tidy(() => {
        const mask = coinFlips(images.shape[0], p, rng);
        const flipped = tf.reverse(images, direction === "horizontal" ? 2 : 1);
        return tf.add(tf.mul(mask, flipped), tf.mul(tf.sub(1, mask), images)) as tf.Tensor4D;
      }),
  };
}

/**
 * Pads each image by `padding` pixels of `fill`, then crops it back to its size at a random offset, as
 * torchvision's RandomCrop(size, padding): the image shifts by up to `padding` pixels each way.
 * @example const shift = randomCrop({ padding: 2 });
 */
export function randomCrop(options: { padding?: number; fill?: number } = {}): ImageTransform {
  const padding = options.padding ?? 4;
  if (!Number.isInteger(padding) || padding < 0) throw new InputError(`randomCrop: 'padding' must be an integer >= 0; got ${String(padding)}.`);
  const fill = options.fill ?? 0;
  if (typeof fill !== "number" || !Number.isFinite(fill)) throw new InputError(`randomCrop: 'fill' must be a finite number; got ${String(fill)}.`);
  return {
    name: `randomCrop(padding=${padding})`,
    apply: (images, rng) =>
      tf.tidy(() => {
        const [n, h, w, c] = images.shape;
        const padded = tf.pad(images, [[0, 0], [padding, padding], [padding, padding], [0, 0]], fill);
        const crops = Array.from({ length: n }, (_, i) => {
          const top = rng.randint(2 * padding + 1);
          const left = rng.randint(2 * padding + 1);
          return tf.slice(padded, [i, top, left, 0], [1, h, w, c]);
        });
        return tf.concat(crops, 0) as tf.Tensor4D;
      }),
  };
}

/**
 * Rotates each image by an angle drawn uniformly from [-degrees, degrees] (positive: counter-clockwise, as
 * torchvision's RandomRotation and numpy's rot90) about the centre of its pixel grid, nearest-neighbour, the
 * uncovered corners set to `fill`. Done on the tensor's values in JavaScript, so every backend gives the same pixels.
 * @example const tilt = randomRotation({ degrees: 15 });
 */
export function randomRotation(options: { degrees: number; fill?: number }): ImageTransform {
  const degrees = options?.degrees;
  if (typeof degrees !== "number" || !(degrees >= 0 && degrees <= 180)) throw new InputError(`randomRotation: 'degrees' must be a number in [0, 180]; got ${String(degrees)}.`);
  const fill = options.fill ?? 0;
  if (typeof fill !== "number" || !Number.isFinite(fill)) throw new InputError(`randomRotation: 'fill' must be a finite number; got ${String(fill)}.`);
  return {
    name: `randomRotation(±${degrees}°)`,
    apply: (images, rng) => {
      const [n, h, w, c] = images.shape;
      const src = images.dataSync();
      const out = new Float32Array(src.length);
      const cx = (w - 1) / 2;
      const cy = (h - 1) / 2;
      for (let i = 0; i < n; i++) {
        const theta = ((2 * rng.random() - 1) * degrees * Math.PI) / 180;
        const cos = Math.cos(theta);
        const sin = Math.sin(theta);
        const base = i * h * w * c;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            // The source of output pixel (x, y): the inverse rotation, in image coordinates (y downwards).
            const sx = Math.round(cx + (x - cx) * cos - (y - cy) * sin);
            const sy = Math.round(cy + (x - cx) * sin + (y - cy) * cos);
            const inside = sx >= 0 && sx < w && sy >= 0 && sy < h;
            for (let ch = 0; ch < c; ch++) out[base + (y * w + x) * c + ch] = inside ? src[base + (sy * w + sx) * c + ch]! : fill;
          }
        }
      }
      return tf.tensor4d(out, [n, h, w, c]);
    },
  };
}

/**
 * Random erasing (Zhong et al., 2020), as torchvision's RandomErasing: with probability `p`, a rectangle covering
 * a share of the image drawn from `scale`, with an aspect ratio drawn log-uniformly from `ratio`, is set to `value`.
 * @example const erase = randomErasing({ p: 0.5, scale: [0.02, 0.2] });
 */
export function randomErasing(options: { p?: number; scale?: readonly [number, number]; ratio?: readonly [number, number]; value?: number } = {}): ImageTransform {
  const p = probability(options.p ?? 0.5, "randomErasing", "p");
  const scale = options.scale ?? [0.02, 0.33];
  const ratio = options.ratio ?? [0.3, 3.3];
  const value = options.value ?? 0;
  const pair = (v: readonly number[], name: string, lo: number, hi: number) => {
    if (!Array.isArray(v) || v.length !== 2 || !(v[0]! >= lo && v[0]! <= v[1]! && v[1]! <= hi)) throw new InputError(`randomErasing: '${name}' must be [low, high] with ${lo} <= low <= high <= ${hi}; got ${JSON.stringify(v)}.`);
  };
  pair(scale, "scale", 0, 1);
  pair(ratio, "ratio", Number.MIN_VALUE, Infinity);
  if (typeof value !== "number" || !Number.isFinite(value)) throw new InputError(`randomErasing: 'value' must be a finite number; got ${String(value)}.`);
  return {
    name: `randomErasing(p=${p})`,
    apply: (images, rng) =>
      tf.tidy(() => {
        const [n, h, w] = images.shape;
        const mask = new Float32Array(n * h * w);
        for (let i = 0; i < n; i++) {
          if (rng.random() >= p) continue;
          // torchvision tries ten draws for a rectangle that fits, then leaves the image as it is.
          for (let attempt = 0; attempt < 10; attempt++) {
            const area = h * w * (scale[0] + rng.random() * (scale[1] - scale[0]));
            const aspect = Math.exp(Math.log(ratio[0]) + rng.random() * (Math.log(ratio[1]) - Math.log(ratio[0])));
            const eh = Math.round(Math.sqrt(area * aspect));
            const ew = Math.round(Math.sqrt(area / aspect));
            if (eh < 1 || ew < 1 || eh > h || ew > w) continue;
            const top = rng.randint(h - eh + 1);
            const left = rng.randint(w - ew + 1);
            for (let r = top; r < top + eh; r++) mask.fill(1, i * h * w + r * w + left, i * h * w + r * w + left + ew);
            break;
          }
        }
        const m = tf.tensor4d(mask, [n, h, w, 1]);
        return tf.add(tf.mul(tf.sub(1, m), images), tf.mul(m, value)) as tf.Tensor4D;
      }),
  };
}

/**
 * Applies `transforms` in order to a batch, torchvision's Compose; the input tensor is left as it is.
 * @example const batch = augmentImages(images, [randomFlip(), randomCrop({ padding: 2 })], { randomState: 0 });
 */
export function augmentImages(images: tf.Tensor4D, transforms: readonly ImageTransform[], options: { randomState?: RandomState } = {}): tf.Tensor4D {
  checkImages(images, "augmentImages");
  if (!Array.isArray(transforms) || transforms.some((t) => typeof (t as Partial<ImageTransform>)?.apply !== "function")) {
    throw new InputError(`augmentImages: 'transforms' must be an array of ImageTransform (randomFlip(), randomCrop(), ...); got ${String(transforms)}.`);
  }
  const rng = checkRandomState(options.randomState);
  let out = images;
  for (const t of transforms) {
    const next = t.apply(out, rng);
    if (out !== images) out.dispose();
    out = next;
  }
  return out === images ? tf.clone(images) : out;
}

/**
 * mixup (Zhang et al., 2018) on a batch of images and one-hot labels: one λ ~ Beta(α, α) for the batch, each
 * image mixed with a random partner of the same batch, as the paper's reference code does.
 * @example const { images: xm, labels: ym } = mixupImages(x, tf.oneHot(y, 4), { alpha: 0.2, randomState: 0 });
 */
export function mixupImages(images: tf.Tensor4D, labels: tf.Tensor2D, options: { alpha?: number; randomState?: RandomState } = {}): { images: tf.Tensor4D; labels: tf.Tensor2D; lambda: number; partner: Int32Array } {
  checkImages(images, "mixupImages");
  if (!(labels instanceof tf.Tensor) || labels.rank !== 2 || labels.shape[0] !== images.shape[0]) {
    throw new InputError(`mixupImages: 'labels' must be a one-hot tf.Tensor2D with one row per image (${images.shape[0]}); got ${labels instanceof tf.Tensor ? `shape [${labels.shape.join(", ")}]` : typeof labels}.`);
  }
  const alpha = options.alpha ?? 0.2;
  if (typeof alpha !== "number" || !(alpha > 0) || !Number.isFinite(alpha)) throw new InputError(`mixupImages: 'alpha' must be a finite number > 0; got ${String(alpha)}.`);
  const rng = checkRandomState(options.randomState);
  const partner = rng.shuffle(Int32Array.from({ length: images.shape[0] }, (_, i) => i));
  const lambda = betaSample(alpha, alpha, rng);
  return tf.tidy(() => {
    const idx = tf.tensor1d(partner, "int32");
    const mix = <T extends tf.Tensor>(t: T) => tf.add(tf.mul(lambda, t), tf.mul(1 - lambda, tf.gather(t, idx))) as T;
    return { images: mix(images), labels: mix(labels), lambda, partner };
  });
}
