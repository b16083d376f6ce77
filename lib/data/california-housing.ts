/**
 * California housing (Pace & Barry 1997): 20,640 census block groups.
 *
 *   const { data, target, featureNames } = loadCaliforniaHousing();
 *   data    // Float64Array, 20640 rows x 8 features, row-major
 *   target  // Float64Array, median house value in units of 100,000 USD
 *
 * The features and target are derived from the raw StatLib table exactly as
 * scikit-learn's fetch_california_housing does it (same float64 arithmetic, same
 * column order), so results can be compared with Python material one to one.
 */
import * as fs from "node:fs";
import { checkPayload, checksumError, decodePayload } from "./payload";
import { fetchAdvice, locateDatasetFile } from "./locate";

export const CALIFORNIA_HOUSING = "california-housing";
const DATA_FILE = "cal_housing.data";

/** Columns of cal_housing.data, in file order (as its .domain file names them). */
export const CALIFORNIA_HOUSING_RAW_COLUMNS: readonly string[] = Object.freeze([
  "longitude",
  "latitude",
  "housingMedianAge",
  "totalRooms",
  "totalBedrooms",
  "population",
  "households",
  "medianIncome",
  "medianHouseValue",
]);

/** scikit-learn's feature names, in its order. */
export const CALIFORNIA_HOUSING_FEATURES: readonly string[] = Object.freeze([
  "MedInc",
  "HouseAge",
  "AveRooms",
  "AveBedrms",
  "Population",
  "AveOccup",
  "Latitude",
  "Longitude",
]);

export const CALIFORNIA_HOUSING_TARGET = "MedHouseVal";

export interface CaliforniaHousingRaw {
  /** Column names, CALIFORNIA_HOUSING_RAW_COLUMNS. */
  columns: readonly string[];
  rows: number;
  /** rows x 9 values, row-major, in file order. */
  data: Float64Array;
}

export interface CaliforniaHousing {
  /** rows x 8 features, row-major, in the order of featureNames. */
  data: Float64Array;
  /** Median house value per block group, in units of 100,000 USD. */
  target: Float64Array;
  featureNames: readonly string[];
  targetName: string;
  rows: number;
  cols: number;
}

/** Parses the text of cal_housing.data: 9 comma-separated numbers per line, no header. */
export function parseCalHousingData(text: string, name = DATA_FILE): CaliforniaHousingRaw {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  const data = new Float64Array(lines.length * 9);
  lines.forEach((line, r) => {
    const fields = line.split(",");
    if (fields.length !== 9) throw new Error(`${name} line ${r + 1}: expected 9 comma-separated values, found ${fields.length}.`);
    for (let c = 0; c < 9; c++) {
      // Number() parses decimal text to the nearest float64, as numpy.loadtxt does.
      const v = Number(fields[c]);
      if (fields[c].trim() === "" || !Number.isFinite(v)) throw new Error(`${name} line ${r + 1}, column ${c + 1}: "${fields[c]}" is not a number.`);
      data[r * 9 + c] = v;
    }
  });
  return { columns: CALIFORNIA_HOUSING_RAW_COLUMNS, rows: lines.length, data };
}

/**
 * scikit-learn's derivation: MedInc, HouseAge copied; AveRooms = totalRooms / households;
 * AveBedrms = totalBedrooms / households; Population copied; AveOccup = population /
 * households; Latitude, Longitude copied; target = medianHouseValue / 100000.
 */
export function deriveCaliforniaHousing(raw: CaliforniaHousingRaw): CaliforniaHousing {
  const n = raw.rows;
  const data = new Float64Array(n * 8);
  const target = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const [lon, lat, age, rooms, bedrooms, population, households, income, value] = raw.data.subarray(r * 9, r * 9 + 9);
    data.set([income, age, rooms / households, bedrooms / households, population, population / households, lat, lon], r * 8);
    target[r] = value / 100000.0;
  }
  return { data, target, featureNames: CALIFORNIA_HOUSING_FEATURES, targetName: CALIFORNIA_HOUSING_TARGET, rows: n, cols: 8 };
}

let rawCache: { path: string; raw: CaliforniaHousingRaw } | undefined;

/** The raw table of cal_housing.data (20,640 x 9), verified against the manifest. */
export function loadCaliforniaHousingRaw(): CaliforniaHousingRaw {
  const located = locateDatasetFile(CALIFORNIA_HOUSING, DATA_FILE);
  if (rawCache?.path === located.path) return rawCache.raw;
  const payload = decodePayload(fs.readFileSync(located.path), located.entry, located.path);
  const check = checkPayload(payload, located.entry);
  if (!check.ok) throw checksumError(located.path, located.entry, check, fetchAdvice(located.dataset, true));
  const raw = parseCalHousingData(payload.toString("latin1"), located.path);
  rawCache = { path: located.path, raw };
  return raw;
}

/** The 8 features and the target as scikit-learn's fetch_california_housing gives them. */
export function loadCaliforniaHousing(): CaliforniaHousing {
  return deriveCaliforniaHousing(loadCaliforniaHousingRaw());
}
