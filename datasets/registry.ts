/** The dataset registry: a card for each dataset, and one way to load any of them. */
import type { Table } from "apache-arrow";
import { loadFlights, loadPenguins, loadSeattleWeather } from "./loaders.js";

export interface DatasetCard {
  name: string;
  description: string;
  source: string;
  licence: string;
  rows: number;
  columns: string[];
  target: string;
  /** Rows per target class, or a summary for a numeric target. */
  classBalance: Record<string, number> | string;
  load(): Table;
}

const VEGA = "vega-datasets 3.2.1 (npm), https://github.com/vega/vega-datasets";

export const DATASETS: Record<string, DatasetCard> = {
  "seattle-weather": {
    name: "seattle-weather",
    description: "Daily weather in Seattle, 2012–2015: precipitation, temperatures, wind and the day's weather.",
    source: `${VEGA}, data/seattle-weather.csv (NOAA)`,
    licence: "BSD-3-Clause (vega-datasets); public domain (NOAA)",
    rows: 1461,
    columns: ["date", "precipitation", "temp_max", "temp_min", "wind", "weather"],
    target: "weather",
    classBalance: { rain: 641, sun: 640, fog: 101, drizzle: 53, snow: 26 },
    load: loadSeattleWeather,
  },
  penguins: {
    name: "penguins",
    description: "Palmer Archipelago penguins: species, island, beak and flipper sizes, body mass, sex (complete rows).",
    source: `${VEGA}, data/penguins.json (Gorman, Williams and Fraser 2014)`,
    licence: "BSD-3-Clause (vega-datasets); CC0 (palmerpenguins)",
    rows: 333,
    columns: ["species", "island", "beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g", "sex"],
    target: "species",
    classBalance: { Adelie: 146, Chinstrap: 68, Gentoo: 119 },
    load: () => loadPenguins(),
  },
  flights: {
    name: "flights",
    description: "US domestic flights: arrival delay (minutes), distance (miles), departure time (hour).",
    source: `${VEGA}, data/flights-200k.arrow (US DOT)`,
    licence: "BSD-3-Clause (vega-datasets); public domain (US DOT)",
    rows: 200000,
    columns: ["delay", "distance", "time"],
    target: "delay",
    classBalance: "numeric target; 21.6 % of flights are more than 15 minutes late (43,145 of 200,000)",
    load: loadFlights,
  },
};

/** The cards, for a table of what is available. @example listDatasets().map((c) => c.name) */
export function listDatasets(): DatasetCard[] {
  return Object.values(DATASETS);
}

/** Loads a dataset by name as an Arrow table. @example loadDataset("seattle-weather").numRows // 1461 */
export function loadDataset(name: string): Table {
  const card = DATASETS[name];
  if (!card) throw new Error(`loadDataset: unknown dataset '${name}'; available: ${Object.keys(DATASETS).join(", ")}.`);
  return card.load();
}
