import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTypeScriptCached } from "../../../kernel/ts/load.js";

describe("loadTypeScriptCached", () => {
  it("writes a V8 code cache once, keyed by TypeScript and Node versions", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsd-cache-"));
    const saved = process.env["MLSD_CACHE_DIR"];
    process.env["MLSD_CACHE_DIR"] = dir;
    try {
      const first = loadTypeScriptCached();
      expect(typeof first.ts.createProgram).toBe("function");
      expect(readdirSync(dir)).toEqual([]);
      first.saveCache();
      const files = readdirSync(dir);
      expect(files).toEqual([`typescript-${first.ts.version}-node${process.versions.node}-${process.arch}.v8cache`]);
      const second = loadTypeScriptCached();
      expect(second.ts.version).toBe(first.ts.version);
      second.saveCache(); // accepted cache: nothing to rewrite
      expect(readdirSync(dir)).toEqual(files);
    } finally {
      if (saved === undefined) delete process.env["MLSD_CACHE_DIR"];
      else process.env["MLSD_CACHE_DIR"] = saved;
    }
  });
});
