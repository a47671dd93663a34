#ifndef MMLD_SEARCH_H
#define MMLD_SEARCH_H
#include "rtld.h"

/* Finds, opens and maps the library `name` needed by `requester`, in the system loader's
 * order: a name with a slash is a path; otherwise DT_RPATH of the requester and of the
 * program (only when the requester has no DT_RUNPATH), LD_LIBRARY_PATH, DT_RUNPATH of the
 * requester, /etc/ld.so.cache, then the default directories. Returns an already-loaded
 * object when the file is one (same device and inode, or the same soname).
 * Returns NULL with "OBJECT: problem" in err (OBJECT: the file that was
 * opened and found unusable, or the name when nothing was found) when nothing usable is found. */
/* *missing: NULL because no usable file was found (ldd lists it as "not found"), not
 * because one was found and is broken. */
HIDDEN struct dso *search_and_map(const char *name, struct dso *requester, char *err, size_t errlen, bool *missing);
/* Unmaps /etc/ld.so.cache once start-up has loaded everything (dlopen maps it again). */
HIDDEN void search_release_cache(void);
HIDDEN const char *search_program_in_cache(const char *name);
/* The directory of d's file, for $ORIGIN. */
HIDDEN const char *search_origin(struct dso *d);
/* --help: "Shared library search path:" and its directories, as glibc prints them. */
HIDDEN void search_print_help(void);
/* The default directories, for messages and --help. */
extern const char *const search_default_dirs[] HIDDEN;
#endif
