/**
 * The native kNN kernel gives exactly what the JavaScript brute force gives (same float operations in the same
 * order): the same neighbours, ties to the lower index, the same distances bit for bit, with and without
 * self-exclusion, symmetric or not, on one thread or several, at every instruction-set level this CPU runs
 * (each level's micro-kernel has its own vector width), from the blocked search over every pair and from the
 * ordered one that skips tiles its box bounds rule out. `MLSD_NATIVE=0` turns it off; `MLSD_ISA` forces a level.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { type IsaLevel, nativeKernels, nativeStatus } from "../../../lib/native/index.js";
import { bruteKnn, kneighbors } from "../../../lib/neighbors/index.js";

const rng = new Random(11);
const uniform = (n: number, d: number) => Float64Array.from({ length: n * d }, () => rng.normal());

describe("native k-nearest neighbours", () => {
  const native = nativeKernels();
  /** Runs f with the kernels at `level`, then puts the previous level back. */
  const withIsa = (level: IsaLevel, f: () => void) => {
    const previous = native!.setIsa(level);
    try {
      f();
    } finally {
      native!.setIsa(previous);
    }
  };

  it("is built where CI requires it, and otherwise says why not", () => {
    if (process.env["MLSD_REQUIRE_NATIVE"] === "1") expect(native, nativeStatus()).not.toBeNull();
    expect(nativeStatus()).toMatch(native ? /^loaded from .*mlsd_native\.node, instruction set (avx512|avx2|neon|baseline) \(the best this CPU runs; it runs [a-z0-9, ]+\)$/ : /not built|failed to load|turned off/);
    if (!native) return;
    const levels = native.isaLevels();
    expect(levels[levels.length - 1]).toBe("baseline");
    expect(native.isa()).toBe(levels[0]); // the best level by default
  });

  it("runs the level MLSD_ISA names, and refuses a name that is not a level or that the CPU cannot run", () => {
    if (!native) return;
    const status = (isa: string) => spawnSync(process.execPath, ["--import", "tsx", "-e", "import { nativeStatus } from './lib/native/index.ts'; process.stdout.write(nativeStatus());"], { encoding: "utf8", env: { ...process.env, MLSD_ISA: isa } });
    const forced = status("baseline");
    expect(forced.stdout).toMatch(/instruction set baseline \(forced by MLSD_ISA; it runs /);
    const bad = status("sse9");
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("MLSD_ISA must be one of avx512, avx2, neon, baseline; got 'sse9'.");
    const other = (["avx512", "avx2", "neon"] as const).find((l) => !native.isaLevels().includes(l))!;
    const unsupported = status(other);
    expect(unsupported.status).not.toBe(0);
    expect(unsupported.stderr).toContain(`MLSD_ISA=${other}: this CPU does not run ${other}; it runs ${native.isaLevels().join(", ")}.`);
    expect(() => native.setIsa("sse9" as never)).toThrow("setIsa: the level must be one of avx512, avx2, neon, baseline");
  });

  it("equals the JavaScript brute force exactly at every level: indices and distances", () => {
    if (!native) return; // nothing native to compare; the JavaScript path is tested everywhere else
    const cases: [number, number, number, number, boolean][] = [
      [1, 1, 3, 1, false],
      [9, 9, 2, 8, true], // k = n - 1
      [1000, 1000, 20, 5, true],
      [997, 333, 7, 3, false],
      [2051, 2051, 13, 6, true], // odd sizes: padding in the last group and block
      [300, 700, 31, 1, false],
    ];
    for (const [n, m, d, k, self] of cases) {
      const P = uniform(n, d);
      const Q = self ? P : uniform(m, d);
      const nq = self ? n : m;
      const js = bruteKnn(P, n, Q, nq, d, k, self);
      for (const level of native.isaLevels())
        withIsa(level, () => {
          for (const threads of [1, 2, 3]) {
            const [indices, distances] = native.knn(P, n, Q, nq, d, k, self, threads);
            expect(Array.from(indices), `${n}x${d}, k=${k}, self=${self}, ${threads} threads, ${level}`).toEqual(Array.from(js.indices));
            expect(Array.from(distances), level).toEqual(Array.from(js.distances));
          }
        });
    }
  });

  it("breaks distance ties by the lower index, as the JavaScript does", () => {
    if (!native) return;
    // A 20 x 20 integer grid: every point has up to four neighbours at distance 1.
    const G = Float64Array.from({ length: 800 }, (_, i) => (i % 2 === 0 ? (i / 2) % 20 : Math.floor(i / 2 / 20)));
    // Duplicated points: distance 0 to each other.
    const D = Float64Array.from({ length: 60 }, (_, i) => Math.floor(i / 6));
    for (const level of native.isaLevels())
      withIsa(level, () => {
        for (const threads of [1, 2]) expect(Array.from(native.knn(G, 400, G, 400, 2, 4, true, threads)[0]), level).toEqual(Array.from(bruteKnn(G, 400, G, 400, 2, 4, true).indices));
        expect(Array.from(native.knn(D, 20, D, 20, 3, 3, true, 2)[0]), level).toEqual(Array.from(bruteKnn(D, 20, D, 20, 3, 3, true).indices));
      });
  });

  it("gives the same bits from the ordered search (k-d leaf order, box bounds, early exits) as from the blocked one and the JavaScript", () => {
    if (!native) return;
    // Clustered data (the boxes prune most tiles), the cancellation of points far from the origin, magnitudes
    // near overflow and underflow, ties on a grid, fewer columns than the projection's 4, and queries apart.
    const r = new Random(5);
    const clustered = (n: number, d: number, scale = 1, offset = 0) => {
      const centres = Array.from({ length: 12 }, () => Array.from({ length: d }, () => r.normal() * 4));
      return Float64Array.from({ length: n * d }, (_, i) => offset + scale * (centres[Math.floor(i / d) % 12]![i % d]! + 0.3 * r.normal()));
    };
    const grid = (n: number, d: number) => Float64Array.from({ length: n * d }, () => Math.floor(r.random() * 4));
    const cases: [string, Float64Array, number, number, Float64Array | null, number, number][] = [
      ["clustered 3000 x 20, k = 5", clustered(3000, 20), 3000, 20, null, 0, 5],
      ["clustered queries, 2500 points, 700 queries", clustered(2500, 16), 2500, 16, clustered(700, 16), 700, 7],
      ["offset 1e6, 1500 x 10 (cancellation)", clustered(1500, 10, 1e-3, 1e6), 1500, 10, null, 0, 4],
      ["scale 1e150, 1200 x 9", clustered(1200, 9, 1e150), 1200, 9, null, 0, 3],
      ["scale 1e-160, 1200 x 9 (squares underflow)", clustered(1200, 9, 1e-160), 1200, 9, null, 0, 3],
      ["integer grid 1300 x 8 (ties)", grid(1300, 8), 1300, 8, null, 0, 6],
      ["3 columns", clustered(1000, 3), 1000, 3, null, 0, 5],
      ["1 column, k = n - 1", clustered(40, 1), 40, 1, null, 0, 39],
      ["9 points, 3 queries", clustered(9, 12), 9, 12, clustered(3, 12), 3, 9],
    ];
    for (const [name, P, n, d, Qin, m, k] of cases) {
      const self = Qin === null;
      const Q = Qin ?? P;
      const nq = self ? n : m;
      const js = bruteKnn(P, n, Q, nq, d, k, self);
      for (const level of native.isaLevels())
        withIsa(level, () => {
          for (const [search, threads] of [[2, 1], [2, 3], [1, 2], [0, 2]] as const) {
            const [indices, distances] = native.knn(P, n, Q, nq, d, k, self, threads, search);
            const what = `${name}, search ${search}, ${threads} threads, ${level}`;
            expect(Array.from(indices), what).toEqual(Array.from(js.indices));
            expect(Array.from(distances), what).toEqual(Array.from(js.distances));
          }
        });
    }
    expect(() => native.knn(uniform(10, 2), 10, uniform(10, 2), 10, 2, 1, false, 1, 3 as never)).toThrow("search 0, 1 or 2");
  });

  it("chooses the ordered search by itself only where it pays, with the same answers either way", () => {
    if (!native) return;
    // Uniform noise in 20 dimensions leaves no box far from another: the sample pass hands over to the blocked
    // search (whose answers are those of the JavaScript above). Clustered data keeps the order.
    const r = new Random(8);
    const centres = Array.from({ length: 20 }, () => Array.from({ length: 20 }, () => r.normal() * 4));
    const data = { uniform: uniform(5000, 20), clustered: Float64Array.from({ length: 5000 * 20 }, (_, i) => centres[Math.floor(i / 20) % 20]![i % 20]! + 0.3 * r.normal()) };
    for (const [name, P] of Object.entries(data)) {
      const [auto, , used] = native.knn(P, 5000, P, 5000, 20, 3, true, 2, 0);
      expect(used, name).toBe(name === "uniform" ? 1 : 2);
      expect(Array.from(auto), name).toEqual(Array.from(native.knn(P, 5000, P, 5000, 20, 3, true, 2, 1)[0]));
      expect(Array.from(auto), name).toEqual(Array.from(native.knn(P, 5000, P, 5000, 20, 3, true, 2, 2)[0]));
    }
    // Under 4096 points, or 1024 queries, it never tries (its set-up would cost more than it saves).
    expect(native.knn(data.clustered, 4000, data.clustered, 4000, 20, 3, true, 2, 0)[2]).toBe(1);
    expect(native.knn(data.clustered, 5000, data.clustered.subarray(0, 1000 * 20), 1000, 20, 3, false, 2, 0)[2]).toBe(1);
    expect(native.knn(data.clustered, 5000, data.clustered.subarray(0, 1100 * 20), 1100, 20, 3, false, 2, 0)[2]).toBe(2);
  });

  it("is what kneighbors uses above 8 dimensions, and MLSD_NATIVE=0 falls back to the same answers", () => {
    const P = uniform(1500, 12);
    const auto = kneighbors(P, 1500, P, 1500, 12, 4, true);
    expect(Array.from(auto.indices)).toEqual(Array.from(bruteKnn(P, 1500, P, 1500, 12, 4, true).indices));
    const off = spawnSync(process.execPath, ["--import", "tsx", "-e", "import { nativeStatus } from './lib/native/index.ts'; process.stdout.write(nativeStatus());"], { encoding: "utf8", env: { ...process.env, MLSD_NATIVE: "0" } });
    expect(off.stdout).toBe("turned off by MLSD_NATIVE=0");
  });
});
