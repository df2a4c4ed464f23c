/**
 * Jupyter comms for library code: `Comm` and a comm manager with targets, as ipykernel's `comm` module
 * (`Comm(target_name, data)`, `comm.send`, `comm.on_msg`, `comm.close`, `comm_manager.register_target`).
 * This module knows nothing of the kernel: the kernel installs a transport (kernel/comm.ts) that publishes
 * on iopub and feeds the frontend's messages in; without one (a script), comms are inert and widgets render
 * their static view.
 */

/** Binary buffers travel as extra message frames; any view of bytes is accepted. */
export type Buffers = (ArrayBuffer | ArrayBufferView)[];

/** A message as a comm callback sees it (the Jupyter message's content, plus its buffers as DataViews). */
export interface CommMessage {
  content: { comm_id: string; data: Record<string, unknown>; target_name?: string };
  buffers: DataView[];
  metadata: Record<string, unknown>;
}

export interface CommTransport {
  /** Publishes comm_open / comm_msg / comm_close on iopub. */
  send(msgType: "comm_open" | "comm_msg" | "comm_close", content: Record<string, unknown>, buffers: Uint8Array[], metadata: Record<string, unknown>): void;
  /** The msg_id of the request being served (an execute_request or comm_msg): Output widgets capture by it. */
  parentId?(): string | undefined;
}

type MsgCallback = (msg: CommMessage) => void | Promise<void>;

/**
 * One end of a comm. Created by library code (opens it to the frontend) or by the manager when the frontend
 * opens one to a registered target.
 * @example
 * const comm = new Comm("my.target", { hello: 1 });
 * comm.onMsg((msg) => console.log(msg.content.data));
 * comm.send({ ping: true }, [new Uint8Array([1, 2, 3])]);
 */
export class Comm {
  readonly commId: string;
  readonly targetName: string;
  private msgCallback: MsgCallback | undefined;
  private closeCallback: MsgCallback | undefined;
  private closed = false;

  constructor(targetName: string, data: Record<string, unknown> = {}, options: { commId?: string; buffers?: Buffers; metadata?: Record<string, unknown>; primary?: boolean } = {}) {
    if (typeof targetName !== "string" || targetName === "") throw new TypeError(`Comm(targetName): targetName must be a non-empty string. Got ${JSON.stringify(targetName)} instead.`);
    this.targetName = targetName;
    this.commId = options.commId ?? crypto.randomUUID().replaceAll("-", "");
    manager.comms.set(this.commId, this);
    // primary: false is the frontend's comm, already open on its side (ipykernel's `primary`).
    if (options.primary !== false) manager.send("comm_open", { comm_id: this.commId, target_name: targetName, data }, options.buffers, options.metadata);
  }

  /** Whether close() was called or the frontend closed it. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends `data` (JSON) and binary `buffers` to the frontend's end. */
  send(data: Record<string, unknown> = {}, buffers?: Buffers, metadata?: Record<string, unknown>): void {
    if (this.closed) throw new Error(`Comm ${this.commId} (${this.targetName}) is closed; open a new one.`);
    manager.send("comm_msg", { comm_id: this.commId, data }, buffers, metadata);
  }

  /** Closes the comm on both ends; later sends throw. */
  close(data: Record<string, unknown> = {}, buffers?: Buffers): void {
    if (this.closed) return;
    this.closed = true;
    manager.comms.delete(this.commId);
    manager.send("comm_close", { comm_id: this.commId, data }, buffers);
  }

  /** Called with each comm_msg from the frontend. */
  onMsg(callback: MsgCallback | undefined): void {
    this.msgCallback = callback;
  }

  /** Called when the frontend closes the comm. */
  onClose(callback: MsgCallback | undefined): void {
    this.closeCallback = callback;
  }

  /** @internal the manager delivers the frontend's messages here. */
  async handleMsg(msg: CommMessage): Promise<void> {
    await this.msgCallback?.(msg);
  }

  /** @internal */
  async handleClose(msg: CommMessage): Promise<void> {
    this.closed = true;
    manager.comms.delete(this.commId);
    await this.closeCallback?.(msg);
  }
}

/** Called when the frontend opens a comm to a registered target (ipykernel's `register_target` callbacks). */
export type TargetHandler = (comm: Comm, msg: CommMessage) => void | Promise<void>;

function toBytes(b: ArrayBuffer | ArrayBufferView): Uint8Array {
  return b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

class CommManager {
  readonly comms = new Map<string, Comm>();
  readonly targets = new Map<string, TargetHandler>();
  transport: CommTransport | undefined;

  send(type: "comm_open" | "comm_msg" | "comm_close", content: Record<string, unknown>, buffers: Buffers = [], metadata: Record<string, unknown> = {}): void {
    this.transport?.send(type, content, buffers.map(toBytes), metadata);
  }
}

// One manager per process, even if this module is loaded twice under different URLs (see frontend.ts).
const manager = ((globalThis as Record<symbol, unknown>)[Symbol.for("mlsd.widgets.comms")] ??= new CommManager()) as CommManager;

/** Installs (or removes) the kernel's transport. */
export function setCommTransport(transport: CommTransport | undefined): void {
  manager.transport = transport;
}

/** The msg_id whose outputs are being produced now, where the transport knows it. */
export function currentParentId(): string | undefined {
  return manager.transport?.parentId?.();
}

/** True when comms reach a frontend (inside the kernel). */
export function hasCommTransport(): boolean {
  return manager.transport !== undefined;
}

/**
 * Registers what runs when the frontend opens a comm to `targetName`.
 * @example registerCommTarget("echo", (comm) => comm.onMsg((m) => comm.send(m.content.data)));
 */
export function registerCommTarget(targetName: string, handler: TargetHandler): void {
  if (typeof handler !== "function") throw new TypeError(`registerCommTarget(targetName, handler): handler must be a function. Got ${typeof handler} instead.`);
  manager.targets.set(targetName, handler);
}

export function unregisterCommTarget(targetName: string): void {
  manager.targets.delete(targetName);
}

/** The open comms, as comm_info_reply lists them: `{ [commId]: { target_name } }`, optionally of one target. */
export function commInfo(targetName?: string): Record<string, { target_name: string }> {
  const out: Record<string, { target_name: string }> = {};
  for (const [id, comm] of manager.comms) if (targetName === undefined || comm.targetName === targetName) out[id] = { target_name: comm.targetName };
  return out;
}

/**
 * Delivers a comm message from the frontend. An open to an unknown target is answered with comm_close, as
 * ipykernel does, so the frontend does not wait on it.
 */
export async function handleCommMessage(type: string, content: Record<string, unknown>, buffers: Uint8Array[], metadata: Record<string, unknown> = {}): Promise<void> {
  const commId = String(content["comm_id"] ?? "");
  const msg: CommMessage = {
    content: { comm_id: commId, data: (content["data"] as Record<string, unknown> | undefined) ?? {}, ...(typeof content["target_name"] === "string" ? { target_name: content["target_name"] } : {}) },
    buffers: buffers.map((b) => new DataView(b.buffer, b.byteOffset, b.byteLength)),
    metadata,
  };
  if (type === "comm_open") {
    const target = String(content["target_name"] ?? "");
    const handler = manager.targets.get(target);
    if (!handler) {
      manager.send("comm_close", { comm_id: commId, data: {} });
      return;
    }
    const comm = new Comm(target, msg.content.data, { commId, primary: false });
    await handler(comm, msg);
  } else if (type === "comm_msg") {
    await manager.comms.get(commId)?.handleMsg(msg);
  } else if (type === "comm_close") {
    await manager.comms.get(commId)?.handleClose(msg);
  }
}
