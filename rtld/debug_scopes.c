/* LD_DEBUG=bindings and LD_DEBUG=scopes lines, in glibc 2.36's words (elf/dl-lookup.c,
 * elf/dl-open.c _dl_show_scope), so the two loaders' output can be compared line for line. */
#include "debug.h"

void debug_binding(const struct dso *ref_obj, const Elf64_Sym *ref, const struct dso *def_obj, const char *name,
		   const char *version)
{
	/* "protected" when the reference itself is STV_PROTECTED, as glibc decides it */
	bool protected = ref && (ref->st_other & 3) == STV_PROTECTED;
	dbg("binding file %s [%u] to %s [%u]: %s symbol `%s'%s%s%s", dso_display(ref_obj), ref_obj->ns,
	    dso_display(def_obj), def_obj->ns, protected ? "protected" : "normal", name, version ? " [" : "",
	    version ? version : "", version ? "]" : "");
}

/* " scope N: NAME NAME ..." (one line, however many names: it is cut at dbg's limit). */
static void scope_line(unsigned n, struct dso *const *list, size_t count)
{
	char line[2048];
	size_t o = (size_t)rt_snprintf(line, sizeof line, " scope %u:", n);
	for (size_t i = 0; i < count && o < sizeof line; i++)
		o += (size_t)rt_snprintf(line + o, sizeof line - o, " %s", dso_display(list[i]));
	dbg("%s", line);
}

/* One object's scopes, as glibc's _dl_show_scope prints its l_scope: the namespace's global
 * scope, then the search list of each dlopen root it belongs to; the vDSO's own scope after
 * the global one; the dynamic linker has none at start-up. */
void debug_show_scope(struct dso *d, unsigned from)
{
	dbg("object=%s [%u]", dso_display(d), d->ns);
	if (d->kind == DSO_RTLD) {
		dbg(" no scope");
	} else {
		/* l_scope's order: the global scope, then each root's list; with RTLD_DEEPBIND the
		 * first root's list comes before the global scope */
		struct link_ns *ns = NS(d->ns);
		bool deep = d->deepbind && d->nscope_roots;
		unsigned n = 0;
		if (deep && n++ >= from)
			scope_line(n - 1, d->scope_roots[0]->search_list, d->scope_roots[0]->nsearch_list);
		if (n++ >= from)
			scope_line(n - 1, ns->scope, ns->nscope);
		if (d->kind == DSO_VDSO)
			scope_line(n++, &d, 1);
		for (size_t i = deep; i < d->nscope_roots; i++, n++)
			if (n >= from)
				scope_line(n, d->scope_roots[i]->search_list, d->scope_roots[i]->nsearch_list);
	}
	dbg("%s", "");
}

void debug_show_initial_scopes(void)
{
	dbg("\nInitial object scopes");
	for (struct dso *d = R.head; d; d = d->next)
		if (d->ns == 0)
			debug_show_scope(d, 0);
}
