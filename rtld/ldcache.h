/* /etc/ld.so.cache in glibc's current format ("glibc-ld.so.cache1.1"), read-only.
 *
 *   header (48 bytes): magic[17] "glibc-ld.so.cache", version[3] "1.1", nlibs u32,
 *                      len_strings u32, flags u8, pad[3], extension_offset u32, unused[3] u32
 *   nlibs entries (24 bytes): flags i32, key u32, value u32, osversion u32, hwcap u64
 *   strings; key and value are offsets from the start of the file
 *   extensions (at extension_offset): magic u32, count u32, then count sections
 *                      {tag, flags, offset, size}; tag 1 is the glibc-hwcaps subdirectory
 *                      names: an array of u32 string offsets
 *
 * ldconfig sorts the entries by soname, in descending order of ldcache_libcmp (digit runs
 * compare as numbers), so a lookup is a binary search, then a walk over the entries of that
 * name: glibc-hwcaps entries come first (hwcap bit 62; the low 32 bits index the names
 * section, bits 32..41 an ISA level the CPU must have) and the best-ranked subdirectory
 * wins; else the first plain entry. flags 0x0303 is an x86-64 libc6 library. The old format
 * ("ld.so-1.7.0") is not read; glibc stopped writing it in 2.32. Pure; unit-tested with
 * caches built by hand and with the system's own cache. */
#ifndef MMLD_LDCACHE_H
#define MMLD_LDCACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LDCACHE_MAGIC "glibc-ld.so.cache1.1"
#define LDCACHE_FLAGS_X8664_LIBC6 0x0303

/* What this process may load from the cache besides plain entries. */
struct ldcache_caps {
	const char *const *hwcaps; /* glibc-hwcaps subdirectory names, best first */
	size_t nhwcaps;
	uint32_t isa_levels;       /* ISA levels the CPU has: bit 0 baseline, bit 1 x86-64-v2, ... */
	uint64_t legacy_allowed;   /* legacy hwcap bits an entry may carry (glibc: dl_hwcap & mask,
				      the platform bits, the TLS bit) */
	uint64_t platform_bit;     /* this platform's bit among the platform bits; ~0: none */
};

/* Returns the path for soname `name` (a pointer into the cache), or NULL. Every offset is
 * checked against `size`: a corrupt cache yields NULL, never a fault. `caps` is called only
 * when an entry with hwcap bits is met (most caches have none, and finding out what the CPU
 * can do costs CPUID instructions); NULL, or a NULL answer: plain entries only. */
typedef const struct ldcache_caps *(*ldcache_caps_fn)(void);
const char *ldcache_lookup(const void *cache, size_t size, const char *name, ldcache_caps_fn caps);
/* 0 if the buffer holds a cache of the supported format, else -1. */
int ldcache_valid(const void *cache, size_t size);
/* glibc's soname order: like strcmp, but a run of digits against a run of digits compares
 * by value, and a digit sorts after any other character. */
int ldcache_libcmp(const char *a, const char *b);
#endif
