import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { kernelsDir } from "../../dist/kernel/install.js";

const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

describe("mlsd kernel install", () => {
  it("writes kernel.json and logos under --prefix, and Jupyter lists it", () => {
    const prefix = mkdtempSync(join(tmpdir(), "mlsd-spec-"));
    const res = spawnSync(process.execPath, ["dist/kernel/cli.js", "kernel", "install", "--prefix", prefix], { encoding: "utf8" });
    expect(res.status).toBe(0);
    const dir = join(prefix, "share", "jupyter", "kernels", "mlsd");
    const spec = JSON.parse(readFileSync(join(dir, "kernel.json"), "utf8"));
    expect(spec).toMatchObject({ display_name: "TypeScript (mlsd)", language: "typescript", interrupt_mode: "signal" });
    expect(spec.argv.slice(-3)).toEqual(["kernel", "--connection-file", "{connection_file}"]);
    for (const logo of ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]) expect(existsSync(join(dir, logo))).toBe(true);
    const listed = spawnSync(python, ["-m", "jupyter_client.kernelspecapp", "list", "--json"], {
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH: join(prefix, "share", "jupyter") },
    });
    expect(JSON.parse(listed.stdout).kernelspecs.mlsd.spec.display_name).toBe("TypeScript (mlsd)");
    // The JavaScript kernel beside it: same process, cells as JavaScript (MLSD_LANGUAGE), language javascript.
    const js = JSON.parse(listed.stdout).kernelspecs["mlsd-js"].spec;
    expect(js).toMatchObject({ display_name: "JavaScript (mlsd)", language: "javascript", env: { MLSD_LANGUAGE: "javascript" } });
    expect(js.argv).toEqual(spec.argv);
  });

  it("follows jupyter kernelspec install's locations", () => {
    expect(kernelsDir({ prefix: "/opt/x" })).toBe("/opt/x/share/jupyter/kernels");
    expect(kernelsDir({ user: true })).toMatch(/jupyter\/kernels$/);
    expect(() => kernelsDir({ user: true, prefix: "/p" })).toThrow("choose at most one of --user, --sys-prefix and --prefix");
  });

  it("mlsd start without Jupyter says how to install it and exits non-zero", () => {
    const res = spawnSync(process.execPath, ["dist/kernel/cli.js", "start", "--no-browser"], { encoding: "utf8", env: { ...process.env, PATH: dirname(process.execPath) === "/usr/bin" ? "/nonexistent" : dirname(process.execPath) } });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("Jupyter is not installed");
    expect(res.stderr).toContain("sudo apt-get install -y jupyter-notebook python3-nbclient");
    expect(res.stderr).toContain("python3 -m pip install --user notebook");
  });

  it("has --help on every subcommand", () => {
    for (const args of [[], ["kernel"], ["kernel", "install"], ["start"], ["run"]]) {
      const res = spawnSync(process.execPath, ["dist/kernel/cli.js", ...args, "--help"], { encoding: "utf8" });
      expect(res.status).toBe(0);
      expect(res.stdout).toMatch(/^Usage: mlsd/);
    }
  });
});
