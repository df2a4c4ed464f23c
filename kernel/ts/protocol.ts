/** Messages between the kernel's main thread and its type-service worker. */
import type { IsCompleteResult } from "../protocol/types.js";
import type { CellPositionData } from "./cell-positions.js";
import type { CellDiagnostic } from "./checker.js";

export interface CheckReply {
  diagnostics: CellDiagnostic[];
  /** The cell as a script with notebook semantics (see rewrite.ts); empty when there are errors. */
  script: string;
  hasResult: boolean;
  /** What maps the script's positions back to the cell (cell-positions.ts); absent when there are errors. */
  positions?: Omit<CellPositionData, "script">;
}

export type Request =
  | { id: number; op: "check"; code: string }
  /** One-way: the worker sends no reply. */
  | { id: number; op: "commit"; checkId: number }
  | { id: number; op: "complete"; code: string; offset: number }
  | { id: number; op: "inspect"; code: string; offset: number }
  | { id: number; op: "isComplete"; code: string }
  | { id: number; op: "expression"; code: string }
  | { id: number; op: "version" };

export interface ReplyMap {
  check: CheckReply;
  commit: null;
  complete: { matches: string[]; start: number; end: number };
  inspect: { signature: string; documentation: string } | null;
  isComplete: IsCompleteResult;
  expression: string;
  version: string;
}

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
