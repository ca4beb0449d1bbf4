/*
 * probe_fta_calls_run.c - a file of harness/fta/ that dodges the header
 * guard by declaring the runner's entry point itself.  Linked into the fta
 * part's archive check (fta's declared dependencies only), it must fail to
 * link with an undefined reference to ph_run (ctest arch_forbidden_call).
 */
struct ph_run_opts;
int ph_run(const struct ph_run_opts *o);

int ph_arch_probe(void);
int ph_arch_probe(void)
{
	return ph_run(0);
}
