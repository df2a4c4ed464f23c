/**
 * Non-probability sampling from the course notes (convenience, quota, snowball): small helpers that return the
 * sample with a bias report (each group's share in the population against in the sample), so the selection
 * bias is there to see.
 */
import { InputError } from "../core/errors.js";

export interface BiasReport {
  /** group -> { population share, sample share } */
  groups: Record<string, { population: number; sample: number }>;
  /** Total variation distance between the two distributions: 0 unbiased, 1 disjoint. */
  totalVariation: number;
}

export interface BiasedSample<T> {
  sample: T[];
  bias: BiasReport;
}

/** Compares group shares in `sample` with those in `population`. */
export function biasReport<T>(population: readonly T[], sample: readonly T[], groupOf: (x: T) => string): BiasReport {
  const share = (xs: readonly T[]) => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(groupOf(x), (m.get(groupOf(x)) ?? 0) + 1);
    for (const [g, c] of m) m.set(g, c / Math.max(1, xs.length));
    return m;
  };
  const p = share(population);
  const s = share(sample);
  const groups: BiasReport["groups"] = {};
  let tv = 0;
  for (const g of new Set([...p.keys(), ...s.keys()])) {
    groups[g] = { population: p.get(g) ?? 0, sample: s.get(g) ?? 0 };
    tv += Math.abs((p.get(g) ?? 0) - (s.get(g) ?? 0));
  }
  return { groups, totalVariation: tv / 2 };
}

/** The first `n` items that are at hand: what convenience sampling does. @example convenienceSample(rows, 100, (r) => r.city) */
export function convenienceSample<T>(population: readonly T[], n: number, groupOf: (x: T) => string): BiasedSample<T> {
  if (!Number.isInteger(n) || n < 0) throw new InputError(`n must be an integer >= 0; got ${n}.`);
  const sample = population.slice(0, n);
  return { sample, bias: biasReport(population, sample, groupOf) };
}

/** Fills a quota per group with the items that arrive first (quota sampling): proportions fixed, selection not random. */
export function quotaSample<T>(population: readonly T[], quotas: Record<string, number>, groupOf: (x: T) => string): BiasedSample<T> {
  const left = new Map(Object.entries(quotas));
  const sample: T[] = [];
  for (const x of population) {
    const g = groupOf(x);
    const q = left.get(g);
    if (q !== undefined && q > 0) {
      sample.push(x);
      left.set(g, q - 1);
    }
  }
  return { sample, bias: biasReport(population, sample, groupOf) };
}

/**
 * Snowball sampling: start from `seeds`, then add the contacts of those already sampled, wave after wave,
 * until `n` items: the sample clusters around the seeds.
 */
export function snowballSample<T>(population: readonly T[], seeds: readonly number[], contacts: (i: number) => readonly number[], n: number, groupOf: (x: T) => string): BiasedSample<T> {
  const chosen = new Set<number>();
  let wave = [...seeds];
  for (const s of seeds) if (!(s >= 0 && s < population.length)) throw new InputError(`seed index ${s} is outside the population (0..${population.length - 1}).`);
  while (wave.length > 0 && chosen.size < n) {
    const next: number[] = [];
    for (const i of wave) {
      if (chosen.size >= n) break;
      if (chosen.has(i)) continue;
      chosen.add(i);
      next.push(...contacts(i));
    }
    wave = next;
  }
  const sample = [...chosen].map((i) => population[i]!);
  return { sample, bias: biasReport(population, sample, groupOf) };
}
