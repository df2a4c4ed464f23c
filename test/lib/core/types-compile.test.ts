/**
 * Runs the TypeScript compiler over the test files that hold type tests (expectTypeOf, @ts-expect-error), so
 * `npm test` fails when a typed example stops compiling: vitest itself only strips types.
 */
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { expect, it } from "vitest";

// sampling/split.test.ts has type tests too, checked by `npm run typecheck` only: compiled on its own, its
// Int32Array<ArrayBufferLike> does not equal Int32Array under expectTypeOf (it does in the whole project).
const TYPED = ["core/types.test.ts", "data/columns.test.ts", "backend/tensors.test.ts", "metrics/peer.test.ts"];

it("the type tests compile under the project's strict settings (expectTypeOf and @ts-expect-error hold)", () => {
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  const config = ts.readConfigFile(`${root}tsconfig.json`, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram(TYPED.map((f) => fileURLToPath(new URL(`../${f}`, import.meta.url))), { ...parsed.options, noEmit: true });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName.slice(root.length) ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
  expect(diagnostics).toEqual([]);
}, 120_000);
