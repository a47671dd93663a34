/* What keys a cached image: everything that decided its relocated contents.
 *
 * An object's relocated words depend on its own file and base (RELATIVE), and on which
 * object defines each symbol it refers to and where that object is (symbolic ones). The
 * definition found is the first in the scope's search order, so every object of the scope,
 * in order, could supply or interpose one: the key names them all, each by the identity of
 * its file (device, inode, size, modification and change times, build-id), its base if it
 * sits at a fixed address, and its TLS layout. Beyond the objects: ld-mmld.so's own build,
 * the page size, the boot generation, the CPUID words IFUNC resolvers read, GLIBC_TUNABLES
 * and LD_BIND_NOW. What depends on an object placed per process (a PIE program, ld-mmld.so,
 * the vDSO) is not in the image at all but a fix-up (relcache_fixup.c). */
#include "relcache_int.h"
#include "stack.h"
#include "arch/x86_64/isa.h"

static bool build_id_of(const struct dso *d, uint8_t out[RC_BUILD_ID_MAX], uint32_t *len)
{
	*len = 0;
	for (size_t i = 0; i < d->phnum; i++) {
		const Elf64_Phdr *p = &d->phdr[i];
		if (p->p_type != PT_NOTE || p->p_filesz < 12)
			continue;
		uintptr_t a = d->load_bias + p->p_vaddr, end = a + p->p_filesz;
		if (d->kind != DSO_VDSO && !dso_contains(d, a, p->p_filesz, PF_R))
			continue;
		while (a + 12 <= end) {
			const uint32_t *n = (const uint32_t *)a;
			uint64_t name = (n[0] + 3) & ~3ULL, desc = (n[1] + 3) & ~3ULL;
			if (12 + name + desc > end - a)
				break;
			if (n[2] == 3 /* NT_GNU_BUILD_ID */ && n[0] == 4 && memcmp(n + 3, "GNU", 4) == 0) {
				*len = n[1] < RC_BUILD_ID_MAX ? n[1] : RC_BUILD_ID_MAX;
				memcpy(out, (const char *)(n + 3) + name, *len);
				return true;
			}
			a += 12 + name + desc;
		}
	}
	return false;
}

/* Without libc's personality (whose R.cpu_hash hashes the CPUID words it gathered anyway),
 * the leaves IFUNC resolvers test features in, and the state the OS enabled (XCR0). Each
 * CPUID can cost microseconds under a hypervisor. */
static uint64_t cpu_hash_raw(void)
{
	static const uint32_t leaves[][2] = {{1, 0}, {7, 0}, {7, 1}, {0xd, 1}, {0x80000001, 0}};
	uint32_t w[6][4];
	memset(w, 0, sizeof w);
	for (size_t i = 0; i < 5; i++)
		x86_cpuid(leaves[i][0], leaves[i][1], w[i]); /* asked of the CPU once per process */
	w[0][1] &= 0x00ffffff; /* the APIC id of the core we run on */
	if (w[0][2] & (1u << 27)) { /* OSXSAVE */
		__asm__ volatile("xgetbv" : "=a"(w[5][0]), "=d"(w[5][1]) : "c"(0));
	}
	struct sip_key k = {RC_SUM_KEY, 1};
	return siphash24(&k, w, sizeof w) | 1;
}

static uint64_t env_hash(void)
{
	char buf[4096];
	const char *t = env_get("GLIBC_TUNABLES"), *b = env_get("LD_BIND_NOW");
	int n = rt_snprintf(buf, sizeof buf, "GLIBC_TUNABLES=%s%c LD_BIND_NOW=%s%c", t ? t : "", t ? '1' : '0',
			    b ? b : "", b ? '1' : '0');
	struct sip_key k = {RC_SUM_KEY, 2};
	return siphash24(&k, buf, n < (int)sizeof buf ? (size_t)n : sizeof buf);
}

void rc_key_globals(void)
{
	build_id_of(R.self, RC.rtld.build_id, &RC.rtld.build_id_len);
	RC.env_hash = env_hash();
}

static struct relcache_obj *obj_of(struct dso *d)
{
	if (!d->relcache)
		d->relcache = rt_calloc(1, sizeof *d->relcache);
	return d->relcache;
}

bool rc_ident_of(struct dso *d, struct rc_ident *out)
{
	struct relcache_obj *o = obj_of(d);
	if (!o)
		return false;
	if (!o->have_ident) {
		memset(&o->ident, 0, sizeof o->ident);
		struct rc_ident *id = &o->ident;
		if (d->kind == DSO_MAIN && d->mapped_by_kernel) {
			/* The program the kernel mapped: its file is /proc/self/exe. */
			struct kstat st;
			if (sys_stat("/proc/self/exe", &st) < 0)
				return false;
			id->dev = st.st_dev;
			id->ino = st.st_ino;
			id->size = (uint64_t)st.st_size;
			id->mtime_ns = st.st_mtime_ * 1000000000ULL + st.st_mtime_ns;
			id->ctime_ns = st.st_ctime_ * 1000000000ULL + st.st_ctime_ns;
			o->fixed = d->e_type == ET_EXEC;
		} else if (d->kind == DSO_MAIN || d->kind == DSO_LIB) {
			if (!d->dev && !d->ino)
				return false;
			id->dev = d->dev;
			id->ino = d->ino;
			id->size = d->fsize;
			id->mtime_ns = d->mtime_ns;
			id->ctime_ns = d->ctime_ns;
			if (d->kind == DSO_MAIN)
				o->fixed = d->e_type == ET_EXEC;
		}
		/* ld-mmld.so is known by its build-id (in every key anyway), the vDSO by its own. */
		build_id_of(d, id->build_id, &id->build_id_len);
		o->have_ident = true;
	}
	*out = o->ident;
	return true;
}

static uint8_t kind_of(const struct dso *d)
{
	switch (d->kind) {
	case DSO_MAIN:
		return RC_OBJ_MAIN;
	case DSO_RTLD:
		return RC_OBJ_RTLD;
	case DSO_VDSO:
		return RC_OBJ_VDSO;
	default:
		return RC_OBJ_LIB;
	}
}

static bool key_obj(struct dso *d, uint8_t list, struct rc_key_obj *k)
{
	memset(k, 0, sizeof *k);
	if (!rc_ident_of(d, &k->id))
		return false;
	k->kind = kind_of(d);
	k->fixed = d->relcache->fixed;
	k->base = k->fixed ? d->map_start : 0;
	k->tls_modid = d->tls_modid;
	k->tls_offset = d->tls_offset;
	k->tls_static = d->tls_static;
	k->list = list;
	return true;
}

/* The scope part is the same for every start-up object: made once, remade when the global
 * scope changes (dlopen RTLD_GLOBAL, dlclose) or another namespace's is asked for. */
static struct {
	const struct link_ns *ns;
	struct dso **objs;
	size_t n;
	struct rc_key_obj *keys;
} scope_cache;

static bool scope_keys(const struct link_ns *ns, struct rc_key_obj **out)
{
	if (scope_cache.objs && scope_cache.ns == ns && scope_cache.n == ns->nscope &&
	    memcmp(scope_cache.objs, ns->scope, ns->nscope * sizeof *ns->scope) == 0) {
		*out = scope_cache.keys;
		return true;
	}
	rt_free(scope_cache.objs);
	rt_free(scope_cache.keys);
	scope_cache.objs = rt_malloc((ns->nscope + 1) * sizeof *ns->scope);
	scope_cache.keys = rt_malloc((ns->nscope + 1) * sizeof *scope_cache.keys);
	scope_cache.n = 0;
	scope_cache.ns = ns;
	if (!scope_cache.objs || !scope_cache.keys)
		return false;
	for (size_t i = 0; i < ns->nscope; i++)
		if (!key_obj(ns->scope[i], RC_LIST_SCOPE, &scope_cache.keys[i]))
			return false;
	memcpy(scope_cache.objs, ns->scope, ns->nscope * sizeof *ns->scope);
	scope_cache.n = ns->nscope;
	*out = scope_cache.keys;
	return true;
}

void rc_key_forget_scope(void)
{
	rt_free(scope_cache.objs);
	rt_free(scope_cache.keys);
	memset(&scope_cache, 0, sizeof scope_cache);
}

void *rc_key_build(struct dso *d, size_t *len)
{
	const struct link_ns *ns = NS(d->ns); /* its namespace's global scope (dlmopen) */
	struct rc_key_obj *scope;
	if (!scope_keys(ns, &scope))
		return NULL;
	if (!RC.cpu_hash) /* the personality has gathered its CPUID words by relocation time */
		RC.cpu_hash = R.cpu_hash ? R.cpu_hash() : cpu_hash_raw();
	/* A dlopen'ed object also searches, after the global scope (RTLD_DEEPBIND: before it),
	 * the search list of each dlopen root that took it in, in that order. */
	size_t nown = 0;
	for (size_t r = 0; r < d->nscope_roots; r++)
		nown += d->scope_roots[r]->nsearch_list;
	size_t n = ns->nscope + nown;
	*len = sizeof(struct rc_key_head) + n * sizeof(struct rc_key_obj);
	struct rc_key_head *h = rt_calloc(1, *len);
	if (!h)
		return NULL;
	struct rc_key_obj *objs = (struct rc_key_obj *)(h + 1);
	memcpy(h->rtld_build_id, RC.rtld.build_id, sizeof h->rtld_build_id);
	h->rtld_build_id_len = RC.rtld.build_id_len;
	h->pagesize = (uint32_t)R.pagesize;
	h->boot[0] = RC.boot[0];
	h->boot[1] = RC.boot[1];
	h->cpu_hash = RC.cpu_hash;
	h->env_hash = RC.env_hash;
	h->map_start = d->map_start;
	h->load_bias = d->load_bias;
	h->tls_modid = d->tls_modid;
	h->tls_offset = d->tls_offset;
	h->flags = (!(d->bind_now || R.bind_now) ? RC_F_LAZY : 0) | (d->deepbind ? RC_F_DEEPBIND : 0) |
		   (!d->in_global_scope ? RC_F_LOCAL : 0);
	h->nobjs = (uint32_t)n;
	if (!rc_ident_of(d, &h->self)) {
		rt_free(h);
		return NULL;
	}
	memcpy(objs, scope, ns->nscope * sizeof *objs);
	size_t k = ns->nscope;
	for (size_t r = 0; r < d->nscope_roots; r++) /* list RC_LIST_OWN + r: the r-th root's */
		for (size_t i = 0; i < d->scope_roots[r]->nsearch_list; i++)
			if (!key_obj(d->scope_roots[r]->search_list[i], (uint8_t)(RC_LIST_OWN + (r < 250 ? r : 250)),
				     &objs[k++])) {
				rt_free(h);
				return NULL;
			}
	return h;
}

void rc_name_of(const void *key, size_t len, uint64_t name[2])
{
	struct sip_key k1 = {RC_NAME_KEY0, RC_NAME_KEY1}, k2 = {RC_NAME_KEY0, RC_NAME_KEY2};
	name[0] = siphash24(&k1, key, len);
	name[1] = siphash24(&k2, key, len);
}

bool rc_ranges_of(const struct dso *d, struct rc_ranges *out)
{
	const uintptr_t pg = R.pagesize;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < d->phnum; i++) {
		const Elf64_Phdr *p = &d->phdr[i];
		if (p->p_type != PT_LOAD || !(p->p_flags & PF_W) || !p->p_filesz)
			continue;
		if (out->n == RC_MAX_RANGES || !(p->p_flags & PF_R))
			return false;
		uint64_t s = p->p_vaddr & ~(pg - 1), e = (p->p_vaddr + p->p_filesz + pg - 1) & ~(pg - 1);
		if (out->n && s < out->r[out->n - 1].vaddr + out->r[out->n - 1].len)
			return false; /* two writable segments sharing a page, or out of order */
		out->r[out->n].vaddr = s;
		out->r[out->n].len = e - s;
		out->prot[out->n] = ((p->p_flags & PF_R) ? PROT_READ_ : 0) | PROT_WRITE_ | ((p->p_flags & PF_X) ? PROT_EXEC_ : 0);
		out->len += e - s;
		out->n++;
	}
	return out->n > 0;
}
