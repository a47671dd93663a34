/* An undefined weak reference resolves to 0 when nothing defines it, and to the definition
 * when something (here a preloaded library) does. */
#include "nolibc/nolibc.h"
extern int optional_hook(void) __attribute__((weak));
extern int optional_data __attribute__((weak));
void report_weak(void)
{
	out_kv("optional_hook_defined", optional_hook != 0);
	out_kv("optional_data_defined", &optional_data != 0);
	if (optional_hook)
		out_kv("optional_hook()", optional_hook());
}
