/** MurmurHash3_x86_32 (Austin Appleby's), signed, on UTF-8 bytes: the hash scikit-learn's FeatureHasher uses. */
import { InputError } from "../core/errors.js";
import { shown } from "./check.js";

/**
 * The signed 32-bit MurmurHash3 of `key`'s UTF-8 bytes (scikit-learn's murmurhash3_32(key, seed, positive=False)).
 * @example murmurhash3_32("foo") // -156908512
 */
export function murmurhash3_32(key: string, seed = 0): number {
  if (typeof key !== "string") throw new InputError(`murmurhash3_32: 'key' must be a string; got ${shown(key)}.`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new InputError(`murmurhash3_32: 'seed' must be an integer in [0, 2^32 - 1]; got ${shown(seed)}.`);
  const bytes = Buffer.from(key, "utf8");
  const n = bytes.length;
  let h = seed >>> 0;
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const blocks = n & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  // The 1 to 3 tail bytes, little-endian (the reference's switch with fall-through).
  const tail = n & 3;
  if (tail) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2]! << 16;
    if (tail >= 2) k ^= bytes[blocks + 1]! << 8;
    k ^= bytes[blocks]!;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
