/**
 * `mlsd clean`: a notebook without what changes on every run but not in what it shows, so re-running a
 * notebook (in Jupyter or with `mlsd run`) leaves git clean. Outputs are kept: the curated notebooks are
 * committed with them, so their charts show on first open. What is normalised:
 *
 * - execution counts renumbered 1, 2, 3... in cell order, as a top-to-bottom run numbers them;
 * - view state and timings in cell metadata (nbstripout's default list: `collapsed`, `scrolled`, `ExecuteTime`,
 *   `execution`, `heading_collapsed`, `hidden`), and papermill's per-cell and notebook timings;
 * - outputs of cells tagged `nbval-ignore-output` (nbval's tag for outputs that differ between runs, such as
 *   measured latencies): when a reference version of the notebook (for the git filter, the committed one) has
 *   the same cell with the same source, its outputs are kept, so a re-run does not show as a change;
 * - the file format: nbformat's, as Jupyter writes it.
 */
import { formatNotebook, type Cell, type Notebook } from "./notebook.js";
import { sourceText } from "./notebook.js";

/** nbstripout's default `extra_keys` for cells, plus papermill's per-cell record. */
const VOLATILE_CELL_METADATA = ["collapsed", "scrolled", "ExecuteTime", "execution", "heading_collapsed", "hidden", "papermill"];
/** papermill's notebook-level timings and paths, which say where a run happened, not what it gave (its parameters stay). */
const VOLATILE_PAPERMILL = ["start_time", "end_time", "duration", "input_path", "output_path"];
export const IGNORE_OUTPUT_TAG = "nbval-ignore-output";

const cellKey = (c: Cell, i: number) => c.id ?? `#${i}`;

/**
 * The cleaned notebook (a copy), and as text in nbformat's format.
 * @example cleanNotebook(readNotebook("notebooks/04-sampling.ipynb"), readNotebook("committed.ipynb")).text
 */
export function cleanNotebook(nb: Notebook, reference?: Notebook): { notebook: Notebook; text: string } {
  const copy = JSON.parse(JSON.stringify(nb)) as Notebook;
  const papermill = copy.metadata["papermill"] as Record<string, unknown> | undefined;
  if (papermill && typeof papermill === "object") for (const k of VOLATILE_PAPERMILL) delete papermill[k];
  delete copy.metadata["widgets"];
  const kept = new Map((reference?.cells ?? []).map((c, i) => [cellKey(c, i), c]));
  let count = 0;
  for (const [i, cell] of copy.cells.entries()) {
    for (const k of VOLATILE_CELL_METADATA) delete cell.metadata?.[k];
    if (cell.cell_type !== "code") continue;
    const ref = kept.get(cellKey(cell, i));
    if (cell.metadata?.tags?.includes(IGNORE_OUTPUT_TAG) && ref && ref.cell_type === "code" && sourceText(ref) === sourceText(cell)) {
      cell.outputs = JSON.parse(JSON.stringify(ref.outputs ?? [])) as typeof cell.outputs;
    }
    if (cell.execution_count === null || cell.execution_count === undefined) {
      cell.execution_count = null;
      for (const o of cell.outputs ?? []) if (o.output_type === "execute_result") o["execution_count"] = null;
      continue;
    }
    cell.execution_count = ++count;
    for (const o of cell.outputs ?? []) if (o.output_type === "execute_result") o["execution_count"] = count;
  }
  return { notebook: copy, text: formatNotebook(copy) };
}
