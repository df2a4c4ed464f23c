/**
 * The kernel's side of comms: lib/widgets/comm.ts gets a transport that publishes on iopub (with binary
 * buffers as extra frames), and the frontend's comm_open / comm_msg / comm_close reach it from the server.
 * The widget targets are registered at start, because Notebook's widget manager opens its version comm as
 * soon as it connects, before any cell imports mlsd/widgets.
 */
import { commInfo, handleCommMessage, setCommTransport } from "../lib/widgets/comm.js";
import { registerWidgetTargets } from "../lib/widgets/frontend.js";
import type { Message } from "./protocol/wire.js";

/** `publish` sends on iopub with whatever request is being served as parent. */
export function installComms(publish: (msgType: string, content: Record<string, unknown>, buffers: Uint8Array[], metadata: Record<string, unknown>) => void, parentId: () => string | undefined): void {
  setCommTransport({ send: publish, parentId });
  registerWidgetTargets();
}

/** Hands a frontend comm message to its comm (or target). */
export function deliverComm(msg: Message): Promise<void> {
  return handleCommMessage(msg.header.msg_type, msg.content, msg.buffers, msg.metadata);
}

export { commInfo };
