#include "nolibc/nolibc.h"
void report_weak(void);
int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	report_weak();
	return 0;
}
