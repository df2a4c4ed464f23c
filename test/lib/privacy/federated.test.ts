import { describe, expect, it } from "vitest";
import { splitClients, federatedAveraging, centralisedAccuracy } from "../../../dist/lib/privacy/index.js";
import { makeClassification } from "../../../dist/datasets/index.js";

const g = makeClassification({ nSamples: 2000, nFeatures: 10, nInformative: 6, nClasses: 4, randomState: 0 });
const X = Array.from({ length: g.X.rows }, (_, i) => Array.from(g.X.data.subarray(i * g.X.cols, (i + 1) * g.X.cols)));
const y = Array.from(g.y);
const [Xtr, ytr, Xte, yte] = [X.slice(0, 1500), y.slice(0, 1500), X.slice(1500), y.slice(1500)];

// McMahan et al. (2017), "Communication-Efficient Learning of Deep Networks from Decentralized Data" (FedAvg);
// Dirichlet label skew as Hsu et al. (2019).
describe("federated averaging", () => {
  it("IID splits give equal shares of every row once; Dirichlet(0.1) gives clients few labels", () => {
    const iid = splitClients(ytr, 20, { randomState: 1 });
    expect(iid.map((c) => c.length)).toEqual(Array(20).fill(75));
    expect(new Set(iid.flat()).size).toBe(1500);
    const skew = splitClients(ytr, 20, { alpha: 0.1, randomState: 1 });
    expect(new Set(skew.flat()).size).toBe(1500);
    const labelsPerClient = (s: number[][]) => s.reduce((a, c) => a + new Set(c.map((r) => ytr[r])).size, 0) / s.length;
    expect(labelsPerClient(iid)).toBe(4);
    expect(labelsPerClient(skew)).toBeLessThan(3);
  });

  it("reaches centralised accuracy within 0.03 on IID clients, counts bytes both ways, and repeats with a seed", () => {
    const clients = splitClients(ytr, 20, { randomState: 1 });
    const run = () => federatedAveraging(Xtr, ytr, { clients, XTest: Xte, yTest: yte, rounds: 20, fraction: 0.5, randomState: 2 });
    const a = run();
    const central = centralisedAccuracy(Xtr, ytr, Xte, yte, { epochs: 5, randomState: 2 });
    expect(central).toBeGreaterThan(0.5);
    expect(Math.abs(a.history.at(-1)!.accuracy - central)).toBeLessThan(0.03);
    // 4 classes x 11 weights as float32, down to 10 clients and back, 20 rounds.
    expect(a.history.at(-1)!.bytesSent).toBe(20 * 20 * 44 * 4);
    expect(run().history).toEqual(a.history);
  });

  it("dropped clients send nothing and are left out of the average", () => {
    const clients = splitClients(ytr, 20, { randomState: 1 });
    const r = federatedAveraging(Xtr, ytr, { clients, XTest: Xte, yTest: yte, rounds: 20, fraction: 0.5, dropout: 0.5, randomState: 2 });
    const reported = r.history.reduce((a, h) => a + h.reported, 0);
    expect(reported).toBeLessThan(200 * 0.7);
    expect(reported).toBeGreaterThan(200 * 0.3);
    expect(r.history.at(-1)!.bytesSent).toBe((200 + reported) * 44 * 4);
  });

  it("refuses bad arguments naming them and the value", () => {
    expect(() => splitClients(ytr, 0)).toThrow("splitClients: 'nClients' must be an integer >= 1 and <= 1500; got 0");
    expect(() => splitClients(ytr, 2, { alpha: -1 })).toThrow("splitClients: 'alpha' must be a finite number > 0; got -1");
    expect(() => splitClients([0, 1.5], 2)).toThrow("every label in 'y' must be an integer >= 0; got 1.5");
    const clients = [[0, 1], [2]];
    expect(() => federatedAveraging(Xtr, ytr, { clients, XTest: Xte, yTest: yte, dropout: 1 })).toThrow("federatedAveraging: 'dropout' must be a finite number >= 0 and < 1; got 1");
    expect(() => federatedAveraging(Xtr, ytr, { clients: [[5000]], XTest: Xte, yTest: yte })).toThrow("'clients' holds row 5000, outside [0, 1499]");
    expect(() => federatedAveraging(Xtr, ytr.slice(1), { clients, XTest: Xte, yTest: yte })).toThrow("'y' must have one label per row of 'X' (1500); got 1499");
    expect(() => centralisedAccuracy(Xtr, ytr, Xte, yte, { learningRate: 0 })).toThrow("centralisedAccuracy: 'learningRate' must be a finite number > 0; got 0");
  });
});
