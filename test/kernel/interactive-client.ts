/**
 * A second frontend on a test kernel's sockets, with what KernelClient lacks for interactive tests: a stdin
 * socket (input_request / input_reply), execute with allow_stdin, and shell messages that have no reply
 * (comm_open / comm_msg / comm_close), with their iopub output collected by parent.
 */
import * as zmq from "zeromq";
import type { KernelClient } from "../../dist/kernel/client.js";
import { endpoint } from "../../dist/kernel/protocol/connection.js";
import { decode, encode, makeHeader, Signer, type Message } from "../../dist/kernel/protocol/wire.js";

export class InteractiveFrontend {
  private readonly signer: Signer;
  private readonly session = crypto.randomUUID();
  readonly shell = new zmq.Dealer();
  readonly stdin = new zmq.Dealer();
  readonly iopub = new zmq.Subscriber();
  /** Every iopub message, in arrival order. */
  readonly iopubLog: Message[] = [];
  readonly inputRequests: Message[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly replies = new Map<string, Message>();

  constructor(private readonly k: KernelClient) {
    this.signer = new Signer(k.conn.key);
  }

  async connect(): Promise<void> {
    // The stdin socket must share the shell socket's identity: the kernel sends input_request to the requester's identity.
    const id = Buffer.from(crypto.randomUUID());
    this.shell.routingId = id.toString();
    this.stdin.routingId = id.toString();
    this.shell.connect(endpoint(this.k.conn, "shell"));
    this.stdin.connect(endpoint(this.k.conn, "stdin"));
    this.iopub.connect(endpoint(this.k.conn, "iopub"));
    this.iopub.subscribe();
    void this.pump(this.iopub, (m) => this.iopubLog.push(m));
    void this.pump(this.stdin, (m) => this.inputRequests.push(m));
    void this.pump(this.shell, (m) => this.replies.set(String(m.parent_header.msg_id), m));
    // Wait until iopub is subscribed: a kernel_info's status reaches us.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const msg = this.send("kernel_info_request", {});
      try {
        await this.until(() => this.iopubLog.some((m) => m.parent_header.msg_id === msg.header.msg_id), 500);
        return;
      } catch {
        // not yet subscribed
      }
    }
    throw new Error("iopub did not connect");
  }

  private async pump(socket: zmq.Dealer | zmq.Subscriber, route: (m: Message) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        route(decode(frames as Buffer[], this.signer));
        for (const w of this.waiters.splice(0)) w();
      }
    } catch {
      // closed
    }
  }

  /** Resolves once `cond` holds (checked after each message), or rejects after `timeoutMs`. */
  until(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`condition not met within ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        if (cond()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }

  send(msgType: string, content: Record<string, unknown>, buffers: Buffer[] = [], socket: zmq.Dealer = this.shell, metadata: Record<string, unknown> = {}): Message {
    const msg: Message = { identities: [], header: makeHeader(msgType, this.session, "test"), parent_header: {}, metadata, content, buffers };
    void socket.send(encode(msg, this.signer));
    return msg;
  }

  execute(code: string, allowStdin = true): Message {
    return this.send("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: allowStdin, stop_on_error: false });
  }

  /** Answers an input_request. */
  reply(request: Message, value: string): void {
    const msg: Message = { identities: [], header: makeHeader("input_reply", this.session, "test"), parent_header: request.header, metadata: {}, content: { value, status: "ok" }, buffers: [] };
    void this.stdin.send(encode(msg, this.signer));
  }

  /** The iopub messages whose parent is `msg`. */
  outputs(msg: Message): Message[] {
    return this.iopubLog.filter((m) => m.parent_header.msg_id === msg.header.msg_id);
  }

  /** Waits for `msg`'s idle status (and its shell reply, if it has one) and returns its iopub messages. */
  async done(msg: Message, hasReply = true, timeoutMs = 30_000): Promise<{ reply: Message | undefined; iopub: Message[] }> {
    await this.until(() => this.outputs(msg).some((m) => m.header.msg_type === "status" && m.content["execution_state"] === "idle") && (!hasReply || this.replies.has(msg.header.msg_id)), timeoutMs);
    return { reply: this.replies.get(msg.header.msg_id), iopub: this.outputs(msg) };
  }

  stdout(msg: Message): string {
    return this.outputs(msg)
      .filter((m) => m.header.msg_type === "stream" && m.content["name"] === "stdout")
      .map((m) => String(m.content["text"]))
      .join("");
  }

  close(): void {
    for (const s of [this.shell, this.stdin, this.iopub]) s.close();
  }
}
