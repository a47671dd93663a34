/* The relocation cache's files, as ld-mmld.so writes them and `mmld cache` reads them.
 * Pure definitions (no libc, no rtld state): rtld/relcache*.c, loader/cache.c and
 * loader/measure.c include this.
 *
 * One file per (object, everything that decided its relocated contents). Layout:
 *
 *   0            struct rc_header
 *   path_off     the object's path, NUL-terminated (for `mmld cache list` and `mmld share`)
 *   key_off      the key: struct rc_key_head, then nobjs struct rc_key_obj
 *   image_off    (page-aligned: the first page after the key) the object's writable
 *                file-backed pages as relocated, one range after the other: mapped
 *                MAP_PRIVATE over the object's own pages
 *   fixup_off    (image_off + image_len) fixup_count Elf64_Rela entries, copies of the
 *                object's relocations whose value is per process (re-applied after mapping,
 *                a word written only where its value differs); the file ends with them
 * Header, path and key are one read for most libraries (a page). The fix-ups come after the
 * image because a miss relocates in place in the new file's image (relcache_publish.c),
 * before it knows how many there are.
 *
 * An empty file HASH.seen says that a process missed the image HASH.rc and did not publish it
 * (its image is over MMLD_RELOC_CACHE_DEFER bytes): the next process to miss it does.
 *
 * The file's name is the hexadecimal siphash of the key (rc_name_keys), ".rc" appended. A
 * file is written with no name (or under a temporary one) and linked into place: a published
 * file is never changed, since a mapped file that shrinks raises SIGBUS in every process mapping it.
 * meta_sum, a siphash of the header (meta_sum taken as 0), path, key and fix-ups, is checked
 * at every use. image_sum, of the image as published, is checked by `mmld cache verify` and
 * MMLD_RELOC_CACHE=verify: reading every page of an image at every start would cost more
 * than relocating most objects. */
#ifndef MMLD_RELCACHE_FORMAT_H
#define MMLD_RELCACHE_FORMAT_H
#include <stdint.h>

#define RC_MAGIC "MMLDRC\x01\n"
#define RC_VERSION 4 /* 3: fix-ups after the image; 4: image_sum of Fletcher lanes (imagesum.c) */
#define RC_MAX_RANGES 4
#define RC_BUILD_ID_MAX 32
#define RC_SUFFIX ".rc"
#define RC_HITS "hits" /* 16-byte names appended, one per use */
#define RC_SECRET "secret"
#define RC_SEEN_SUFFIX ".seen" /* HASH.seen: an image missed once, to be published at the next miss */

/* The keys of the fixed (not secret) siphashes: file names and the metadata checksum. */
#define RC_NAME_KEY0 0x6d6d6c642d72656cULL
#define RC_NAME_KEY1 0x6f632d6e616d6531ULL
#define RC_NAME_KEY2 0x6f632d6e616d6532ULL
#define RC_SUM_KEY 0x6d6d6c642d73756dULL

/* The window per-boot library addresses are drawn from: 16 TiB, far from where the kernel
 * puts programs (0x400000, or 0x55... for PIE), their heap, and its mmap area (below the
 * stack, 0x7f...), and above AddressSanitizer's shadow (which ends at 0x10007fff8000). */
#define RC_WINDOW_LO 0x200000000000ULL
#define RC_WINDOW_HI 0x300000000000ULL

/* What identifies one file's contents. */
struct rc_ident {
	uint64_t dev, ino, size;
	uint64_t mtime_ns, ctime_ns;
	uint8_t build_id[RC_BUILD_ID_MAX];
	uint32_t build_id_len;
	uint32_t pad;
};

enum rc_kind { RC_OBJ_LIB = 1, RC_OBJ_MAIN = 2, RC_OBJ_RTLD = 3, RC_OBJ_VDSO = 4 };
/* RC_LIST_OWN + r: the search list of the r-th dlopen root that took the object in. */
enum rc_list { RC_LIST_SCOPE = 0, RC_LIST_OWN = 1 };

/* One object of the lookup scope, in search order: whoever could supply or interpose a
 * definition. */
struct rc_key_obj {
	struct rc_ident id;
	uint64_t base;       /* map_start when the object sits at a fixed address (its agreed one,
				or an ET_EXEC's link-time one); 0 when placed per process */
	uint64_t tls_modid;
	int64_t tls_offset;
	uint8_t kind, fixed, tls_static, list;
	uint32_t pad;
};

#define RC_F_LAZY 1     /* JUMP_SLOTs left for lazy binding */
#define RC_F_DEEPBIND 2 /* dlopen RTLD_DEEPBIND: its first root's search list first */
#define RC_F_LOCAL 4    /* outside the global scope */

struct rc_key_head {
	uint8_t rtld_build_id[RC_BUILD_ID_MAX]; /* ld-mmld.so's own build */
	uint32_t rtld_build_id_len;
	uint32_t pagesize;
	uint64_t boot[2];    /* the per-boot generation (from the secret) */
	uint64_t cpu_hash;   /* the CPUID words IFUNC resolvers read */
	uint64_t env_hash;   /* GLIBC_TUNABLES, LD_BIND_NOW */
	uint64_t map_start, load_bias;
	struct rc_ident self;
	uint64_t tls_modid;
	int64_t tls_offset;
	uint32_t flags;      /* RC_F_* */
	uint32_t nobjs;      /* struct rc_key_obj that follow */
};

struct rc_range {
	uint64_t vaddr, len; /* link-time address of the first page, bytes (whole pages) */
};

struct rc_header {
	char magic[8];
	uint32_t version, header_size;
	uint64_t file_size;
	uint64_t path_off, path_len; /* path_len counts the NUL */
	uint64_t key_off, key_len;
	uint64_t image_off, image_len;
	uint64_t fixup_off, fixup_count;
	uint64_t name[2];
	uint32_t nranges, pad;
	struct rc_range ranges[RC_MAX_RANGES];
	uint64_t nrelocs, nrelative, nsymbolic; /* the creator's counts, for LD_DEBUG=statistics */
	uint64_t image_sum;  /* imagesum.h, of the image as published */
	uint64_t meta_sum;
};

#define RC_FIXUP_SIZE 24 /* a fix-up is an Elf64_Rela */

/* meta_sum of an entry: header (meta_sum taken as 0), path, key, fix-ups (relcache_sum.c). */
uint64_t rc_meta_sum(const struct rc_header *h, const void *path, const void *key, const void *fixups);

#endif
