/** Loaders for the real datasets packaged in vega-datasets; each returns an Apache Arrow table. */
import { tableFromArrays, tableFromIPC, type Table } from "apache-arrow";
import { parseCsv } from "./csv.js";
import { readVegaBytes, readVegaText } from "./files.js";

/**
 * Daily Seattle weather 2012–2015 (1,461 days); `weather` is an imbalanced 5-class target
 * (rain 641, sun 640, fog 101, drizzle 53, snow 26).
 * @example const t = loadSeattleWeather(); t.getChild("weather")
 */
export function loadSeattleWeather(): Table {
  const [header, ...rows] = parseCsv(readVegaText("seattle-weather.csv"));
  const col = (name: string) => header!.indexOf(name);
  const num = (name: string) => Float64Array.from(rows, (r) => Number(r[col(name)]));
  return tableFromArrays({
    date: rows.map((r) => r[col("date")]!),
    precipitation: num("precipitation"),
    temp_max: num("temp_max"),
    temp_min: num("temp_min"),
    wind: num("wind"),
    weather: rows.map((r) => r[col("weather")]!),
  });
}

interface PenguinRow {
  Species: string;
  Island: string;
  "Beak Length (mm)": number | null;
  "Beak Depth (mm)": number | null;
  "Flipper Length (mm)": number | null;
  "Body Mass (g)": number | null;
  Sex: string | null;
}

/**
 * Palmer penguins (344 birds, 3 species). With `dropMissing` (the default), the 11 rows with a missing
 * measurement or sex are left out (333 remain).
 */
export function loadPenguins(options: { dropMissing?: boolean } = {}): Table {
  let rows = JSON.parse(readVegaText("penguins.json")) as PenguinRow[];
  if (options.dropMissing ?? true) rows = rows.filter((r) => Object.values(r).every((v) => v !== null && v !== "."));
  const num = (k: keyof PenguinRow) => Float64Array.from(rows, (r) => (r[k] === null ? NaN : Number(r[k])));
  return tableFromArrays({
    species: rows.map((r) => r.Species),
    island: rows.map((r) => r.Island),
    beak_length_mm: num("Beak Length (mm)"),
    beak_depth_mm: num("Beak Depth (mm)"),
    flipper_length_mm: num("Flipper Length (mm)"),
    body_mass_g: num("Body Mass (g)"),
    sex: rows.map((r) => (r.Sex === null || r.Sex === "." ? "unknown" : r.Sex)),
  });
}

/** US flights with `delay` (minutes), `distance` (miles) and `time` (hour of day): 200,000 rows from Arrow IPC. */
export function loadFlights(): Table {
  return tableFromIPC(readVegaBytes("flights-200k.arrow"));
}
