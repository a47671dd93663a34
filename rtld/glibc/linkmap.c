/* glibc-layout link_maps, in glibc 2.36's layout, which libc reads (its list from
 * _rtld_global, l_info[] for the program's constructors, l_phdr for dl_iterate_phdr,
 * l_tls_modid, ...). Each is the first 1192 bytes of our struct dso (dso.h): the fields both
 * have are kept there by the stages that set them, the rest is filled here; a map libc hands
 * back (a dlopen handle, a scope entry) leads to our record through l_real, which is the
 * record itself except in ld-mmld.so's stand-ins (rtld_proxy).
 * .dynamic is left as the file has it and l_ld_readonly is set: libc then adds l_addr to
 * every d_ptr it reads (glibc's D_PTR), instead of us rewriting .dynamic in place. */
#include "glibc.h"
#include "../search.h"
#include "../debug.h"
#include "../lock.h"

/* Each namespace's global scope: an r_scope_elem {struct link_map **r_list; unsigned r_nlist},
 * then (in what is glibc's padding, never read by libc) the room r_list has. Namespace 0's is
 * written by every start-up, the others only by dlmopen and audit modules. */
struct scope_elem {
	void **r_list;
	unsigned r_nlist;
	unsigned cap;
};
static struct scope_elem global_scope0, global_scope_more[NS_MAX - 1] RARELY_WRITTEN;
static struct scope_elem *global_scope(unsigned ns) { return ns ? &global_scope_more[ns - 1] : &global_scope0; }

void *glibc_map_of(struct dso *d) { return d->personality; }
struct dso *glibc_dso_of(const void *map) { return map ? LM(map, LM_l_real, struct dso *) : NULL; }
void *glibc_global_scope_elem(unsigned ns) { return global_scope(ns); }

static void set_bit(void *map, int byte, int bit, bool on)
{
	unsigned char *b = (unsigned char *)map + byte;
	if (on)
		*b |= (unsigned char)(1u << bit);
	else
		*b &= (unsigned char)~(1u << bit);
}

/* The fields that follow what became of d after its map was made (an audit module may have
 * been shown the map as soon as d was mapped): its type, its place in the global scope (the
 * TLS fields are d's own). (Its scopes follow its dlopen roots: glibc_set_scope.) */
static void refresh_map(struct dso *d)
{
	char *m = d->personality;
	/* l_type: 0 executable, 1 library, 2 loaded by dlopen. */
	unsigned char *tb = (unsigned char *)m + LM_l_type_BYTE;
	*tb = (unsigned char)((*tb & ~(3u << LM_l_type_BIT)) |
			      ((d->kind == DSO_MAIN ? 0u : d->dlopened ? 2u : 1u) << LM_l_type_BIT));
	set_bit(m, LM_l_global_BYTE, LM_l_global_BIT, d->in_global_scope);
}

void glibc_build_map(struct dso *d)
{
	if (d->personality)
		return;
	char *m = (char *)d->glibc_map;
	d->personality = m;
	const char *name = d->kind == DSO_MAIN ? "" : d->kind == DSO_VDSO ? d->name : dso_display(d);
	LM(m, LM_l_name, const char *) = name;
	LM(m, LM_l_real, void *) = m;
	LM(m, LM_l_ns, long) = d->ns;
	char *ln = (char *)d->glibc_libname;
	LM(ln, LN_name, const char *) = d->soname ? d->soname : name;
	LM(ln, LN_dont_free, int) = 1;
	LM(m, LM_l_libname, void *) = ln;
	LM(m, LM_l_map_end, uintptr_t) = d->map_start + d->map_len;
	LM(m, LM_l_text_end, uintptr_t) = d->map_start + d->map_len;
	/* The directory of the file (dlinfo RTLD_DI_ORIGIN copies it), as glibc sets it for every
	 * object it opens; the program's is left NULL, as glibc leaves it until a $ORIGIN needs it. */
	const char *origin = d->kind == DSO_LIB && d->path && d->path[0] ? search_origin(d) : NULL;
	LM(m, LM_l_origin, const char *) = d->kind == DSO_MAIN ? NULL : origin ? origin : (const char *)-1;
	/* l_nbuckets, l_gnu_bitmask_idxbits, l_gnu_shift, l_gnu_buckets, l_gnu_chain_zero are
	 * ours (dynamic.c); the Bloom filter of an object without a GNU table is NULL here, as in
	 * glibc (ours lets every name through). */
	if (d->gnu_hash)
		LM(m, LM_l_gnu_bitmask, const void *) = d->gnu_bloom;
	LM(m, LM_l_direct_opencount, unsigned) = 1;
	if (d->loader && d->loader != d) {
		glibc_build_map(d->loader);
		LM(m, LM_l_loader, void *) = d->loader->personality;
	}
	set_bit(m, LM_l_relocated_BYTE, LM_l_relocated_BIT, true);
	set_bit(m, LM_l_ld_readonly_BYTE, LM_l_ld_readonly_BIT, true);
	set_bit(m, LM_l_contiguous_BYTE, LM_l_contiguous_BIT, true);
	set_bit(m, LM_l_main_map_BYTE, LM_l_main_map_BIT, d->kind == DSO_MAIN);
	LM(m, LM_l_local_scope, void *) = m + LM_l_searchlist;
	refresh_map(d);
	glibc_set_search_list(d);
	glibc_set_scope(d);
}

/* l_scope, opaque to libc and handed back to our dl_lookup_symbol_x (dlsym(RTLD_DEFAULT)
 * from inside the object): the global scope, then the search list of each dlopen root the
 * object belongs to (the first one before the global scope with RTLD_DEEPBIND), NULL-ended.
 * l_scope_mem holds four; more go to an array of their own. */
void glibc_set_scope(struct dso *d)
{
	char *m = d->personality;
	if (!m)
		return;
	size_t n = 1 + d->nscope_roots;
	void **scope = (void **)(m + LM_l_scope_mem);
	if (n + 1 > 4) {
		void **old = LM(m, LM_l_scope, void **);
		scope = rt_calloc(n + 1, sizeof *scope);
		if (!scope)
			die_load(NULL, "out of memory");
		if (old != (void **)(m + LM_l_scope_mem))
			rt_free(old);
	}
	size_t k = 0;
	bool deep_first = d->deepbind && d->nscope_roots;
	if (deep_first) {
		glibc_build_map(d->scope_roots[0]);
		scope[k++] = (char *)d->scope_roots[0]->personality + LM_l_searchlist;
	}
	scope[k++] = global_scope(d->ns);
	for (size_t i = deep_first ? 1 : 0; i < d->nscope_roots; i++) {
		glibc_build_map(d->scope_roots[i]);
		scope[k++] = (char *)d->scope_roots[i]->personality + LM_l_searchlist;
	}
	scope[k] = NULL;
	LM(m, LM_l_scope, void **) = scope;
	LM(m, LM_l_scope_max, size_t) = n + 1 > 4 ? n + 1 : 4;
}

void *glibc_link_map_of(struct dso *d)
{
	glibc_build_map(d);
	return d->personality;
}

/* A namespace's global scope list (the program's l_searchlist is namespace 0's): not a map's
 * own. */
static bool is_global_list(void **list)
{
	for (unsigned n = 0; n < NS_MAX; n++)
		if (list && list == global_scope(n)->r_list)
			return true;
	return false;
}

void glibc_free_map(struct dso *d)
{
	char *m = d->personality;
	if (!m)
		return;
	void **list = LM(m, LM_l_searchlist + SCOPE_r_list, void **);
	if (!is_global_list(list))
		rt_free(list);
	if (LM(m, LM_l_scope, void **) != (void **)(m + LM_l_scope_mem))
		rt_free(LM(m, LM_l_scope, void **));
	d->personality = NULL; /* the map is part of d, freed with it */
}

void glibc_set_search_list(struct dso *d)
{
	char *m = d->personality;
	if (!m || !d->search_list)
		return;
	void **list = rt_calloc(d->nsearch_list + 1, sizeof *list);
	if (!list)
		die_load(NULL, "out of memory");
	for (size_t i = 0; i < d->nsearch_list; i++) {
		glibc_build_map(d->search_list[i]);
		list[i] = d->search_list[i]->personality;
	}
	void **old = LM(m, LM_l_searchlist + SCOPE_r_list, void **);
	if (!is_global_list(old))
		retire(old); /* libc may be searching it (__libc_dlsym takes no lock) */
	LM(m, LM_l_searchlist + SCOPE_r_list, void **) = list;
	LM(m, LM_l_searchlist + SCOPE_r_nlist, unsigned) = (unsigned)d->nsearch_list;
}

/* ld-mmld.so's stand-in on the list of a namespace other than 0 (glibc's own ld.so adds one
 * wherever libc.so.6 needs it): a link_map whose l_real is the real one, so dl_iterate_phdr and
 * debuggers see ld.so in that namespace while every lookup still reaches the one copy. */
static void *rtld_proxy(unsigned ns)
{
	glibc_build_map(R.self);
	char *real = R.self->personality, *m = rt_malloc(LINK_MAP_SIZE);
	if (!m)
		die_load(NULL, "out of memory");
	memcpy(m, real, LINK_MAP_SIZE);
	LM(m, LM_l_real, void *) = real; /* glibc_dso_of: R.self */
	LM(m, LM_l_ns, long) = ns;
	LM(m, LM_l_next, void *) = NULL;
	LM(m, LM_l_prev, void *) = NULL;
	return m;
}

void glibc_update_global_scope(void)
{
	for (unsigned n = 0; n < R.nns; n++) {
		struct link_ns *ns = NS(n);
		struct scope_elem *g = global_scope(n);
		if (ns->nscope > g->cap) {
			size_t cap = ns->nscope * 2;
			void **l = rt_realloc(g->r_list, cap * sizeof *l);
			if (!l)
				die_load(NULL, "out of memory");
			g->r_list = l;
			g->cap = (unsigned)cap;
		}
		for (size_t i = 0; i < ns->nscope; i++) {
			glibc_build_map(ns->scope[i]);
			g->r_list[i] = ns->scope[i]->personality;
		}
		g->r_nlist = (unsigned)ns->nscope;
	}
}

/* The lists libc walks (GL(dl_ns)[n]._ns_loaded): every object of each namespace in our load
 * order, which is glibc's (program, vDSO, libraries, ld.so); GL(dl_nns) namespaces. */
void glibc_link_list(void)
{
	for (struct dso *d = R.head; d; d = d->next) {
		if (d->personality)
			refresh_map(d);
		else
			glibc_build_map(d);
	}
	for (unsigned n = 1; n < R.nns; n++)
		if (NS(n)->rtld_listed && !NS(n)->rtld_proxy)
			NS(n)->rtld_proxy = rtld_proxy(n);
	debug_link();
	for (unsigned n = 0; n < R.nns; n++) { /* beyond R.nns: never used, still zero */
		char *ns = _rtld_global + GL__dl_ns + n * NAMESPACE_SIZE;
		LM(ns, NS__ns_loaded, void *) = NS(n)->first_map;
		LM(ns, NS__ns_nloaded, unsigned) = NS(n)->nmaps;
	}
	LM(_rtld_global, GL__dl_nns, size_t) = R.nns;
	glibc_update_global_scope();
	/* The program's own search list is the global scope. */
	void *mm = R.main->personality;
	LM(mm, LM_l_searchlist + SCOPE_r_list, void **) = global_scope0.r_list;
	LM(mm, LM_l_searchlist + SCOPE_r_nlist, unsigned) = global_scope0.r_nlist;
	LM(_rtld_global, NS__ns_main_searchlist, void *) = mm + LM_l_searchlist;
}
