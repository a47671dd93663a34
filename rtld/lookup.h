#ifndef MMLD_LOOKUP_H
#define MMLD_LOOKUP_H
#include "rtld.h"

/* What a relocation asks for. */
struct sym_query {
	const char *name;
	uint32_t gnu_hash;
	const struct dso_version *version; /* NULL: unversioned */
	bool plt;        /* a JUMP_SLOT: an undefined symbol's PLT address is no definition */
	bool copy;       /* a COPY relocation: search everything but the program itself */
	const Elf64_Sym *ref; /* the referring symbol-table entry, if any: no name compare needed
				 when a candidate is that very entry (an object referring to itself) */
};

struct sym_def {
	const Elf64_Sym *sym;
	struct dso *dso;
};

/* Finds the definition of symbol index `symidx` of `requester`, in the global scope of its
 * namespace (DF_SYMBOLIC objects search themselves first). Returns false if there is none. */
HIDDEN bool lookup_reloc_symbol(struct dso *requester, size_t symidx, bool plt, bool copy, struct sym_def *out);
/* req now refers to def (a lookup that wanted it recorded: dlsym(RTLD_DEFAULT), as glibc's
 * DL_LOOKUP_ADD_DEPENDENCY): if def was dlopen'ed and req does not depend on it, def stays
 * while req does. */
HIDDEN void lookup_note_binding(struct dso *req, struct dso *def);
/* Looks `q` up in one object only. */
HIDDEN const Elf64_Sym *lookup_in_dso(const struct dso *d, const struct sym_query *q);
/* Looks a name up in the program's global scope (namespace 0). */
HIDDEN bool lookup_global(const char *name, struct sym_def *out);
/* The address a definition stands for (IFUNC resolvers are called). */
HIDDEN uintptr_t sym_address(const struct sym_def *def);
/* The same, inline but for an IFUNC (its resolver is checked and called by sym_address). */
static inline uintptr_t sym_value(const struct sym_def *def)
{
	const Elf64_Sym *s = def->sym;
	if (__builtin_expect(SYM_TYPE(s->st_info) == STT_GNU_IFUNC, 0))
		return sym_address(def);
	return s->st_shndx == SHN_ABS ? s->st_value : def->dso->load_bias + s->st_value;
}
#endif
