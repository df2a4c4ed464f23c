/**
 * Where SISA puts each training row: its shard, its slice and its place in the training order, each from a
 * seeded hash of the row's key (its user, or its index). A row's place depends only on its own key and the
 * seed, never on the other rows, so deleting rows leaves every other row where it was: the model retrained
 * after a deletion is the one training from scratch without those rows would give.
 */

/** FNV-1a over the key's UTF-16 code units, started from the seed and a salt, then murmur3's finaliser. */
export function keyHash(seed: number, salt: number, key: string): number {
  let h = (0x811c9dc5 ^ Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca77)) >>> 0;
  for (let k = 0; k < key.length; k++) h = Math.imul(h ^ key.charCodeAt(k), 0x01000193) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A key's bucket among `k`, uniform for a uniform hash. */
const bucket = (h: number, k: number) => Math.min(k - 1, Math.floor((h / 2 ** 32) * k));

export interface SisaPlan {
  shard: Int32Array;
  slice: Int32Array;
  /** Training order within a slice: by this hash, then by row index. */
  rank: Uint32Array;
}

/**
 * Shards, slices and ranks for rows with keys `keys`.
 * @example planSisa(["ann", "bob", "ann"], 0, 2, 3).shard // ann's two rows share a shard
 */
export function planSisa(keys: readonly string[], seed: number, nShards: number, nSlices: number): SisaPlan {
  const n = keys.length;
  const plan: SisaPlan = { shard: new Int32Array(n), slice: new Int32Array(n), rank: new Uint32Array(n) };
  keys.forEach((key, i) => {
    plan.shard[i] = bucket(keyHash(seed, 1, key), nShards);
    plan.slice[i] = bucket(keyHash(seed, 2, key), nSlices);
    plan.rank[i] = keyHash(seed, 3, key);
  });
  return plan;
}

/**
 * The rows of `shard` in slices `0..upTo`, slice by slice, each in rank order, leaving out removed rows:
 * what the constituent model of that shard trains on at stage `upTo`.
 */
export function stageRows(plan: SisaPlan, removed: Uint8Array, shard: number, upTo: number): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < plan.shard.length; i++) if (plan.shard[i] === shard && plan.slice[i]! <= upTo && !removed[i]) rows.push(i);
  rows.sort((a, b) => plan.slice[a]! - plan.slice[b]! || plan.rank[a]! - plan.rank[b]! || a - b);
  return Int32Array.from(rows);
}
