"""Jupyter's kernel conformance suite (jupyter_kernel_test) against the course's kernel,
plus the protocol behaviour the suite does not cover but every client relies on.

Run by kernel-conformance.test.ts, which registers the kernel under KERNEL_NAME in a
private JUPYTER_PATH. Needs Debian's python3-jupyter-kernel-test (use /usr/bin/python3).
"""
import os
import time
import unittest

import jupyter_kernel_test as jkt
from jupyter_client.utils import run_sync

TIMEOUT = 60


class CourseKernelTests(jkt.KernelTests):
    kernel_name = os.environ["KERNEL_NAME"]
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("a warning, not an error")'
    code_generate_error = 'throw new RangeError("step size must be positive")'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "[1, 2].map((x) => x * 2)", "result": "[ 2, 4 ]"},
    ]
    code_display_data = [
        {"code": 'import { displayHtml } from "nncourse";\ndisplayHtml("<b>weights</b>")', "mime": "text/html"},
    ]
    code_clear_output = 'import { clearOutput } from "nncourse";\nconsole.log("epoch 1");\nclearOutput()'
    completion_samples = [{"text": "Math.sqr", "matches": {"sqrt"}}]
    complete_code_samples = ["1 + 1", "function f(x: number) { return x }"]
    incomplete_code_samples = ["function f(x: number) {", "const xs = ["]
    code_inspect_sample = "Math.max"
    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")

    # What the suite leaves out, checked the same way.

    def iopub_until_idle(self, msg_id):
        """Every iopub message that answers msg_id, up to and including its idle status."""
        seen = []
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            msg = run_sync(self.kc.iopub_channel.get_msg)(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            seen.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return seen
        self.fail("no idle status for %s" % msg_id)

    def test_error_names_the_exception(self):
        self.flush_channels()
        reply, outputs = self.execute_helper(self.code_generate_error)
        content = reply["content"]
        self.assertEqual(content["status"], "error")
        self.assertEqual(content["ename"], "RangeError")
        self.assertEqual(content["evalue"], "step size must be positive")
        self.assertTrue(content["traceback"][0].startswith("RangeError: step size must be positive"))
        self.assertEqual([m["msg_type"] for m in outputs], ["error"])
        self.assertEqual(outputs[0]["content"]["ename"], "RangeError")
        # The learner's trace, not the kernel's machinery.
        self.assertFalse(any("tslab" in line or "kernel/" in line for line in content["traceback"]), content["traceback"])

    def test_type_error_is_an_error(self):
        self.flush_channels()
        reply, outputs = self.execute_helper('const n: number = "three"')
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "TypeScriptError")
        self.assertIn("not assignable to type 'number'", reply["content"]["evalue"])
        self.assertEqual([m["msg_type"] for m in outputs], ["error"])

    def test_execution_counts_and_execute_input(self):
        self.flush_channels()
        first = self.kc.execute("1")
        first_msgs = self.iopub_until_idle(first)
        second = self.kc.execute("2")
        second_msgs = self.iopub_until_idle(second)
        counts = []
        for msgs in (first_msgs, second_msgs):
            inputs = [m for m in msgs if m["msg_type"] == "execute_input"]
            self.assertEqual(len(inputs), 1)
            counts.append(inputs[0]["content"]["execution_count"])
        self.assertEqual(counts[1], counts[0] + 1)
        result = [m for m in second_msgs if m["msg_type"] == "execute_result"][0]
        self.assertEqual(result["content"]["execution_count"], counts[1])

    def test_busy_lasts_as_long_as_the_cell(self):
        """A request sent while a cell runs waits its turn: the kernel is not idle until the cell ends."""
        self.flush_channels()
        cell = self.kc.execute("await new Promise((resolve) => setTimeout(resolve, 1500)); 1")
        time.sleep(0.3)
        info = self.kc.kernel_info()
        statuses = []
        deadline = time.time() + TIMEOUT
        while time.time() < deadline and len([s for s in statuses if s[1] == "idle"]) < 2:
            msg = run_sync(self.kc.iopub_channel.get_msg)(timeout=TIMEOUT)
            if msg["msg_type"] == "status":
                statuses.append((msg["parent_header"].get("msg_id"), msg["content"]["execution_state"]))
        self.assertEqual(statuses, [(cell, "busy"), (cell, "idle"), (info, "busy"), (info, "idle")])

    def test_kernel_info_is_honest(self):
        self.flush_channels()
        msg_id = self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        content = reply["content"]
        self.assertEqual(content["status"], "ok")
        self.assertEqual(content["language_info"]["version"], os.environ["TYPESCRIPT_VERSION"])

    def test_a_failed_cell_stops_the_cells_sent_after_it(self):
        self.flush_channels()
        failing = self.kc.execute('throw new Error("stop here")')
        after = self.kc.execute("1")
        replies = {}
        while len(replies) < 2:
            msg = self.kc.get_shell_msg(timeout=TIMEOUT)
            replies[msg["parent_header"]["msg_id"]] = msg["content"]["status"]
        self.assertEqual(replies, {failing: "error", after: "aborted"})
        self.flush_channels()
        reply, _ = self.execute_helper("2")
        self.assertEqual(reply["content"]["status"], "ok")


if __name__ == "__main__":
    unittest.main(verbosity=2)
