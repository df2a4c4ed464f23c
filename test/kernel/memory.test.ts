/** kernel/memory.ts: garbage a thread's V8 heap grew into is handed back once it passes the threshold. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { getHeapStatistics } from "node:v8";
import { describe, expect, it } from "vitest";
import { MemoryKeeper } from "../../dist/kernel/memory.js";

const addonBuilt = existsSync(join("native", "build", "mlsd_interrupt.node")) || process.env["MLSD_REQUIRE_NATIVE"] === "1";
const heapMiB = () => getHeapStatistics().total_physical_size / 2 ** 20;

describe("MemoryKeeper", () => {
  it.skipIf(!addonBuilt)("releases the pages a burst of garbage grew the heap into, and only past the threshold", () => {
    const keeper = new MemoryKeeper({ growthMiB: 32, idleMs: 60_000 });
    keeper.afterRequest();
    expect(keeper.releases).toBe(0); // nothing grew yet
    // Like a type check: many short-lived objects that survive long enough to reach old space.
    let keep: number[][][] = [];
    for (let round = 0; round < 40; round++) {
      keep.push(Array.from({ length: 2000 }, (_, i) => Array.from({ length: 200 }, (_, j) => (i * j + round) / 3)));
      if (keep.length > 8) keep.shift(); // alive across a few scavenges, so promoted to old space
    }
    const grown = heapMiB();
    keep = [];
    keeper.afterRequest();
    expect(keeper.releases).toBe(1);
    expect(heapMiB()).toBeLessThan(grown - 16);
    keeper.afterRequest();
    expect(keeper.releases).toBe(1); // right after a release there is nothing to give back
  });

});
