/**
 * The drift detectors against River's own tests and docstrings, on their literal streams: River builds them
 * with Python's `random.Random(seed).choices`, regenerated here bit for bit by PyRandom (checked against
 * CPython below when python3 is present).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ADWIN, DDM, DriftDetectorBase, KSWIN, PageHinkley, type DriftDetector } from "../../../lib/monitor/index.js";
import { py } from "../../helpers/python.js";
import { PyRandom } from "./python-random.js";

/** River's perform_test: the indices at which drift_detected is true. */
const detections = (d: DriftDetector, stream: readonly number[]) => stream.flatMap((v, i) => (d.update(v).driftDetected ? [i] : []));

// river/drift/test_adwin_regression.py, test_multiple_drifts: four segments from random.Random(42).
const rng42 = new PyRandom(42);
const fourSegments = [...rng42.choices([0, 1], 1000), ...rng42.choices([4, 5, 6, 7], 1000), ...rng42.choices([0, 1], 1000), ...rng42.choices([4, 5, 6, 7], 1000)];
// River's ADWIN and KSWIN docstrings: two segments from random.Random(12345).
const rng12345 = new PyRandom(12345);
const twoSegments = [...rng12345.choices([0, 1], 1000), ...rng12345.choices([4, 5, 6, 7], 1000)];

describe("drift detectors match River's tests", () => {
  it("PyRandom is CPython's random.Random: the streams' literal values, and the whole stream against python3", () => {
    // Literals printed by CPython 3 (random.Random(42).choices(...), random.Random(7).getrandbits(32)).
    expect(fourSegments.slice(0, 16)).toEqual([1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1]);
    expect(fourSegments.slice(1000, 1016)).toEqual([4, 6, 6, 7, 5, 5, 4, 4, 7, 5, 6, 6, 6, 4, 7, 4]);
    expect(fourSegments.reduce((a, b) => a + b, 0)).toBe(12041);
    expect(twoSegments.reduce((a, b) => a + b, 0)).toBe(5970);
    expect(new PyRandom(7).nextUint32()).toBe(1390851128);
    const res = spawnSync("python3", ["-c", "import random,json; r=random.Random(42); print(json.dumps(r.choices([0,1],k=1000)+r.choices(range(4,8),k=1000)+r.choices([0,1],k=1000)+r.choices(range(4,8),k=1000)))"], { encoding: "utf8" });
    if (res.status === 0) expect(fourSegments).toEqual(JSON.parse(res.stdout));
  });

  it("ADWIN on River's four-segment stream reports [1023, 2015, 3007] (test_adwin_regression.py::test_multiple_drifts)", () => {
    expect(detections(new ADWIN(), fourSegments)).toEqual([1023, 2015, 3007]);
  });

  it("ADWIN on River's docstring stream reports 1023 (river/drift/adwin.py example)", () => {
    expect(detections(new ADWIN(), twoSegments)).toEqual([1023]);
  });

  it("ADWIN resets on the update after a drift: width 1 (test_adwin_regression.py::test_reset_on_drift_detected)", () => {
    const adwin = new ADWIN({ clock: 1 });
    for (let i = 0; i < 500; i++) adwin.update(0);
    let found = false;
    for (let i = 0; i < 500 && !found; i++) found = adwin.update(100).driftDetected;
    expect(found).toBe(true);
    adwin.update(50);
    expect(adwin.width).toBe(1);
    expect(adwin.estimation).toBe(50);
  });

  it("ADWIN statistics and grace period (test_total_and_estimation, test_width_zero_estimation, test_grace_period)", () => {
    const adwin = new ADWIN();
    expect(adwin.estimation).toBe(0);
    for (const v of [1, 2, 3, 4, 5]) adwin.update(v);
    expect([adwin.total, adwin.estimation, adwin.width]).toEqual([15, 3, 5]);
    const graced = new ADWIN({ gracePeriod: 100, clock: 1 });
    const stream = [...new Array<number>(50).fill(0), ...new Array<number>(50).fill(1000)];
    expect(detections(graced, stream)).toEqual([]);
    const constant = new ADWIN();
    expect(detections(constant, new Array<number>(5000).fill(1))).toEqual([]);
  });

  it("ADWIN against test_adwin_regression.py's other cases (stable, alternating, large shift, min_window_length, variance, long stream)", () => {
    // CPython: random.Random(123).gauss(0, 1) x 3; the sum of squared deviations of random.Random(999).gauss(5, 2) x 500.
    const g = new PyRandom(123);
    expect([g.gauss(0, 1), g.gauss(0, 1), g.gauss(0, 1)]).toEqual([0.40422843322466656, 0.13801139264830412, -0.3985847224936054]);
    const stable = new PyRandom(123);
    expect(detections(new ADWIN(), Array.from({ length: 5000 }, () => stable.gauss(0, 1))).length).toBeLessThanOrEqual(2); // test_no_drift_stable_distribution
    expect(detections(new ADWIN(), Array.from({ length: 2000 }, (_, i) => i % 2)).length).toBeLessThanOrEqual(1); // test_alternating_values
    const shift = new ADWIN({ delta: 0.01 }); // test_immediate_large_shift
    for (let i = 0; i < 200; i++) shift.update(0);
    expect(detections(shift, new Array<number>(200).fill(100)).length).toBeGreaterThanOrEqual(1);
    const mw = new PyRandom(42); // test_min_window_length
    const stream = [...Array.from({ length: 500 }, () => mw.gauss(0, 1)), ...Array.from({ length: 500 }, () => mw.gauss(5, 1))];
    expect(detections(new ADWIN({ minWindowLength: 1, clock: 1 }), stream).length).toBeGreaterThanOrEqual(1);
    const vr = new PyRandom(999); // test_variance_correctness
    const v = new ADWIN();
    for (let i = 0; i < 500; i++) v.update(vr.gauss(5, 2));
    expect(v.variance).toBeCloseTo(1953.1305338836592, 6);
    const long = new PyRandom(42); // test_very_long_stream
    const lw = new ADWIN();
    for (let i = 0; i < 100_000; i++) lw.update(long.random());
    expect(lw.width).toBeGreaterThan(0);
    expect(lw.estimation).toBeGreaterThan(0);
    expect(lw.estimation).toBeLessThan(1);
  });

  it("KSWIN on River's docstring stream with alpha 1e-4, seed 42 fires at 1016 (river/drift/kswin.py example)", () => {
    // River seeds random.Random(42); PyRandom(42) is that generator and KSWIN draws as random.sample does.
    expect(detections(new KSWIN({ alpha: 0.0001, randomState: new PyRandom(42) }), twoSegments)).toEqual([1016]);
  });

  it("KSWIN fires once per change on the four-segment stream, and starts from an empty window after each", () => {
    const at = detections(new KSWIN({ alpha: 0.0001, randomState: new PyRandom(42) }), fourSegments);
    expect(at).toEqual([1016, 2016, 3016]);
    const seeded = detections(new KSWIN({ alpha: 0.0001, randomState: 42 }), fourSegments);
    expect(seeded).toHaveLength(3);
    seeded.forEach((i, c) => expect(i - 1000 * (c + 1)).toBeGreaterThanOrEqual(0));
    // After the alarm the window is empty: no test (pValue back to 0) until windowSize new values are in.
    const k = new KSWIN({ alpha: 0.0001, randomState: 42 });
    for (let i = 0; i <= seeded[0]!; i++) k.update(fourSegments[i]!);
    expect(k.driftDetected).toBe(true);
    for (let i = 1; i < 100; i++) expect(k.update(fourSegments[seeded[0]! + i]!).pValue).toBe(0);
  });

  it("KSWIN refuses alpha outside (0, 1) and a statSize the window cannot hold (test_drift_detectors.py::test_kswin_coverage)", () => {
    expect(() => new KSWIN({ alpha: -0.1 })).toThrow("The 'alpha' parameter of KSWIN must be a number > 0 and < 1. Got -0.1 instead.");
    expect(() => new KSWIN({ alpha: 1.1 })).toThrow("The 'alpha' parameter of KSWIN");
    expect(() => new KSWIN({ windowSize: -10 })).toThrow("The 'windowSize' parameter of KSWIN must be an integer >= 2. Got -10 instead.");
    expect(() => new KSWIN({ windowSize: 10, statSize: 30 })).toThrow("KSWIN: windowSize must be at least twice statSize");
  });

  it("Page-Hinkley on River's docstring stream reports 1006 (river/drift/page_hinkley.py example)", () => {
    expect(detections(new PageHinkley(), twoSegments)).toEqual([1006]);
  });

  it("River's numpy streams (test_drift_detectors.py, regenerated by numpy itself): ADWIN [1023], DDM [1049], KSWIN [1042]", () => {
    // np.random.seed(12345) streams exactly as the test builds them; ADWIN's 1023 is test_adwin_regression.py's
    // test_basic_drift_at_expected_index (River's current ADWIN; the older test file says 1055).
    const s = py<{ s1: number[]; s2: number[] }>(
      `
np.random.seed(12345)
s1 = np.concatenate((np.random.randint(2, size=1000), np.random.randint(8, size=1000)))
np.random.seed(12345)
s2 = np.concatenate([[np.random.binomial(1, 0.2) for _ in range(1000)], [np.random.binomial(1, 0.8) for _ in range(1000)]]).astype(int)
out = {"s1": s1, "s2": s2}
`,
      {},
    );
    expect(detections(new ADWIN(), s.s1)).toEqual([1023]);
    expect(detections(new DDM(), s.s2)).toEqual([1049]);
    expect(detections(new KSWIN({ alpha: 0.0001, windowSize: 200, statSize: 100, randomState: new PyRandom(42) }), s.s1)).toEqual([1042]);
  });

  it("every detector stands on one base with the fire-then-reset rule and resolved options", () => {
    for (const d of [new ADWIN(), new KSWIN(), new DDM(), new PageHinkley()]) expect(d).toBeInstanceOf(DriftDetectorBase);
    expect(new ADWIN({ delta: 0.01 }).getParams()).toEqual({ delta: 0.01, clock: 32, minWindowLength: 5, gracePeriod: 10 });
    // Page-Hinkley: after its alarm the next update starts from zero sums, so a level stream raises no second alarm.
    const ph = new PageHinkley({ threshold: 5 });
    const jump = [...new Array<number>(100).fill(0), ...new Array<number>(300).fill(1)];
    expect(detections(ph, jump)).toHaveLength(1);
  });
});

describe("detector options are declared once per class", () => {
  it("every rule refuses a value outside it, naming the option (the conformance idea of scikit-learn's check_param_validation)", () => {
    const bad: Record<string, unknown> = { delta: -1, clock: 0, minWindowLength: 0, gracePeriod: -1, warmStart: -1, warningThreshold: 0, driftThreshold: 0, minInstances: 0, threshold: 0, alpha: 2, mode: "sideways", windowSize: 1, statSize: 0, randomState: -1 };
    const classes = [ADWIN, DDM, PageHinkley, KSWIN] as const;
    for (const C of classes) {
      const d = new C();
      expect(Object.keys(d.rules).sort()).toEqual(Object.keys(d.defaults).sort());
      for (const name of Object.keys(d.rules)) {
        expect(() => new (C as unknown as new (o: object) => unknown)({ [name]: bad[name] }), `${C.name}.${name}`).toThrow(`The '${name}' parameter of ${C.name} must be`);
      }
    }
  });
});
