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
import { BadMessageError, decode, encode, makeHeader, Signer, type Header, type Message } from "./protocol/wire.js";
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

async function listen(): Promise<void> {
  try {
    for await (const frames of stdin) {
      let msg: Message;
      try {
        msg = decode(frames, signer);
      } catch (err) {
        log(`dropped a stdin message: ${err instanceof BadMessageError ? err.message : (err as Error).message}`);
        continue;
      }
      if (msg.header.msg_type !== "input_reply") continue;
      // A reply to an input_request that was cancelled (interrupt, cell ended) is dropped.
      const parentId = msg.parent_header.msg_id;
      if (!pending || (parentId !== undefined && parentId !== pending.msgId)) continue;
      writeReply(pending.shared, InputSlot.answered, String(msg.content["value"] ?? ""));
      pending = undefined;
    }
  } catch (err) {
    if (!stdin.closed) log(`stdin loop stopped: ${(err as Error).message}`);
  }
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
