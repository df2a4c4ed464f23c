import { afterEach, describe, expect, it } from "vitest";
import { progress, setSink, type DisplaySink, type MimeBundle } from "../../../lib/display/index.js";

function recordingSink() {
  const events: { kind: string; id?: string; text: string }[] = [];
  const sink: DisplaySink = {
    interactive: true,
    display: (b: MimeBundle, _m, id) => events.push({ kind: "display", ...(id ? { id } : {}), text: String(b["text/plain"]) }),
    update: (b: MimeBundle, _m, id) => events.push({ kind: "update", id, text: String(b["text/plain"]) }),
    clear: () => events.push({ kind: "clear", text: "" }),
  };
  return { sink, events };
}

describe("progress", () => {
  afterEach(() => setSink(undefined));

  it("wraps an iterable, counts its items and updates one display in place", () => {
    const { sink, events } = recordingSink();
    setSink(sink);
    const seen: number[] = [];
    for (const x of progress([10, 20, 30], { label: "items", intervalMs: 0 })) seen.push(x);
    expect(seen).toEqual([10, 20, 30]);
    expect(events[0]).toMatchObject({ kind: "display", text: expect.stringMatching(/^items   0% \| +\| 0\/3/) });
    expect(new Set(events.map((e) => e.id)).size).toBe(1);
    expect(events[events.length - 1]!.text).toMatch(/^items 100% \|█{30}\| 3\/3/);
  });

  it("wraps async iterables and counts without a known total", async () => {
    const { sink, events } = recordingSink();
    setSink(sink);
    async function* gen() {
      yield 1;
      yield 2;
    }
    let n = 0;
    for await (const _ of progress(gen(), { intervalMs: 0 })) n++;
    expect(n).toBe(2);
    expect(events[events.length - 1]!.text).toMatch(/^2 it \[/);
  });

  it("prints to the terminal in scripts: a line at each quarter when stderr is not a TTY", () => {
    setSink(undefined);
    const lines: string[] = [];
    const write = process.stderr.write;
    const tty = process.stderr.isTTY;
    process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    Object.defineProperty(process.stderr, "isTTY", { value: false, configurable: true });
    try {
      const bar = progress(8, { label: "epochs", intervalMs: 0 });
      for (let i = 0; i < 8; i++) bar.tick();
      bar.close();
    } finally {
      process.stderr.write = write;
      Object.defineProperty(process.stderr, "isTTY", { value: tty, configurable: true });
    }
    expect(lines.map((l) => l.slice(0, 12))).toEqual(["epochs   0% ", "epochs  25% ", "epochs  50% ", "epochs  75% ", "epochs 100% "]);
  });

  it("names the bad argument", () => {
    expect(() => progress(-1)).toThrow("progress: 'total' must be a number >= 0, got -1");
    expect(() => progress({} as never)).toThrow("progress: 'source' must be a number, an iterable or an async iterable");
  });
});
