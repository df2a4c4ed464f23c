"""jupyter_kernel_test (Debian's python3-jupyter-kernel-test) against kernel 'mlsd', every test enabled.

Run by test/kernel/conformance.test.ts with JUPYTER_PATH pointing at a freshly installed kernelspec, once per
kernelspec: MLSD_KERNEL=mlsd (TypeScript, the default) or MLSD_KERNEL=mlsd-js (JavaScript).
"""
import os
import unittest

import jupyter_kernel_test


class MlsdKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("MLSD_KERNEL", "mlsd")
    language_name = "javascript" if kernel_name.endswith("-js") else "typescript"
    file_extension = ".js" if kernel_name.endswith("-js") else ".ts"

    code_hello_world = "console.log('hello, world')"
    code_stderr = "console.error('to stderr')"

    completion_samples = [
        {"text": "Math.lo", "matches": {"log", "log10", "log1p", "log2"}},
        {"text": "const word = 'x'; word.toUpp", "matches": {"toUpperCase"}},
    ]

    complete_code_samples = ["1 + 1", "const answer = 42;", "function f() { return 1 }", ""]
    incomplete_code_samples = ["function f() {", "const xs = [1, 2,", "if (true) {\n  console.log(1)", "const s = `multi"]
    invalid_code_samples = ["const = 5;", "1 +* 2", "let 1x = 2;", "const y = );"]

    code_generate_error = "throw new Error('boom')"

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "'a' + 'b'", "result": "'ab'"},
        {"code": "[1, 2, 3].map((x) => x * x)", "result": "[ 1, 4, 9 ]"},
    ]

    code_display_data = [
        {"code": "display.html('<b>hi</b>')", "mime": "text/html"},
        {"code": "display.svg('<svg xmlns=\"http://www.w3.org/2000/svg\"/>')", "mime": "image/svg+xml"},
        {"code": "display.markdown('# hi')", "mime": "text/markdown"},
    ]

    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")

    code_page_something = "Math.max?"
    code_inspect_sample = "Math.max"
    code_clear_output = "clearOutput()"


if __name__ == "__main__":
    unittest.main(verbosity=2)
