/** The Jupyter wire format: framing, HMAC-SHA256 signing and verification, message construction. */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = "<IDS|MSG>";

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [extra: string]: unknown;
}

export interface Message<C = Record<string, unknown>> {
  identities: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

/** Signs and checks messages with the connection key; an empty key means signing is off (as the spec says). */
export class Signer {
  private readonly key: Buffer;
  constructor(key: string) {
    this.key = Buffer.from(key, "utf8");
  }

  sign(parts: readonly (Buffer | string)[]): string {
    if (this.key.length === 0) return "";
    const hmac = createHmac("sha256", this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest("hex");
  }

  verify(signature: string, parts: readonly Buffer[]): boolean {
    if (this.key.length === 0) return true;
    const expected = Buffer.from(this.sign(parts), "utf8");
    const given = Buffer.from(signature, "utf8");
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

export class BadMessageError extends Error {}

/** Parses a multipart message; throws BadMessageError for a malformed frame or a wrong or missing signature. */
export function decode(frames: Buffer[], signer: Signer): Message {
  const split = frames.findIndex((f) => f.length === DELIMITER.length && f.toString() === DELIMITER);
  if (split < 0) throw new BadMessageError("no <IDS|MSG> delimiter");
  if (frames.length < split + 6) throw new BadMessageError(`too few frames (${frames.length})`);
  const signature = frames[split + 1]!.toString();
  const body = frames.slice(split + 2, split + 6);
  if (!signer.verify(signature, body)) throw new BadMessageError("invalid signature");
  const [header, parent, metadata, content] = body.map((b) => JSON.parse(b.toString()) as Record<string, unknown>);
  return {
    identities: frames.slice(0, split),
    header: header as unknown as Header,
    parent_header: (parent ?? {}) as Partial<Header>,
    metadata: metadata ?? {},
    content: content ?? {},
    buffers: frames.slice(split + 6),
  };
}

/** Serialises a message into frames ready to send. */
export function encode(msg: Omit<Message<unknown>, "buffers"> & { buffers?: Buffer[] }, signer: Signer): (Buffer | string)[] {
  const body = [msg.header, msg.parent_header, msg.metadata, msg.content].map((part) => JSON.stringify(part));
  return [...msg.identities, DELIMITER, signer.sign(body), ...body, ...(msg.buffers ?? [])];
}

/** A fresh header for a message of `msgType` in `session`. */
export function makeHeader(msgType: string, session: string, username = "mlsd"): Header {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

/** A socket whose incoming messages arrive as multipart frames (zeromq's Router, Reply, Dealer...). */
export interface FrameSource extends AsyncIterable<Buffer[]> {
  readonly closed: boolean;
}

/**
 * Reads `socket` until it closes and hands each correctly signed message to `handle`. An unsigned, forged or
 * malformed message is never acted on: it is logged (where an operator looks) and skipped. `channel` names the
 * socket in those lines ("dropped a message: invalid signature (shell channel)").
 * @example
 *   void receiveSigned(shell, new Signer(key), "shell", (line) => console.error(line), (msg) => queue.push(msg));
 */
export async function receiveSigned(socket: FrameSource, signer: Signer, channel: string, log: (line: string) => void, handle: (msg: Message) => void): Promise<void> {
  try {
    for await (const frames of socket) {
      let msg: Message;
      try {
        msg = decode(frames, signer);
      } catch (err) {
        log(`dropped a message: ${err instanceof BadMessageError ? err.message : `malformed (${(err as Error).message})`} (${channel} channel)`);
        continue;
      }
      handle(msg);
    }
  } catch (err) {
    if (!socket.closed) log(`${channel} loop stopped: ${(err as Error).message}`);
  }
}
