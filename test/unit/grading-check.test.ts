import { test } from "node:test";
import assert from "node:assert/strict";
import {
  check,
  CheckFailure,
  canonicalJson,
  recordTag,
  GRADE_LINE_PREFIX,
  type CloseOptions,
  type PartialRecord,
  type Score,
} from "../../lib/grading";
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

/** A plain Error whose message is `message`: a problem in the test, not a learner's failure. */
function testProblem(message: string): (e: unknown) => boolean {
  return (e: unknown) => e instanceof Error && !(e instanceof CheckFailure) && e.message === message;
}

/** The text a test cell shows for people: what is printed before its record line. */
function shownText(printed: string): string {
  return printed.split(`\n${GRADE_LINE_PREFIX}`)[0]!;
}

test("a failure is a CheckFailure by a name and a stack of its own, which the code that catches it cannot rewrite", () => {
  let caught: unknown;
  try {
    check.equal(1, 2, "x");
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof CheckFailure);
  assert.equal(caught.name, "CheckFailure");
  assert.equal(caught.stack, "CheckFailure: x should be 2 but your code gave 1.", "the message only, no trace into the library");
  for (const key of ["name", "stack"]) {
    const own = Object.getOwnPropertyDescriptor(caught, key);
    assert.deepEqual(
      { writable: own?.writable, enumerable: own?.enumerable, configurable: own?.configurable },
      { writable: false, enumerable: false, configurable: false },
      key,
    );
  }
});

test("options: a missing or odd label or hint falls back to the default, and each check has its own", () => {
  assert.equal(
    failure(() => check.equal(1, 2, null as unknown as string)),
    "the value should be 2 but your code gave 1.",
  );
  assert.equal(
    failure(() => check.equal(1, 2, { hint: "add one" })),
    "the value should be 2 but your code gave 1.\nHint: add one",
  );
  assert.equal(
    failure(() => check.equal(1, 2, { label: "x", hint: "" })),
    "x should be 2 but your code gave 1.",
  );
  // A master that computes its hint may leave none: null is no hint, not the word "null".
  assert.equal(
    failure(() => check.equal(1, 2, { label: "x", hint: null as unknown as string })),
    "x should be 2 but your code gave 1.",
  );
  assert.equal(
    failure(() => check.close(1, 2)),
    "the value should be 2 (within 2e-6) but your code gave 1.",
  );
  assert.equal(
    failure(() => check.shape([1], [2])),
    "the value should have shape [2] but has shape [1].",
  );
  assert.equal(
    failure(() => check.tensor(5, 5)),
    "the tensor should be a tensor (an object with a shape and dataSync(), e.g. from tf.tensor) but is 5.",
  );
  assert.equal(
    failure(() => check.throws(() => 1)),
    "your code should throw an error but it returned 1.",
  );
  assert.equal(
    failure(() => check.truthTable(() => 0, [1])),
    "your unit gets 1 of 1 rows of its truth table wrong:\n  inputs []: should give 1 but gave 0",
  );
});

test("a tolerance must be a finite number ≥ 0, and the test is told which one is wrong", () => {
  const cases: [CloseOptions, string][] = [
    [{ tol: "0.1" as unknown as number }, 'tol must be a number ≥ 0, got "0.1"'],
    [{ atol: NaN }, "atol must be a number ≥ 0, got NaN"],
    [{ atol: -1e-9 }, "atol must be a number ≥ 0, got -1e-9"],
    [{ rtol: Infinity }, "rtol must be a number ≥ 0, got Infinity"],
    [{ rtol: -1 }, "rtol must be a number ≥ 0, got -1"],
  ];
  for (const [options, text] of cases) {
    assert.throws(
      () => check.close(1, 1, options),
      testProblem(`check: the tolerance ${text}. (This is a problem in the test, not in your code.)`),
      text,
    );
  }
  check.close(1, 1, { tol: 0 });
  // |1.5 - 1| = 0.5 exactly: on the boundary, which passes (≤).
  check.close(1.5, 1, { tol: 0.5 });
  check.close(1.5, 1, { atol: 0.5, rtol: 0 });
});

test("check.equal: NaN equals NaN only, null is a value, and each kind of mismatch says what was expected", () => {
  check.equal(null, null);
  assert.equal(
    failure(() => check.equal(1, NaN, "x")),
    "x should be NaN but your code gave 1.",
  );
  assert.equal(
    failure(() => check.equal(NaN, 1, "x")),
    "x should be 1 but your code gave NaN.",
  );
  assert.equal(
    failure(() => check.equal(0, null, "x")),
    "x should be null but your code gave 0.",
  );
  assert.equal(
    failure(() => check.equal(5, [1, 2], "xs")),
    "xs should be a list like [1, 2] but is 5.",
  );
  assert.equal(
    failure(() => check.equal([], [7], "xs")),
    "xs should have 1 entry but has 0: [].",
  );
  assert.equal(
    failure(() => check.equal(5, { a: 1 }, "p")),
    "p should be an object like { a: 1 } but is 5.",
  );
  assert.equal(
    failure(() => check.equal(null, { a: 1 }, "p")),
    "p should be an object like { a: 1 } but is null.",
  );
  assert.equal(
    failure(() => check.equal([1], { a: 1 }, "p")),
    "p should be an object like { a: 1 } but is [1].",
  );
  assert.equal(
    failure(() => check.equal({ w: [1, 2], b: 0 }, { w: [1, 3], b: 0 }, "params")),
    "params.w[1] should be 3 but is 2.",
  );
});

test("an entry planted on Array.prototype past a list's end does not make equal lists differ", () => {
  // A typed array never reads its prototype at an index; an array does.
  const proto = Array.prototype as unknown as Record<number, unknown>;
  proto[2] = 9;
  try {
    check.equal(new Float64Array([1, 2]), [1, 2]);
    check.equal([1, 2], new Float64Array([1, 2]));
  } finally {
    delete proto[2];
  }
});

test("check.close: NaN and the infinities are matched exactly, without a tolerance to show", () => {
  check.close(NaN, NaN);
  check.close([Infinity], [Infinity]);
  assert.equal(
    failure(() => check.close(1, NaN, "x")),
    "x should be NaN but is 1.",
  );
  assert.equal(
    failure(() => check.close(1, Infinity, "x")),
    "x should be Infinity but is 1.",
  );
  assert.equal(
    failure(() => check.close([Infinity], [1], "v")),
    "v[0] should be 1 but is Infinity.",
  );
  assert.equal(
    failure(() => check.close([-Infinity], [Infinity], "v")),
    "v[0] should be Infinity but is -Infinity.",
  );
});

test("check.close: lists against other things, and an expected value that is no number", () => {
  assert.equal(
    failure(() => check.close(5, [1, 2], "v")),
    "v should be a list like [1, 2] but is 5.",
  );
  assert.equal(
    failure(() => check.close([], [1], "v")),
    "v should have 1 entry but has 0: [].",
  );
  assert.throws(
    () => check.close(1, "1" as unknown as number),
    testProblem(
      'check.close compares numbers and (nested) lists of numbers; the expected value "1" is neither. (This is a problem in the test, not in your code.)',
    ),
  );
});

test("check.shape: what is not a number, a list or a tensor is named where it was found", () => {
  check.shape([], [0]);
  assert.equal(
    failure(() => check.shape("abc", [3], "s")),
    's should be a number, a list or a tensor but is "abc".',
  );
  assert.equal(
    failure(() => check.shape(null, [], "s")),
    "s should be a number, a list or a tensor but is null.",
  );
  assert.equal(
    failure(() => check.shape(undefined, [], "s")),
    "s should be a number, a list or a tensor but is undefined.",
  );
  assert.equal(
    failure(() => check.shape([["a"], [1]], [2, 1], "X")),
    'X[0][0] should be a number, a list or a tensor but is "a".',
  );
  assert.equal(
    failure(() => check.shape([[1], ["a"]], [2, 1], "X")),
    'X[1][0] should be a number, a list or a tensor but is "a".',
  );
  assert.equal(
    failure(() =>
      check.shape(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [2, 3, 1],
        "X",
      ),
    ),
    "X should have shape [2, 3, 1] but has shape [2, 3].",
  );
});

test("check.tensor: a scalar, an empty tensor, values that do not fill the shape, a ragged expected value", () => {
  const t = (shape: number[], values: number[]) => ({ shape, dataSync: () => Float32Array.from(values) });
  check.tensor(t([0], []), []);
  check.tensor(t([], [3]), 3);
  // 1e-9 + 1e-6·3 = 3.001e-6, to two significant digits 3e-6.
  assert.equal(
    failure(() => check.tensor(t([], [2]), 3, "loss")),
    "loss should be 3 (within 3e-6) but is 2, off by 1.",
  );
  assert.equal(
    failure(() =>
      check.tensor(
        t([2, 2], [1, 2, 3]),
        [
          [1, 2],
          [3, 4],
        ],
        "out",
      ),
    ),
    "out has 3 values but its shape [2, 2] needs 4.",
  );
  assert.equal(
    failure(() => check.tensor({ shape: [2], dataSync: () => null }, [1, 2], "out")),
    "out has 0 values but its shape [2] needs 2.",
  );
  assert.throws(
    () => check.tensor(t([2, 2], [1, 2, 3, 4]), [[1, 2], [3]]),
    testProblem(
      "check.tensor: the expected value is ragged: the expected value[0] has shape [2] but the expected value[1] has shape [1]. (This is a problem in the test, not in your code.)",
    ),
  );
});

test("the functions a check calls get no arguments, as a call written fn() would give them", () => {
  check.throws((reason = "called with no arguments") => {
    throw new Error(reason);
  }, "called with no arguments");
  check.tensor({ shape: [1], dataSync: (scale = 1) => Float32Array.from([2 * scale]) }, [2]);
  const printed = captureStdout(() => check.test("defaults", (expected = 0) => check.equal(expected, 0)));
  assert.equal(records(printed)[0]?.fraction, 1);
});

test("check.throws: no expected message, a regular expression that does not match, text given as a String object", () => {
  check.throws(() => {
    throw new Error("anything");
  });
  assert.equal(
    failure(() =>
      check.throws(
        () => {
          throw new Error("wrong");
        },
        /0 or 1/,
        "fire([2])",
      ),
    ),
    'fire([2]) threw as it should, but its message "wrong" does not match 0 or 1.',
  );
  check.throws(
    () => {
      throw new Error("inputs must be 0 or 1");
    },
    new String("0 or 1") as unknown as string,
  );
  assert.throws(
    () => check.throws(5 as unknown as () => unknown),
    testProblem("check.throws needs a function to call, got 5. (This is a problem in the test, not in your code.)"),
  );
});

test("check.truthTable: units with output(), anything else refused, an empty table refused, a unit of no inputs", () => {
  check.truthTable({ output: (x: number[]) => x[0]! & x[1]! }, [0, 0, 0, 1]);
  // A unit's fire() is called as a method, on the unit.
  const unit = {
    weight: 1,
    fire(x: number[]) {
      return this.weight * x[0]!;
    },
  };
  check.truthTable(unit, [0, 1]);
  assert.equal(
    failure(() => check.truthTable({ a: 1 } as never, [0, 1])),
    "expected a function of the inputs, or a unit with a fire(inputs) method, but got { a: 1 }.",
  );
  assert.equal(
    failure(() => check.truthTable(null as never, [0, 1])),
    "expected a function of the inputs, or a unit with a fire(inputs) method, but got null.",
  );
  assert.equal(
    failure(() => check.truthTable(undefined as never, [0, 1])),
    "expected a function of the inputs, or a unit with a fire(inputs) method, but got undefined.",
  );
  assert.throws(
    () => check.truthTable(() => 0, []),
    testProblem(
      "check.truthTable: the expected outputs must number a power of two (one per input row), got 0. (This is a problem in the test, not in your code.)",
    ),
  );
  check.truthTable((x: number[]) => x.length, [0]);
});

test("check.truthTable lists at most 4 wrong rows and counts the rest", () => {
  assert.equal(
    failure(() => check.truthTable((x: number[]) => x[0]! | x[1]!, [0, 0, 0, 1], "your AND unit")),
    "your AND unit gets 2 of 4 rows of its truth table wrong:\n  inputs [0, 1]: should give 0 but gave 1\n  inputs [1, 0]: should give 0 but gave 1",
  );
  // Wrong on the first k rows of 8, in counting order.
  const wrongOnFirst = (k: number) => (x: number[]) => (x[0]! * 4 + x[1]! * 2 + x[2]! < k ? 1 : 0);
  const four =
    "gets 4 of 8 rows of its truth table wrong:\n  inputs [0, 0, 0]: should give 0 but gave 1\n  inputs [0, 0, 1]: should give 0 but gave 1" +
    "\n  inputs [0, 1, 0]: should give 0 but gave 1\n  inputs [0, 1, 1]: should give 0 but gave 1";
  assert.equal(
    failure(() => check.truthTable(wrongOnFirst(4), [0, 0, 0, 0, 0, 0, 0, 0], "u")),
    `u ${four}`,
  );
  assert.equal(
    failure(() => check.truthTable(wrongOnFirst(5), [0, 0, 0, 0, 0, 0, 0, 0], "u")),
    `u ${four.replace("4 of 8", "5 of 8")}\n  … and 1 more`,
  );
});

test("the inputs a unit gets are an ordinary list it may read every way and write to", () => {
  // (not a) and b, by flipping a in place.
  check.truthTable(
    (x: number[]) => {
      x[0] = 1 - x[0]!;
      return x[0] & x[1]!;
    },
    [0, 1, 0, 0],
  );
  check.truthTable((x: number[]) => Object.keys(x).length, [2, 2, 2, 2]);
});

test("check.that passes on true only", () => {
  check.that(true, "never shown");
  assert.equal(
    failure(() => check.that(false, "the loss should fall", "lower the rate")),
    "the loss should fall\nHint: lower the rate",
  );
  assert.equal(
    failure(() => check.that(1 as unknown as boolean, "strictly true")),
    "strictly true",
  );
});

test("check.score: a body may finish its score itself, and the score's misuses are the test's problems", () => {
  const printed = captureStdout(() => {
    check.score("finishes itself", (score) => {
      score.part(1, "a", () => check.equal(1, 1));
      score.finish();
    });
    check.score().part(2, "unnamed", () => check.equal(1, 1));
  });
  assert.equal(records(printed).length, 1, "one record: the unnamed score was never finished");
  const named = check.score();
  named.part(1, "a", () => undefined);
  assert.equal(records(captureStdout(() => named.finish()))[0]?.label, "this test");
  assert.throws(() => named.finish(), testProblem("score.finish: called twice. (This is a problem in the test, not in your code.)"));
  assert.throws(
    () => named.part(1, "late", () => undefined),
    testProblem("score.part: this score is already finished. (This is a problem in the test, not in your code.)"),
  );
  assert.throws(
    () => check.score("empty").finish(),
    testProblem("score.finish: no parts were run. (This is a problem in the test, not in your code.)"),
  );
  for (const [weight, shown] of [
    [0, "0"],
    [-1, "-1"],
    [NaN, "NaN"],
    [Infinity, "Infinity"],
    ["1", '"1"'],
  ] as const) {
    assert.throws(
      () => check.score("weights").part(weight as number, "w", () => undefined),
      testProblem(`score.part: the weight must be a positive number, got ${shown}. (This is a problem in the test, not in your code.)`),
    );
  }
});

test("a score whose body crashed cannot be finished later for points", () => {
  let kept: Score | undefined;
  const printed = captureStdout(() =>
    check.score("crashes", (score) => {
      kept = score;
      score.part(1, "first", () => check.equal(1, 1));
      throw new Error("boom");
    }),
  );
  assert.equal(shownText(printed), "✗ crashes: not yet\n  your code threw an Error: boom");
  assert.deepEqual(
    records(printed).map((r) => r.fraction),
    [0],
  );
  const later = captureStdout(() => {
    assert.throws(() => kept!.finish(), /called twice/);
    assert.throws(() => kept!.part(1, "second", () => undefined), /already finished/);
  });
  assert.equal(records(later).length, 0);
});

test("check.test needs a label and a function; a passing test has no messages", () => {
  assert.throws(
    () => check.test(5 as unknown as string, () => undefined),
    testProblem(
      "check.test(label, checks) needs a label and a function, got 5 and a function. (This is a problem in the test, not in your code.)",
    ),
  );
  const printed = captureStdout(() => check.test("passes", () => check.equal(1, 1)));
  assert.deepEqual(records(printed)[0]?.messages, []);
  assert.equal(shownText(printed), "✓ passes: passed");
  const failed = captureStdout(() => check.test("fails", () => check.equal(2, 3, "the sum")));
  assert.equal(shownText(failed), "✗ fails: not yet\n  the sum should be 3 but your code gave 2.");
});

test("what the code under test threw is named as the learner would say it", () => {
  const thrown = (value: unknown) =>
    records(
      captureStdout(() =>
        check.test("t", () => {
          throw value;
        }),
      ),
    )[0]?.messages[0];
  const named = (name: unknown) => {
    const error = new Error("m");
    Object.defineProperty(error, "name", { value: name });
    return error;
  };
  assert.equal(thrown(null), "your code threw an error: null");
  assert.equal(thrown(undefined), "your code threw an error: undefined");
  assert.equal(thrown("plain text"), "your code threw an error: plain text");
  assert.equal(thrown({ code: 42 }), "your code threw an error: { code: 42 }");
  assert.equal(thrown(named("ShapeError")), "your code threw a ShapeError: m", "an own name before the prototype's");
  assert.equal(thrown(named("AssertionError")), "your code threw an AssertionError: m");
  assert.equal(thrown(named("")), "your code threw an error: m");
  assert.equal(thrown(named(5)), "your code threw an error: m");
});

test("labels and messages are cut at their bounds, and the number of messages at 8", () => {
  const label = (n: number) => "x".repeat(n);
  const labelOf = (text: string) => records(captureStdout(() => check.partial(1, text)))[0]?.label;
  assert.equal(labelOf(label(200)), label(200));
  assert.equal(labelOf(label(201)), `${label(199)}…`);
  const eight = records(
    captureStdout(() =>
      check.score("eight", (score) => {
        for (let i = 0; i < 8; i++) score.part(1, `part ${i}`, () => check.equal(i, -1));
      }),
    ),
  )[0];
  assert.equal(eight?.messages.length, 8);
  assert.equal(eight?.messages[7], "✗ part 7: the value should be -1 but your code gave 7.");
});

test("check.partial: a fraction from 0 to 1, and a message for less than all", () => {
  const printed = captureStdout(() => {
    check.partial(0);
    check.partial(1, "all of it");
    check.partial(0.5, "half");
  });
  const [none, all, half] = records(printed);
  assert.deepEqual([none?.fraction, none?.label, none?.messages], [0, "partial credit", ["✗ partial credit"]]);
  assert.deepEqual([all?.fraction, all?.messages], [1, []]);
  assert.deepEqual(half?.messages, ["✗ half"]);
  for (const fraction of [-0.5, "0.5", NaN]) {
    assert.throws(() => check.partial(fraction as number), /check\.partial: the fraction must be a number from 0 to 1/);
  }
});

test("replaced String methods do not change what a test cell reports", () => {
  const proto = String.prototype as unknown as Record<string, unknown>;
  const saved = { startsWith: proto.startsWith, slice: proto.slice, indexOf: proto.indexOf };
  let printed = "";
  proto.startsWith = () => true;
  proto.slice = () => "";
  proto.indexOf = () => -1;
  try {
    printed = captureStdout(() =>
      check.test("y".repeat(300), () => {
        throw new Error("boom");
      }),
    );
  } finally {
    Object.assign(proto, saved);
  }
  const [record] = records(printed);
  assert.equal(record?.label, `${"y".repeat(199)}…`);
  assert.deepEqual(record?.messages, ["your code threw an Error: boom"]);
});
