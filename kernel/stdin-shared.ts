/**
 * What the main thread and the stdin thread share for one input request: a SharedArrayBuffer holding a state
 * word, the reply's byte length, and the reply's UTF-8 bytes. The stdin thread writes and notifies; the main
 * thread waits with Atomics.wait (synchronous prompt) or Atomics.waitAsync (awaitable input).
 */
import type { Message } from "./protocol/wire.js";

export const InputSlot = { state: 0, length: 1, pending: 0, answered: 1, cancelled: 2 } as const;
const HEADER_BYTES = 8;
/** Room for the reply; a longer one is cut there (a megabyte of typed input is not a prompt answer). */
export const MAX_REPLY_BYTES = 1 << 20;

export interface StdinThreadData {
  conn: unknown;
  session: string;
}

export interface StdinRequest {
  kind: "request";
  identities: Uint8Array[];
  parent: Message["header"];
  prompt: string;
  password: boolean;
  shared: SharedArrayBuffer;
}

export function newInputBuffer(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(HEADER_BYTES + MAX_REPLY_BYTES));
}

/** Stores `value` and the final state, then wakes the waiting thread. */
export function writeReply(shared: Int32Array, state: number, value: string): void {
  const bytes = new Uint8Array(shared.buffer, HEADER_BYTES, MAX_REPLY_BYTES);
  const { written } = new TextEncoder().encodeInto(value, bytes);
  Atomics.store(shared, InputSlot.length, written ?? 0); // optional in older lib typings
  Atomics.store(shared, InputSlot.state, state);
  Atomics.notify(shared, InputSlot.state);
}

/** The reply a finished request holds. */
export function readReply(shared: Int32Array): string {
  const length = Atomics.load(shared, InputSlot.length);
  // TextDecoder refuses views on shared memory: copy first.
  return new TextDecoder().decode(new Uint8Array(shared.buffer, HEADER_BYTES, length).slice());
}
