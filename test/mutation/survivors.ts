/**
 * Lists the mutants that survived (or that no test reached) in an area's last run, one
 * line each with its place and what was changed, from reports/mutation/AREA.json:
 *
 *   node --import tsx test/mutation/survivors.ts grader-scoring [FILE-FILTER]
 */
import fs from "node:fs";
import path from "node:path";

interface Report {
  files: Record<
    string,
    {
      source: string;
      mutants: { mutatorName: string; replacement?: string; status: string; location: { start: { line: number; column: number } } }[];
    }
  >;
}

const [area, fileFilter] = process.argv.slice(2);
if (!area) {
  console.error("survivors: name the area, e.g. `node --import tsx test/mutation/survivors.ts nn`.");
  process.exit(2);
}
const file = path.resolve(__dirname, "..", "..", "reports", "mutation", `${area}.json`);
if (!fs.existsSync(file)) {
  console.error(`survivors: ${path.relative(process.cwd(), file)} does not exist; run \`npm run mutation -- ${area}\` first.`);
  process.exit(2);
}
const report = JSON.parse(fs.readFileSync(file, "utf8")) as Report;
for (const [name, { source, mutants }] of Object.entries(report.files)) {
  if (fileFilter && !name.includes(fileFilter)) continue;
  const lines = source.split("\n");
  const left = mutants
    .filter((m) => m.status === "Survived" || m.status === "NoCoverage")
    .sort((a, b) => a.location.start.line - b.location.start.line);
  for (const m of left) {
    const at = m.location.start;
    const code = (lines[at.line - 1] ?? "").trim().slice(0, 90);
    const replacement = (m.replacement ?? "").replace(/\s+/g, " ").slice(0, 60);
    console.log(
      `${name}:${at.line}:${at.column} ${m.status === "NoCoverage" ? "NO COVER" : "SURVIVED"} ${m.mutatorName} → ${replacement}\n    ${code}`,
    );
  }
}
