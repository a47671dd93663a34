#ifndef MMLD_STACK_H
#define MMLD_STACK_H
#include "rtld.h"

/* Fills R.argc/argv/envp/auxv/aux[] from the kernel's initial stack. */
HIDDEN void stack_decode(uintptr_t *sp);
/* Removes ld-mmld.so and its options from argv (direct mode); returns the new stack top. */
HIDDEN uintptr_t *stack_drop_args(uintptr_t *sp, int skip);
/* Removes the environment entries `drop` selects, keeping the stack contiguous (argc and
 * argv move up); returns the new stack top. */
HIDDEN uintptr_t *stack_remove_env(uintptr_t *sp, bool (*drop)(const char *));
/* Makes the auxv describe the program instead of ld-mmld.so (direct mode). */
HIDDEN void stack_patch_auxv(const struct dso *prog, const char *execfn);
/* getenv over the initial environment. */
HIDDEN const char *env_get(const char *name);
/* LD_SHOW_AUXV: prints the auxiliary vector in glibc's format (stdout). */
HIDDEN void stack_show_auxv(void);
#endif
