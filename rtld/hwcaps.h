/* Hardware-capability subdirectories of every library search directory, chosen as glibc
 * 2.36 chooses them (its elf/dl-hwcaps.c), and the matching ld.so.cache preferences. */
#ifndef MMLD_HWCAPS_H
#define MMLD_HWCAPS_H
#include "rtld.h"
#include "ldcache.h"

/* The subdirectories to try in each search directory, best first, each ending in '/'
 * (the last is "", the directory itself):
 *   glibc-hwcaps/NAME/ for every --glibc-hwcaps-prepend name, then for x86-64-v4, -v3, -v2
 *   as far as the CPU reaches and --glibc-hwcaps-mask allows;
 *   then the legacy ones, every combination of tls, the platform (AT_PLATFORM, or glibc's
 *   "haswell"/"xeon_phi") and the hwcap names (x86_64, avx512_1), e.g. tls/x86_64/x86_64/.
 * Computed on first use from R.hwcaps_prepend and R.hwcaps_mask. */
HIDDEN size_t hwcaps_count(void);
HIDDEN const char *hwcaps_subdir(size_t i);
/* What ld.so.cache lookups may choose besides plain entries. */
HIDDEN const struct ldcache_caps *hwcaps_cache_caps(void);
/* $PLATFORM and GLRO(dl_platform): "haswell" or "xeon_phi" where glibc says so, else
 * AT_PLATFORM; NULL if there is none. */
HIDDEN const char *hwcaps_platform(void);
/* GNU_PROPERTY_X86_ISA_1_* bits this CPU reaches. */
HIDDEN uint32_t hwcaps_isa_levels(void);

/* Which subdirectories of one search directory are known to be missing (glibc stats a
 * subdirectory once, after the first failed open in it, and skips it from then on). */
struct hwcaps_dir;
HIDDEN struct hwcaps_dir *hwcaps_dir(const char *dir, size_t len);
HIDDEN bool hwcaps_dir_missing(const struct hwcaps_dir *d, size_t i);
/* After a failed open of a file in subdirectory i (path: the subdirectory itself). */
HIDDEN void hwcaps_dir_learn(struct hwcaps_dir *d, size_t i, const char *subdir_path, bool opened);

/* The ISA-level marker of an object (GNU_PROPERTY_X86_ISA_1_NEEDED in its property note),
 * and whether this CPU has all it asks for. glibc refuses such an object: at start-up with
 * "NAME: CPU ISA level is lower than required" (exit 127), in dlopen as the error. */
HIDDEN uint32_t hwcaps_isa_needed(const struct dso *d);
HIDDEN bool hwcaps_isa_ok(const struct dso *d);

/* --help: the two lists glibc prints (subdirectories and legacy ones, with their state). */
HIDDEN void hwcaps_print_help(void);
#endif
