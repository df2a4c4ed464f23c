/**
 * Secure aggregation with pairwise masks (Bonawitz et al. 2017, without the Shamir-shared keys): each pair of
 * clients agrees on a seed by ECDH; client i adds PRG(seed_ij) for j > i and subtracts it for j < i, in the
 * integers modulo 2^32 after fixed-point encoding, so the masks cancel in the sum and the server sees only
 * uniform-looking vectors. When a client drops after the keys are agreed, the survivors reveal their seeds with
 * it and the server removes the masks they added for it. In the full protocol the dropped client's key is
 * rebuilt from secret shares instead; this simulation keeps the arithmetic and the recovery step.
 */
import { createECDH, createHash } from "node:crypto";
import { checkNumber, describe } from "./check.js";

/** A mask stream of `length` uint32 words from a seed: SHA-256 in counter mode. */
function prg(seed: Buffer, length: number): Uint32Array {
  const out = new Uint32Array(length);
  for (let block = 0; block * 8 < length; block++) {
    const h = createHash("sha256").update(seed).update(String(block)).digest();
    for (let k = 0; k < 8 && block * 8 + k < length; k++) out[block * 8 + k] = h.readUInt32LE(4 * k);
  }
  return out;
}

export interface SecureAggregationResult {
  /** The server's decoded sum of the surviving clients' updates. */
  sum: Float64Array;
  /** What the server received from each surviving client (masked, uint32 words). */
  masked: Map<number, Uint32Array>;
  /** The clients whose updates are in the sum. */
  survivors: number[];
  /** The quantised plain sum, to check the protocol's sum is exact. */
  plainSum: Float64Array;
}

/**
 * Sums client updates so the server never sees one in the clear.
 * @param updates one vector per client, all the same length
 * @param options.dropped clients that drop after key agreement (their masks are recovered from the survivors)
 * @param options.scale fixed-point scale: values are rounded to multiples of 1/scale
 * @example secureAggregate([[1, 2], [3, 4], [5, 6]]).sum // Float64Array [9, 12]
 */
export function secureAggregate(updates: readonly (readonly number[] | Float64Array | Float32Array)[], options: { dropped?: readonly number[]; scale?: number } = {}): SecureAggregationResult {
  const fn = "secureAggregate";
  if (!Array.isArray(updates) || updates.length < 2) throw new RangeError(`${fn}: 'updates' must be an array of at least 2 client vectors; got ${describe(updates)}`);
  const d = updates[0]!.length;
  updates.forEach((u, i) => {
    if (!u || u.length !== d || d === 0) throw new RangeError(`${fn}: every update must be a non-empty vector of length ${d}; client ${i} has ${describe(u)}`);
    for (const v of u) if (!Number.isFinite(v)) throw new RangeError(`${fn}: client ${i}'s update holds ${v}; every value must be finite`);
  });
  const scale = checkNumber(fn, "scale", options.scale ?? 65536, { min: 0, minExclusive: true });
  const n = updates.length;
  const dropped = new Set(options.dropped ?? []);
  for (const c of dropped) if (!Number.isInteger(c) || c < 0 || c >= n) throw new RangeError(`${fn}: 'dropped' must list client indices in [0, ${n - 1}]; got ${describe(c)}`);
  if (n - dropped.size < 1) throw new RangeError(`${fn}: 'dropped' leaves no client; got ${dropped.size} of ${n}`);
  const limit = 2 ** 31 / (scale * n);
  const encode = (v: number) => {
    if (Math.abs(v) >= limit) throw new RangeError(`${fn}: a value ${v} overflows the fixed-point range (|v| < ${limit}) at 'scale' ${scale} for ${n} clients`);
    return Math.round(v * scale) >>> 0;
  };
  // Key agreement: every client publishes an ECDH public key; each pair derives the same seed.
  const keys = updates.map(() => {
    const k = createECDH("prime256v1");
    k.generateKeys();
    return k;
  });
  const seed = (i: number, j: number) => keys[i]!.computeSecret(keys[j]!.getPublicKey());
  const masked = new Map<number, Uint32Array>();
  const survivors: number[] = [];
  for (let i = 0; i < n; i++) {
    if (dropped.has(i)) continue;
    survivors.push(i);
    const y = Uint32Array.from(updates[i]!, encode);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const m = prg(seed(i, j), d);
      for (let k = 0; k < d; k++) y[k] = (j > i ? y[k]! + m[k]! : y[k]! - m[k]!) >>> 0;
    }
    masked.set(i, y);
  }
  // The server sums what arrived; masks shared with dropped clients do not cancel until the survivors reveal those seeds.
  const total = new Uint32Array(d);
  for (const y of masked.values()) for (let k = 0; k < d; k++) total[k] = (total[k]! + y[k]!) >>> 0;
  for (const i of survivors) {
    for (const j of dropped) {
      const m = prg(seed(i, j), d);
      for (let k = 0; k < d; k++) total[k] = (j > i ? total[k]! - m[k]! : total[k]! + m[k]!) >>> 0;
    }
  }
  const decode = (w: number) => (w >= 2 ** 31 ? w - 2 ** 32 : w) / scale;
  const plainSum = new Float64Array(d);
  for (const i of survivors) for (let k = 0; k < d; k++) plainSum[k]! += (encode(updates[i]![k]!) | 0) / scale;
  return { sum: Float64Array.from(total, decode), masked, survivors, plainSum };
}
