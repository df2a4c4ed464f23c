/** Runs the Python reference implementations (Debian's scikit-learn, imbalanced-learn) on the same inputs. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

/**
 * Runs `body` with `data` (the JSON of `input`) in scope and returns what it assigned to `out`, as JSON.
 * numpy arrays and scalars in `out` are converted with `.tolist()` / `float()`.
 */
export function py<T>(body: string, input: unknown): T {
  const script = `
import json, sys, warnings
import numpy as np
warnings.filterwarnings("ignore")
data = json.load(sys.stdin)
${body}
def conv(o):
    if isinstance(o, np.ndarray): return o.tolist()
    if isinstance(o, (np.floating,)): return float(o)
    if isinstance(o, (np.integer,)): return int(o)
    if isinstance(o, dict): return {str(k): conv(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)): return [conv(v) for v in o]
    return o
print(json.dumps(conv(out)))
`;
  const res = spawnSync(python, ["-c", script], { input: JSON.stringify(input), encoding: "utf8", maxBuffer: 1 << 28 });
  if (res.status !== 0) throw new Error(`python failed:\n${res.stderr}`);
  return JSON.parse(res.stdout) as T;
}
