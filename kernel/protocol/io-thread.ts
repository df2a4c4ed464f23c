/**
 * The kernel's I/O thread (a worker): heartbeat, control and iopub, answered while the main thread runs a
 * cell, as ipykernel's heartbeat, control and IOPub threads do. Started by io-link.ts.
 *
 * - heartbeat: echoed here, so a busy cell never makes the kernel look dead;
 * - control: kernel_info from a copy the main thread keeps current; interrupt by SIGINT to this process (the
 *   same path as Jupyter's `interrupt_mode: signal`); shutdown forwarded to the main thread after
 *   interrupting its cell, and answered here if the main thread does not answer in time;
 * - iopub: an XPUB socket, so each new subscription gets JEP 65's `iopub_welcome` at once, even while busy.
 */
import { writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import { endpoint } from "./connection.js";
import type { FromIo, IoThreadData, ToIo } from "./io-link.js";
import { SerialSender } from "./sender.js";
import { encode, makeHeader, receiveSigned, Signer, type Message } from "./wire.js";

const data = workerData as IoThreadData;
const port = parentPort!;
const signer = new Signer(data.conn.key);
const state = data.interruptState ? new Int32Array(data.interruptState) : undefined;
// Slots of kernel/interrupt.ts's InterruptGuard (not imported: that module loads the addon).
const CELL_RUNNING = 0;
const SIGINT_READY = 3;

const post = (m: FromIo) => port.postMessage(m);
// Written to fd 2 directly: a worker's process.stderr goes through the main thread, which may be busy.
const log = (line: string) => {
  try {
    writeSync(2, `mlsd kernel: ${line}\n`);
  } catch {
    post({ kind: "log", line });
  }
};
const onSendError = (err: unknown) => log(`send failed: ${(err as Error).message}`);

// Sends already queued in zeromq still go out on close (zeromq.js closes with linger 0 otherwise).
const LINGER_MS = 500;
const hb = new zmq.Reply({ linger: LINGER_MS });
const control = new zmq.Router({ linger: LINGER_MS });
// "allSubs": every subscription is seen, even one to a topic another client holds, so each gets a welcome.
const iopub = new zmq.XPublisher({ linger: LINGER_MS, verbosity: "allSubs" });
const send = { control: new SerialSender(control, onSendError), iopub: new SerialSender(iopub, onSendError) };

let kernelInfo: Record<string, unknown> | undefined;
/** Forwarded shutdown requests, by msg_id, with the timer that answers them if the main thread does not. */
const pendingShutdowns = new Map<string, NodeJS.Timeout>();

function publish(msgType: string, content: Record<string, unknown>, parent: Partial<Message["header"]>, metadata: Record<string, unknown> = {}, topic?: Buffer, buffers?: Uint8Array[]): Promise<void> {
  const header = makeHeader(msgType, data.session);
  const frames = buffers?.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  return send.iopub.send(encode({ identities: [topic ?? Buffer.from(msgType)], header, parent_header: parent, metadata, content, ...(frames ? { buffers: frames } : {}) }, signer));
}

function reply(identities: Buffer[], parent: Message["header"], msgType: string, content: Record<string, unknown>, metadata: Record<string, unknown> = {}): Promise<void> {
  return send.control.send(encode({ identities, header: makeHeader(msgType, data.session), parent_header: parent, metadata, content }, signer));
}

async function heartbeat(): Promise<void> {
  try {
    for await (const frames of hb) await hb.send(frames);
  } catch (err) {
    if (!hb.closed) log(`heartbeat stopped: ${(err as Error).message}`);
  }
}

/** JEP 65: a subscription frame is 0x01 followed by the topic; the welcome goes to that topic. */
async function welcome(): Promise<void> {
  try {
    for await (const [frame] of iopub) {
      if (!frame || frame[0] !== 1) continue;
      const topic = frame.subarray(1);
      await publish("iopub_welcome", { subscription: topic.toString() }, {}, {}, topic.length > 0 ? Buffer.from(topic) : undefined);
    }
  } catch (err) {
    if (!iopub.closed) log(`iopub subscriptions stopped: ${(err as Error).message}`);
  }
}

function cellRunning(): boolean {
  return state !== undefined && Atomics.load(state, CELL_RUNNING) === 1;
}

/** Interrupts the main thread's cell the way Jupyter's signal mode does, so one path serves both. */
function interruptMain(): void {
  if (state !== undefined && Atomics.load(state, SIGINT_READY) === 1) process.kill(process.pid, "SIGINT");
  else post({ kind: "interrupt" });
}

async function handleControl(msg: Message): Promise<void> {
  const type = msg.header.msg_type;
  const { identities, header } = msg;
  await publish("status", { execution_state: "busy" }, header);
  switch (type) {
    case "kernel_info_request":
      if (kernelInfo === undefined) return post({ kind: "control", msg }); // not cached yet: the main thread answers
      await reply(identities, header, "kernel_info_reply", kernelInfo);
      break;
    case "interrupt_request":
      interruptMain();
      await reply(identities, header, "interrupt_reply", { status: "ok" });
      break;
    case "shutdown_request": {
      if (cellRunning()) interruptMain();
      post({ kind: "control", msg });
      const restart = Boolean(msg.content["restart"]);
      // A cell the interrupt cannot stop must not keep the kernel from shutting down: answer, then end it.
      const timer = setTimeout(() => {
        log(`the main thread did not answer shutdown_request within ${data.shutdownGraceMs} ms; ending the process`);
        void (async () => {
          await reply(identities, header, "shutdown_reply", { status: "ok", restart });
          await publish("status", { execution_state: "idle" }, header);
          await Promise.all([send.control.flush(), send.iopub.flush()]);
          // zeromq writes from its own I/O thread: give it time to put the reply on the wire before the kill.
          setTimeout(() => process.kill(process.pid, "SIGKILL"), 1000);
        })();
      }, data.shutdownGraceMs);
      pendingShutdowns.set(header.msg_id, timer);
      return;
    }
    default:
      await reply(identities, header, type.replace(/_request$/, "_reply"), {
        status: "error",
        ename: "NotImplementedError",
        evalue: `mlsd does not handle '${type}' on the control channel`,
        traceback: [],
      });
  }
  await publish("status", { execution_state: "idle" }, header);
}

function listenControl(): Promise<void> {
  return receiveSigned(control, signer, "control", log, (msg) => {
    void handleControl(msg).catch((err: Error) => log(`error handling ${msg.header.msg_type}: ${err.stack ?? err.message}`));
  });
}

let closed: Promise<void> | undefined;
function closeSockets(): Promise<void> {
  closed ??= (async () => {
    await Promise.all([send.control.flush(), send.iopub.flush()]);
    for (const s of [hb, control, iopub]) s.close();
  })();
  return closed;
}

port.on("message", (m: ToIo) => {
  switch (m.kind) {
    case "publish":
      void publish(m.msgType, m.content, m.parent, m.metadata, undefined, m.buffers);
      break;
    case "reply": {
      const timer = pendingShutdowns.get(m.parent.msg_id);
      if (timer) {
        clearTimeout(timer);
        pendingShutdowns.delete(m.parent.msg_id);
      }
      void reply(m.identities.map((id) => Buffer.from(id)), m.parent, m.msgType, m.content, m.metadata);
      break;
    }
    case "kernelInfo":
      kernelInfo = m.content;
      break;
    case "close":
      void closeSockets().then(() => post({ kind: "closed" }));
      break;
  }
});

await Promise.all([
  hb.bind(endpoint(data.conn, "hb")),
  control.bind(endpoint(data.conn, "control")),
  iopub.bind(endpoint(data.conn, "iopub")),
]);
void heartbeat();
void welcome();
void listenControl();
post({ kind: "ready" });
