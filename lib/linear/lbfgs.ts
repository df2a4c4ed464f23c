/** Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4) with a backtracking Armijo line search, for smooth convex losses. */

export interface LbfgsOptions {
  maxIter?: number;
  /** Stop when the largest absolute gradient entry is at most this (scipy's pgtol). */
  tol?: number;
  /** Pairs of correction vectors kept. */
  memory?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

/**
 * Minimises `f`, which writes its gradient into `grad` and returns the value.
 * @example lbfgs((x, g) => { g[0] = 2 * (x[0] - 3); return (x[0] - 3) ** 2; }, new Float64Array(1)).x // [3]
 */
export function lbfgs(f: (x: Float64Array, grad: Float64Array) => number, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIter = options.maxIter ?? 100;
  const tol = options.tol ?? 1e-4;
  const m = options.memory ?? 10;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(n);
  const alpha = new Float64Array(m);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  for (let it = 0; it < maxIter; it++) {
    if (maxAbs(g) <= tol) return { x, value: fx, iterations: it, converged: true };
    // Two-loop recursion: dir = -H g.
    dir.set(g);
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = rho[j]! * dot(S[j]!, dir);
      axpy(-alpha[j]!, Y[j]!, dir);
    }
    if (S.length > 0) {
      const last = S.length - 1;
      scale(dir, dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!));
    } else {
      scale(dir, 1 / Math.max(1, Math.sqrt(dot(g, g))));
    }
    for (let j = 0; j < S.length; j++) {
      const beta = rho[j]! * dot(Y[j]!, dir);
      axpy(alpha[j]! - beta, S[j]!, dir);
    }
    scale(dir, -1);
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction (curvature went bad): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i]!;
      slope = dot(g, dir);
    }
    let step = 1;
    let fNew = 0;
    for (let tries = 0; ; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * dir[i]!;
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope || tries > 40) break;
      step *= 0.5;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (S.length === m) S.shift(), Y.shift(), rho.shift();
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const improvement = fx - fNew;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    if (Math.abs(improvement) <= 1e-15 * Math.max(1, Math.abs(fx))) return { x, value: fx, iterations: it + 1, converged: maxAbs(g) <= tol };
  }
  return { x, value: fx, iterations: maxIter, converged: maxAbs(g) <= tol };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i]! += a * x[i]!;
}
function scale(x: Float64Array, a: number): void {
  for (let i = 0; i < x.length; i++) x[i]! *= a;
}
function maxAbs(x: Float64Array): number {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  return m;
}
