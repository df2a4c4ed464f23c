/** Debian's jupyter_kernel_test suite against both installed kernelspecs: all 12 tests enabled, none skipped. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { installKernelSpec } from "../../dist/kernel/install.js";

// Debian's interpreter has jupyter_client; a pyenv/venv python3 earlier on PATH may not.
const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const prefix = mkdtempSync(join(tmpdir(), "mlsd-jkt-"));

describe("jupyter_kernel_test conformance", () => {
  afterAll(() => rmSync(prefix, { recursive: true, force: true }));

  // Both kernelspecs `mlsd kernel install` writes: TypeScript (mlsd) and JavaScript (mlsd-js).
  it.each(["mlsd", "mlsd-js"])("passes every test of jupyter_kernel_test with none skipped (%s)", (kernel) => {
    installKernelSpec({ prefix });
    const res = spawnSync(python, ["test/kernel/conformance.py"], {
      encoding: "utf8",
      timeout: 240_000,
      env: { ...process.env, JUPYTER_PATH: join(prefix, "share", "jupyter"), MLSD_HISTORY_FILE: "", PYTHONUNBUFFERED: "1", MLSD_KERNEL: kernel },
    });
    const log = `${res.stdout}\n${res.stderr}`;
    if (res.status !== 0) console.error(log);
    expect(res.error).toBeUndefined();
    const tests = ["kernel_info", "execute_stdout", "execute_stderr", "completion", "is_complete", "error", "execute_result", "display_data", "history", "inspect", "clear_output", "pager"];
    for (const t of tests) expect(log).toMatch(new RegExp(`test_${t} \\(.*\\) \\.\\.\\. ok`));
    expect(log).toMatch(/Ran 12 tests/);
    expect(log).toMatch(/\nOK\s*$/);
    expect(res.status).toBe(0);
  }, 300_000);
});
