/**
 * danfo.js DataFrames to Arrow tables and back, column by column. danfo keeps numbers as JavaScript doubles
 * and labels them int32 or float32; Arrow keeps the real widths, so 64-bit integers beyond 2^53 do not survive
 * a trip through danfo (converting refuses them rather than round them silently).
 */
import { Bool, DataType, Float64, Int32, Table, TimestampMillisecond, Utf8, vectorFromArray, type Vector } from "apache-arrow";
import { InputError } from "../core/errors.js";

interface DanfoFrame {
  columns: string[];
  dtypes: string[];
  column(name: string): { values: unknown[] };
}

async function danfo(): Promise<{ DataFrame: new (data: Record<string, unknown[]>) => DanfoFrame }> {
  try {
    return (await import("danfojs-node")) as never;
  } catch (err) {
    throw new InputError(`danfojs-node could not be loaded (${(err as Error).message}); it is a dependency of mlsd: run npm install.`);
  }
}

/**
 * @example const df = await toDanfo(table); df.describe().print()
 */
export async function toDanfo(table: Table): Promise<DanfoFrame> {
  const { DataFrame } = await danfo();
  const data: Record<string, unknown[]> = {};
  for (const f of table.schema.fields) {
    const col = table.getChild(f.name)!;
    data[f.name] = Array.from({ length: table.numRows }, (_, i) => {
      const v = col.get(i) as unknown;
      if (typeof v === "bigint") {
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new InputError(`Column '${f.name}' row ${i} holds ${v}, beyond what danfo's JavaScript numbers keep exactly (2^53).`);
        return Number(v);
      }
      return v;
    });
  }
  return new DataFrame(data);
}

/**
 * danfo calls a numeric column with nulls "float32", so integer columns with nulls come back as Float64; pass
 * `like` (an Arrow table with the intended schema) to get the original types back.
 * @example const table = fromDanfo(df); await writeTable(table, "out.parquet")
 */
export function fromDanfo(df: DanfoFrame, like?: Table): Table {
  if (!df || !Array.isArray(df.columns) || typeof df.column !== "function") throw new InputError("fromDanfo: expected a danfo.js DataFrame.");
  const vectors: Record<string, Vector> = {};
  df.columns.forEach((name, j) => {
    const values = df.column(name).values.map((v) => (v === undefined || (typeof v === "number" && Number.isNaN(v)) ? null : v));
    const dtype = df.dtypes[j];
    let type: DataType;
    const wanted = like?.schema.fields.find((f) => f.name === name)?.type;
    if (wanted) type = wanted;
    else if (values.some((v) => v instanceof Date)) type = new TimestampMillisecond();
    else if (dtype === "int32" && values.every((v) => v === null || (typeof v === "number" && Number.isInteger(v) && Math.abs(v) < 2 ** 31))) type = new Int32();
    else if (dtype === "int32" || dtype === "float32") type = new Float64();
    else if (dtype === "boolean") type = new Bool();
    else type = new Utf8();
    const prepared = values.map((v) => (v instanceof Date && !DataType.isDate(type) ? v.getTime() : DataType.isUtf8(type) && v !== null ? String(v) : DataType.isInt(type) && (type as { bitWidth: number }).bitWidth === 64 && typeof v === "number" ? BigInt(v) : v));
    vectors[name] = vectorFromArray(prepared, type);
  });
  return new Table(vectors);
}
