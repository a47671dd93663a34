/* Protected visibility: the library's own references to prot_fn bind to its own definition
 * even though the program defines prot_fn too; default-visibility def_fn is interposed. */
#include "nolibc/nolibc.h"
__attribute__((visibility("protected"))) const char *prot_fn(void) { return "library"; }
const char *def_fn(void) { return "library"; }
const char *(*volatile prot_ptr)(void) = prot_fn;
void lib_report(void)
{
	out("library calls prot_fn: ");
	outln(prot_fn());
	out("library calls prot_fn through a pointer: ");
	outln(prot_ptr());
	out("library calls def_fn: ");
	outln(def_fn());
}
