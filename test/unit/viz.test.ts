// The figure builders, the network drawing, the trace tables and the live display:
// what each puts in its figure, the errors it gives for bad input, and what reaches a
// notebook (simulated through tslab's display writer) versus a plain console.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import {
  LiveTraining,
  PLOTLY_BUNDLE_MARK,
  PLOTLY_MIME,
  activationGrid,
  compactFigure,
  confusionHeatmap,
  decisionBoundary,
  describeFigure,
  historyChart,
  imageGrid,
  lineChart,
  matchesSeed,
  matchesSource,
  networkDiagramSvg,
  printedDecimals,
  scatterClasses,
  show,
  showTrace,
  sparklineSvg,
  traceMismatches,
} from "../../lib/viz";
import { sigmoid } from "../../lib/nn/activations";

type Written = { data: Record<string, unknown>; transient?: { display_id?: string } };
const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: ((content: Written, update: boolean) => void) | null };

/** Pretends to be inside a tslab cell: collects what the library displays. */
function captureNotebook(): { outputs: { content: Written; update: boolean }[] } {
  const outputs: { content: Written; update: boolean }[] = [];
  jupyter.lastWriteDisplayData = (content, update) => outputs.push({ content, update });
  return { outputs };
}

function captureConsole<T>(fn: () => T): { result: T; lines: string[] } {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    return { result: fn(), lines };
  } finally {
    console.log = original;
  }
}

afterEach(() => {
  jupyter.lastWriteDisplayData = null;
});

describe("line charts and histories", () => {
  test("one trace per series, x defaults to 1..n, titles on the axes", () => {
    const fig = lineChart(
      [
        { name: "a", y: [3, 2, 1] },
        { name: "b", x: [0, 5, 10], y: [1, 2, 3], dash: true },
      ],
      { title: "Loss", yTitle: "loss", logY: true },
    );
    assert.equal(fig.data.length, 2);
    assert.deepEqual(fig.data[0].x, [1, 2, 3]);
    assert.deepEqual(fig.data[1].x, [0, 5, 10]);
    assert.equal((fig.data[1].line as { dash?: string }).dash, "dash");
    assert.deepEqual(fig.layout.title, { text: "Loss" });
    assert.deepEqual((fig.layout.xaxis as { title: unknown }).title, { text: "epoch" });
    assert.equal((fig.layout.yaxis as { type?: string }).type, "log");
    assert.ok(Number(fig.layout.width) >= 600 && Number(fig.layout.height) >= 400, "a readable default size");
  });

  test("every chart with a log axis labels it in powers of ten, not SI prefixes", () => {
    const X = [
      [0, 1],
      [1, 0],
    ];
    const y = [0, 1];
    const run = { epochs: [1, 2].map((epoch) => ({ epoch, loss: 10 ** -epoch })) };
    const charts = {
      lineChart: (logY?: boolean) => lineChart({ name: "g", y: [1e-4, 1e-8] }, { logY }),
      historyChart: (logY?: boolean) => historyChart({ r: run }, { logY }),
      scatterClasses: (logY?: boolean) => scatterClasses(X, y, { logY }),
      decisionBoundary: (logY?: boolean) => decisionBoundary((P) => P.map(() => 0), X, y, { logY, resolution: 5 }),
    };
    for (const [name, build] of Object.entries(charts)) {
      const axis = build(true).layout.yaxis as Record<string, unknown>;
      assert.equal(axis.type, "log", `${name}: a log axis`);
      assert.equal(axis.exponentformat, "power", `${name}: powers of ten`);
      assert.equal(axis.showexponent, "all", `${name}: every tick with its exponent`);
      const linear = build(false).layout.yaxis as Record<string, unknown>;
      assert.equal(linear.type, undefined, `${name}: linear unless asked`);
      assert.equal(linear.exponentformat, undefined, `${name}: linear axes keep plotly's labels`);
    }
  });

  test("bad series are refused with the series named", () => {
    assert.throws(() => lineChart({ name: "loss", y: [1, NaN] }), /"loss" has NaN at index 1/);
    assert.throws(() => lineChart({ name: "loss", y: [] }), /"loss" has no values/);
    assert.throws(() => lineChart({ name: "acc", y: [1, 2], x: [1] }), /"acc" has 1 x values but 2 y values/);
    assert.throws(() => lineChart([]), /no series/);
  });

  test("histories: training solid, validation dashed in the same colour, one colour per run", () => {
    const run = (k: number) => ({
      epochs: [1, 2, 3].map((epoch) => ({ epoch, loss: k / epoch, valLoss: k / epoch + 0.1, accuracy: 0.5 + epoch / 10 })),
    });
    const fig = historyChart({ small: run(1), big: run(2) });
    assert.deepEqual(
      fig.data.map((t) => t.name),
      ["small", "small (validation)", "big", "big (validation)"],
    );
    const colours = fig.data.map((t) => (t.line as { color: string }).color);
    assert.equal(colours[0], colours[1]);
    assert.notEqual(colours[0], colours[2]);
    assert.deepEqual(fig.data[1].y, [1.1, 0.6, 1 / 3 + 0.1]);
    const acc = historyChart({ only: run(1) }, { metric: "accuracy" });
    assert.deepEqual(
      acc.data.map((t) => t.name),
      ["training accuracy"],
      "no validation accuracy was recorded, so no dashed line",
    );
    assert.throws(() => historyChart({ r: { epochs: [{ epoch: 1, loss: 1 }] } }, { metric: "accuracy" }), /no accuracy/);
    assert.throws(() => historyChart({ r: { epochs: [] } }), /"r" has no epochs/);
  });
});

describe("activation grid", () => {
  test("each activation is drawn with its derivative on its own axes", () => {
    const fig = activationGrid(["sigmoid", "relu", "step"], { range: [-2, 2], points: 5 });
    assert.equal(fig.data.length, 6);
    const [f, df] = fig.data;
    assert.deepEqual(f.x, [-2, -1, 0, 1, 2]);
    assert.equal((f.y as number[])[2], 0.5);
    assert.equal((df.y as number[])[2], 0.25, "σ'(0) = 1/4");
    assert.deepEqual(fig.data[2].y, [0, 0, 0, 1, 2], "ReLU");
    assert.equal(fig.data[4].xaxis, "x3");
    const titles = (fig.layout.annotations as { text: string }[]).map((a) => a.text);
    assert.deepEqual(titles, ["<b>sigmoid</b>", "<b>relu</b>", "<b>heaviside</b>"]);
  });

  test("softmax and empty lists are refused with a reason", () => {
    assert.throws(() => activationGrid(["softmax"]), /softmax.*does not act on each number separately/);
    assert.throws(() => activationGrid([]), /no activations/);
    assert.throws(() => activationGrid(["tanh"], { range: [1, 1] }), /range \[1, 1\] is empty/);
    assert.equal(activationGrid([sigmoid]).data.length, 2, "activation objects work too");
  });
});

describe("points and decision regions", () => {
  const X = [
    [-1, -1],
    [1, 1],
    [-1, 1],
    [1, -1],
  ];
  const y = [0, 1, 0, 1];

  test("the grid is predicted in one batch and laid out row by row (z[j][i] at x_i, y_j)", () => {
    let calls = 0;
    const fig = decisionBoundary(
      (P) => {
        calls++;
        return P.map((p) => (p[0] > 0 ? 1 : 0));
      },
      X,
      y,
      { resolution: 11, classNames: ["left", "right"] },
    );
    assert.equal(calls, 1, "one call for the whole grid");
    const regions = fig.data[0] as { x: number[]; y: number[]; z: number[][] };
    assert.equal(regions.z.length, 11);
    regions.z.forEach((row) => row.forEach((label, i) => assert.equal(label, regions.x[i] > 0 ? 1 : 0)));
    assert.ok(regions.x[0] < -1 && regions.x[10] > 1, "the grid reaches past the points");
    assert.deepEqual(
      fig.data.slice(1).map((t) => t.name),
      ["left", "right"],
    );
    assert.deepEqual(fig.data[2].x, [1, 1]);
  });

  test("a classifier that returns probabilities or the wrong count is told what to return", () => {
    assert.throws(() => decisionBoundary((P) => P.map(() => 0.7), X, y), /returned 0\.7 .* class labels 0, 1, 2/);
    assert.throws(() => decisionBoundary(() => [0, 1], X, y, { resolution: 4 }), /returned 2 labels for 16 points/);
    assert.throws(() => scatterClasses(X, [0, 1]), /4 points but 2 labels/);
    assert.throws(() => scatterClasses([[1]], [0]), /point 0 has 1 coordinate/);
    assert.throws(() => scatterClasses([[1, 2]], [0.5]), /labels must be class numbers/);
  });
});

describe("images and confusion matrices", () => {
  test("an image grid shows each image with its label, pixels scaled to 0..1", () => {
    const img = Array.from({ length: 4 }, (_, i) => i * 85); // 0, 85, 170, 255
    const fig = imageGrid([img, img], ["zero", "one"], { width: 2, height: 2, columns: 2, title: "tiny" });
    assert.equal(fig.data.length, 2);
    assert.deepEqual(fig.data[0].z, [
      [0, 85 / 255],
      [170 / 255, 1],
    ]);
    assert.deepEqual(
      (fig.layout.annotations as { text: string }[]).map((a) => a.text),
      ["zero", "one"],
    );
    assert.throws(() => imageGrid([img], ["a"]), /image 0 has 4 pixels, not 28×28 = 784/);
    assert.throws(() => imageGrid([img], ["a", "b"], { width: 2, height: 2 }), /1 images but 2 labels/);
  });

  test("a confusion matrix has every count written in its cell and the accuracy in its title", () => {
    const fig = confusionHeatmap(
      [
        [5, 1],
        [2, 7],
      ],
      ["cat", "dog"],
    );
    const notes = fig.layout.annotations as { x: string; y: string; text: string }[];
    assert.deepEqual(
      notes.map((a) => `${a.y}->${a.x}:${a.text}`),
      ["cat->cat:5", "cat->dog:1", "dog->cat:2", "dog->dog:7"],
    );
    assert.match((fig.layout.title as { text: string }).text, /accuracy 80\.0%/);
    assert.throws(() => confusionHeatmap([[1, 2]], ["a"]), /row 0 has 2 counts/);
    assert.throws(() => confusionHeatmap([[1]], ["a", "b"]), /2 class names for 1 classes/);
  });
});

describe("network diagram", () => {
  const spec = {
    title: "2-1",
    layers: [
      {
        name: "input",
        nodes: [
          { label: "x1", value: 1 },
          { label: "x2", value: 0 },
        ],
      },
      { name: "output", nodes: [{ label: "o", value: 0.731058 }] },
    ],
    weights: [[[0.5, -1.25]]],
    biases: [[0.1]],
  };

  test("nodes, values, weights and biases are all drawn", () => {
    const svg = networkDiagramSvg(spec);
    assert.match(svg, /^<svg /);
    assert.equal((svg.match(/<circle /g) ?? []).length, 3);
    assert.equal((svg.match(/<line /g) ?? []).length, 2);
    for (const label of [">x1<", ">o<", ">0.731<", ">0.5<", ">-1.25<", ">b = 0.1<", ">2-1<", ">input<"])
      assert.ok(svg.includes(label), `${label} in the drawing`);
  });

  test("weights of the wrong shape name the layer and the shape expected", () => {
    assert.throws(() => networkDiagramSvg({ ...spec, weights: [[[0.5], [1]]] }), /weights\[0\] must be 1×2 .* but it is 2×1/);
    assert.throws(() => networkDiagramSvg({ ...spec, weights: [] }), /2 layers need 1 weight matrices/);
    assert.throws(() => networkDiagramSvg({ ...spec, biases: [[1, 2]] }), /biases\[0\] has 2 values for 1 nodes/);
  });
});

describe("trace tables", () => {
  test("a printed value matches what rounds to it", () => {
    assert.equal(printedDecimals(0.7858), 4);
    assert.equal(printedDecimals(121), 0);
    assert.equal(printedDecimals(1.5e-3), 4);
    assert.ok(matchesSeed(0.785835, 0.7858));
    assert.ok(!matchesSeed(0.78595, 0.7858));
    assert.ok(!matchesSeed(1, -1), "the simplest network's slip is caught");
    assert.ok(matchesSeed(0.7, 0.7, 0.1));
    assert.ok(matchesSeed("yes", " yes "));
  });

  test("the table marks rows that differ, and prints aligned text outside a notebook", () => {
    const rows = [
      { name: "z1", value: 1.3, seed: 1.3 },
      { name: "sum", value: 1, seed: -1, note: "the slide says -1" },
      { name: "free", value: 2 },
    ];
    assert.deepEqual(
      traceMismatches(rows).map((r) => r.name),
      ["sum"],
    );
    const { lines } = captureConsole(() => showTrace(rows, { caption: "check" }));
    const text = lines.join("\n");
    assert.match(text, /check/);
    assert.match(text, /z1 .*1\.3 .*1\.3 .*✓ matches/);
    assert.match(text, /sum .*1 .*-1 .*✗ differs .*the slide says -1/);
    const { outputs } = captureNotebook();
    showTrace(rows);
    const html = String(outputs[0].content.data["text/html"]);
    assert.equal((html.match(/background:#fdecea/g) ?? []).length, 1, "one row tinted");
    assert.match(html, /1 value differs from the source column/);
  });

  test("the printed values' column is headed by the source's name, or \"source\"", () => {
    const rows = [
      { name: "z1", value: 1.3, source: 1.3 },
      { name: "sum", value: 1, source: -1 },
    ];
    assert.deepEqual(
      traceMismatches(rows).map((r) => r.name),
      ["sum"],
    );
    const header = (options: Parameters<typeof showTrace>[1]) =>
      captureConsole(() => showTrace(rows, options)).lines.find((l) => /quantity/.test(l)) ?? "";
    assert.match(header({}), /quantity +ours +source +check/);
    assert.doesNotMatch(header({}), /seed/);
    assert.match(header({ sourceLabel: "MSA 8650 slides" }), /ours +MSA 8650 slides +check/);
    const { outputs } = captureNotebook();
    showTrace(rows, { sourceLabel: "Arredondo's talk" });
    const html = String(outputs[0].content.data["text/html"]);
    assert.match(html, /<th[^>]*>Arredondo&#39;s talk<\/th>/);
    assert.match(html, /1 value differs from the Arredondo&#39;s talk column/);
  });

  test("the older call signature (seed, seedLabel) still works", () => {
    const rows = [
      { name: "a", value: 0.7858, seed: 0.7858 },
      { name: "b", value: 2, seed: 3 },
    ];
    assert.deepEqual(
      traceMismatches(rows).map((r) => r.name),
      ["b"],
    );
    const text = captureConsole(() => showTrace(rows, { seedLabel: "printed" })).lines.join("\n");
    assert.match(text, /quantity +ours +printed +check/);
    assert.match(text, /a .*0\.7858 .*0\.7858 .*✓ matches/);
    assert.match(text, /b .*2 .*3 .*✗ differs/);
    // The new names win when both are given.
    const both = captureConsole(() =>
      showTrace([{ name: "c", value: 1, seed: 5, source: 1 }], { seedLabel: "old", sourceLabel: "new" }),
    ).lines.join("\n");
    assert.match(both, /quantity +ours +new +check/);
    assert.match(both, /c .*1 .*1 .*✓ matches/);
    assert.ok(matchesSource(1, 1) && matchesSeed === matchesSource);
  });
});

describe("show", () => {
  test("outside a notebook a figure prints one line describing it", () => {
    const { lines } = captureConsole(() => show(lineChart({ name: "loss", y: [1, 2] }, { title: "Loss" })));
    assert.deepEqual(lines, ["[figure: Loss] 1 trace (loss)"]);
    assert.equal(describeFigure({ data: [], layout: {} }), "[figure] 0 traces");
  });

  test("in a notebook: plotly JSON and HTML in one output, plotly.js once before the first figure", () => {
    const saved = process.env.NNCOURSE_PLOTLY;
    delete process.env.NNCOURSE_PLOTLY;
    try {
      const { outputs } = captureNotebook();
      show(lineChart({ name: "loss", y: [1 / 3, 0.25] }, { title: "first" }));
      show(lineChart({ name: "loss", y: [1, 2] }, { title: "second" }));
      // The bundle may already have been sent by an earlier test in this process: only "at most once" is certain here.
      const bundles = outputs.filter((o) => String(o.content.data["text/html"]).includes(PLOTLY_BUNDLE_MARK));
      assert.ok(bundles.length <= 1);
      const figures = outputs.filter((o) => o.content.data[PLOTLY_MIME] !== undefined);
      assert.equal(figures.length, 2);
      const first = figures[0].content.data;
      assert.deepEqual(
        (first[PLOTLY_MIME] as { data: { y: number[] }[] }).data[0].y,
        [0.33333, 0.25],
        "numbers cut to 5 significant digits",
      );
      const html = String(first["text/html"]);
      assert.match(html, /class="nncourse-figure"/);
      assert.match(html, /window\.Plotly\.newPlot\(/);
      assert.doesNotMatch(html, /<\/script>[\s\S]*<\/script>[\s\S]*<\/script>/, "one script per figure");
      const ids = figures.map((f) => /id="([^"]+)"/.exec(String(f.content.data["text/html"]))![1]);
      assert.notEqual(ids[0], ids[1], "each figure has its own element id");
    } finally {
      if (saved === undefined) delete process.env.NNCOURSE_PLOTLY;
      else process.env.NNCOURSE_PLOTLY = saved;
    }
  });

  test("in a fresh notebook process plotly.js is sent once, before the first figure; NNCOURSE_PLOTLY=omit leaves it out", () => {
    // In its own process: the bundle is sent once per kernel, and this file's other tests may have sent it already.
    const script = `
      const jupyter = require("tslab/dist/jupyter");
      const outputs = [];
      jupyter.lastWriteDisplayData = (content) => outputs.push(content.data);
      const { show, lineChart, PLOTLY_BUNDLE_MARK, PLOTLY_MIME } = require("./lib/viz/index.ts");
      show(lineChart({ name: "a", y: [1, 2] }));
      show(lineChart({ name: "b", y: [3, 4] }));
      const kinds = outputs.map((d) =>
        d[PLOTLY_MIME] !== undefined ? "figure" : String(d["text/html"]).includes(PLOTLY_BUNDLE_MARK) ? "bundle" : "other");
      const bundle = outputs.find((d) => d[PLOTLY_MIME] === undefined);
      console.log(JSON.stringify({ kinds, bundleSize: bundle ? String(bundle["text/html"]).length : 0 }));`;
    const run = (mode: string | undefined) => {
      const env = { ...process.env };
      if (mode === undefined) delete env.NNCOURSE_PLOTLY;
      else env.NNCOURSE_PLOTLY = mode;
      const child = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
        cwd: path.resolve(__dirname, "..", ".."),
        env,
        encoding: "utf8",
      });
      assert.equal(child.status, 0, child.stderr);
      return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as { kinds: string[]; bundleSize: number };
    };
    const embedded = run(undefined);
    assert.deepEqual(embedded.kinds, ["bundle", "figure", "figure"]);
    assert.ok(embedded.bundleSize > 1_000_000, `the whole of plotly.js goes in (${embedded.bundleSize} characters)`);
    assert.deepEqual(run("embed").kinds, ["bundle", "figure", "figure"]);
    assert.deepEqual(run(" Omit ").kinds, ["figure", "figure"]);
  });

  test("compactFigure rounds data arrays but leaves whole numbers and the layout alone", () => {
    const fig = compactFigure({ data: [{ x: [1, 2], y: [0.123456789, 2], z: [[1 / 3]] }], layout: { width: 700.123456 } });
    assert.deepEqual(fig.data[0], { x: [1, 2], y: [0.12346, 2], z: [[0.33333]] });
    assert.equal(fig.layout.width, 700.123456);
  });
});

describe("live training display", () => {
  test("redraws at most once per interval, in place, and always draws the end", () => {
    let clock = 0;
    const { outputs } = captureNotebook();
    const live = new LiveTraining({ title: "run", epochs: 100, minIntervalMs: 250, now: () => clock });
    const onEpochEnd = live.callback();
    for (let epoch = 1; epoch <= 100; epoch++) {
      clock += 10; // 10 ms per epoch: one second in all
      onEpochEnd({ epoch, loss: 1 / epoch, valLoss: 1.2 / epoch, accuracy: epoch / 100 });
    }
    live.finish();
    assert.equal(live.records.length, 100);
    assert.ok(live.draws >= 4 && live.draws <= 6, `about four redraws a second plus the last, got ${live.draws}`);
    assert.equal(outputs.length, live.draws);
    assert.equal(outputs[0].update, false);
    assert.ok(
      outputs.slice(1).every((o) => o.update),
      "later draws replace the first output",
    );
    const ids = new Set(outputs.map((o) => o.content.transient?.display_id));
    assert.equal(ids.size, 1, "one display id for the whole run");
    const last = outputs[outputs.length - 1].content.data;
    assert.match(String(last["text/plain"]), /epoch 100\/100, loss 0\.0100, val loss 0\.0120, accuracy 100\.0%/);
    assert.match(String(last["text/html"]), /width:100\.0%/);
    assert.match(String(last["text/html"]), /done/);
    assert.match(String(last["text/html"]), /stroke-dasharray/, "the validation curve is drawn dashed");
  });

  test("outside a notebook it prints a line per tenth of the run", () => {
    const { lines } = captureConsole(() => {
      const live = new LiveTraining({ epochs: 20, minIntervalMs: 0 });
      for (let epoch = 1; epoch <= 20; epoch++) live.update({ epoch, loss: 1 / epoch });
      live.finish();
    });
    assert.equal(lines.length, 10);
    assert.match(lines[9], /epoch 20\/20/);
  });

  test("bad use is explained", () => {
    assert.throws(() => new LiveTraining({ epochs: 0 }), /epochs must be the whole number/);
    const live = new LiveTraining({ epochs: 3 });
    assert.throws(() => live.update({ epoch: 1 } as never), /needs a number epoch and loss/);
    assert.match(sparklineSvg([{ values: [3, 2, 1], color: "red" }]), /<polyline/);
  });
});
