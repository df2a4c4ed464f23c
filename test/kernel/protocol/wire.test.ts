import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BadMessageError, decode, encode, makeHeader, receiveSigned, Signer } from "../../../kernel/protocol/wire.js";

const frames = (key: string) => {
  const msg = { identities: [Buffer.from("peer")], header: makeHeader("kernel_info_request", "s1"), parent_header: {}, metadata: {}, content: { a: 1 } };
  return encode(msg, new Signer(key)).map((f) => Buffer.from(f));
};

describe("wire format", () => {
  it("signs header, parent, metadata and content with HMAC-SHA256 in hex", () => {
    const f = frames("secret");
    const expected = createHmac("sha256", "secret").update(f[3]!).update(f[4]!).update(f[5]!).update(f[6]!).digest("hex");
    expect(f[1]!.toString()).toBe("<IDS|MSG>");
    expect(f[2]!.toString()).toBe(expected);
  });

  it("round-trips a message and keeps the routing identities", () => {
    const m = decode(frames("k"), new Signer("k"));
    expect(m.identities.map(String)).toEqual(["peer"]);
    expect(m.header.msg_type).toBe("kernel_info_request");
    expect(m.header.version).toBe("5.3");
    expect(m.content).toEqual({ a: 1 });
  });

  it("rejects a wrong, missing or tampered signature", () => {
    expect(() => decode(frames("other"), new Signer("k"))).toThrow(BadMessageError);
    expect(() => decode(frames(""), new Signer("k"))).toThrow("invalid signature");
    const f = frames("k");
    f[6] = Buffer.from(JSON.stringify({ a: 2 }));
    expect(() => decode(f, new Signer("k"))).toThrow("invalid signature");
  });

  it("accepts unsigned messages only when the key is empty, as the spec says", () => {
    expect(decode(frames(""), new Signer("")).content).toEqual({ a: 1 });
  });

  it("rejects frames without the delimiter", () => {
    expect(() => decode([Buffer.from("x")], new Signer(""))).toThrow("no <IDS|MSG> delimiter");
  });
});

describe("receiveSigned", () => {
  // A socket as zeromq.js presents one: an async iterable of multipart frames, with a `closed` flag.
  const socket = (batches: Buffer[][], failWith?: Error, closed = false) => ({
    closed,
    async *[Symbol.asyncIterator]() {
      yield* batches;
      if (failWith) throw failWith;
    },
  });

  it("hands over signed messages in order and logs, then skips, forged and malformed ones", async () => {
    const good = frames("k");
    const forged = frames("other");
    const malformed = [Buffer.from("peer"), Buffer.from("<IDS|MSG>"), Buffer.from("sig")];
    const seen: string[] = [];
    const log: string[] = [];
    await receiveSigned(socket([good, forged, malformed, good]), new Signer("k"), "shell", (l) => log.push(l), (m) => seen.push(m.header.msg_type));
    expect(seen).toEqual(["kernel_info_request", "kernel_info_request"]);
    expect(log).toEqual(["dropped a message: invalid signature (shell channel)", "dropped a message: too few frames (3) (shell channel)"]);
  });

  it("says the loop stopped when the socket fails while open, and nothing when it was closed", async () => {
    const log: string[] = [];
    await receiveSigned(socket([], new Error("boom")), new Signer("k"), "control", (l) => log.push(l), () => undefined);
    await receiveSigned(socket([], new Error("socket closed"), true), new Signer("k"), "stdin", (l) => log.push(l), () => undefined);
    expect(log).toEqual(["control loop stopped: boom"]);
  });
});

