/**
 * scikit-learn's FeatureHasher (the hashing trick), dense output: each feature name goes through the signed
 * 32-bit MurmurHash3 to column |h| mod nFeatures, with sign of h when `alternateSign`; collisions add up.
 * Stateless: `fit` only checks the options.
 */
import { InputError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { registerModel } from "../core/serialize.js";
import { shown } from "./check.js";
import { murmurhash3_32 } from "./murmurhash.js";
import { BaseEstimator } from "../core/estimator.js";

export interface FeatureHasherOptions {
  nFeatures?: number;
  /** "dict": each sample maps names to values (string values hash as "name=value" with value 1); "pair": [name, value] pairs; "string": names with value 1. */
  inputType?: "dict" | "pair" | "string";
  alternateSign?: boolean;
}

/** What `transform` takes for each input type. */
export type HasherInput = readonly (Readonly<Record<string, number | string>> | readonly (readonly [string, number])[] | readonly (string | number | null)[])[];

/**
 * @example new FeatureHasher({ nFeatures: 8, inputType: "string" }).transform([["dog", "cat"], ["fish"]])
 */
export class FeatureHasher extends BaseEstimator<FeatureHasherOptions> {
  get rules() {
    return { nFeatures: { kind: "int", min: 1, max: 2 ** 31 - 1 }, inputType: { kind: "enum", values: ["dict", "pair", "string"] }, alternateSign: { kind: "bool" } } as const satisfies RulesFor<FeatureHasherOptions>;
  }
  get defaults() {
    return { nFeatures: 2 ** 20, inputType: "dict", alternateSign: true } as const satisfies Required<FeatureHasherOptions>;
  }
  /** Checks the options; nothing is learned (scikit-learn's FeatureHasher.fit). @example hasher.fit() */
  fit(_X?: unknown): this {
    this.validate();
    return this;
  }

  /** Hashes each sample's features into a row of `nFeatures` numbers. @example hasher.transform([{ city: "Paris", temp: 21 }]) */
  transform(X: HasherInput): number[][] {
    const p = this.validate();
    if (!Array.isArray(X)) throw new InputError(`FeatureHasher.transform: 'X' must be an array of samples; got ${shown(X)}.`);
    return X.map((sample, i) => {
      const row = new Array<number>(p.nFeatures).fill(0);
      for (const [name, value] of this.pairs(sample, i, p.inputType)) {
        const h = murmurhash3_32(name);
        // |-2^31| overflows int32; scikit-learn defines its index as 2^31 mod nFeatures.
        const index = h === -2147483648 ? 2147483648 % p.nFeatures : Math.abs(h) % p.nFeatures;
        row[index]! += p.alternateSign && h < 0 ? -value : value;
      }
      return row;
    });
  }

  /** A sample's (name, value) pairs. */
  private pairs(sample: unknown, i: number, inputType: string): [string, number][] {
    if (inputType === "dict") {
      if (typeof sample !== "object" || sample === null || Array.isArray(sample)) throw new InputError(`FeatureHasher (inputType "dict"): X[${i}] must be an object of name to value; got ${shown(sample)}.`);
      return Object.entries(sample).map(([k, v]) => (typeof v === "string" ? [`${k}=${v}`, 1] : [k, this.value(v, i, k)]));
    }
    if (!Array.isArray(sample)) throw new InputError(`FeatureHasher (inputType "${inputType}"): X[${i}] must be an array; got ${shown(sample)}.`);
    if (inputType === "pair") {
      return sample.map((pair) => {
        if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string") throw new InputError(`FeatureHasher (inputType "pair"): X[${i}] must hold [name, value] pairs; got ${shown(pair)}.`);
        return [pair[0], this.value(pair[1], i, pair[0])] as [string, number];
      });
    }
    // "string": missing cells hash nothing, numbers hash as their text.
    return sample.filter((s) => s !== null && !(typeof s === "number" && Number.isNaN(s))).map((s) => {
      if (typeof s !== "string" && typeof s !== "number") throw new InputError(`FeatureHasher (inputType "string"): X[${i}] must hold strings; got ${shown(s)}.`);
      return [String(s), 1] as [string, number];
    });
  }

  private value(v: unknown, i: number, name: string): number {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(`FeatureHasher: the value of '${name}' in X[${i}] must be a finite number; got ${shown(v)}.`);
    return v;
  }

  /** `transform`: nothing to fit. @example new FeatureHasher({ nFeatures: 4, inputType: "string" }).fitTransform([["a"]]) */
  fitTransform(X: HasherInput): number[][] {
    return this.fit(X).transform(X);
  }

  /** Output column names (hash0, hash1, ...). @example new FeatureHasher({ nFeatures: 2 }).getFeatureNamesOut() // ["hash0", "hash1"] */
  getFeatureNamesOut(): string[] {
    return Array.from({ length: this.getParams().nFeatures }, (_, j) => `hash${j}`);
  }

  protected getState(): Record<string, unknown> {
    return {};
  }
  setState(): void {}
}

registerModel("FeatureHasher", FeatureHasher, { testParams: () => ({ nFeatures: 16 }), tags: { stateless: true } });
