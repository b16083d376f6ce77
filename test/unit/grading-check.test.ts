import { test } from "node:test";
import assert from "node:assert/strict";
import { check, CheckFailure, canonicalJson, recordTag, GRADE_LINE_PREFIX, type PartialRecord } from "../../lib/grading";
import { formatNumber } from "../../lib/grading/describe";

/** The message of the CheckFailure that `fn` throws; fails the test if it throws nothing or something else. */
function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CheckFailure, `expected a CheckFailure, got ${String(error)}`);
    return error.message;
  }
  assert.fail("the check passed but should have failed");
}

/** Runs `fn` with stdout captured (records are printed there outside a kernel). */
function captureStdout(fn: () => void): string {
  const original = process.stdout.write;
  let text = "";
  process.stdout.write = ((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = original;
  }
  return text;
}

function records(text: string): PartialRecord[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith(GRADE_LINE_PREFIX))
    .map((line) => JSON.parse(line.slice(GRADE_LINE_PREFIX.length)) as PartialRecord);
}

test("check.equal passes equal values and tells the learner what was expected and what came out", () => {
  check.equal(0.25, 0.25);
  check.equal([1, [2, 3]], [1, [2, 3]]);
  check.equal({ w: [1, 2], b: 0 }, { w: [1, 2], b: 0 });
  check.equal(NaN, NaN);
  assert.equal(
    failure(() => check.equal(0.5, 0.25, "sigmoidPrime(0)")),
    "sigmoidPrime(0) should be 0.25 but your code gave 0.5.",
  );
  assert.equal(
    failure(() =>
      check.equal(
        [
          [1, 2],
          [3, 5],
        ],
        [
          [1, 2],
          [3, 4],
        ],
        "W",
      ),
    ),
    "W[1][1] should be 4 but is 5.",
  );
  assert.match(
    failure(() => check.equal([1, 2], [1, 2, 3], "xs")),
    /^xs should have 3 entries but has 2/,
  );
  assert.match(
    failure(() => check.equal({ w: [1] }, { w: [1], b: 0 }, "params")),
    /params lacks the key "b"/,
  );
  assert.match(
    failure(() => check.equal({ w: [1], b: 0, extra: 1 }, { w: [1], b: 0 }, "params")),
    /key "extra" that should not be there/,
  );
  assert.match(
    failure(() => check.equal("1", 1, "the count")),
    /should be 1 but your code gave "1"/,
  );
});

test("check.equal appends the hint when one is given", () => {
  const message = failure(() => check.equal(1, 0, { label: "AND(1, 0)", hint: "count the synapses" }));
  assert.equal(message, "AND(1, 0) should be 0 but your code gave 1.\nHint: count the synapses");
});

test("check.close applies absolute and relative tolerance to numbers and nested lists", () => {
  check.close(0.25 + 1e-9, 0.25);
  check.close(
    [
      [1.0000001, 2],
      [3, 4],
    ],
    [
      [1, 2],
      [3, 4],
    ],
  );
  check.close(1.04, 1, { tol: 0.05 });
  check.close(1000.5, 1000, { rtol: 1e-3 });
  check.close(1.2, 1, { atol: 0.25 });
  assert.equal(
    failure(() => check.close(0.5, 0.25, "sigmoidPrime(0)")),
    "sigmoidPrime(0) should be 0.25 (within 2.5e-7) but your code gave 0.5.",
  );
  assert.equal(
    failure(() => check.close(1.06, 1, { label: "x", tol: 0.05 })),
    "x should be 1 (within 0.05) but your code gave 1.06.",
  );
  assert.match(
    failure(() =>
      check.close(
        [
          [1, 2],
          [3, 4.2],
        ],
        [
          [1, 2],
          [3, 4],
        ],
        { label: "W", tol: 0.1 },
      ),
    ),
    /^W\[1\]\[1\] should be 4 \(within 0\.1\) but is 4\.2, off by 0\.2/,
  );
  assert.match(
    failure(() => check.close(NaN, 1, "loss")),
    /loss should be close to 1 but is NaN/,
  );
  assert.match(
    failure(() => check.close("1", 1, "loss")),
    /should be a number close to 1/,
  );
  assert.match(
    failure(() => check.close([1, 2], [1, 2, 3], "v")),
    /v should have 3 entries but has 2/,
  );
  // Typed arrays are lists too.
  check.close(new Float32Array([0.5, 0.25]), [0.5, 0.25]);
});

test("check.close rejects a bad tolerance as a problem in the test", () => {
  assert.throws(
    () => check.close(1, 1, { tol: -1 }),
    (e: Error) => !(e instanceof CheckFailure) && /tolerance tol must be a number ≥ 0/.test(e.message),
  );
});

test("check.shape reports the shape found, and ragged lists", () => {
  check.shape(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    [2, 3],
  );
  check.shape(5, []);
  check.shape(new Float64Array(4), [4]);
  check.shape({ shape: [2, 2], dataSync: () => new Float32Array(4) }, [2, 2]);
  assert.equal(
    failure(() =>
      check.shape(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [3, 2],
        "X",
      ),
    ),
    "X should have shape [3, 2] but has shape [2, 3].",
  );
  assert.match(
    failure(() => check.shape([[1, 2], [3]], [2, 2], "X")),
    /X is ragged: X\[0\] has shape \[2\] but X\[1\] has shape \[1\]/,
  );
});

test("check.tensor accepts tensor-like objects and compares shape and values", () => {
  const t = (shape: number[], values: number[]) => ({ shape, dataSync: () => Float32Array.from(values) });
  check.tensor(t([2, 2], [1, 2, 3, 4]), [
    [1, 2],
    [3, 4],
  ]);
  check.tensor(t([2], [0.1, 0.2]), t([2], [0.1, 0.2]));
  assert.match(
    failure(() => check.tensor([1, 2], [1, 2], "out")),
    /out should be a tensor/,
  );
  assert.equal(
    failure(() => check.tensor(t([2, 1], [1, 2]), [[1, 2]], "out")),
    "out should have shape [1, 2] but has shape [2, 1].",
  );
  assert.match(
    failure(() =>
      check.tensor(
        t([2, 2], [1, 2, 3, 5]),
        [
          [1, 2],
          [3, 4],
        ],
        "out",
      ),
    ),
    /^out\[1\]\[1\] should be 4 .* but is 5/,
  );
});

test("check.throws passes when the function throws the right error and says what happened otherwise", () => {
  const passed: unknown = check.throws(() => {
    throw new RangeError("inputs must be 0 or 1");
  }, /0 or 1/);
  assert.equal(passed, undefined, "a passing check returns nothing, so a test cell ending with it shows no value");
  check.throws(() => {
    throw new Error("threshold must be a whole number");
  }, "whole number");
  assert.equal(
    failure(() => check.throws(() => 42, undefined, "unit.fire([2])")),
    "unit.fire([2]) should throw an error but it returned 42.",
  );
  assert.match(
    failure(() =>
      check.throws(() => {
        throw new Error("bad");
      }, "whole number"),
    ),
    /threw as it should, but its message "bad" does not mention "whole number"/,
  );
});

test("check.truthTable lists the wrong rows", () => {
  const and = (x: number[]) => (x[0] === 1 && x[1] === 1 ? 1 : 0);
  check.truthTable(and, [0, 0, 0, 1]);
  check.truthTable({ fire: and }, [0, 0, 0, 1]);
  check.truthTable((x: number[]) => x[0] === 1, [0, 1]);
  const message = failure(() => check.truthTable((x: number[]) => x[0] | x[1], [0, 0, 0, 1], "your AND unit"));
  assert.match(message, /^your AND unit gets 2 of 4 rows of its truth table wrong:/);
  assert.match(message, /inputs \[0, 1\]: should give 0 but gave 1/);
  assert.match(message, /inputs \[1, 0\]: should give 0 but gave 1/);
  assert.throws(() => check.truthTable(and, [0, 0, 1]), /power of two/);
});

test("a student's error inside a checked function reaches the learner unchanged", () => {
  assert.throws(
    () =>
      check.truthTable(() => {
        throw new Error("not implemented yet: and-gate");
      }, [0, 0, 0, 1]),
    /not implemented yet: and-gate/,
  );
});

test("check.score reports partial credit as a record, shown once, and never throws, even when nothing passed", () => {
  const printed = captureStdout(() => {
    const score = check.score("training");
    assert.equal(
      score.part(1, "shape", () => check.shape([1, 2], [2])),
      true,
    );
    assert.equal(
      score.part(2, "values", () => check.equal(1, 2, "w")),
      false,
    );
    score.finish();
  });
  const [record] = records(printed);
  assert.ok(record);
  assert.equal(record.kind, "partial");
  assert.equal(record.earned, 1);
  assert.equal(record.possible, 3);
  assert.equal(record.fraction, 1 / 3);
  assert.deepEqual(record.messages, ["✓ shape", "✗ values: w should be 2 but your code gave 1."]);
  assert.equal(record.tag, null);
  assert.match(printed, /◐ training: 1 of 3 points/);
  assert.equal(printed.split("w should be 2").length - 1, 2, "the message once for people, once in the record");

  const zeroPrinted = captureStdout(() => {
    const score = check.score("nothing");
    score.part(1, "a", () => check.equal(1, 2));
    score.finish();
  });
  assert.equal(records(zeroPrinted)[0]?.fraction, 0);
  assert.match(zeroPrinted, /✗ nothing: 0 of 1 points/);
});

test("check.test runs its checks, reports all or nothing as a record and never throws", () => {
  let results: unknown[] = [];
  const printed = captureStdout(() => {
    results = [
      check.test("passes", () => check.equal(1, 1)),
      check.test("fails", () => {
        check.equal(2, 3, "the sum");
        check.equal(4, 5, "never reached");
      }),
      check.test("throws", () => {
        throw new TypeError("x is not a function");
      }),
    ];
  });
  assert.deepEqual(results, [undefined, undefined, undefined], "nothing returned, so a test cell shows no value under its result");
  const [pass, fail, thrown] = records(printed);
  assert.deepEqual([pass?.fraction, fail?.fraction, thrown?.fraction], [1, 0, 0]);
  assert.deepEqual(fail?.messages, ["the sum should be 3 but your code gave 2."]);
  assert.deepEqual(thrown?.messages, ["your code threw a TypeError: x is not a function"]);
  assert.match(printed, /✓ passes: passed/);
  assert.match(printed, /✗ fails: not yet\n  the sum should be 3/);
  assert.doesNotMatch(printed, /never reached|at .*check\.ts/);
  assert.throws(() => check.test("no body", undefined as unknown as () => void), /needs a label and a function/);
});

test("an unwritten exercise's stub is said in one line, once per test, with no stack trace", () => {
  const stub = () => {
    // What the exercise version of an answer cell holds (scripts/src/assign/release.ts).
    throw new Error("not implemented yet: perceptron-train");
  };
  const printed = captureStdout(() => {
    const score = check.score("trainPerceptron");
    score.part(1, "the shape", () => check.equal(stub(), 1));
    score.part(3, "the values", () => check.equal(stub(), 1));
    score.finish();
  });
  const [record] = records(printed);
  assert.deepEqual(record?.messages, ["✗ not implemented yet: perceptron-train (its answer cell still holds the stub // YOUR CODE HERE)."]);
  assert.doesNotMatch(printed, /\bat \w|Error:/);
});

test("check.partial validates its fraction, and records carry increasing sequence numbers", () => {
  const printed = captureStdout(() => {
    check.partial(0.5, "half of the examples");
    check.partial(1);
  });
  const [a, b] = records(printed);
  assert.equal(a?.fraction, 0.5);
  assert.equal(b?.fraction, 1);
  assert.ok(a && b && b.seq === a.seq + 1);
  assert.throws(() => check.partial(1.5), /fraction must be a number from 0 to 1/);
});

test("record tags are HMACs over the canonical JSON, so the grader can recompute them", () => {
  const body = { version: 1 as const, kind: "partial" as const, fraction: 0.5, earned: 1, possible: 2, label: "x", messages: [], seq: 3 };
  assert.equal(canonicalJson({ ...body, tag: "ignored" }), canonicalJson(body));
  assert.equal(canonicalJson({ b: 1, a: [1, "x"] }), '{"a":[1,"x"],"b":1}');
  const tag = recordTag("0123456789abcdef", body);
  assert.match(tag, /^[0-9a-f]{64}$/);
  assert.notEqual(recordTag("0123456789abcdef", { ...body, fraction: 1 }), tag);
});

test("options are read from the options object itself, never from Object.prototype", () => {
  const proto = Object.prototype as Record<string, unknown>;
  proto.tol = 1e9;
  proto.atol = 1e9;
  proto.rtol = 1e9;
  try {
    failure(() => check.close(1, 2));
    failure(() => check.close(1, 2, { label: "x" }));
  } finally {
    delete proto.tol;
    delete proto.atol;
    delete proto.rtol;
  }
});

test("the check API is frozen", () => {
  assert.ok(Object.isFrozen(check));
  assert.ok(Object.isFrozen(check.equal));
  assert.throws(() => {
    (check as { equal: unknown }).equal = () => undefined;
  }, TypeError);
});

test("numbers in messages read as a person writes them, tiny ones too", () => {
  assert.equal(formatNumber(6.009999999999999e-7), "6.01e-7");
  assert.equal(formatNumber(0.1 + 0.2), "0.3");
  assert.equal(formatNumber(-2.5e-12), "-2.5e-12");
  assert.equal(formatNumber(1234567), "1234567");
  assert.equal(formatNumber(2.3e-5), "2.3e-5", "below 1e-4 an exponent, not 0.000023");
  // A tolerance reads to two significant digits: ln 10's default one is 2.3035850929940452e-6.
  assert.match(
    failure(() => check.close(2.31, Math.log(10), "ln 10")),
    /\(within 2\.3e-6\) but your code gave 2\.31\.$/,
  );
  // Two numbers that differ never read alike, however close they are.
  assert.match(
    failure(() => check.close(0.6000001, 0.6, { label: "w", tol: 1e-9 })),
    /^w should be 0\.6 \(within 1e-9\) but your code gave 0\.6000001\.$/,
  );
  assert.match(
    failure(() => check.close(1e-6, 2e-6, { label: "the gradient", atol: 1e-7, rtol: 0 })),
    /^the gradient should be 2e-6 \(within 1e-7\) but your code gave 1e-6\./,
  );
});

test("check.score with a body: the code under test runs inside it, and a crash outside the parts earns nothing without failing the cell", () => {
  const stub = (): number => {
    throw new Error("not implemented yet: train");
  };
  const printed = captureStdout(() => {
    check.score("with a body", (score) => {
      score.part(1, "first", () => check.equal(1, 1));
      score.part(2, "second", () => check.equal(2, 3, "the second"));
    });
    check.score("crashes before its parts", (score) => {
      const trained = stub();
      score.part(3, "uses it", () => check.equal(trained, 1));
    });
  });
  const [finished, crashed] = records(printed);
  assert.equal(finished?.earned, 1);
  assert.equal(finished?.possible, 3);
  assert.deepEqual(finished?.messages, ["✓ first", "✗ second: the second should be 3 but your code gave 2."]);
  assert.equal(crashed?.fraction, 0);
  assert.deepEqual(crashed?.messages, ["not implemented yet: train (its answer cell still holds the stub // YOUR CODE HERE)."]);
  assert.equal(records(printed).length, 2, "one record per test");
  assert.throws(() => check.score("x", 5 as unknown as () => void), /the body must be a function/);
});

test("a record stays small whatever the code under test threw: labels, messages and their number are bounded", () => {
  const printed = captureStdout(() => {
    check.test("huge", () => {
      throw new Error("x".repeat(200_000));
    });
    check.score("many", (score) => {
      for (let i = 0; i < 30; i++) score.part(1, `part ${i}`, () => check.equal(i, -1));
    });
  });
  const [huge, many] = records(printed);
  assert.ok(JSON.stringify(huge).length < 2_000, `${JSON.stringify(huge).length} bytes`);
  assert.match(huge!.messages[0]!, /^your code threw an Error: x+…$/);
  assert.equal(many!.messages.length, 9);
  assert.equal(many!.messages[8], "… and 22 more.");
  assert.equal(many!.possible, 30, "every part still counts");
  assert.ok(JSON.stringify(many).length < 16 * 1024);
});
