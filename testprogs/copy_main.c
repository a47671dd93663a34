#include "nolibc/nolibc.h"
extern int lib_table[8];
extern const char *lib_name;
int lib_sum(void);
void lib_bump(void);
int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	out_kv("lib_table[7]", lib_table[7]);
	out("lib_name=");
	outln(lib_name);
	out_kv("lib_sum", lib_sum());
	lib_table[1] = 1000; /* the library must see this: one object */
	lib_bump();          /* and we must see this */
	out_kv("lib_sum_after", lib_sum());
	out_kv("lib_table[0]", lib_table[0]);
	return 0;
}
