import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BadMessageError, decode, encode, makeHeader, Signer } from "../../../kernel/protocol/wire.js";

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
