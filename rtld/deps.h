#ifndef MMLD_DEPS_H
#define MMLD_DEPS_H
#include "rtld.h"

/* How an object is asked for: a missing DT_NEEDED one is fatal (or "not found" in ldd
 * mode), a missing preload is reported and skipped, a missing optional one (an auxiliary
 * filtee) is skipped silently. */
enum deps_load { DEPS_NEEDED, DEPS_PRELOAD, DEPS_OPTIONAL };
typedef struct dso *(*deps_loader)(const char *name, struct dso *req, enum deps_load how);

/* Appends d to the list of loaded objects. */
HIDDEN void deps_append(struct dso *d);
/* Decodes d's dynamic section and version tables; exits naming d on malformed input. */
HIDDEN void deps_prepare(struct dso *d);
/* The loaded object known by `name` (DT_NEEDED string, soname or path) in the namespace
 * being loaded into (R.load_ns), or NULL. */
HIDDEN struct dso *deps_find_loaded(const char *name);
/* The loaded object mapped from this file in R.load_ns (ld-mmld.so in any), or NULL. */
HIDDEN struct dso *deps_find_file(uint64_t dev, uint64_t ino);
HIDDEN void deps_trace_wanted(const char *name, const struct dso *req, const char *how);
HIDDEN void deps_trace_mapped(const struct dso *d);
/* Loads an LD_PRELOAD or --preload list (space or colon separated), adding each object to
 * the global scope right after the program. A missing object is reported and skipped. */
HIDDEN void deps_preload(const char *list, const char *source);
/* Loads one preload (a name or a path), named by `source` in its error line if missing. */
HIDDEN void deps_preload_one(const char *name, const char *source);
/* Loads every DT_NEEDED, breadth-first from the program, adding each to the global scope.
 * In ldd mode (LD_TRACE_LOADED_OBJECTS) a missing library is listed as "not found". */
HIDDEN void deps_load_all(void);
/* The same from `first` on (dlopen: the new object and what it needs). */
HIDDEN void deps_load_from(struct dso *first);
/* Moves f just before d in the object list, unless it is there already or earlier (a
 * filtee before its filter). */
HIDDEN void deps_move_before(struct dso *f, struct dso *d);
/* Puts ld-mmld.so on the object list, where glibc puts ld.so: right after the object before
 * it in the program's global scope. */
HIDDEN void deps_list_rtld(void);
/* Takes d off the object list and out of the global scope (dlclose, failed dlopen). */
HIDDEN void deps_remove(struct dso *d);
/* Frees d's record and what it owns, once no reader can reach it (dlclose). */
HIDDEN void deps_free(struct dso *d);
/* Adds d to the global scope of its namespace (once). */
HIDDEN void deps_scope_add(struct dso *d);
/* Adds d to the global scope of namespace n (once): d's own, or ld-mmld.so's in another. */
HIDDEN void deps_scope_add_to(unsigned n, struct dso *d);
#endif
