/* /etc/ld.so.cache in glibc's current format ("glibc-ld.so.cache1.1"), read-only.
 *
 *   header (48 bytes): magic[17] "glibc-ld.so.cache", version[3] "1.1", nlibs u32,
 *                      len_strings u32, flags u8, pad[3], extension_offset u32, unused[3] u32
 *   nlibs entries (24 bytes): flags i32, key u32, value u32, osversion u32, hwcap u64
 *   strings; key and value are offsets from the start of the file
 *
 * flags 0x0303 is an x86-64 libc6 library. Entries with a hwcap (glibc-hwcaps
 * subdirectories, bit 62) are skipped: we load the baseline build. The old format
 * ("ld.so-1.7.0") is not read; glibc stopped writing it in 2.32. Pure; unit-tested with
 * caches built by hand and with the system's own cache. */
#ifndef MMLD_LDCACHE_H
#define MMLD_LDCACHE_H
#include <stddef.h>
#include <stdint.h>

#define LDCACHE_MAGIC "glibc-ld.so.cache1.1"
#define LDCACHE_FLAGS_X8664_LIBC6 0x0303

/* Returns the path for soname `name` (a pointer into the cache), or NULL. Every offset is
 * checked against `size`: a corrupt cache yields NULL, never a fault. */
const char *ldcache_lookup(const void *cache, size_t size, const char *name);
/* 0 if the buffer holds a cache of the supported format, else -1. */
int ldcache_valid(const void *cache, size_t size);
#endif
