/*
 * link_main.c - the program behind every ph_arch_link_<part> check
 * (harness/CMakeLists.txt).  It calls nothing: the check is that the whole
 * archive of one part links against its declared dependencies alone.
 */
int main(void)
{
	return 0;
}
