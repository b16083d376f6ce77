"""A graded notebook executed by nbclient (the engine of nbconvert and nbgrader) on the
course's kernel: a failing test cell must come back as an `error` output naming the
check that failed, a warning on stderr must not, and every cell must have its
execution count. Run by kernel-conformance.test.ts with KERNEL_NAME set.
"""
import os
import sys

import nbformat
from nbclient import NotebookClient

nb = nbformat.v4.new_notebook()
nb.metadata["kernelspec"] = {"name": os.environ["KERNEL_NAME"], "display_name": "TypeScript (nncourse)", "language": "typescript"}
nb.cells = [
    nbformat.v4.new_code_cell('import { check } from "nncourse/grading";'),
    nbformat.v4.new_code_cell('function double(x: number): number {\n  return x + 2; // the learner\'s bug\n}'),
    nbformat.v4.new_code_cell('console.error("a library warning on stderr");\ndouble(1)'),
    nbformat.v4.new_code_cell('check.equal(double(3), 6, "double(3)");'),
]
client = NotebookClient(nb, timeout=120, kernel_name=os.environ["KERNEL_NAME"], allow_errors=True)
client.execute()

problems = []
counts = [cell.execution_count for cell in nb.cells]
if counts != [1, 2, 3, 4]:
    problems.append("execution counts are %r, expected [1, 2, 3, 4]" % (counts,))
warning_cell, test_cell = nb.cells[2], nb.cells[3]
if any(o.output_type == "error" for o in warning_cell.outputs):
    problems.append("a warning on stderr came back as an error: %r" % (warning_cell.outputs,))
if [o.output_type for o in warning_cell.outputs] != ["stream", "execute_result"]:
    problems.append("the warning cell's outputs are %r, expected a stderr stream and the value" % (warning_cell.outputs,))
errors = [o for o in test_cell.outputs if o.output_type == "error"]
if len(errors) != 1:
    problems.append("the failing test cell has %d error outputs: %r" % (len(errors), test_cell.outputs))
else:
    error = errors[0]
    if error.ename != "CheckFailure" or "double(3) should be 6" not in error.evalue:
        problems.append("the failing test cell's error is %s: %s" % (error.ename, error.evalue))
    if not error.traceback or not error.traceback[0].startswith("CheckFailure: double(3) should be 6"):
        problems.append("the failing test cell's traceback is %r" % (error.traceback,))

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("nbclient: the failing test cell is an error, the warning is not, every cell has its count")
