#!/usr/bin/env node
/**
 * Runs the compat notebooks through tslab (TypeScript and --js) and Deno's kernel, with the same client and the
 * same per-cell checks as compat.test.ts, and prints a table for bench/RESULTS.md. A failing cell does not hide
 * the later ones: a kernel that aborts everything after an error (tslab) is restarted with the passing cells
 * replayed, so every cell is tried. Not part of `npm test`:
 * it needs `npm run build` and the devDependencies tslab and deno (both from npm).
 *
 *   node test/kernel/compat/run-others.mjs [mlsd|tslab|deno ...]
 */
import { readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { KernelClient } from "../../../dist/kernel/client.js";

const here = resolve("test/kernel/compat");
const bin = (name) => resolve("node_modules/.bin", name);

const kernels = {
  mlsd: (language) => ({ env: language === "javascript" ? { MLSD_LANGUAGE: "javascript" } : {} }),
  tslab: (language) => ({ argv: [bin("tslab"), "kernel", "--config-path", "{connection_file}", ...(language === "javascript" ? ["--js"] : [])] }),
  deno: () => ({ argv: [bin("deno"), "jupyter", "--kernel", "--conn", "{connection_file}"], env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" } }),
};

const notebooks = ["tslab-typescript.ipynb", "jslab-javascript.ipynb", "deno.ipynb"];

/** Why a cell failed (an error reply), or null. */
function failure(reply, iopub) {
  const c = reply.content;
  if (c.status === "ok") return null;
  if (c.status !== "error") return `status ${c.status} (the kernel skipped the cell after an earlier error)`;
  // tslab leaves ename out of the reply and writes the error to stderr.
  const error = iopub.find((m) => m.header.msg_type === "error")?.content ?? c;
  const stderr = iopub.filter((m) => m.header.msg_type === "stream" && m.content.name === "stderr").map((m) => m.content.text).join("");
  const lines = (error.ename ? `${error.ename}: ${error.evalue}` : stderr).replace(/\x1b\[[0-9;]*m/g, "").trim().split("\n");
  return (lines.find((l) => /error|Error|Cannot/.test(l)) ?? lines[0]).trim().slice(0, 160);
}

/** How the outputs differ from the cell's expectations, or null. tslab prints a cell's value on stdout: accepted. */
function outputProblem(cell, iopub) {
  const stdout = iopub.filter((m) => m.header.msg_type === "stream" && m.content.name === "stdout").map((m) => m.content.text).join("");
  const outputs = iopub.filter((m) => ["execute_result", "display_data", "update_display_data"].includes(m.header.msg_type));
  const expected = cell.metadata?.mlsd?.expect ?? [];
  if (expected.length === 1 && expected[0].type === "execute_result" && expected[0].mime === "text/plain" && outputs.length === 0 && stdout === `${expected[0].equals}\n`) return null;
  for (const [i, e] of expected.entries()) {
    const m = outputs[i];
    if (!m) return `missing output ${i + 1}: ${e.type} ${e.mime}`;
    const data = m.content.data?.[e.mime];
    if (m.header.msg_type !== e.type) return `output ${i + 1} is ${m.header.msg_type}, expected ${e.type}`;
    if (e.equals !== undefined && data !== e.equals) return `output ${i + 1} ${e.mime}: got ${JSON.stringify(data)?.slice(0, 80)}, expected ${JSON.stringify(e.equals)}`;
    if (e.contains !== undefined && !String(data).includes(e.contains)) return `output ${i + 1} ${e.mime} lacks ${JSON.stringify(e.contains)}`;
  }
  if (outputs.length !== expected.length) return `${outputs.length} outputs, expected ${expected.length}`;
  return null;
}

async function runNotebook(kernel, name) {
  const nb = JSON.parse(readFileSync(join(here, name), "utf8"));
  const language = nb.metadata.language_info.name;
  const opts = kernels[kernel](language);
  const start = () => KernelClient.start({ cwd: here, env: { ...process.env, MLSD_HISTORY_FILE: "", ...opts.env }, ...(opts.argv ? { argv: opts.argv } : {}), readyTimeoutMs: 120_000 });
  let client = await start();
  const cells = nb.cells.filter((c) => c.cell_type === "code");
  const failures = [];
  const differences = [];
  const passed = [];
  const source = (cell) => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);
  try {
    for (const cell of cells) {
      const code = source(cell);
      try {
        let { reply, iopub } = await client.execute(code, { timeoutMs: 120_000, stopOnError: false });
        if (reply.content.status === "abort" || reply.content.status === "aborted") {
          // tslab aborts every request after an error: start it again, replay the cells that passed, go on.
          await client.shutdown().catch(() => undefined);
          client = await start();
          for (const earlier of passed) await client.execute(source(earlier), { timeoutMs: 120_000, stopOnError: false });
          ({ reply, iopub } = await client.execute(code, { timeoutMs: 120_000, stopOnError: false }));
        }
        const failed = failure(reply, iopub);
        if (failed) failures.push(`${cell.id}: ${failed}`);
        else {
          passed.push(cell);
          const differs = outputProblem(cell, iopub);
          if (differs) differences.push(`${cell.id}: ${differs}`);
        }
      } catch (err) {
        failures.push(`${cell.id}: no reply: ${err.message.split("\n")[0]}`);
      }
    }
  } finally {
    await client.shutdown().catch(() => undefined);
    rmSync(join(here, "counter.gen.ts"), { force: true });
  }
  return { cells: cells.length, failures, differences };
}

const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(kernels);
const rows = [];
for (const kernel of chosen) {
  for (const name of notebooks) {
    let result;
    try {
      result = await runNotebook(kernel, name);
    } catch (err) {
      const cells = JSON.parse(readFileSync(join(here, name), "utf8")).cells.filter((c) => c.cell_type === "code").length;
      result = { cells, failures: [`kernel did not start: ${err.message.split("\n")[0]}`], differences: [] };
    }
    const ran = Math.max(0, result.cells - result.failures.length);
    const matched = ran - result.differences.length;
    const cellText = (list) => list.join("<br>").replaceAll("|", "\\|");
    rows.push(`| ${name} | ${kernel} | ${result.cells > 0 && result.failures.length === 0 ? "yes" : "no"} | ${ran}/${result.cells} | ${matched}/${result.cells} | ${cellText(result.failures)} | ${cellText(result.differences)} |`);
    process.stderr.write(`${kernel} ${name}: ran ${ran}/${result.cells}, outputs as expected ${matched}/${result.cells}\n${[...result.failures, ...result.differences].map((f) => `  ${f}\n`).join("")}`);
  }
}
process.stdout.write(["| notebook | kernel | runs | cells without error | outputs as expected | errors | other outputs |", "|---|---|---|---|---|---|---|", ...rows].join("\n") + "\n");
