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

describe("progress follows tqdm (tqdm/tests/tests_tqdm.py)", () => {
  afterEach(() => setSink(undefined));

  it("update(n) adds n to the count, as tqdm.update ('n: Increment to add to the internal counter of iterations')", () => {
    const { sink, events } = recordingSink();
    setSink(sink);
    const bar = progress(10, { desc: "chunks", intervalMs: 0 });
    bar.update(2);
    bar.update(3);
    expect(bar.n).toBe(5);
    expect(bar.value).toBe(5);
    bar.update(); // default 1, as tqdm's update()
    expect(bar.n).toBe(6);
    bar.update(-1); // tqdm allows stepping back
    expect(bar.n).toBe(5);
    expect(events[events.length - 1]!.text).toMatch(/^chunks  50% \|█{15} {15}\| 5\/10 \[/);
    // The freeze: a bar driven like tqdm (update(1) per step) used to stay at 1.
    const driven = progress(4, { intervalMs: 0 });
    for (let i = 0; i < 4; i++) driven.update(1);
    expect(driven.n).toBe(4);
    driven.close();
    expect(events[events.length - 1]!.text).toMatch(/^100% \|█{30}\| 4\/4/);
  });

  it("reset and reset(total) (tests_tqdm.py::test_reset: update(9), reset(), update() shows 1/10; reset(total=12), update(10) shows 10/12)", () => {
    const { sink, events } = recordingSink();
    setSink(sink);
    const t = progress(10, { intervalMs: 0 });
    t.update(9);
    t.reset();
    t.update();
    expect(events.some((e) => e.text.includes("| 1/10"))).toBe(true);
    t.reset(12);
    t.update(10);
    t.close();
    expect(events.some((e) => e.text.includes("| 10/12"))).toBe(true);
    expect([t.n, t.total]).toEqual([10, 12]);
  });

  it("initial, unit, setDescription and disable (tqdm's initial=, unit=, set_description_str, test_disabled_refresh)", () => {
    const { sink, events } = recordingSink();
    setSink(sink);
    const resumed = progress(9, { initial: 3, intervalMs: 0 });
    expect(resumed.n).toBe(3);
    resumed.update(1);
    expect(events[events.length - 1]!.text).toMatch(/^ 44% \|.*\| 4\/9/);
    const rows = progress(
      (function* () {
        yield 1;
      })(),
      { unit: "rows", intervalMs: 0 },
    );
    for (const _ of rows) void _;
    expect(events[events.length - 1]!.text).toMatch(/^1 rows \[.*rows\/s\]$/);
    const bar = progress(20, { desc: "Hello", intervalMs: 0 });
    bar.setDescription("World");
    expect(events[events.length - 1]!.text).toMatch(/^World   0% \|.*\| 0\/20/);
    const before = events.length;
    const quiet = progress(10, { disable: true });
    quiet.update();
    quiet.refresh();
    quiet.close();
    expect(quiet.n).toBe(1);
    expect(events.length).toBe(before);
  });

  it("refuses bad updates and unknown options, naming them", () => {
    expect(() => progress(3).update(Number.NaN)).toThrow("progress: update(n) adds n steps, so n must be a finite number; got NaN.");
    expect(() => progress(3, { leave: false } as never)).toThrow("progress: unknown option 'leave'. Valid options are: desc, label, total, initial, unit, disable, intervalMs.");
    expect(() => progress(3, { initial: Infinity })).toThrow("progress: 'initial' must be a finite number, got Infinity");
  });
});
