"""case_runner.py - the loop the table-driven CLI checks share
(input_cases.py, misuse_cases.py): run each case two at a time in a
temporary folder, print ok/FAIL with the first lines of a failure's output,
and a closing count."""
import concurrent.futures
import tempfile


def run_cases(cases, fn, group, prefix, shown=4):
    """fn(folder, case) -> (name, errors, output).  Returns the exit status:
    0 when every case passed, 1 if not."""
    failed = 0
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for name, errors, out in pool.map(lambda c: fn(folder, c), cases):
                if errors:
                    failed += 1
                    print(f"FAIL {name}: " + "; ".join(errors))
                    for line in out.splitlines()[:shown]:
                        print("     | " + line)
                else:
                    print(f"ok   {name}")
    print(f"{len(cases) - failed} of {len(cases)} {group} cases passed")
    return 1 if failed else 0
