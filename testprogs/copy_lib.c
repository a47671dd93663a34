/* Data a non-PIE program uses directly: the linker gives the program its own copy
 * (R_X86_64_COPY) and the library's GOT must then point at that copy. */
int lib_table[8] = {1, 2, 3, 5, 8, 13, 21, 34};
const char *lib_name = "copy_lib";
int lib_sum(void)
{
	int s = 0;
	for (int i = 0; i < 8; i++)
		s += lib_table[i];
	return s;
}
void lib_bump(void) { lib_table[0] += 100; }
