/**
 * DuckDB and Arrow types, both ways, nested types included: LIST, ARRAY, STRUCT, MAP, DATE, TIMESTAMP (each
 * unit, and WITH TIME ZONE as a UTC timestamp), DECIMAL, ENUM as a dictionary, BLOB and UUID (Arrow's
 * canonical `arrow.uuid` extension), as DuckDB's own Arrow export maps them. Values move between the two as
 * plain JavaScript (what apache-arrow's builders and node-api's `jsToDuckDBValue` take).
 */
import {
  ARRAY, BIGINT, BLOB, BOOLEAN, DATE, DECIMAL, DOUBLE, DuckDBTypeId, ENUM, FLOAT, INTEGER, LIST, MAP, SMALLINT, STRUCT, TIMESTAMP, TIMESTAMPTZ, TIMESTAMP_MS, TIMESTAMP_NS, TIMESTAMP_S,
  TINYINT, UBIGINT, UINTEGER, USMALLINT, UTINYINT, UUID, VARCHAR, type DuckDBType, type DuckDBValue,
  DuckDBDecimalValue, DuckDBListValue, DuckDBStructValue, DuckDBMapValue, DuckDBArrayValue, DuckDBDateValue, DuckDBTimestampValue, DuckDBTimestampTZValue,
  DuckDBTimestampSecondsValue, DuckDBTimestampMillisecondsValue, DuckDBTimestampNanosecondsValue, DuckDBBlobValue, DuckDBUUIDValue,
  type DuckDBListType, type DuckDBArrayType, type DuckDBStructType, type DuckDBMapType, type DuckDBDecimalType, timestampValue, timestampTZValue,
} from "@duckdb/node-api";
import {
  Binary, Bool, DataType, DateDay, Decimal, Dictionary, Field, FixedSizeBinary, FixedSizeList, Float32, Float64, Int8, Int16, Int32, Int64, List, Map_, Struct, TimeUnit, Timestamp,
  Uint8, Uint16, Uint32, Uint64, Utf8,
} from "apache-arrow";
import { InputError } from "../core/errors.js";

/** Field metadata naming Arrow's canonical UUID extension (16 bytes, big-endian). */
export const UUID_METADATA = new Map([["ARROW:extension:name", "arrow.uuid"]]);

const field = (name: string, type: DataType, nullable = true, metadata?: Map<string, string>) => new Field(name, type, nullable, metadata ?? null);

/** The Arrow field for a DuckDB column; types without an Arrow counterpart (INTERVAL, TIME, UNION, ...) become text. */
export function arrowFieldOf(name: string, t: DuckDBType): Field {
  if (t.typeId === DuckDBTypeId.UUID) return field(name, new FixedSizeBinary(16), true, UUID_METADATA);
  return field(name, arrowTypeOf(t));
}

function arrowTypeOf(t: DuckDBType): DataType {
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN: return new Bool();
    case DuckDBTypeId.TINYINT: return new Int8();
    case DuckDBTypeId.SMALLINT: return new Int16();
    case DuckDBTypeId.INTEGER: return new Int32();
    case DuckDBTypeId.BIGINT: return new Int64();
    case DuckDBTypeId.UTINYINT: return new Uint8();
    case DuckDBTypeId.USMALLINT: return new Uint16();
    case DuckDBTypeId.UINTEGER: return new Uint32();
    case DuckDBTypeId.UBIGINT: return new Uint64();
    case DuckDBTypeId.FLOAT: return new Float32();
    case DuckDBTypeId.DOUBLE: return new Float64();
    case DuckDBTypeId.DATE: return new DateDay();
    case DuckDBTypeId.TIMESTAMP_S: return new Timestamp(TimeUnit.SECOND);
    case DuckDBTypeId.TIMESTAMP_MS: return new Timestamp(TimeUnit.MILLISECOND);
    case DuckDBTypeId.TIMESTAMP: return new Timestamp(TimeUnit.MICROSECOND);
    case DuckDBTypeId.TIMESTAMP_NS: return new Timestamp(TimeUnit.NANOSECOND);
    // DuckDB stores an instant; Arrow's timestamp with a zone is one too, shown in that zone.
    case DuckDBTypeId.TIMESTAMP_TZ: return new Timestamp(TimeUnit.MICROSECOND, "UTC");
    case DuckDBTypeId.DECIMAL: {
      const d = t as DuckDBDecimalType;
      return new Decimal(d.scale, d.width, 128);
    }
    case DuckDBTypeId.ENUM: return new Dictionary(new Utf8(), new Int32());
    case DuckDBTypeId.BLOB: return new Binary();
    case DuckDBTypeId.UUID: return new FixedSizeBinary(16);
    case DuckDBTypeId.LIST: return new List(arrowFieldOf("item", (t as DuckDBListType).valueType));
    case DuckDBTypeId.ARRAY: {
      const a = t as DuckDBArrayType;
      return new FixedSizeList(a.length, arrowFieldOf("item", a.valueType));
    }
    case DuckDBTypeId.STRUCT: {
      const s = t as DuckDBStructType;
      return new Struct(s.entryNames.map((n, i) => arrowFieldOf(n, s.entryTypes[i]!)));
    }
    case DuckDBTypeId.MAP: {
      const m = t as DuckDBMapType;
      const entries = field("entries", new Struct([field("key", arrowTypeOf(m.keyType), false), arrowFieldOf("value", m.valueType)]), false);
      return new Map_(entries as Field<Struct<{ key: DataType; value: DataType }>>);
    }
    default: return new Utf8();
  }
}

/** 128-bit two's complement as apache-arrow's Decimal builder takes it: four little-endian 32-bit words. */
function decimalWords(v: bigint): Uint32Array {
  let u = BigInt.asUintN(128, v);
  const w = new Uint32Array(4);
  for (let i = 0; i < 4; i++, u >>= 32n) w[i] = Number(u & 0xffffffffn);
  return w;
}

function uuidBytes(s: string): Uint8Array {
  const hex = s.replace(/-/g, "");
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

/**
 * A DuckDB value (node-api's raw value classes) as the plain JavaScript apache-arrow's builder for its Arrow
 * type takes: lists as arrays, structs as objects, maps as Maps, dates and timestamps as epoch milliseconds
 * (fractional below a millisecond), decimals as their unscaled words, UUIDs as 16 bytes.
 */
export function toArrowValue(v: DuckDBValue, t: DuckDBType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.typeId) {
    case DuckDBTypeId.LIST: return (v as DuckDBListValue).items.map((x) => toArrowValue(x, (t as DuckDBListType).valueType));
    case DuckDBTypeId.ARRAY: return (v as DuckDBArrayValue).items.map((x) => toArrowValue(x, (t as DuckDBArrayType).valueType));
    case DuckDBTypeId.STRUCT: {
      const s = t as DuckDBStructType;
      const e = (v as DuckDBStructValue).entries;
      return Object.fromEntries(s.entryNames.map((n, i) => [n, toArrowValue(e[n] ?? null, s.entryTypes[i]!)]));
    }
    case DuckDBTypeId.MAP: {
      const m = t as DuckDBMapType;
      return new Map((v as DuckDBMapValue).entries.map((e) => [toArrowValue(e.key, m.keyType), toArrowValue(e.value, m.valueType)]));
    }
    case DuckDBTypeId.DATE: return (v as DuckDBDateValue).days * 86_400_000;
    case DuckDBTypeId.TIMESTAMP_S: return Number((v as DuckDBTimestampSecondsValue).seconds) * 1000;
    case DuckDBTypeId.TIMESTAMP_MS: return Number((v as DuckDBTimestampMillisecondsValue).millis);
    case DuckDBTypeId.TIMESTAMP: return Number((v as DuckDBTimestampValue).micros) / 1000;
    case DuckDBTypeId.TIMESTAMP_TZ: return Number((v as DuckDBTimestampTZValue).micros) / 1000;
    case DuckDBTypeId.TIMESTAMP_NS: return Number((v as DuckDBTimestampNanosecondsValue).nanos) / 1e6;
    case DuckDBTypeId.DECIMAL: return decimalWords((v as DuckDBDecimalValue).value);
    case DuckDBTypeId.BLOB: return (v as DuckDBBlobValue).bytes;
    case DuckDBTypeId.UUID: return uuidBytes((v as DuckDBUUIDValue).toString());
    case DuckDBTypeId.ENUM:
    case DuckDBTypeId.VARCHAR: return String(v);
    default: {
      if (typeof v === "boolean" || typeof v === "number" || typeof v === "bigint" || typeof v === "string") return v;
      return String(v);
    }
  }
}

/** The DuckDB type for an Arrow field (what CREATE TABLE and the appender use). */
export function duckTypeOfField(f: Field, column = f.name, nested = false): DuckDBType {
  if (f.metadata.get("ARROW:extension:name") === "arrow.uuid") return UUID;
  return duckTypeOf(f.type, column, nested);
}

function duckTypeOf(type: DataType, column: string, nested: boolean): DuckDBType {
  if (DataType.isBool(type)) return BOOLEAN;
  if (DataType.isInt(type)) {
    const { bitWidth, isSigned } = type as Int32;
    const map = isSigned ? { 8: TINYINT, 16: SMALLINT, 32: INTEGER, 64: BIGINT } : { 8: UTINYINT, 16: USMALLINT, 32: UINTEGER, 64: UBIGINT };
    return map[bitWidth as 8 | 16 | 32 | 64];
  }
  if (DataType.isFloat(type)) return (type as Float32).precision === 2 ? DOUBLE : FLOAT;
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return VARCHAR;
  if (DataType.isDictionary(type)) {
    // A dictionary of strings is a category: DuckDB's ENUM (its values filled in from the data by the
    // caller); inside a nested type, where no one column holds the dictionary, its strings.
    if (DataType.isUtf8((type as Dictionary).dictionary)) return nested ? VARCHAR : ENUM([]);
    return duckTypeOf((type as Dictionary).dictionary, column, nested);
  }
  if (DataType.isDate(type)) return DATE;
  if (DataType.isTimestamp(type)) {
    const ts = type as Timestamp;
    if (ts.timezone) return TIMESTAMPTZ;
    return ts.unit === TimeUnit.SECOND ? TIMESTAMP_S : ts.unit === TimeUnit.MILLISECOND ? TIMESTAMP_MS : ts.unit === TimeUnit.NANOSECOND ? TIMESTAMP_NS : TIMESTAMP;
  }
  if (DataType.isDecimal(type)) {
    const d = type as Decimal;
    if (d.precision > 38) throw new InputError(`Column '${column}' has Arrow type ${String(type)}; DuckDB's DECIMAL holds at most 38 digits.`);
    return DECIMAL(d.precision, d.scale);
  }
  if (DataType.isBinary(type) || DataType.isLargeBinary(type)) return BLOB;
  if (DataType.isFixedSizeBinary(type)) return BLOB;
  if (DataType.isList(type)) return LIST(duckTypeOfField((type as List).children[0]!, column, true));
  if (DataType.isFixedSizeList(type)) return ARRAY(duckTypeOfField((type as FixedSizeList).children[0]!, column, true), (type as FixedSizeList).listSize);
  if (DataType.isStruct(type)) return STRUCT(Object.fromEntries((type as Struct).children.map((c) => [c.name, duckTypeOfField(c, column, true)])));
  if (DataType.isMap(type)) {
    const [k, v] = ((type as Map_).children[0]!.type as Struct).children;
    return MAP(duckTypeOfField(k!, column, true), duckTypeOfField(v!, column, true));
  }
  throw new InputError(`Column '${column}' has Arrow type ${String(type)}, which cannot be stored through DuckDB; convert it to numbers, strings, dates, timestamps, decimals, binary, lists, structs or maps first.`);
}

function wordsToBigInt(w: ArrayLike<number>): bigint {
  let v = 0n;
  for (let i = w.length - 1; i >= 0; i--) v = (v << 32n) | BigInt(w[i]! >>> 0);
  return BigInt.asIntN(128, v);
}

function uuidString(b: Uint8Array): string {
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * An Arrow value (from `vector.get(i)`) as the JavaScript node-api's jsToDuckDBValue takes for DuckDB type
 * `t`: Dates for dates and timestamps, scaled bigints for decimals, arrays, objects and {key, value} lists.
 */
export function toDuckValue(v: unknown, t: DuckDBType, f: Field): unknown {
  if (v === null || v === undefined) return null;
  switch (t.typeId) {
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY: {
      const child = (f.type as List).children[0]!;
      return Array.from(v as Iterable<unknown>, (x) => toDuckValue(x, (t as DuckDBListType).valueType, child));
    }
    case DuckDBTypeId.STRUCT: {
      const s = t as DuckDBStructType;
      const row = v as Record<string, unknown>;
      return Object.fromEntries((f.type as Struct).children.map((c, i) => [c.name, toDuckValue(row[c.name], s.entryTypes[i]!, c)]));
    }
    case DuckDBTypeId.MAP: {
      const m = t as DuckDBMapType;
      const [kf, vf] = ((f.type as Map_).children[0]!.type as Struct).children;
      const entries: [unknown, unknown][] = v instanceof Map ? [...v.entries()] : [...(v as Iterable<[unknown, unknown]>)];
      return entries.map(([k, x]) => ({ key: toDuckValue(k, m.keyType, kf!), value: toDuckValue(x, m.valueType, vf!) }));
    }
    case DuckDBTypeId.DATE:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS: return v instanceof Date ? v : new Date(Number(v));
    case DuckDBTypeId.DECIMAL: return wordsToBigInt(v as Uint32Array);
    case DuckDBTypeId.UUID: return uuidString(v as Uint8Array);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT: return BigInt(v as bigint);
    case DuckDBTypeId.ENUM:
    case DuckDBTypeId.VARCHAR: return String(v);
    default: return v;
  }
}

/** Exact DuckDB values where a JavaScript Date would round to milliseconds (top-level timestamps). */
export function exactTimestamp(ms: number, t: DuckDBType): DuckDBValue {
  const micros = BigInt(Math.round(ms * 1000));
  return t.typeId === DuckDBTypeId.TIMESTAMP_TZ ? timestampTZValue(micros) : timestampValue(micros);
}
