/* struct dso: one record per loaded ELF object (the program, each library, ld-mmld.so
 * itself, the vDSO). Fields are grouped by the start-up stage that fills them; a stage only
 * reads fields of the stages before it. glibc calls this link_map, musl `struct dso`,
 * FreeBSD Obj_Entry (docs/glossary.md). */
#ifndef MMLD_DSO_H
#define MMLD_DSO_H

#include "include/elfdefs.h"
#include <stdbool.h>
/* glibc's link_map offsets: generated into build/gen/ for the loader, the checked-in copy for
 * the hosted unit tests (the offsets are the same; only the build-id may differ). */
#if __has_include("glibc-abi.h")
#include "glibc-abi.h"
#else
#include "glibc/abi.h"
#endif

enum dso_kind { DSO_MAIN, DSO_LIB, DSO_RTLD, DSO_VDSO };

/* One entry of a versym index table: what version index N of this object means. 16 bytes:
 * every object has one per index (libc.so.6 44), each process its own. What only the
 * needed-version check reads (the file that must define a needed version, its weak flag, the
 * names' hashes) it reads from the object's verneed and verdef records themselves. */
struct dso_version {
	const char *name; /* NULL: index unused */
	const struct dso_version *def; /* verneed: that library's verdef of the same name, once the
					  needed-version check found it (a lookup that meets it
					  there needs no compare); NULL: not known, or a verdef */
};

/* A field of struct dso placed at a glibc link_map offset (see struct dso's first member). */
#define DSO_PAD_(n) glibc_pad_##n
#define DSO_PAD(n) DSO_PAD_(n)
#define DSO_AT(off, decl) struct { unsigned char DSO_PAD(__LINE__)[off]; decl; }
/* l_info's entries: DT_NUM_DIRECT direct tags, then glibc's VERSYMIDX, 3 extra, VALIDX and
 * ADDRIDX ranges (dso_info_index). */
#define DSO_INFO_COUNT ((LM_l_phdr - LM_l_info) / 8)

struct dso {
	/* --- glibc's link_map, in glibc 2.36's layout (what libc.so.6 reads: rtld/glibc/
	 * linkmap.c fills the rest when libc.so.6 is loaded). The record IS the map: the fields
	 * below that mean exactly what a glibc link_map field means live at that field's offset,
	 * so each object has one record, not a record and a copy; reading them costs what any
	 * field does. A field here is set by the stage named in the groups further down. --- */
	union {
		unsigned char glibc_map[LINK_MAP_SIZE];
		uintptr_t load_bias;                               /* l_addr (map.c) */
		DSO_AT(LM_l_ld, Elf64_Dyn *dynamic);               /* l_ld (map.c) */
		DSO_AT(LM_l_info, Elf64_Dyn *info[DSO_INFO_COUNT]);/* l_info: dso_dyn, dso_has (dynamic.c) */
		DSO_AT(LM_l_phdr, const Elf64_Phdr *phdr);         /* l_phdr, in mapped memory */
		DSO_AT(LM_l_entry, uintptr_t entry);               /* l_entry, run-time */
		DSO_AT(LM_l_phnum, uint16_t phnum);                /* l_phnum */
		DSO_AT(LM_l_nbuckets, uint32_t gnu_nbuckets);      /* l_nbuckets (a SysV table's too) */
		DSO_AT(LM_l_gnu_bitmask_idxbits, uint32_t gnu_bloom_mask);
		DSO_AT(LM_l_gnu_shift, uint32_t gnu_shift);
		DSO_AT(LM_l_gnu_buckets, const uint32_t *gnu_buckets);
		DSO_AT(LM_l_gnu_chain_zero, const uint32_t *gnu_chain_zero); /* chain, by symbol index */
		DSO_AT(LM_l_versyms, const uint16_t *versym);      /* l_versyms (dynamic.c) */
		DSO_AT(LM_l_map_start, uintptr_t map_start);       /* l_map_start: the reservation */
		DSO_AT(LM_l_file_id, uint64_t dev);                /* l_file_id (search.c / map.c) */
		DSO_AT(LM_l_file_id + 8, uint64_t ino);
		DSO_AT(LM_l_flags_1, uint32_t flags_1);            /* DT_FLAGS_1 (dynamic.c) */
		DSO_AT(LM_l_flags, uint32_t flags);                /* DT_FLAGS */
		DSO_AT(LM_l_tls_initimage, const void *tls_image); /* PT_TLS (map.c) */
		DSO_AT(LM_l_tls_initimage_size, size_t tls_filesz);
		DSO_AT(LM_l_tls_blocksize, size_t tls_memsz);
		DSO_AT(LM_l_tls_align, size_t tls_align);
		DSO_AT(LM_l_tls_firstbyte_offset, size_t tls_firstbyte);
		DSO_AT(LM_l_tls_offset, ptrdiff_t tls_offset);     /* static TLS: block at TP - tls_offset;
								      0 until tls_static (tls.c) */
		DSO_AT(LM_l_tls_modid, size_t tls_modid);          /* 0: no TLS (tls.c) */
		DSO_AT(LM_l_relro_addr, uintptr_t relro_start);    /* run-time, page-aligned; 0: none */
		DSO_AT(LM_l_relro_size, size_t relro_len);
	};

	/* --- identity (search.c / map.c) --- */
	char *name;        /* as asked for: DT_NEEDED string, command-line path, soname */
	char *path;        /* the file opened, as a path; "" for a program adopted from the kernel */
	char *origin;      /* directory of path, for $ORIGIN; NULL until asked for */
	const char *soname;/* DT_SONAME, or NULL */
	/* dev, ino (above): one record per file, compared before mapping a second copy */
	uint64_t fsize, mtime_ns, ctime_ns; /* with dev and ino, what identifies its contents */
	enum dso_kind kind;
	unsigned ns;       /* link-map namespace (glibc's l_ns): 0 unless dlmopen put it elsewhere */
	struct dso *next, *prev; /* every loaded object in load order (breadth-first) */

	/* --- mapping (map.c) --- */
	/* load_bias (run-time address minus link-time address), map_start, phdr, phnum, entry,
	 * relro_start, relro_len: above */
	size_t map_len;               /* of the reservation covering every PT_LOAD */
	uint32_t stack_flags;         /* PT_GNU_STACK p_flags (PF_X wanted executable stack) */
	uint16_t e_type;
	struct relcache_obj *relcache;/* MMLD_RELOC_CACHE: its agreed address and identity (relcache.h) */

	/* --- TLS, from PT_TLS (map.c) and layout (tls.c) --- */
	/* tls_image (run-time address), tls_filesz, tls_memsz, tls_align, tls_firstbyte,
	 * tls_offset, tls_modid: above */

	/* --- dynamic section (dynamic.c) --- */
	/* dynamic (in mapped memory), info[] (its first entry of each tag), flags, flags_1,
	 * versym, the GNU hash header: above */
	const Elf64_Rela *jmprel;     /* DT_JMPREL, run-time; NULL if none (what lazy binding reads) */
	uint64_t pltrelsz;            /* DT_PLTRELSZ; 0 if none */
	const char *strtab;
	size_t strsz;
	const Elf64_Sym *symtab;
	size_t nsyms;                 /* symbols the hash tables cover (defined ones) */
	size_t nsyms_max;             /* entries addressable before the table's segment (or the
					 string table) ends: bounds a relocation's symbol index */
	size_t nversym;               /* versym entries addressable, likewise */
	const uint32_t *sysv_hash;    /* nbucket, nchain, buckets[], chains[] */
	const uint32_t *gnu_hash;     /* nbuckets, symoffset, bloom_size, bloom_shift, ... */
	const uint64_t *gnu_bloom;
	uintptr_t exec_lo, exec_hi;   /* the one executable PT_LOAD (run-time), if there is just
					 one: code_address's test is then one compare; else 0, 0 */
	/* DT_VERDEF, DT_VERNEED, their counts, DT_RELR: dso_verdef() & co. read info[] */
	struct dso_version *versions; /* by versym index, from 2: dso_version() (versions.c) */
	size_t nversions;             /* one past the highest index; 0: none */

	/* --- dependencies (deps.c) --- */
	struct dso **deps;            /* DT_NEEDED order, resolved (filtees included) */
	struct dso **filtees;         /* DT_FILTER/DT_AUXILIARY objects found: searched just before it */
	struct dso *loader;           /* whose DT_NEEDED, LD_PRELOAD or dlopen brought it in (the
					 program for preloads): glibc's l_loader, which RTLD_NEXT
					 follows to the scope it searches */
	uint32_t ndeps, nfiltees;     /* 32-bit counts: each record is every process's own */
	uint32_t refcount;            /* dlopen handles outstanding (glibc: unsigned int too) */
	uint32_t nsearch_list;        /* entries of search_list */
	struct dso **reldeps;         /* dlopen'ed objects its relocations bound to without needing
					 them (glibc's l_reldeps): kept while it is */
	uint32_t nreldeps, reldeps_cap;
	struct dso **search_list;     /* once it is a dlopen root: its own breadth-first dependency
					 closure (glibc's l_searchlist), what dlsym on its handle
					 searches and a scope of every dlopen'ed object in it */
	struct dso **scope_roots;     /* the dlopen roots whose search lists its lookups try after the
					 global scope (glibc's l_scope): the root that loaded it, then
					 each later root whose closure took it in; none at start-up */
	size_t nscope_roots, scope_roots_cap;

	/* --- relocation (reloc.c) --- */
	uintptr_t write_lo, write_hi; /* span of the segments relocations may write */
	uint32_t nrelocs, nrelative, nsymbolic; /* counts for LD_DEBUG=statistics */
	uint32_t gnu_symoffset;       /* the GNU hash header's second word (gnu_nbuckets,
					 _bloom_mask, _shift: above, copied where every lookup
					 visiting the object reads them) */
	void *tlsdesc_blocks;         /* the dynamic TLS descriptors made for it (freed with it) */

	/* --- rtld-audit (audit.c) --- */
	struct audit_state *audit;    /* per audit module: cookie and la_objopen's flags; NULL until asked */
	struct audit_plt *audit_plt;  /* per PLT slot, when audited bindings need a record */

	/* --- personality --- */
	void *personality;            /* the glibc-layout link_map (glibc_map) once filled in */
	_Alignas(8) unsigned char glibc_libname[LIBNAME_LIST_SIZE]; /* l_libname's one entry */
	void *debug_map;              /* without one: the plain link_map debuggers see (debug.c) */

	/* --- flags, set by the stage named above each; together at the end so that they leave no
	 * padding between wider fields: under 1008 bytes the record takes the allocator's
	 * 1024-byte class, and every byte is one each process has to itself --- */
	/* identity (search.c / map.c) */
	bool missing;      /* ldd mode: a needed library that was not found (nothing mapped) */
	/* mapping (map.c) */
	bool mapped_by_kernel;        /* the program when started through PT_INTERP */
	bool load_by_read_dso;        /* segments copied with read() (MMLD_LOAD=read), not mapped */
	/* TLS (map.c, tls.c) */
	bool tls_static;              /* block lives in the static TLS area */
	bool tls_dynamic_used;        /* a thread has a block of it outside the static area */
	/* dynamic section (dynamic.c) */
	bool names_auditors;          /* has DT_AUDIT or DT_DEPAUDIT (rtld-audit modules to load) */
	/* dependencies (deps.c) */
	bool deps_loaded;
	bool in_global_scope;         /* in its namespace's global scope */
	bool dlopened;                /* added by dlopen, not at start-up */
	bool nodelete;                /* never unloaded: RTLD_NODELETE / DF_1_NODELETE, a unique symbol
					 in use, or bound to by an object that does not depend on it */
	bool gc_mark;                 /* dlclose: still needed */
	bool unloading;               /* dlclose: on its way out (finalisers, then unlinked) */
	bool deepbind;                /* dlopen RTLD_DEEPBIND: its first root's search list before the
					 global scope */
	/* relocation (reloc.c) */
	bool relocated;
	bool relocating;              /* its relocations are being applied, by one thread (dlopen
					 holds the load lock; start-up has no other): reldeps may grow */
	bool textrel;                 /* DT_TEXTREL: segments made writable while relocating */
	bool bind_now;
	bool write_contiguous;        /* nothing read-only inside that span: one compare suffices */
	/* initialisation (init.c) */
	bool init_started, init_done, fini_done;
	/* rtld-audit (audit.c) */
	bool audit_any_plt;           /* some la_objopen asked for its bindings */
	bool dlopen_now;              /* dlopen'ed with RTLD_NOW (not lazy even when audited) */
};

/* PT_GNU_STACK asks for an executable stack (or there is none: glibc's default). The vDSO
 * and the dynamic linker are not loaded objects in this sense. */
static inline bool dso_wants_exec_stack(const struct dso *d)
{
	return (d->stack_flags & PF_X) && d->kind != DSO_VDSO && d->kind != DSO_RTLD && !d->missing;
}

/* Where glibc's l_info keeps a dynamic tag's first entry; -1 for a tag it has no slot for. */
static inline int dso_info_index(int64_t tag)
{
	int i = -1;
	if (tag >= 0 && tag < DT_NUM_DIRECT)
		i = (int)tag;
	else if (tag >= 0x6ffffff0 && tag <= 0x6fffffff)   /* VERSYMIDX */
		i = DT_NUM_DIRECT + (int)(0x6fffffff - tag);
	else if (tag >= 0x6ffffd00 && tag <= 0x6ffffdff)   /* VALIDX: after 3 "extra" slots */
		i = DT_NUM_DIRECT + 16 + 3 + (int)(0x6ffffdff - tag);
	else if (tag >= 0x6ffffe00 && tag <= 0x6ffffeff)   /* ADDRIDX */
		i = DT_NUM_DIRECT + 16 + 3 + 12 + (int)(0x6ffffeff - tag);
	return i < (int)DSO_INFO_COUNT ? i : -1;
}

/* info[] slots of the tags glibc's VERSYMIDX covers (DT_VERSYM .. DT_VERNEEDNUM). */
#define DSO_VERSYMIDX(tag) (DT_NUM_DIRECT + (int)(0x6fffffff - (tag)))

/* Version index idx's entry (DSO_VERSION_FIRST <= idx < d->nversions): versions[] starts at
 * index 2, since 0 (local) and 1 (global) name no version. */
#define DSO_VERSION_FIRST 2
static inline struct dso_version *dso_version(const struct dso *d, size_t idx)
{
	return &d->versions[idx - DSO_VERSION_FIRST];
}

/* Has the dynamic section tag (< DT_NUM_DIRECT)? */
static inline bool dso_has(const struct dso *d, int tag) { return d->info[tag] != NULL; }
/* The tag's d_val/d_ptr as the file has it (link-time addresses); 0 if absent. */
static inline uint64_t dso_dyn(const struct dso *d, int tag) { return d->info[tag] ? d->info[tag]->d_un.d_val : 0; }

/* The version tables (run-time addresses, NULL if none) and their counts: dynamic.c checked
 * the tables. */
static inline const Elf64_Verdef *dso_verdef(const struct dso *d)
{
	const Elf64_Dyn *e = d->info[DSO_VERSYMIDX(DT_VERDEF)];
	return e ? (const Elf64_Verdef *)(d->load_bias + e->d_un.d_ptr) : NULL;
}
static inline size_t dso_verdefnum(const struct dso *d)
{
	const Elf64_Dyn *e = d->info[DSO_VERSYMIDX(DT_VERDEFNUM)];
	return e ? e->d_un.d_val : 0;
}
static inline const Elf64_Verneed *dso_verneed(const struct dso *d)
{
	const Elf64_Dyn *e = d->info[DSO_VERSYMIDX(DT_VERNEED)];
	return e ? (const Elf64_Verneed *)(d->load_bias + e->d_un.d_ptr) : NULL;
}
static inline size_t dso_verneednum(const struct dso *d)
{
	const Elf64_Dyn *e = d->info[DSO_VERSYMIDX(DT_VERNEEDNUM)];
	return e ? e->d_un.d_val : 0;
}
/* DT_RELR's table, run-time address (0 if none), and its size. */
static inline uintptr_t dso_relr(const struct dso *d) { return dso_has(d, DT_RELR) ? d->load_bias + dso_dyn(d, DT_RELR) : 0; }
static inline size_t dso_relrsz(const struct dso *d) { return dso_dyn(d, DT_RELRSZ); }

static inline const char *dso_str(const struct dso *d, size_t off)
{
	return off < d->strsz ? d->strtab + off : "<bad string offset>";
}

/* The name to print for an object in messages, as glibc prints it. */
static inline const char *dso_display(const struct dso *d)
{
	return d->path && d->path[0] ? d->path : d->name;
}

#endif
