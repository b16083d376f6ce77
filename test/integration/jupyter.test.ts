import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { projectRoot, runCourse } from "../helpers/cli";
import { which } from "../../scripts/src/jupyter/find";

const exec = promisify(execFile);
const nbconvert = which("jupyter-nbconvert");
const skip = nbconvert ? false : "Debian's jupyter-nbconvert is not installed (.ci/run installs it)";

interface Output {
  output_type: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}
interface Cell {
  cell_type: string;
  id: string;
  execution_count?: number | null;
  outputs?: Output[];
}

// nbformat stores multiline strings either whole or as a list of lines.
const joined = (v: unknown) => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : undefined);
const text = (o: Output) => joined(o.text) ?? "";
const html = (o: Output | undefined) => joined(o?.data?.["text/html"]);

test(
  "the kernel registered by `course setup` runs notebook 01 under real Jupyter (nbconvert --execute)",
  { skip, timeout: 180_000 },
  async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-jupyter-"));
    try {
      const setup = await runCourse(["setup", "--prefix", tmp]);
      assert.equal(setup.code, 0, setup.stderr);
      assert.match(setup.stdout, /Registered kernel "tslab"/);

      // Jupyter finds it through JUPYTER_PATH, ahead of any spec the user registered.
      const env = { ...process.env, JUPYTER_PATH: path.join(tmp, "share", "jupyter") };
      // Asked of jupyter_client itself, in the Python that runs nbconvert (its shebang).
      const python = fs
        .readFileSync(nbconvert!, "utf8")
        .split("\n")[0]
        .replace(/^#!\s*/, "")
        .split(" ")[0];
      const listSpecs =
        "import json; from jupyter_client.kernelspec import KernelSpecManager as M; print(json.dumps({'kernelspecs': M().get_all_specs()}))";
      const specs = JSON.parse((await exec(python, ["-c", listSpecs], { env })).stdout) as {
        kernelspecs: Record<string, { resource_dir: string; spec: { argv: string[] } }>;
      };
      assert.equal(specs.kernelspecs.tslab.resource_dir, path.join(tmp, "share", "jupyter", "kernels", "tslab"));
      assert.ok(fs.existsSync(specs.kernelspecs.tslab.spec.argv[1]), "the spec points at an existing tslab script");

      const notebook = path.join(projectRoot, "notebooks", "01-mcculloch-pitts.ipynb");
      await exec(nbconvert!, ["--to", "notebook", "--execute", notebook, "--output-dir", tmp, "--ExecutePreprocessor.timeout=120"], {
        env,
        timeout: 170_000,
      });
      const executed = JSON.parse(fs.readFileSync(path.join(tmp, "01-mcculloch-pitts.ipynb"), "utf8")) as { cells: Cell[] };
      const outputs = executed.cells.flatMap((c) => c.outputs ?? []);
      assert.equal(outputs.filter((o) => o.output_type === "error").length, 0);
      // The kernel sends execute_input: every code cell has its count (an export --from reads them).
      const counts = executed.cells.filter((c) => c.cell_type === "code").map((c) => c.execution_count);
      assert.deepEqual(
        counts,
        counts.map((_, i) => i + 1),
      );
      // A table with a caption comes as a <figure>: its caption above the table.
      const tables = outputs.filter(
        (o) => o.output_type === "display_data" && /^(<figure[^>]*><figcaption[^>]*>.*?<\/figcaption>)?<table/s.test(html(o) ?? ""),
      );
      assert.ok(tables.length >= 8, `expected the truth tables as HTML, got ${tables.length} HTML tables`);
      const andTable = html(executed.cells.find((c) => c.id === "and-code")?.outputs?.[0]) ?? "";
      // The AND table's output column, read from the HTML: 0, 0, 0, 1.
      const outs = [...andTable.matchAll(/<tr>(?:<td[^>]*>\d<\/td>){2}<td[^>]*>(\d)<\/td><\/tr>/g)].map((m) => m[1]);
      assert.deepEqual(outs, ["0", "0", "0", "1"]);
      const check = executed.cells.find((c) => c.id === "check-code");
      assert.match(text(check!.outputs![0]), /All 7 circuits match their truth tables/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);

test("course doctor fails without a kernel spec and passes once `course setup` has run", { timeout: 120_000 }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-doctor-"));
  try {
    const env = { ...process.env, JUPYTER_DATA_DIR: tmp, JUPYTER_PATH: "", HOME: tmp };
    const before = await runCourse(["doctor"], { env });
    assert.equal(before.code, 1, before.stdout + before.stderr);
    assert.match(before.stdout, /\[FAIL\] kernel +no Jupyter kernel named "tslab" is registered/);
    assert.match(before.stdout, /fix: run `npx course setup`/);

    assert.equal((await runCourse(["setup"], { env })).code, 0);
    const after = await runCourse(["doctor"], { env });
    assert.match(after.stdout, /\[ok  \] kernel +kernel "tslab" is registered at .* and starts this project's kernel/);
    assert.match(after.stdout, /\[ok  \] kernel +the kernel starts and runs a cell that imports nncourse/);
    assert.match(after.stdout, /\[ok  \] tfjs +TensorFlow.js will use /);
    assert.equal(after.code, 0, after.stdout);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
