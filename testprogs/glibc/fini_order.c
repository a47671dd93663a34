/* The order of finalisers at exit for libraries dlopen'ed and never closed, which glibc's
 * _dl_fini decides by sorting the whole namespace again (elf/dl-fini.c, dl-sort-maps.c), not
 * by reversing the order of the constructors: libfo_a.so (RTLD_GLOBAL), then libfo_b.so,
 * which needs libfo_c.so, then libfo_d.so, which binds to libfo_a.so's fo_a without needing
 * it, then libfo_e.so. Each library writes its name at init and fini. */
#include <dlfcn.h>
#include <stdio.h>

int main(void)
{
	static const struct {
		const char *name;
		int mode;
	} libs[] = {{"libfo_a.so", RTLD_NOW | RTLD_GLOBAL}, {"libfo_b.so", RTLD_NOW},
		    {"libfo_d.so", RTLD_NOW}, {"libfo_e.so", RTLD_LAZY}};
	for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++)
		if (!dlopen(libs[i].name, libs[i].mode)) {
			printf("%s\n", dlerror());
			return 1;
		}
	printf("main returns\n");
	fflush(stdout);
	return 0;
}
