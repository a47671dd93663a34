#ifndef MMLD_OPTIONS_H
#define MMLD_OPTIONS_H
#include "rtld.h"
/* Reads LD_* and MMLD_* variables. In secure mode the unsafe ones are ignored (and then
 * removed from the environment by options_scrub_env, so children do not see them). */
HIDDEN void options_from_env(void);
/* Secure mode: the environment scrubbed as glibc's loader scrubs it (its unsecure variables
 * and ours removed, GLIBC_TUNABLES rewritten); returns the stack pointer (argv moves up). */
HIDDEN uintptr_t *options_scrub_env(uintptr_t *sp);
/* Direct mode: parses `ld-mmld.so [OPTIONS] PROGRAM [ARGS]`; returns argv's index of
 * PROGRAM. Prints help/version or a usage error and exits where glibc's ld.so does. */
HIDDEN int options_from_cmdline(void);

/* One more colon-separated list of audit modules (LD_AUDIT, an --audit, a DT_AUDIT): glibc
 * keeps them all, in order. */
HIDDEN void options_add_audit_list(const char *list);

/* glibc 2.36's name buffers for the lists of objects: an LD_PRELOAD or --preload name must be
 * shorter than PATH_MAX, an LD_AUDIT, --audit or DT_AUDIT name shorter than NAME_MAX; in secure
 * mode every such name shorter than NAME_MAX and without a slash. */
#define PRELOAD_NAME_LIMIT 4096
#define AUDIT_NAME_LIMIT 255
/* Whether the LEN bytes at NAME (one name of such a list) are tried at all: glibc skips the
 * others without a word (elf/rtld.c dso_name_valid_for_suid). */
HIDDEN bool options_list_name_usable(const char *name, size_t len, size_t limit);
#endif
