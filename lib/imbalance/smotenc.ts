/** SMOTE-NC: SMOTE for data with categorical features (Chawla et al. 2002, as imbalanced-learn implements it). */
import { InputError } from "../core/errors.js";
import type { RulesFor } from "../core/params.js";
import { registerModel, type OptionsOf } from "../core/serialize.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { kneighbors } from "../neighbors/search.js";
import { BaseSampler, classIndices, minorityClass, type ResampleInput, type ResampleOutput } from "./base-sampler.js";
import type { SamplingStrategy } from "./sampling-strategy.js";
import { checkNeighbours, SMOTE_DEFAULTS, SMOTE_RULES } from "./smote.js";
import { Growing, gatherRows } from "./smote-core.js";

export interface SMOTENCOptions {
  /** Indices of the categorical columns (their values are category codes), or a boolean mask; required. */
  categoricalFeatures?: readonly number[] | readonly boolean[];
  samplingStrategy?: SamplingStrategy;
  kNeighbors?: number;
  randomState?: RandomState;
}

/** SMOTE's rules, plus the categorical columns. */
const RULES = {
  ...SMOTE_RULES,
  categoricalFeatures: { kind: "custom", describe: "a non-empty list of column indices or a boolean mask", test: (v) => Array.isArray(v) && v.length > 0 && (v.every((j) => Number.isInteger(j)) || v.every((b) => typeof b === "boolean")) },
} as const satisfies RulesFor<SMOTENCOptions>;
/** No categorical columns by default: `fit` asks for them (imbalanced-learn's is a required argument). */
const DEFAULTS = { ...SMOTE_DEFAULTS, categoricalFeatures: [] } as const satisfies Required<SMOTENCOptions>;

/**
 * Distances use the continuous columns plus each categorical column one-hot encoded at median_std / 2, where
 * median_std is the median standard deviation of the minority's continuous columns (imbalanced-learn's
 * encoding: two different categories add median_std² / 2 to the squared distance). A new sample interpolates the continuous columns as SMOTE does and takes,
 * for each categorical column, the most frequent category among the seed's k neighbours (ties at random).
 */
export class SMOTENC extends BaseSampler<SMOTENCOptions> {
  protected readonly samplingType = "over-sampling" as const;
  get rules() {
    return RULES;
  }
  get defaults() {
    return DEFAULTS;
  }

  protected resample({ X, y, classes, counts, strategy }: ResampleInput): ResampleOutput {
    const rng = checkRandomState(this.getParams().randomState);
    const k = this.getParams().kNeighbors;
    const cats = this.categoricalColumns(X.cols);
    const conts = Array.from({ length: X.cols }, (_, j) => j).filter((j) => !cats.includes(j));
    // Median std of the continuous columns in the minority class, as imbalanced-learn computes it.
    const minRows = classIndices(y, minorityClass(counts));
    const stds = conts.map((j) => {
      let m = 0;
      for (const i of minRows) m += X.data[i * X.cols + j]!;
      m /= minRows.length;
      let v = 0;
      for (const i of minRows) v += (X.data[i * X.cols + j]! - m) ** 2;
      return Math.sqrt(v / minRows.length);
    });
    const sorted = [...stds].sort((a, b) => a - b);
    const medianStd = sorted.length === 0 ? 1 : sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    const out = new Growing(X.cols);
    for (const [c, n] of strategy) {
      if (n === 0) continue;
      const members = classIndices(y, c);
      checkNeighbours(k, members.length, classes[c]!);
      const Xc = gatherRows(X.data, X.cols, members);
      // Encode for distances: continuous columns as they are, each categorical column one-hot at medianStd / 2.
      const levels = cats.map((j) => [...new Set(Array.from(members, (i) => X.data[i * X.cols + j]!))].sort((a, b) => a - b));
      const width = conts.length + levels.reduce((a, l) => a + l.length, 0);
      const enc = new Float64Array(members.length * width);
      members.forEach((_, r) => {
        conts.forEach((j, t) => (enc[r * width + t] = Xc[r * X.cols + j]!));
        let o = conts.length;
        cats.forEach((j, t) => {
          enc[r * width + o + levels[t]!.indexOf(Xc[r * X.cols + j]!)] = medianStd / 2;
          o += levels[t]!.length;
        });
      });
      const nn = kneighbors(enc, members.length, enc, members.length, width, k, true).indices;
      const block = new Float64Array(n * X.cols);
      const tally = new Map<number, number>();
      for (let s = 0; s < n; s++) {
        const pick = rng.randint(members.length * k);
        const a = Math.floor(pick / k);
        const b = nn[pick]!;
        const u = rng.random();
        for (const j of conts) {
          const x = Xc[a * X.cols + j]!;
          block[s * X.cols + j] = x + u * (Xc[b * X.cols + j]! - x);
        }
        for (const j of cats) {
          tally.clear();
          for (let t = 0; t < k; t++) {
            const v = Xc[nn[a * k + t]! * X.cols + j]!;
            tally.set(v, (tally.get(v) ?? 0) + 1);
          }
          const best = Math.max(...tally.values());
          const tied = [...tally].filter(([, cnt]) => cnt === best).map(([v]) => v);
          block[s * X.cols + j] = tied[rng.randint(tied.length)]!;
        }
      }
      out.add(block, c);
    }
    return out.finish(X, y);
  }

  private categoricalColumns(cols: number): number[] {
    const spec = this.getParams().categoricalFeatures;
    const idx = typeof spec[0] === "boolean" ? (spec as boolean[]).flatMap((b, j) => (b ? [j] : [])) : [...(spec as number[])];
    if (typeof spec[0] === "boolean" && spec.length !== cols) throw new InputError(`categoricalFeatures as a mask must have one entry per column (${cols}); got ${spec.length}.`);
    for (const j of idx) if (!Number.isInteger(j) || j < 0 || j >= cols) throw new InputError(`categoricalFeatures contains ${j}, which is not a column index in [0, ${cols - 1}].`);
    if (idx.length === cols) throw new InputError("SMOTE-NC needs at least one continuous column; with only categorical columns use SMOTEN.");
    return idx;
  }
}

registerModel("SMOTENC", SMOTENC, { testParams: (): OptionsOf<typeof SMOTENC> => ({ categoricalFeatures: [3], kNeighbors: 3, randomState: 0 }), tags: { required: ["categoricalFeatures"] } });
