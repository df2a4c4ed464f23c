/** Each detector fires within 50 items of an abrupt change in a seeded stream, and never on 10,000 stationary items. */
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { ADWIN, DDM, KSWIN, PageHinkley, type DriftDetector } from "../../../lib/monitor/index.js";

function firstAlarm(d: DriftDetector, stream: number[]): number {
  for (let i = 0; i < stream.length; i++) if (d.update(stream[i]!).driftDetected) return i;
  return -1;
}

const rng = new Random(5);
const stationary = Array.from({ length: 10_000 }, () => rng.normal());
const change = 1000;
const shifted = [...Array.from({ length: change }, () => rng.normal()), ...Array.from({ length: 1000 }, () => rng.normal() + 3)];
const errors = Array.from({ length: 10_000 }, () => (rng.random() < 0.1 ? 1 : 0));
const errorsShift = [...Array.from({ length: change }, () => (rng.random() < 0.1 ? 1 : 0)), ...Array.from({ length: 1000 }, () => (rng.random() < 0.6 ? 1 : 0))];

describe("streaming drift detectors", () => {
  const numeric: [string, () => DriftDetector][] = [
    ["ADWIN", () => new ADWIN()],
    // KSWIN tests at every step; at River's alpha of 0.005 a 10,000-item stationary stream sees 10 to 18 false
    // alarms (5 seeds, see bench/RESULTS.md), so the stationary check runs at alpha 1e-5.
    ["KSWIN (alpha 1e-5)", () => new KSWIN({ alpha: 1e-5, randomState: 0 })],
  ];
  for (const [name, make] of numeric) {
    it(`${name}: no alarm on 10,000 stationary items, an alarm within 50 items of a shift`, () => {
      expect(firstAlarm(make(), stationary)).toBe(-1);
      const at = firstAlarm(make(), shifted);
      expect(at).toBeGreaterThanOrEqual(change);
      expect(at - change).toBeLessThanOrEqual(50);
    });
  }

  it("Page-Hinkley with River's defaults: no alarm on 10,000 items with noise 0.1, an alarm within 50 items of a shift of 2", () => {
    // The threshold (50) is in the stream's units: on unit-variance noise its random walk crosses it (4 to 8 false alarms per 10,000).
    const quiet = Array.from({ length: 10_000 }, () => rng.normal() * 0.1);
    const jump = [...Array.from({ length: change }, () => rng.normal() * 0.1), ...Array.from({ length: 1000 }, () => rng.normal() * 0.1 + 2)];
    expect(firstAlarm(new PageHinkley(), quiet)).toBe(-1);
    const at = firstAlarm(new PageHinkley(), jump);
    expect(at).toBeGreaterThanOrEqual(change);
    expect(at - change).toBeLessThanOrEqual(50);
    const down = firstAlarm(new PageHinkley({ mode: "down" }), jump.map((v) => -v));
    expect(down - change).toBeLessThanOrEqual(50);
    expect(firstAlarm(new PageHinkley({ mode: "up" }), jump.map((v) => -v))).toBe(-1);
  });

  it("DDM: no alarm on a stable 10 % error rate, an alarm within 50 items of a jump to 60 %", () => {
    expect(firstAlarm(new DDM(), errors)).toBe(-1);
    const at = firstAlarm(new DDM(), errorsShift);
    expect(at).toBeGreaterThanOrEqual(change);
    expect(at - change).toBeLessThanOrEqual(50);
  });

  it("refuses bad input, naming the option and the value", () => {
    expect(() => new DDM().update(0.5)).toThrow("DDM.update: x must be 0 or 1 (a prediction error); got 0.5.");
    expect(() => new ADWIN().update(NaN)).toThrow("ADWIN.update: x must be a finite number; got NaN.");
    expect(() => new KSWIN({ windowSize: 50, statSize: 30 })).toThrow("KSWIN: windowSize must be at least twice statSize");
    expect(() => new PageHinkley({ mode: "sideways" as never })).toThrow(`The 'mode' parameter of PageHinkley must be one of "up", "down", "both". Got 'sideways' instead.`);
    expect(() => new ADWIN({ delta: 2 })).toThrow("The 'delta' parameter of ADWIN must be a number > 0 and < 1. Got 2 instead.");
    expect(() => new ADWIN({ maxBuckets: 5 } as never)).toThrow("ADWIN got an unknown parameter 'maxBuckets'. Valid parameters are: delta, clock, minWindowLength, gracePeriod.");
    expect(() => new DDM({ warmStart: 1.5 })).toThrow("The 'warmStart' parameter of DDM must be an integer >= 0. Got 1.5 instead.");
  });
});
