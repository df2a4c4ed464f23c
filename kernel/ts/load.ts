/** Loads the TypeScript compiler (CommonJS) with its namespace type. */
import type * as TS from "typescript";

export type TypeScript = typeof TS;

/** @example const ts = await loadTypeScript(); ts.version */
export async function loadTypeScript(): Promise<TypeScript> {
  const mod = await import("typescript");
  return mod.default as unknown as TypeScript;
}
