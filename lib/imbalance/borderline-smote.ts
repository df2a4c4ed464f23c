/** BorderlineSMOTE: SMOTE from the minority samples "in danger", i.e. near the decision border. */
import type { Rules } from "../core/params.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { kneighbors } from "../neighbors/search.js";
import { BaseSampler, classIndices, type ResampleInput, type ResampleOutput } from "./base-sampler.js";
import type { SamplingStrategy } from "./sampling-strategy.js";
import { checkNeighbours } from "./smote.js";
import { Growing, gatherRows, makeSamples } from "./smote-core.js";

export interface BorderlineSMOTEOptions {
  samplingStrategy?: SamplingStrategy;
  kNeighbors?: number;
  mNeighbors?: number;
  kind?: "borderline-1" | "borderline-2";
  randomState?: RandomState;
}

/**
 * A minority sample is in danger when at least half, but not all, of its mNeighbors nearest neighbours
 * (in the whole data) belong to other classes. Borderline-1 interpolates from those samples towards their k
 * nearest same-class neighbours; borderline-2 (Han et al. 2005) towards their k nearest neighbours of any
 * class, stepping at most half-way when the neighbour is of another class.
 */
export class BorderlineSMOTE extends BaseSampler<BorderlineSMOTEOptions> {
  protected readonly samplingType = "over-sampling" as const;
  protected readonly rules: Rules = {
    samplingStrategy: { kind: "custom", describe: "a sampling strategy", test: () => true },
    kNeighbors: { kind: "int", min: 1 },
    mNeighbors: { kind: "int", min: 1 },
    kind: { kind: "enum", values: ["borderline-1", "borderline-2"] },
    randomState: { kind: "randomState" },
  };
  /** Original row indices of the samples in danger, per class label (imbalanced-learn's in_danger_indices). */
  inDangerIndices_?: Map<unknown, Int32Array>;

  protected resample({ X, y, classes, strategy }: ResampleInput): ResampleOutput {
    const rng = checkRandomState(this.options.randomState);
    const k = this.options.kNeighbors ?? 5;
    const m = this.options.mNeighbors ?? 10;
    const out = new Growing(X.cols);
    this.inDangerIndices_ = new Map();
    // Neighbours in the whole data, each sample itself excluded: computed once for every class.
    const nnAll = kneighbors(X.data, X.rows, X.data, X.rows, X.cols, m, true).indices;
    for (const [c, n] of strategy) {
      if (n === 0) continue;
      const members = classIndices(y, c);
      const Xc = gatherRows(X.data, X.cols, members);
      const danger = Array.from(members).flatMap((i, r) => {
        let others = 0;
        for (let j = 0; j < m; j++) if (y[nnAll[i * m + j]!] !== c) others++;
        return others >= m / 2 && others < m ? [r] : [];
      });
      if (danger.length === 0) continue;
      this.inDangerIndices_.set(classes[c], Int32Array.from(danger, (r) => members[r]!));
      const seeds = gatherRows(Xc, X.cols, danger);
      if ((this.options.kind ?? "borderline-1") === "borderline-1") {
        checkNeighbours(k, members.length, classes[c]!);
        const nn = kneighbors(Xc, members.length, seeds, danger.length, X.cols, k + 1, false).indices;
        // Drop each seed's own row (its nearest point) to keep k same-class neighbours.
        const nns = dropSelf(nn, danger, k);
        out.add(makeSamples(seeds, danger.length, Xc, nns, k, X.cols, n, rng).data, c);
      } else {
        const seedRows = danger.map((r) => members[r]!);
        const block = new Float64Array(n * X.cols);
        for (let s = 0; s < n; s++) {
          const a = rng.randint(seedRows.length);
          const b = nnAll[seedRows[a]! * m + rng.randint(Math.min(k, m))]!;
          const step = (y[b] === c ? 1 : 0.5) * rng.random();
          for (let j = 0; j < X.cols; j++) {
            const x = X.data[seedRows[a]! * X.cols + j]!;
            block[s * X.cols + j] = x + step * (X.data[b * X.cols + j]! - x);
          }
        }
        out.add(block, c);
      }
    }
    return out.finish(X, y);
  }
}

/** From k+1 neighbours per seed (the seed itself among them), the k others. */
function dropSelf(nn: Int32Array, selfRows: number[], k: number): Int32Array {
  const out = new Int32Array(selfRows.length * k);
  selfRows.forEach((self, r) => {
    let w = 0;
    for (let j = 0; j <= k && w < k; j++) {
      const v = nn[r * (k + 1) + j]!;
      if (v !== self) out[r * k + w++] = v;
    }
  });
  return out;
}
