/**
 * The detectors on lib/core's estimator contract: resolved getParams, setParams, clone, and a JSON round trip
 * mid-stream that continues with the same alarms (as a pickled River detector, its `random.Random` included,
 * does). The streams are River's test streams (test_adwin_regression.py's four segments from random.Random(42)).
 */
import { describe, expect, it } from "vitest";
import { BaseEstimator, InvalidParameterError, Random, loadModel } from "../../../lib/core/index.js";
import { ADWIN, DDM, KSWIN, PageHinkley, type DriftDetector } from "../../../lib/monitor/index.js";
import { PyRandom } from "./python-random.js";

const rng42 = new PyRandom(42);
const fourSegments = [...rng42.choices([0, 1], 1000), ...rng42.choices([4, 5, 6, 7], 1000), ...rng42.choices([0, 1], 1000), ...rng42.choices([4, 5, 6, 7], 1000)];
// 0/1 errors at 10 % then 60 %, twice (DDM's kind of stream).
const er = new Random(3);
const errorStream = [0.1, 0.6, 0.1, 0.6].flatMap((p) => Array.from({ length: 1000 }, () => (er.random() < p ? 1 : 0)));

const alarms = (d: DriftDetector, stream: readonly number[], offset = 0) => stream.flatMap((v, i) => (d.update(v).driftDetected ? [offset + i] : []));

/** The alarms of one detector run straight through, and of one saved to JSON at `at` and loaded back. */
function straightAndResumed<D extends DriftDetector & BaseEstimator<object>>(make: () => D, stream: readonly number[], at: number) {
  const straight = alarms(make(), stream);
  const first = make();
  const before = alarms(first, stream.slice(0, at));
  const loaded = loadModel(JSON.stringify(first));
  const after = alarms(loaded as unknown as DriftDetector, stream.slice(at), at);
  return { straight, resumed: [...before, ...after], loaded };
}

describe("drift detectors stand on lib/core's BaseEstimator", () => {
  it("getParams gives every option resolved (River's defaults), randomState null when none is given (River's seed=None)", () => {
    for (const d of [new ADWIN(), new KSWIN(), new DDM(), new PageHinkley()]) expect(d).toBeInstanceOf(BaseEstimator);
    expect(new KSWIN().getParams()).toEqual({ alpha: 0.005, windowSize: 100, statSize: 30, randomState: null });
    expect(new DDM({ warmStart: 10 }).getParams()).toEqual({ warmStart: 10, warningThreshold: 2, driftThreshold: 3 });
    expect(new PageHinkley().getParams()).toEqual({ minInstances: 30, delta: 0.005, threshold: 50, alpha: 1 - 0.0001, mode: "both" });
  });

  it("setParams checks now, names the bad value and changes nothing; a good change starts the detector afresh", () => {
    const adwin = new ADWIN({ delta: 0.01 });
    for (const v of [1, 2, 3]) adwin.update(v);
    expect(() => adwin.setParams({ delta: 2 })).toThrow(InvalidParameterError);
    expect(() => adwin.setParams({ delta: 2 })).toThrow("The 'delta' parameter of ADWIN must be a number > 0 and < 1. Got 2 instead.");
    expect(adwin.getParams().delta).toBe(0.01);
    expect(adwin.width).toBe(3);
    expect(() => adwin.setParams({ maxBuckets: 5 } as never)).toThrow("ADWIN got an unknown parameter 'maxBuckets'. Valid parameters are: delta, clock, minWindowLength, gracePeriod.");
    expect(adwin.setParams({ clock: 1 }).getParams()).toEqual({ delta: 0.01, clock: 1, minWindowLength: 5, gracePeriod: 10 });
    expect(adwin.width).toBe(0);
    const kswin = new KSWIN({ windowSize: 100, statSize: 30 });
    expect(() => kswin.setParams({ statSize: 60 })).toThrow("KSWIN: windowSize must be at least twice statSize, so the older part can supply statSize values; got windowSize 100, statSize 60.");
    expect(kswin.getParams().statSize).toBe(30);
  });

  it("clone gives an unfitted detector with the same options (scikit-learn's clone, River's clone)", () => {
    const ph = new PageHinkley({ threshold: 5, mode: "up" });
    alarms(ph, fourSegments.slice(0, 1500));
    const copy = ph.clone();
    expect(copy).toBeInstanceOf(PageHinkley);
    expect(copy.getParams()).toEqual(ph.getParams());
    expect(JSON.parse(JSON.stringify(copy)).state).toBeNull();
    expect(alarms(copy, fourSegments)).toEqual(alarms(new PageHinkley({ threshold: 5, mode: "up" }), fourSegments));
  });

  it("a detector saved mid-stream and loaded gives the same alarms from there on (ADWIN, Page-Hinkley, DDM)", () => {
    const adwin = straightAndResumed(() => new ADWIN(), fourSegments, 1500);
    expect(adwin.straight).toEqual([1023, 2015, 3007]);
    expect(adwin.resumed).toEqual(adwin.straight);
    expect(adwin.loaded).toBeInstanceOf(ADWIN);
    const ph = straightAndResumed(() => new PageHinkley(), fourSegments, 2500);
    expect(ph.straight.length).toBeGreaterThan(0);
    expect(ph.resumed).toEqual(ph.straight);
    // Saved at 1040: DDM's minima are finite by then; saved at 10, before its warm start, they are still infinite.
    for (const at of [10, 1040, 2999]) {
      const ddm = straightAndResumed(() => new DDM(), errorStream, at);
      expect(ddm.straight.length).toBeGreaterThanOrEqual(2);
      expect(ddm.resumed).toEqual(ddm.straight);
    }
  });

  it("KSWIN's generator is saved with it: a loaded KSWIN draws, and alarms, as the original (seed, shared Random, fresh entropy)", () => {
    // Saved at 1500 (after the first alarm's reseed, the generator 400 draws in) and at 1010 (mid-test, before the alarm).
    for (const at of [1010, 1500, 2016]) {
      const seeded = straightAndResumed(() => new KSWIN({ alpha: 0.0001, randomState: 42 }), fourSegments, at);
      expect(seeded.straight).toHaveLength(3);
      expect(seeded.resumed).toEqual(seeded.straight);
    }
    // A shared generator is saved by value; the loaded KSWIN draws from its own copy, the same numbers.
    const shared = straightAndResumed(() => new KSWIN({ alpha: 0.0001, randomState: new Random(7) }), fourSegments, 1500);
    expect(shared.resumed).toEqual(shared.straight);
    expect(shared.loaded.getParams()).toMatchObject({ randomState: null });
    // Fresh entropy: the loaded detector continues the original's own stream.
    const fresh = new KSWIN({ alpha: 0.0001 });
    const before = alarms(fresh, fourSegments.slice(0, 1500));
    const copy = loadModel(JSON.stringify(fresh), KSWIN);
    expect(alarms(copy, fourSegments.slice(1500), 1500)).toEqual(alarms(fresh, fourSegments.slice(1500), 1500));
    expect(before).toHaveLength(1);
    expect(copy.pValue).toBe(fresh.pValue);
  });

  it("KSWIN refuses to save a generator it cannot restore, by name, rather than resuming with other draws", () => {
    const k = new KSWIN({ alpha: 0.0001, randomState: new PyRandom(42) });
    k.update(1);
    expect(() => JSON.stringify(k)).toThrow("KSWIN cannot save its randomState, a PyRandom: only a seed, null or an mlsd Random can be saved and resumed.");
  });

  it("loadModel rebuilds each detector by name from the one registry; an untouched detector saves no state", () => {
    for (const d of [new ADWIN({ clock: 4 }), new KSWIN({ randomState: 1 }), new DDM(), new PageHinkley({ mode: "down" })]) {
      const json = JSON.parse(JSON.stringify(d)) as { type: string; state: unknown };
      expect(json.type).toBe(d.constructor.name);
      expect(json.state).toBeNull();
      const again = loadModel(json);
      expect(again.constructor).toBe(d.constructor);
      expect(again.getParams()).toEqual(d.getParams());
    }
  });
});
