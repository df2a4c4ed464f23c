/**
 * The kernel's stdin thread (a worker): owns the stdin ROUTER socket, sends `input_request`s and receives
 * `input_reply`s while the main thread is blocked in a synchronous `prompt()`. Replies reach the main thread
 * through a SharedArrayBuffer it waits on with Atomics (stdin.ts), so no main-thread event loop is needed.
 * ipykernel does the same with a blocking recv on the stdin socket; Node cannot block on zeromq, so a thread does.
 */
import { writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import { endpoint, type ConnectionInfo } from "./protocol/connection.js";
import { SerialSender } from "./protocol/sender.js";
import { encode, makeHeader, receiveSigned, Signer, type Header } from "./protocol/wire.js";
import { InputSlot, writeReply, type StdinRequest, type StdinThreadData } from "./stdin-shared.js";

const data = workerData as StdinThreadData;
const port = parentPort!;
const signer = new Signer((data.conn as ConnectionInfo).key);
const log = (line: string) => {
  try {
    writeSync(2, `mlsd kernel: ${line}\n`);
  } catch {
    // nowhere to say it
  }
};
const stdin = new zmq.Router({ linger: 500 });
const send = new SerialSender(stdin, (err) => log(`stdin send failed: ${(err as Error).message}`));

/** The pending request: the input_request's msg_id and where its reply goes. */
let pending: { msgId: string; shared: Int32Array } | undefined;

function request(m: StdinRequest): void {
  const shared = new Int32Array(m.shared);
  if (pending) writeReply(pending.shared, InputSlot.cancelled, "");
  const header: Header = makeHeader("input_request", data.session);
  pending = { msgId: header.msg_id, shared };
  const identities = m.identities.map((id) => Buffer.from(id));
  void send.send(encode({ identities, header, parent_header: m.parent, metadata: {}, content: { prompt: m.prompt, password: m.password } }, signer));
}

function listen(): Promise<void> {
  return receiveSigned(stdin, signer, "stdin", log, (msg) => {
    if (msg.header.msg_type !== "input_reply") return;
    // A reply to an input_request that was cancelled (interrupt, cell ended) is dropped.
    const parentId = msg.parent_header.msg_id;
    if (!pending || (parentId !== undefined && parentId !== pending.msgId)) return;
    writeReply(pending.shared, InputSlot.answered, String(msg.content["value"] ?? ""));
    pending = undefined;
  });
}

port.on("message", (m: StdinRequest | { kind: "cancel" } | { kind: "close" }) => {
  if (m.kind === "request") request(m);
  else if (m.kind === "cancel") {
    if (pending) writeReply(pending.shared, InputSlot.cancelled, "");
    pending = undefined;
  } else if (m.kind === "close") {
    void send.flush().then(() => {
      stdin.close();
      port.postMessage({ kind: "closed" });
    });
  }
});

await stdin.bind(endpoint(data.conn as ConnectionInfo, "stdin"));
void listen();
port.postMessage({ kind: "ready" });
