/* ld.so's private _dl_exception_create_format and _dl_exception_free (GLIBC_PRIVATE; glibc's
 * tst-create_format1): %s, %%, %x, %lx, %zx. Linked against the dynamic linker itself. */
#include <stddef.h>
#include <stdio.h>

struct dl_exception {
	const char *objname;
	const char *errstring;
	char *message_buffer;
};
void _dl_exception_create_format(struct dl_exception *, const char *, const char *, ...);
void _dl_exception_free(struct dl_exception *);

int main(void)
{
	struct dl_exception e;
	_dl_exception_create_format(&e, "obj", "%s-%%-%x-%lx-%zx", "text", 123u, ~2ul, (size_t)~1ul);
	printf("[%s] [%s]\n", e.objname, e.errstring);
	_dl_exception_free(&e);
	printf("freed: %s\n", e.errstring == NULL && e.message_buffer == NULL ? "yes" : "no");
	_dl_exception_create_format(&e, NULL, "%s", "no object");
	printf("[%s] [%s]\n", e.objname, e.errstring);
	_dl_exception_free(&e);
	return 0;
}
