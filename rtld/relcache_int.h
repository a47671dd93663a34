/* What the relcache*.c files share. See relcache.h for the design. */
#ifndef MMLD_RELCACHE_INT_H
#define MMLD_RELCACHE_INT_H
#include "relcache.h"
#include "relcache_format.h"
#include "siphash.h"

/* Per object, while the cache is on (d->relcache). */
struct relcache_obj {
	uintptr_t agreed;     /* the address this boot and user agree on; 0: none */
	bool fixed;           /* at a fixed address: its agreed one, or an ET_EXEC's own */
	bool small;           /* no agreed address: its image is under the minimum, no secret yet */
	bool have_ident;
	struct rc_ident ident;
	bool resolver_ran;    /* one of its IFUNC resolvers ran before it was relocated */
};

/* One cached image found and checked, ready to map. */
struct rc_entry {
	int fd;
	struct rc_header h;
	Elf64_Rela *fixups;
	char name[40];        /* file name in the directory */
};

/* The writable file-backed pages of an object: what an image holds. */
struct rc_ranges {
	uint32_t n;
	struct rc_range r[RC_MAX_RANGES];
	int prot[RC_MAX_RANGES];
	uint64_t len;         /* sum of the lengths */
};

/* Publishing one image (relcache_publish.c): its file and metadata. */
struct rc_job {
	int fd;
	char tmp[48], name[40];
	bool unnamed;                /* fd is O_TMPFILE's: linked, not renamed, into place */
	char *meta;                  /* header, path, key: the file up to its image */
	Elf64_Rela *fix;             /* the fix-ups, written after the image */
	const char *path;            /* for messages */
	struct rc_ranges rg;
	long priv[RC_MAX_RANGES];    /* the MAP_PRIVATE mappings waiting to replace the shared ones */
	bool ok;
};

/* Below this, an image costs more to look up and map than its object costs to relocate
 * (rc_min_image: MMLD_RELOC_CACHE_MIN, in bytes). */
#define RC_MIN_IMAGE_DEFAULT (32 * 1024)
/* Images over this are published at their second miss, not their first (rc_defer_over:
 * MMLD_RELOC_CACHE_DEFER, in bytes; 0: every one at its first). */
#define RC_DEFER_OVER_DEFAULT (1024 * 1024)

struct rc_state {
	bool on, verify;
	uint64_t min_image;          /* smaller images are not cached (MMLD_RELOC_CACHE_MIN) */
	uint64_t defer_over;         /* larger ones are published at their second miss; 0: none */
	bool have_secret;            /* the directory was opened once: addresses can be agreed */
	int dirfd;                   /* DIR/BOOT_ID, -1 when closed */
	uint64_t dir_dev, dir_ino;   /* so a reopened fd number is never mistaken for it */
	bool dir_fresh;              /* opened in this start-up or dlopen: no program code ran since */
	char dir[512];               /* its path, for messages */
	struct sip_key secret;
	uint64_t boot[2];
	uint64_t cpu_hash, env_hash;
	struct rc_ident rtld;        /* ld-mmld.so's build-id */
	/* fix-ups being recorded for relcache_recording */
	Elf64_Rela *fix;
	size_t nfix, capfix;
	const char *uncacheable;     /* why the recorded object cannot be published */
	const struct rc_ranges *rec_ranges; /* its image */
	/* names of the entries used, for the hits log */
	uint64_t (*hits)[2];
	size_t nhits, caphits;
	size_t verify_diffs;
};
extern struct rc_state RC HIDDEN;

/* relcache_dir.c */
HIDDEN int rc_dir_open(char *why, size_t len);
HIDDEN bool rc_dir_ready(void);
HIDDEN void rc_dir_close(void);
HIDDEN void rc_hits_flush(void);
HIDDEN bool rc_seen_before(const char *entry);
HIDDEN long rc_sys(long n, long a, long b, long c, long d, long e);
HIDDEN bool rc_file_trusted(const struct kstat *st, bool secret);

/* relcache_key.c */
HIDDEN void rc_key_globals(void);
HIDDEN bool rc_ident_of(struct dso *d, struct rc_ident *out);
/* The key of d's image as it would be relocated now (malloc'ed), or NULL if some object of
 * its scope cannot be identified. */
HIDDEN void *rc_key_build(struct dso *d, size_t *len);
HIDDEN void rc_name_of(const void *key, size_t len, uint64_t name[2]);
/* The scope's keys are kept for one start-up or dlopen: objects freed later may leave their
 * addresses to others. */
HIDDEN void rc_key_forget_scope(void);
HIDDEN bool rc_ranges_of(const struct dso *d, struct rc_ranges *out);

/* relcache_file.c */
HIDDEN int rc_entry_open(struct dso *d, const void *key, size_t key_len, const struct rc_ranges *rg,
			 struct rc_entry *e);
HIDDEN void rc_entry_close(struct rc_entry *e);
HIDDEN bool rc_map_over(const struct dso *d, const struct rc_ranges *rg, int fd, const char *file, const uint64_t *off,
			int flags, const char *what);
HIDDEN bool rc_map_prepare(const struct rc_ranges *rg, int fd, const uint64_t *off, int flags, long *t);
HIDDEN void rc_map_move(const struct dso *d, const struct rc_ranges *rg, const long *t, const char *file,
			const uint64_t *off, const char *what);
HIDDEN void rc_range_offsets(const struct rc_ranges *rg, uint64_t image_off, uint64_t *off);
HIDDEN void rc_trace_map(const struct dso *d, uintptr_t addr, size_t len, int prot, const char *file, uint64_t off,
			 const char *what);
HIDDEN void rc_name_hex(const uint64_t name[2], char out[40]);

/* relcache_publish.c */
HIDDEN void rc_publish_and_reloc(struct dso *d, const void *key, size_t key_len, const struct rc_ranges *rg);
/* A dlopen failing while an object was relocated in place: its unpublished file dropped. */
HIDDEN void rc_publish_abort(void);

/* relcache_fixup.c */
HIDDEN void rc_record_start(struct dso *d, const struct rc_ranges *rg);
/* [vaddr, vaddr+len) lies in one range. */
HIDDEN bool rc_inside(const struct rc_ranges *rg, uint64_t vaddr, uint64_t len);
HIDDEN void rc_record_stop(void);
HIDDEN void rc_apply_fixups(struct dso *d, const Elf64_Rela *fix, size_t n);
/* The value(s) a per-process relocation has in this process; returns the number of words
 * (1, or 2 for a TLS descriptor), 0 if it writes nothing. */
HIDDEN int rc_fixup_value(struct dso *d, const Elf64_Rela *r, uint64_t out[2]);
/* A fix-up that restores a word an IFUNC resolver wrote (relcache_watch_resolver). */
HIDDEN bool rc_fixup_restores(const Elf64_Rela *f);

/* relcache_verify.c */
HIDDEN void rc_verify_object(struct dso *d, struct rc_entry *e, const struct rc_ranges *rg);

/* relcache.c: LD_DEBUG=files */
HIDDEN void rc_debug(const struct dso *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
