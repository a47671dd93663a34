/* Symbol lookup.
 *
 * The global scope is searched in load order (the program, LD_PRELOAD objects, then
 * dependencies breadth-first), so the first definition found wins: that is how the program
 * and preloaded libraries interpose on library functions. In each object the GNU hash
 * table is tried first: a Bloom filter rejects most absent names with one 64-bit load, then
 * one bucket's chain is compared by hash before any string compare. */
#include "lookup.h"
#include "hash.h"
#include "versions.h"
#include "lock.h"
#include "version_match.h"
#include "relcache.h"

__attribute__((always_inline)) static inline bool sym_usable(const Elf64_Sym *s, const struct sym_query *q)
{
	unsigned type = SYM_TYPE(s->st_info), bind = SYM_BIND(s->st_info);
	if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE)
		return false;
	if (type > STT_FUNC && type != STT_COMMON && type != STT_TLS && type != STT_GNU_IFUNC)
		return false;
	/* An undefined symbol is no definition, except that a non-PIE program's undefined
	 * function with a value is the canonical address of that function (its PLT entry), so
	 * that function pointers compare equal everywhere; a PLT lookup must skip it. */
	if (s->st_value == 0 && s->st_shndx != SHN_ABS && type != STT_TLS)
		return false;
	if (s->st_shndx == SHN_UNDEF && q->plt)
		return false;
	if (SYM_VIS(s->st_other) == STV_HIDDEN || SYM_VIS(s->st_other) == STV_INTERNAL)
		return false;
	return true;
}

/* Symbol i of d has the hash q asks for: is it the definition? The name first (hash
 * collisions are rare, so the other tests run about once per lookup). */
__attribute__((always_inline)) static inline const Elf64_Sym *match(const struct dso *d, size_t i,
								    const struct sym_query *q)
{
	const Elf64_Sym *s = &d->symtab[i];
	if (s != q->ref && (s->st_name >= d->strsz || strcmp(d->strtab + s->st_name, q->name) != 0))
		return NULL;
	if (!sym_usable(s, q) || !version_match(d, i, q->version))
		return NULL;
	/* A definition must lie in its object (the end included: _end): a malformed value
	 * would otherwise become a pointer, or a jump, anywhere. */
	if (s->st_shndx != SHN_ABS && SYM_TYPE(s->st_info) != STT_TLS) {
		uintptr_t a = d->load_bias + s->st_value;
		if (a < d->map_start || a - d->map_start > d->map_len)
			return NULL;
	}
	return s;
}

static const Elf64_Sym *find_sysv(const struct dso *d, const struct sym_query *q)
{
	const uint32_t *h = d->sysv_hash;
	uint32_t nbucket = h[0], nchain = h[1];
	const uint32_t *buckets = h + 2, *chains = h + 2 + nbucket;
	uint32_t steps = 0;
	for (uint32_t i = buckets[elf_hash(q->name) % nbucket]; i && i < nchain && steps <= nchain;
	     i = chains[i], steps++) {
		const Elf64_Sym *s = i < d->nsyms ? match(d, i, q) : NULL;
		if (s)
			return s;
	}
	return NULL;
}

/* What every object's Bloom filter test shares: computed once per lookup. */
struct probe {
	uint32_t hv;     /* GNU hash of the name */
	uint32_t word;   /* hv / 64: which Bloom word (before the object's mask) */
	uint64_t bit;    /* the first of the two bits, 1 << (hv % 64) */
};

static inline struct probe probe_of(const struct sym_query *q)
{
	return (struct probe){q->gnu_hash, q->gnu_hash / 64, 1ULL << (q->gnu_hash % 64)};
}

/* One object's definition of q, or NULL. Inline in the scope walk: a lookup tries several
 * objects (4.6 on average for clang), and the Bloom filter alone turns away three in four. */
__attribute__((always_inline)) static inline const Elf64_Sym *find_in(const struct dso *d, const struct sym_query *q,
								      struct probe p)
{
	/* An object with only a SysV table has a one-word filter that lets everything through. */
	uint64_t mask = p.bit | (1ULL << ((p.hv >> d->gnu_shift) % 64));
	if (__builtin_expect((d->gnu_bloom[p.word & d->gnu_bloom_mask] & mask) != mask, 1))
		return NULL;
	if (__builtin_expect(!d->gnu_hash, 0))
		return d->sysv_hash ? find_sysv(d, q) : NULL;
	uint32_t symoffset = d->gnu_symoffset;
	size_t i = d->gnu_buckets[p.hv % d->gnu_nbuckets];
	if (i < symoffset)
		return NULL;
	const uint32_t *chain = d->gnu_chain_zero; /* indexed by symbol */
	for (size_t n = d->nsyms; i < n; i++) {
		uint32_t c = chain[i];
		if (((c ^ p.hv) >> 1) == 0) {
			const Elf64_Sym *s = match(d, i, q);
			if (s)
				return s;
		}
		if (c & 1)
			break;
	}
	return NULL;
}

/* LD_DEBUG=statistics' count of objects searched: only when asked for (lazy bindings in
 * several threads would otherwise race on it). */
#define COUNT_LOOKUPS(n) (DEBUG_ON(DBG_STATISTICS) ? (void)(R.nlookups += (n)) : (void)0)

const Elf64_Sym *lookup_in_dso(const struct dso *d, const struct sym_query *q)
{
	COUNT_LOOKUPS(1);
	return find_in(d, q, probe_of(q));
}

/* STB_GNU_UNIQUE: one definition per name in each namespace, the first one found. */
struct unique_entry {
	struct unique_entry *next;
	const char *name;
	unsigned ns;
	struct sym_def def;
};
#define UNIQUE_BUCKETS 16 /* few: each process has its own copy; C++ libraries define a few dozen */
static struct unique_entry *unique_table[UNIQUE_BUCKETS];

/* The entry for name in ns among the entries from `e` up to (not including) `stop`. */
static struct unique_entry *unique_find(struct unique_entry *e, struct unique_entry *stop, const char *name,
					unsigned ns)
{
	for (; e != stop; e = __atomic_load_n(&e->next, __ATOMIC_ACQUIRE))
		if (e->ns == ns && strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

/* Lazy bindings reach here from any thread without a lock (rtld/lock.c): entries are pushed
 * with a compare-and-swap, never changed or removed, so a reader walks a list that only ever
 * gains entries at its head. Two threads adding the same name: the one that loses the race
 * takes the winner's entry. */
static void unique_resolve(const char *name, uint32_t h, struct sym_def *def)
{
	struct unique_entry **slot = &unique_table[h % UNIQUE_BUCKETS];
	struct unique_entry *head = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	struct unique_entry *e = unique_find(head, NULL, name, def->dso->ns), *mine;
	if (e) {
		*def = e->def;
		return;
	}
	if (!(mine = rt_malloc(sizeof *mine)))
		return;
	mine->name = name;
	mine->ns = def->dso->ns;
	mine->def = *def;
	do {
		mine->next = head;
		if (__atomic_compare_exchange_n(slot, &head, mine, false, __ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
			break;
		e = unique_find(head, mine->next, name, mine->ns); /* what was pushed meanwhile */
		if (e) {
			rt_free(mine);
			*def = e->def;
			return;
		}
	} while (1);
	/* The process-wide definition must outlive every user of it (set once, never cleared). */
	__atomic_store_n(&def->dso->nodelete, true, __ATOMIC_RELAXED);
}

__attribute__((always_inline)) static inline bool search(struct dso **scope, size_t n, const struct sym_query *q,
							   struct dso *skip, struct sym_def *out)
{
	struct probe p = probe_of(q);
	for (size_t i = 0; i < n; i++) {
		/* Atomic: a global scope's slot past its count may be filled while a reader that
		 * still has the older, longer count of a padded array reads it (deps.c). */
		struct dso *d = __atomic_load_n(&scope[i], __ATOMIC_RELAXED);
		if (skip && d == skip) /* skip is a constant NULL where search is inlined */
			continue;
		const Elf64_Sym *s = find_in(d, q, p);
		if (s) {
			COUNT_LOOKUPS(i + 1);
			out->sym = s;
			out->dso = d;
			if (SYM_BIND(s->st_info) == STB_GNU_UNIQUE)
				unique_resolve(q->name, q->gnu_hash, out);
			return true;
		}
	}
	COUNT_LOOKUPS(n);
	return false;
}

/* The same, out of line, for the scopes searched less often than the global one, and for a
 * COPY relocation (which skips the program). */
__attribute__((noinline)) static bool search_other(struct dso **scope, size_t n, const struct sym_query *q,
						   struct dso *skip, struct sym_def *out)
{
	return search(scope, n, q, skip, out);
}

/* A dlopen'ed object that `req` now refers to without depending on it (a symbol found in the
 * global scope) must not be unloaded while req may still call it: glibc records such
 * "relocation dependencies": def joins req->reldeps, which dlclose follows like DT_NEEDED.
 * While req's own relocations are applied one thread does that; a lazy binding later does
 * it under the load lock (or, before libc's locks exist, keeps def for good). */
/* Is def among d's dependencies, at any depth (glibc's l_initfini)? */
static bool depends_on(const struct dso *d, const struct dso *def, unsigned depth)
{
	for (size_t i = 0; i < d->ndeps; i++)
		if (d->deps[i] == def || (depth < 64 && d->deps[i] != d && depends_on(d->deps[i], def, depth + 1)))
			return true;
	return false;
}

static void add_reldep(struct dso *req, struct dso *def)
{
	for (size_t i = 0; i < req->nreldeps; i++)
		if (req->reldeps[i] == def)
			return;
	if (req->nreldeps == req->reldeps_cap) {
		size_t cap = req->reldeps_cap ? req->reldeps_cap * 2 : 4;
		struct dso **r = rt_realloc(req->reldeps, cap * sizeof *r);
		if (!r) {
			def->nodelete = true;
			return;
		}
		req->reldeps = r;
		req->reldeps_cap = cap;
	}
	req->reldeps[req->nreldeps++] = def;
}

static void keep_if_foreign(struct dso *req, struct dso *def)
{
	if (!def->dlopened || def == req || def->nodelete)
		return;
	if (req->search_list) {
		for (size_t i = 0; i < req->nsearch_list; i++)
			if (req->search_list[i] == def)
				return;
	} else if (depends_on(req, def, 0)) {
		return;
	}
	if (req->relocating) {
		add_reldep(req, def);
	} else if (R.load_lock) {
		/* A lazy binding, from any thread: dlclose reads reldeps under the load lock, so
		 * they grow under it too (glibc's add_dependency takes dl_load_lock likewise). A
		 * lock-free reader (rtld/lock.c) only tries: if it cannot, the lazy fix-up binds
		 * again under the lock. */
		if (scope_reading()) {
			if (!R.load_trylock || !R.load_trylock())
				return;
		} else {
			R.load_lock(true);
		}
		add_reldep(req, def);
		R.load_lock(false);
	} else {
		def->nodelete = true;
	}
}

void lookup_note_binding(struct dso *req, struct dso *def) { keep_if_foreign(req, def); }

bool lookup_reloc_symbol(struct dso *req, size_t symidx, bool plt, bool copy, struct sym_def *out)
{
	const Elf64_Sym *ref = &req->symtab[symidx];
	/* A local symbol, or one the requester defines with protected visibility, binds to the
	 * requester itself: protected means "not preemptible" (except a copy relocation, which
	 * by definition wants the data from elsewhere). */
	if (SYM_BIND(ref->st_info) == STB_LOCAL ||
	    (!copy && SYM_VIS(ref->st_other) == STV_PROTECTED && ref->st_shndx != SHN_UNDEF)) {
		out->sym = ref;
		out->dso = req;
		return true;
	}
	struct sym_query q = {.name = dso_str(req, ref->st_name), .plt = plt, .copy = copy, .ref = ref};
	q.gnu_hash = gnu_hash(q.name);
	if (req->versym && symidx < req->nversym) {
		uint16_t idx = req->versym[symidx] & VERSYM_INDEX;
		if (idx > VER_NDX_GLOBAL && idx < req->nversions && dso_version(req, idx)->name)
			q.version = dso_version(req, idx);
	}
	/* RTLD_DEEPBIND: the search list of the root that loaded it comes before the global scope. */
	struct dso *first_root = req->nscope_roots ? req->scope_roots[0] : NULL;
	if (req->deepbind && first_root && search_other(first_root->search_list, first_root->nsearch_list, &q, NULL, out)) {
		keep_if_foreign(req, out->dso);
		return true;
	}
	if ((req->flags & DF_SYMBOLIC) || dso_has(req, DT_SYMBOLIC)) {
		const Elf64_Sym *s = lookup_in_dso(req, &q);
		if (s) {
			out->sym = s;
			out->dso = req;
			return true;
		}
	}
	/* The global scope as published (lock.c scope_publish): read without a lock. */
	const struct link_ns *ns = NS(req->ns);
	struct dso **scope = __atomic_load_n(&ns->scope, __ATOMIC_ACQUIRE);
	size_t nscope = __atomic_load_n(&ns->nscope, __ATOMIC_ACQUIRE);
	if (copy ? search_other(scope, nscope, &q, R.main, out) : search(scope, nscope, &q, NULL, out)) {
		keep_if_foreign(req, out->dso);
		return true;
	}
	/* Then the search list of each dlopen root it belongs to, in the order they took it in
	 * (an object one root loaded can bind to what a later root brought: glibc's dblload). */
	for (size_t i = req->deepbind ? 1 : 0; i < req->nscope_roots; i++) {
		const struct dso *root = req->scope_roots[i];
		if (search_other(root->search_list, root->nsearch_list, &q, NULL, out)) {
			keep_if_foreign(req, out->dso);
			return true;
		}
	}
	return false;
}

bool lookup_global(const char *name, struct sym_def *out)
{
	struct sym_query q = {.name = name, .gnu_hash = gnu_hash(name)};
	struct dso **scope = __atomic_load_n(&R.ns0.scope, __ATOMIC_ACQUIRE);
	return search_other(scope, __atomic_load_n(&R.ns0.nscope, __ATOMIC_ACQUIRE), &q, NULL, out);
}

uintptr_t sym_address(const struct sym_def *def)
{
	uintptr_t a = def->dso->load_bias + def->sym->st_value;
	if (def->sym->st_shndx == SHN_ABS)
		a = def->sym->st_value;
	if (SYM_TYPE(def->sym->st_info) == STT_GNU_IFUNC && def->sym->st_shndx != SHN_UNDEF && R.mode == MODE_RUN) {
		if (!code_address(def->dso, a, false))
			die_load(dso_display(def->dso), "IFUNC resolver outside the loaded code");
		a = relcache_call_resolver(def->dso, a);
	}
	return a;
}
