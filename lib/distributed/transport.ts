/**
 * Point-to-point messages between the ranks of a training job: what collectives (all-reduce, broadcast) are
 * built on, as MPI's send/recv are under Horovod's and Gloo's. Two transports behind one interface: worker
 * threads on one machine (MessagePorts, buffers transferred without copying) and processes on one or several
 * machines over TCP (ZeroMQ PUSH/PULL sockets); a third, MPI (mpi.ts), brings its own collectives. Messages
 * between two ranks arrive in the order they were sent.
 */
import { MessageChannel, type MessagePort } from "node:worker_threads";
import { InputError } from "../core/errors.js";
import type { SharedGroup } from "./shared-memory.js";

export interface Transport {
  /** This worker's index, 0 to size - 1. */
  readonly rank: number;
  /** Workers in the job. */
  readonly size: number;
  /** Sends a copy of `data` to rank `to`, under `tag`; returns once the message is queued. */
  send(to: number, tag: number, data: Float32Array): Promise<void>;
  /** The next message from rank `from` with `tag`. */
  recv(from: number, tag: number): Promise<Float32Array>;
  /** Hands back a received message the caller has finished with, for the transport to reuse (optional). */
  recycle?(data: Float32Array): void;
  /** Memory every rank can read (threads of one process): collectives then reduce in place instead of messaging. */
  readonly shared?: SharedGroup;
  /** The transport's own library's collectives (MPI): `Collectives` hands all-reduce, broadcast and barrier to them. */
  readonly native?: NativeCollectives;
  /** Once per job: every rank's peers are done with it (after a barrier). */
  close(): Promise<void>;
  /** Instead of `close` when this rank failed: release what it holds without waiting for peers (optional). */
  abandon?(): void;
}

/** Collectives a transport's own library performs (MPI_Allreduce, MPI_Bcast, MPI_Barrier). */
export interface NativeCollectives {
  /** The library, as it names itself (MPI_Get_library_version). */
  readonly library: string;
  /** Sums `buf` over all ranks, in place. */
  allReduce(buf: Float32Array): Promise<void>;
  broadcast(buf: Float32Array, root: number): Promise<void>;
  barrier(): Promise<void>;
}

/** Messages waiting for a `recv`, and `recv`s waiting for a message, by (source, tag). */
export class Mailbox {
  private readonly waiting = new Map<string, Float32Array[]>();
  private readonly wanted = new Map<string, { resolve: (m: Float32Array) => void; reject: (e: Error) => void }[]>();
  private readonly gone = new Map<number, Error>();
  private failure: Error | undefined;

  deliver(from: number, tag: number, data: Float32Array): void {
    const key = `${from}:${tag}`;
    const takers = this.wanted.get(key);
    const taker = takers?.shift();
    if (takers?.length === 0) this.wanted.delete(key);
    if (taker) taker.resolve(data);
    else listAt(this.waiting, key).push(data);
  }

  take(from: number, tag: number): Promise<Float32Array> {
    const key = `${from}:${tag}`;
    const ready = this.waiting.get(key);
    if (ready && ready.length > 0) {
      const m = ready.shift()!;
      if (ready.length === 0) this.waiting.delete(key);
      return Promise.resolve(m);
    }
    const failure = this.failure ?? this.gone.get(from);
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => listAt(this.wanted, key).push({ resolve, reject }));
  }

  /** Rank `from` will send nothing more: its pending and future `take`s fail once its queue is empty. */
  closed(from: number, err: Error): void {
    this.gone.set(from, err);
    for (const [key, takers] of this.wanted) {
      if (!key.startsWith(`${from}:`)) continue;
      for (const t of takers) t.reject(err);
      this.wanted.delete(key);
    }
  }

  /** Fails every pending and future `take` (a peer went away or the transport closed). */
  fail(err: Error): void {
    this.failure ??= err;
    for (const takers of this.wanted.values()) for (const t of takers) t.reject(err);
    this.wanted.clear();
  }
}

/** The list stored under `key`, created empty if there is none. */
function listAt<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

function checkPeer(owner: string, peer: number, self: number, size: number): void {
  if (!(Number.isInteger(peer) && peer >= 0 && peer < size) || peer === self) throw new InputError(`${owner}: peer rank must be an integer in [0, ${size}) other than ${self}; got ${peer}.`);
}

/** Messages as the threads transport posts them. */
interface PortMessage {
  tag: number;
  data: Float32Array;
}

/**
 * The transport of worker threads: one MessagePort per peer (a full mesh made by `threadPorts`), and, when
 * given, the job's shared memory, over which `Collectives` all-reduces in place.
 * @example const t = new ThreadTransport(rank, size, workerData.ports, new SharedGroup(workerData.memory, rank, size))
 */
export class ThreadTransport implements Transport {
  private readonly box = new Mailbox();
  constructor(readonly rank: number, readonly size: number, private readonly ports: (MessagePort | null)[], readonly shared?: SharedGroup) {
    ports.forEach((port, from) => {
      if (!port) return;
      port.on("message", (m: PortMessage) => this.box.deliver(from, m.tag, m.data));
      port.on("close", () => this.box.closed(from, new Error(`rank ${from} closed its connection to rank ${rank}`)));
    });
  }

  // Received buffers of each length, kept to carry later messages: a fresh buffer costs a page fault per 4 kB,
  // several times the copy itself, and a ring receives as many buffers as it sends.
  private readonly pool = new Map<number, Float32Array[]>();

  async send(to: number, tag: number, data: Float32Array): Promise<void> {
    checkPeer("ThreadTransport.send", to, this.rank, this.size);
    // A standalone copy (a subarray view would take its whole buffer along when transferred).
    const reused = this.pool.get(data.length)?.pop();
    const copy = reused ?? data.slice();
    if (reused) reused.set(data);
    this.ports[to]!.postMessage({ tag, data: copy } satisfies PortMessage, [copy.buffer as ArrayBuffer]);
  }

  recycle(data: Float32Array): void {
    if (data.byteOffset !== 0 || data.buffer.byteLength !== data.byteLength) return;
    const list = this.pool.get(data.length) ?? [];
    if (list.length < 4) list.push(data);
    this.pool.set(data.length, list);
  }

  recv(from: number, tag: number): Promise<Float32Array> {
    checkPeer("ThreadTransport.recv", from, this.rank, this.size);
    return this.box.take(from, tag);
  }

  async close(): Promise<void> {
    for (const p of this.ports) p?.close();
  }
}

/** A full mesh of MessageChannels for `size` threads: `ports[r][p]` is rank r's end of the channel to rank p. */
export function threadPorts(size: number): (MessagePort | null)[][] {
  const ports: (MessagePort | null)[][] = Array.from({ length: size }, () => new Array<MessagePort | null>(size).fill(null));
  for (let a = 0; a < size; a++)
    for (let b = a + 1; b < size; b++) {
      const ch = new MessageChannel();
      ports[a]![b] = ch.port1;
      ports[b]![a] = ch.port2;
    }
  return ports;
}

/**
 * The TCP transport: each rank binds a ZeroMQ PULL socket on its own endpoint and connects a PUSH socket to
 * every other rank's. Frames are [source rank and tag, payload]; ZeroMQ keeps each pair's messages in order
 * and reconnects by itself, so ranks may start in any order.
 * @example const t = await ZmqTransport.open(rank, ["tcp://10.0.0.1:5555", "tcp://10.0.0.2:5555"])
 */
export class ZmqTransport implements Transport {
  private readonly box = new Mailbox();
  private closed = false;
  private readonly loop: Promise<void>;
  private readonly pushes: (Zmq["Push"]["prototype"] | null)[];

  private constructor(
    readonly rank: number,
    readonly size: number,
    private readonly zmq: Zmq,
    private readonly pull: Zmq["Pull"]["prototype"],
  ) {
    this.pushes = new Array(size).fill(null);
    this.loop = (async () => {
      try {
        for await (const [head, payload] of pull) {
          const h = new DataView(head!.buffer, head!.byteOffset, 8);
          // Copy into an aligned buffer: ZeroMQ's frames may start at any byte offset.
          const data = new Float32Array(payload!.byteLength / 4);
          new Uint8Array(data.buffer).set(payload!);
          this.box.deliver(h.getInt32(0, true), h.getInt32(4, true), data);
        }
      } catch (err) {
        if (!this.closed) this.box.fail(err as Error);
      }
    })();
  }

  /**
   * Binds `endpoints[rank]` (`tcp://host:*` binds a free port; read it from `endpoint`) and, unless
   * `connect: false`, connects to the other ranks' endpoints (or call `connect` once they are known).
   */
  static async open(rank: number, endpoints: string[], options: { connect?: boolean } = {}): Promise<ZmqTransport> {
    const size = endpoints.length;
    if (!(Number.isInteger(rank) && rank >= 0 && rank < size)) throw new InputError(`ZmqTransport.open: 'rank' must be an integer in [0, ${size}); got ${rank}.`);
    const zmq = await import("zeromq");
    const pull = new zmq.Pull({ receiveHighWaterMark: 0 });
    await pull.bind(endpoints[rank]!);
    const t = new ZmqTransport(rank, size, zmq, pull);
    if (options.connect ?? true) t.connect(endpoints);
    return t;
  }

  /** The endpoint this rank bound, with the port chosen (for `tcp://host:*`). */
  get endpoint(): string {
    return this.pull.lastEndpoint!;
  }

  /** Connects a PUSH socket to every other rank (one per peer: a single PUSH would round-robin between them). */
  connect(endpoints: string[]): void {
    if (endpoints.length !== this.size) throw new InputError(`ZmqTransport.connect: need ${this.size} endpoints, one per rank; got ${endpoints.length}.`);
    endpoints.forEach((e, r) => {
      if (r === this.rank || this.pushes[r]) return;
      const push = new this.zmq.Push({ sendHighWaterMark: 0, linger: 2000 });
      push.connect(e);
      this.pushes[r] = push;
    });
  }

  async send(to: number, tag: number, data: Float32Array): Promise<void> {
    checkPeer("ZmqTransport.send", to, this.rank, this.size);
    const push = this.pushes[to];
    if (!push) throw new InputError(`ZmqTransport.send: not connected to rank ${to}; call connect(endpoints) first.`);
    const head = Buffer.alloc(8);
    head.writeInt32LE(this.rank, 0);
    head.writeInt32LE(tag, 4);
    // A copy: ZeroMQ may still hold the bytes after `send` resolves, and the caller goes on writing its buffer.
    await push.send([head, Buffer.from(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))]);
  }

  recv(from: number, tag: number): Promise<Float32Array> {
    checkPeer("ZmqTransport.recv", from, this.rank, this.size);
    return this.box.take(from, tag);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pushes) p?.close();
    this.pull.close();
    await this.loop;
  }
}

type Zmq = typeof import("zeromq");
