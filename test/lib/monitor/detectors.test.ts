/** Each detector fires within 50 items of an abrupt change in a seeded stream, and never on 10,000 stationary items. */
import { describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { ADWIN, DDM, type DriftDetector } from "../../../lib/monitor/index.js";

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
  ];
  for (const [name, make] of numeric) {
    it(`${name}: no alarm on 10,000 stationary items, an alarm within 50 items of a shift`, () => {
      expect(firstAlarm(make(), stationary)).toBe(-1);
      const at = firstAlarm(make(), shifted);
      expect(at).toBeGreaterThanOrEqual(change);
      expect(at - change).toBeLessThanOrEqual(50);
    });
  }

  it("DDM: no alarm on a stable 10 % error rate, an alarm within 50 items of a jump to 60 %", () => {
    expect(firstAlarm(new DDM(), errors)).toBe(-1);
    const at = firstAlarm(new DDM(), errorsShift);
    expect(at).toBeGreaterThanOrEqual(change);
    expect(at - change).toBeLessThanOrEqual(50);
  });

  it("refuses bad input", () => {
    expect(() => new DDM().update(0.5)).toThrow("DDM.update: x must be 0 or 1 (a prediction error); got 0.5.");
    expect(() => new ADWIN().update(NaN)).toThrow("ADWIN.update: x must be a finite number; got NaN.");
  });
});
