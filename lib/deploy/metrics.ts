/** Prometheus text exposition for the server: counters, a gauge and cumulative histograms. */

export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(readonly name: string, readonly help: string, readonly buckets: number[]) {
    this.counts = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.buckets.forEach((b, i) => {
      if (v <= b) this.counts[i]!++;
    });
    this.sum += v;
    this.count++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{le="${b}"} ${this.counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return lines.join("\n");
  }
}

export class ServerMetrics {
  readonly latency = new Histogram("mlsd_request_latency_seconds", "Time from request to response.", [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
  readonly batchSize = new Histogram("mlsd_batch_size", "Instances per model call.", [1, 2, 4, 8, 16, 32, 64, 128, 256]);
  /** Queueing against compute (perf_analyzer's split): how long each request waited for its batch, and each model call. */
  readonly queueTime = new Histogram("mlsd_queue_seconds", "Time a request waited in the queue before its batch ran.", [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1]);
  readonly computeTime = new Histogram("mlsd_compute_seconds", "Time of one model call (a batch).", [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1]);
  readonly requests = new Map<number, number>();
  queueDepth = 0;

  countResponse(status: number): void {
    this.requests.set(status, (this.requests.get(status) ?? 0) + 1);
  }

  render(): string {
    const req = ["# HELP mlsd_requests_total Responses by status code.", "# TYPE mlsd_requests_total counter", ...[...this.requests].map(([code, n]) => `mlsd_requests_total{code="${code}"} ${n}`)];
    return `${[this.latency.render(), this.batchSize.render(), this.queueTime.render(), this.computeTime.render(), ...req, "# HELP mlsd_queue_depth Instances waiting for a batch.", "# TYPE mlsd_queue_depth gauge", `mlsd_queue_depth ${this.queueDepth}`].join("\n")}\n`;
  }
}
