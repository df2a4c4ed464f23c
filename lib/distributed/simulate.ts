/**
 * A step-time simulator for data-parallel training at scales this machine cannot reach. A step is the
 * forward and backward pass of one GPU's batch; during the backward pass gradients become ready layer by
 * layer (output first), are fused into buckets (Horovod's Tensor Fusion, DDP's buckets) and all-reduced one
 * bucket at a time over the network, overlapping the rest of the backward pass. The step ends when the last
 * bucket is reduced. All-reduce costs follow the alpha-beta model: a ring over N GPUs takes 2(N - 1) steps of
 * latency alpha and moves 2(N - 1)/N of the bucket through each GPU's slowest link; a parameter server moves
 * every worker's bucket into the servers' links and back.
 */
import { InputError } from "../core/errors.js";

/** A network layer's share of the model: parameters, and forward FLOPs per sample (for backward timing). */
export interface LayerCost {
  params: number;
  flops: number;
}

export interface ModelProfile {
  name: string;
  /** Layers from input to output; gradients become ready in reverse order. */
  layers: LayerCost[];
  /** Samples per second of one GPU training alone (forward and backward), at `batchSize` per GPU. */
  samplesPerSecond: number;
  batchSize: number;
  /** Share of the step spent in the backward pass (about 2/3: backward costs twice the forward). */
  backwardFraction?: number;
  /** Bytes per gradient value (4 for float32, 2 for float16 gradients). */
  bytesPerValue?: number;
}

export interface ClusterSpec {
  gpusPerNode: number;
  /** Each node's network link, in Gbit/s. */
  linkGbps: number;
  /** Share of the link's line rate all-reduce achieves (protocol and stack overheads). */
  linkEfficiency: number;
  /** Latency of one ring step, in microseconds. */
  latencyUs: number;
  /** GPU-to-GPU bandwidth inside a node (PCIe or NVLink), in GB/s. */
  intraNodeGBps: number;
  /**
   * Coefficient of variation of one GPU's compute time per step (default 0). Synchronous training waits for
   * the slowest of N workers, which is late by about jitter x E[max of N standard normals].
   */
  computeJitter?: number;
}

export interface SimulationOptions {
  workers: number;
  algorithm?: "ring" | "parameter-server";
  /** Parameter servers (parameter-server only), each with a link like a node's. Default: one per node, as colocated. */
  servers?: number;
  /** Tensor Fusion buffer: gradients are reduced in buckets of at most this many bytes (Horovod: 64 MiB). */
  fusionBytes?: number;
}

export interface SimulatedStep {
  workers: number;
  computeMs: number;
  /** Network time of all the buckets, if nothing overlapped. */
  commMs: number;
  /** Communication left after the backward pass ended: what the step waits for. */
  exposedCommMs: number;
  stepMs: number;
  /** Samples per second of the whole job. */
  throughput: number;
  /** Throughput over N times one GPU's: 1 is perfect linear scaling. */
  efficiency: number;
  buckets: number;
}

function check(model: ModelProfile, cluster: ClusterSpec, o: SimulationOptions): void {
  if (!Array.isArray(model?.layers) || model.layers.length === 0) throw new InputError("simulateStep: 'model.layers' must list at least one layer.");
  if (!(model.samplesPerSecond > 0 && model.batchSize > 0)) throw new InputError(`simulateStep: 'samplesPerSecond' and 'batchSize' must be positive; got ${model.samplesPerSecond} and ${model.batchSize}.`);
  if (!(Number.isInteger(o.workers) && o.workers >= 1)) throw new InputError(`simulateStep: 'workers' must be an integer >= 1; got ${o.workers}.`);
  for (const k of ["gpusPerNode", "linkGbps", "linkEfficiency", "intraNodeGBps"] as const) if (!(cluster[k] > 0)) throw new InputError(`simulateStep: 'cluster.${k}' must be positive; got ${cluster[k]}.`);
  if (!((cluster.computeJitter ?? 0) >= 0)) throw new InputError(`simulateStep: 'cluster.computeJitter' must be >= 0; got ${cluster.computeJitter}.`);
  if (!(cluster.latencyUs >= 0)) throw new InputError(`simulateStep: 'cluster.latencyUs' must be >= 0; got ${cluster.latencyUs}.`);
}

/** Φ, the standard normal CDF (Abramowitz and Stegun 7.1.26 for erf; error below 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** E[max of n independent standard normals], by quadrature of n x φ(x) Φ(x)^(n-1). @example expectedMaxOfNormals(2) // 0.5642 */
export function expectedMaxOfNormals(n: number): number {
  if (n <= 1) return 0;
  let sum = 0;
  const h = 0.005;
  for (let x = -9; x <= 9; x += h) sum += x * n * (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)) * normalCdf(x) ** (n - 1) * h;
  return sum;
}

/** Seconds to all-reduce `bytes` over `workers` GPUs. */
export function allReduceSeconds(bytes: number, workers: number, cluster: ClusterSpec, options: { algorithm?: "ring" | "parameter-server"; servers?: number } = {}): number {
  if (workers === 1) return 0;
  const nodes = Math.ceil(workers / cluster.gpusPerNode);
  const netBps = (cluster.linkGbps * 1e9 * cluster.linkEfficiency) / 8;
  const intraBps = cluster.intraNodeGBps * 1e9;
  const alpha = cluster.latencyUs * 1e-6;
  if ((options.algorithm ?? "ring") === "ring") {
    // One ring through every GPU: each step moves bytes/N over every hop at once; with several nodes the
    // slowest hop is the one that leaves a node.
    const slowest = nodes > 1 ? Math.min(netBps, intraBps) : intraBps;
    return 2 * (workers - 1) * (bytes / workers / slowest + alpha);
  }
  // Parameter servers: every GPU pushes its whole gradient and pulls the sums, with no reduction inside the
  // node, so a node's link carries its GPUs' gradients twice; the servers' links carry every worker's share.
  const servers = options.servers ?? nodes;
  if (!(Number.isInteger(servers) && servers >= 1)) throw new InputError(`allReduceSeconds: 'servers' must be an integer >= 1; got ${servers}.`);
  const link = nodes > 1 ? netBps : intraBps;
  const perNode = (2 * bytes * Math.min(workers, cluster.gpusPerNode)) / link;
  const perServer = (2 * bytes * workers) / servers / link;
  return Math.max(perNode, perServer) + 2 * alpha;
}

/**
 * One training step on `workers` GPUs.
 * @example simulateStep(RESNET_101, HOROVOD_CLUSTER, { workers: 512 }).efficiency // about 0.9
 */
export function simulateStep(model: ModelProfile, cluster: ClusterSpec, options: SimulationOptions): SimulatedStep {
  check(model, cluster, options);
  const N = options.workers;
  const fusion = options.fusionBytes ?? 64 * 2 ** 20;
  const bytesPer = model.bytesPerValue ?? 4;
  // Every bucket waits for the slowest worker's gradients: stretch the compute by the expected straggler.
  const computeS = (model.batchSize / model.samplesPerSecond) * (1 + (cluster.computeJitter ?? 0) * expectedMaxOfNormals(N));
  const backwardS = computeS * (model.backwardFraction ?? 2 / 3);
  const forwardS = computeS - backwardS;
  const totalFlops = model.layers.reduce((s, l) => s + l.flops, 0);
  // Walk the backward pass from the output: each layer's gradient is ready when its backward is done.
  let t = forwardS;
  let bucket = 0;
  let network = 0; // when the network is free
  let commS = 0;
  let buckets = 0;
  const flush = (readyAt: number) => {
    if (bucket === 0) return;
    const d = allReduceSeconds(bucket, N, cluster, options);
    network = Math.max(network, readyAt) + d;
    commS += d;
    buckets++;
    bucket = 0;
  };
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const layer = model.layers[i]!;
    t += backwardS * (totalFlops > 0 ? layer.flops / totalFlops : 1 / model.layers.length);
    let bytes = layer.params * bytesPer;
    // A layer larger than the buffer goes in several buckets, as Horovod splits it.
    while (bytes > 0) {
      const take = Math.min(bytes, fusion - bucket);
      bucket += take;
      bytes -= take;
      if (bucket >= fusion) flush(t);
    }
  }
  flush(computeS);
  const stepS = Math.max(computeS, network);
  const throughput = (N * model.batchSize) / stepS;
  return { workers: N, computeMs: computeS * 1e3, commMs: commS * 1e3, exposedCommMs: (stepS - computeS) * 1e3, stepMs: stepS * 1e3, throughput, efficiency: throughput / (N * model.samplesPerSecond), buckets };
}

/** The same model and cluster over several worker counts. @example scalingCurve(VGG_16, HOROVOD_CLUSTER, [1, 8, 64, 512]) */
export function scalingCurve(model: ModelProfile, cluster: ClusterSpec, workers: number[], options: Omit<SimulationOptions, "workers"> = {}): SimulatedStep[] {
  return workers.map((w) => simulateStep(model, cluster, { ...options, workers: w }));
}

// --- Published configurations -------------------------------------------------------------------------------

/** A 2-D convolution's parameters and forward FLOPs (multiply-adds counted as 2) at an output size. */
function conv(k: number, cin: number, cout: number, outHw: number, bias = true): LayerCost {
  return { params: k * k * cin * cout + (bias ? cout : 0), flops: 2 * k * k * cin * cout * outHw * outHw };
}
const dense = (cin: number, cout: number): LayerCost => ({ params: cin * cout + cout, flops: 2 * cin * cout });

/** VGG-16 (Simonyan and Zisserman) at 224 x 224: 138.4M parameters, most of them in the first dense layer. */
export function vgg16Layers(): LayerCost[] {
  const layers: LayerCost[] = [];
  let cin = 3;
  let hw = 224;
  for (const [count, cout] of [[2, 64], [2, 128], [3, 256], [3, 512], [3, 512]] as const) {
    for (let i = 0; i < count; i++) {
      layers.push(conv(3, cin, cout, hw));
      cin = cout;
    }
    hw /= 2;
  }
  layers.push(dense(7 * 7 * 512, 4096), dense(4096, 4096), dense(4096, 1000));
  return layers;
}

/** ResNet-101 (He et al.) at 224 x 224: bottleneck blocks [3, 4, 23, 3], 44.5M parameters. */
export function resnet101Layers(): LayerCost[] {
  const layers: LayerCost[] = [conv(7, 3, 64, 112, false)];
  let cin = 64;
  let hw = 56;
  [3, 4, 23, 3].forEach((blocks, stage) => {
    const width = 64 * 2 ** stage;
    if (stage > 0) hw /= 2;
    for (let b = 0; b < blocks; b++) {
      layers.push(conv(1, cin, width, hw, false), conv(3, width, width, hw, false), conv(1, width, 4 * width, hw, false));
      if (b === 0) layers.push(conv(1, cin, 4 * width, hw, false)); // projection shortcut
      cin = 4 * width;
    }
  });
  layers.push(dense(2048, 1000));
  return layers;
}

/**
 * Inception V3 (Szegedy et al.), 23.8M parameters: its branches are not laid out here, so its 21.8M
 * convolution parameters are spread evenly over its compute (a stated simplification) and the 2.05M of its
 * classifier come last.
 */
export function inceptionV3Layers(): LayerCost[] {
  const convs = Array.from({ length: 20 }, () => ({ params: 21.8e6 / 20, flops: 5.7e9 / 20 }));
  return [...convs, dense(2048, 1001)];
}

/**
 * One NVIDIA Pascal P100 training each network alone at 64 images per step (TensorFlow's tf_cnn_benchmarks,
 * synthetic ImageNet): Inception V3 142 and VGG-16 144 images/s as published; ResNet-101 128 images/s,
 * interpolated between the published ResNet-50 (219) and ResNet-152 (91) by FLOPs.
 */
export const HOROVOD_MODELS: Record<"inceptionV3" | "resnet101" | "vgg16", ModelProfile> = {
  inceptionV3: { name: "Inception V3", layers: inceptionV3Layers(), samplesPerSecond: 142, batchSize: 64 },
  resnet101: { name: "ResNet-101", layers: resnet101Layers(), samplesPerSecond: 128, batchSize: 64 },
  vgg16: { name: "VGG-16", layers: vgg16Layers(), samplesPerSecond: 144, batchSize: 64 },
};

/**
 * The Horovod benchmark cluster (Sergeev and Del Balso, 2018): servers of 4 Pascal GPUs on PCIe, linked by
 * 25 Gbit/s Ethernet. Three values were not published and were fitted once, by grid search, to the six
 * published efficiencies (`HOROVOD_PUBLISHED`): 90 % of line rate, 10 µs per ring step and 1.5 % compute
 * jitter; with them every published figure is reproduced within 2 points (the tests allow 3).
 */
export const HOROVOD_CLUSTER: ClusterSpec = { gpusPerNode: 4, linkGbps: 25, linkEfficiency: 0.9, latencyUs: 10, intraNodeGBps: 10, computeJitter: 0.015 };

/** Scaling efficiencies Horovod's README published: on 128 GPUs (32 servers) and on 512 GPUs (128 servers). */
export const HOROVOD_PUBLISHED: { model: keyof typeof HOROVOD_MODELS; workers: number; efficiency: number }[] = [
  { model: "inceptionV3", workers: 128, efficiency: 0.9 },
  { model: "resnet101", workers: 128, efficiency: 0.9 },
  { model: "vgg16", workers: 128, efficiency: 0.79 },
  { model: "inceptionV3", workers: 512, efficiency: 0.9 },
  { model: "resnet101", workers: 512, efficiency: 0.9 },
  { model: "vgg16", workers: 512, efficiency: 0.68 },
];
