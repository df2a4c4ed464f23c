/**
 * The native kNN kernel gives exactly what the JavaScript brute force gives (same float operations in the same
 * order): the same neighbours, ties to the lower index, the same distances bit for bit, with and without
 * self-exclusion, symmetric or not, on one thread or several, at every instruction-set level this CPU runs
 * (each level's micro-kernel has its own vector width). `MLSD_NATIVE=0` turns it off; `MLSD_ISA` forces a level.
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

  it("is what kneighbors uses above 8 dimensions, and MLSD_NATIVE=0 falls back to the same answers", () => {
    const P = uniform(1500, 12);
    const auto = kneighbors(P, 1500, P, 1500, 12, 4, true);
    expect(Array.from(auto.indices)).toEqual(Array.from(bruteKnn(P, 1500, P, 1500, 12, 4, true).indices));
    const off = spawnSync(process.execPath, ["--import", "tsx", "-e", "import { nativeStatus } from './lib/native/index.ts'; process.stdout.write(nativeStatus());"], { encoding: "utf8", env: { ...process.env, MLSD_NATIVE: "0" } });
    expect(off.stdout).toBe("turned off by MLSD_NATIVE=0");
  });
});
