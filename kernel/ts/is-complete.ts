/** Whether a cell is complete, needs more lines (with the indent to continue at), or cannot parse. */
import type * as TS from "typescript";
import type { IsCompleteResult } from "../protocol/types.js";

export function isComplete(ts: typeof TS, code: string): IsCompleteResult {
  if (code.trim() === "") return { status: "complete" };
  const sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const diagnostics = (sf as unknown as { parseDiagnostics: TS.DiagnosticWithLocation[] }).parseDiagnostics;
  if (diagnostics.length === 0) return { status: "complete" };
  const end = code.trimEnd().length;
  // An error at the very end (a missing '}' or ')' or an unterminated template) means "keep typing".
  const atEnd = diagnostics.every((d) => d.start >= end || isUnterminatedMultiline(d, code));
  if (!atEnd) return { status: "invalid" };
  return { status: "incomplete", indent: "  ".repeat(openDepth(ts, code)) };
}

function isUnterminatedMultiline(d: TS.DiagnosticWithLocation, code: string): boolean {
  // 1160: Unterminated template literal; 1010: '*/' expected.
  return (d.code === 1160 || d.code === 1010) && d.start < code.length;
}

function openDepth(ts: typeof TS, code: string): number {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, code);
  let depth = 0;
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.OpenBraceToken || token === ts.SyntaxKind.OpenParenToken || token === ts.SyntaxKind.OpenBracketToken) depth++;
    else if (token === ts.SyntaxKind.CloseBraceToken || token === ts.SyntaxKind.CloseParenToken || token === ts.SyntaxKind.CloseBracketToken) depth = Math.max(0, depth - 1);
  }
  return depth;
}
