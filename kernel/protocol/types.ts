/** What the protocol layer asks of a language interpreter (xeus' interpreter interface, ipykernel's do_* methods). */
import type { Message } from "./wire.js";

export type MimeBundle = Record<string, unknown>;

export interface ExecuteRequest {
  code: string;
  silent: boolean;
  store_history: boolean;
  user_expressions: Record<string, string>;
  allow_stdin: boolean;
  stop_on_error: boolean;
}

/** Publishes on iopub with the request being served as parent. */
export interface OutputContext {
  readonly parent: Message;
  readonly executionCount: number;
  /** `buffers` go out as binary frames after the content (comm messages); `metadata` is the message's (a widget's comm_open names its protocol version there). */
  publish(msgType: string, content: Record<string, unknown>, buffers?: Uint8Array[], metadata?: Record<string, unknown>): void;
}

export type ExecuteOutcome =
  | { status: "ok"; result?: MimeBundle; userExpressions?: Record<string, unknown>; payload?: Record<string, unknown>[] }
  | { status: "error"; ename: string; evalue: string; traceback: string[] };

export interface CompleteResult {
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: Record<string, unknown>;
}

export interface InspectResult {
  found: boolean;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export type IsCompleteResult = { status: "complete" | "invalid" | "unknown" } | { status: "incomplete"; indent: string };

export interface Interpreter {
  kernelInfo(): Promise<Record<string, unknown>>;
  /**
   * Runs a cell. `announce` publishes execute_input: it is called once the cell counts as running for
   * interrupts, because a frontend may press Interrupt as soon as it sees execute_input.
   */
  execute(request: ExecuteRequest, ctx: OutputContext, announce?: () => void): Promise<ExecuteOutcome>;
  complete(code: string, cursorPos: number): Promise<CompleteResult>;
  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectResult>;
  isComplete(code: string): Promise<IsCompleteResult>;
  /** Called when the kernel is asked to interrupt in message mode (signal mode reaches the process directly). */
  interrupt(): void;
  shutdown(restart: boolean): Promise<void>;
  /** comm_open / comm_msg / comm_close from the frontend; without it, opens are closed at once. */
  comm?(msg: Message, ctx: OutputContext): Promise<void>;
  /** comm_info_reply's `comms`, optionally only those of `targetName`. */
  commInfo?(targetName?: string): Record<string, { target_name: string }>;
}
