/** Runs the TypeScript compiler over types.test.ts, so `npm test` fails when a typed example stops compiling. */
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { expect, it } from "vitest";

it("types.test.ts compiles under the project's strict settings (expectTypeOf and @ts-expect-error hold)", () => {
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  const config = ts.readConfigFile(`${root}tsconfig.json`, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram([fileURLToPath(new URL("./types.test.ts", import.meta.url))], { ...parsed.options, noEmit: true });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  expect(diagnostics).toEqual([]);
}, 120_000);
