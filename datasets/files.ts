/** Where packaged data lives: datasets come from npm packages, never from the network. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** Absolute path of a file in the vega-datasets package's data/ folder. */
export function vegaDataPath(file: string): string {
  // The package exports only its index; its data/ folder sits one level above build/.
  return join(dirname(require.resolve("vega-datasets")), "..", "data", file);
}

export function readVegaText(file: string): string {
  return readFileSync(vegaDataPath(file), "utf8");
}

export function readVegaBytes(file: string): Uint8Array {
  return readFileSync(vegaDataPath(file));
}
