/* Step 3: the initial process stack, as the kernel built it (System V x86-64 ABI 3.4.1):
 *
 *   sp -> argc
 *         argv[0] ... argv[argc-1], NULL
 *         envp[0] ... NULL
 *         auxv: (type, value) pairs ... (AT_NULL, 0)
 *
 * In direct mode (`ld-mmld.so [OPTIONS] PROGRAM ARGS`) the program must see the stack it
 * would have had if the kernel had started it: argv begins at PROGRAM, and the auxv entries
 * that describe "the program" (AT_PHDR, AT_PHNUM, AT_ENTRY, AT_EXECFN) describe it, not us. */
#include "stack.h"

void stack_decode(uintptr_t *sp)
{
	R.argc = (int)sp[0];
	R.argv = (char **)(sp + 1);
	R.envp = R.argv + R.argc + 1;
	char **e = R.envp;
	while (*e)
		e++;
	R.auxv = (Elf64_auxv_t *)(e + 1);
	for (Elf64_auxv_t *a = R.auxv; a->a_type != AT_NULL; a++)
		if (a->a_type < AUX_MAX)
			R.aux[a->a_type] = a->a_un.a_val;
	R.pagesize = R.aux[AT_PAGESZ] ? R.aux[AT_PAGESZ] : PAGE_SIZE_MIN;
	R.secure = R.aux[AT_SECURE] != 0;
}

/* Drops the first `skip` arguments: argc moves up `skip` words and becomes the new stack
 * top, so argv, envp and auxv stay where they are. Returns the program's stack pointer. */
uintptr_t *stack_drop_args(uintptr_t *sp, int skip)
{
	uintptr_t *nsp = sp + skip;
	R.argc -= skip;
	nsp[0] = (uintptr_t)R.argc;
	R.argv = (char **)(nsp + 1);
	return nsp;
}

uintptr_t *stack_remove_env(uintptr_t *sp, bool (*drop)(const char *))
{
	/* Keep the kernel's layout contiguous: a program may find auxv by walking past envp's
	 * NULL, so the removed slots must not become extra NULLs there. Instead the kept entries
	 * are packed towards envp's terminator and argc/argv move up by as many words. */
	char **end = R.envp;
	while (*end)
		end++;
	char **w = end;
	for (char **r = end; r-- > R.envp;)
		if (!drop(*r))
			*--w = *r;
	size_t k = (size_t)(w - R.envp);
	if (k == 0)
		return sp;
	/* Move argc, argv[] and argv's NULL (argc + 2 words) up by k words, last word first. */
	for (size_t i = (size_t)R.argc + 2; i-- > 0;)
		sp[i + k] = sp[i];
	sp += k;
	R.argv = (char **)(sp + 1);
	R.envp = w;
	return sp;
}

static void aux_set(int type, uint64_t val)
{
	for (Elf64_auxv_t *a = R.auxv; a->a_type != AT_NULL; a++)
		if ((int)a->a_type == type)
			a->a_un.a_val = val;
	if (type < AUX_MAX)
		R.aux[type] = val;
}

void stack_patch_auxv(const struct dso *prog, const char *execfn)
{
	aux_set(AT_PHDR, (uintptr_t)prog->phdr);
	aux_set(AT_PHNUM, prog->phnum);
	aux_set(AT_ENTRY, prog->entry);
	aux_set(AT_EXECFN, (uintptr_t)execfn);
}

/* The variables the loader asks about nearly all start with LD_, MMLD_, MALLOC_ or GLIBC_
 * (LD_*, MMLD_*, glibc's tunables and their MALLOC_* aliases): some twenty names, asked of an
 * environment of dozens in which usually none of them is set. The entries with those prefixes
 * are listed once and each look-up of such a name reads the short list (most often empty);
 * any other name is looked for in the whole environment. The list is built at start-up (one
 * thread) for the envp it was made from, and made again if stack_remove_env moved it. */
#define ENV_LISTED_MAX 16 /* more set: every look-up reads the whole environment (env_list_full) */
static const char *env_listed[ENV_LISTED_MAX];
static size_t env_nlisted;
static char **env_listed_from;
static bool env_list_full;

/* Does s (a name, or an environment entry) start with one of the listed prefixes? Each test
 * stops at the first byte that differs, so it never reads past a shorter string's NUL. */
__attribute__((always_inline)) static inline bool env_listed_prefix(const char *s)
{
	switch (s[0]) {
	case 'L':
		return s[1] == 'D' && s[2] == '_';
	case 'M':
		if (s[1] == 'M')
			return s[2] == 'L' && s[3] == 'D' && s[4] == '_';
		return s[1] == 'A' && s[2] == 'L' && s[3] == 'L' && s[4] == 'O' && s[5] == 'C' && s[6] == '_';
	case 'G':
		return s[1] == 'L' && s[2] == 'I' && s[3] == 'B' && s[4] == 'C' && s[5] == '_';
	default:
		return false;
	}
}

static void env_list(void)
{
	env_nlisted = 0;
	env_list_full = false;
	for (char **e = R.envp; *e; e++)
		if (env_listed_prefix(*e)) {
			if (env_nlisted == ENV_LISTED_MAX) {
				env_list_full = true;
				break;
			}
			env_listed[env_nlisted++] = *e;
		}
	env_listed_from = R.envp;
}

/* entry's value if it is NAME=value, else NULL. */
static const char *env_value(const char *entry, const char *name)
{
	while (*name && *entry == *name)
		entry++, name++;
	return !*name && *entry == '=' ? entry + 1 : NULL;
}

const char *env_get(const char *name)
{
	const char *v = NULL;
	if (env_listed_from != R.envp)
		env_list();
	if (env_listed_prefix(name) && !env_list_full) {
		for (size_t i = 0; i < env_nlisted && !v; i++)
			v = env_value(env_listed[i], name);
		return v;
	}
	if (!*name)
		return NULL;
	for (char **e = R.envp; *e && !v; e++)
		v = env_value(*e, name);
	return v;
}

/* LD_SHOW_AUXV: the auxiliary vector as glibc prints it, before anything is loaded. */
void stack_show_auxv(void)
{
	enum { DEC = 1, HEX, STR };
	static const struct {
		uint8_t type, form;
		const char *label;
	} forms[] = {
		{AT_EXECFD, DEC, "EXECFD:            "},       {AT_EXECFN, STR, "EXECFN:            "},
		{AT_PHDR, HEX, "PHDR:              0x"},       {AT_PHENT, DEC, "PHENT:             "},
		{AT_PHNUM, DEC, "PHNUM:             "},        {AT_PAGESZ, DEC, "PAGESZ:            "},
		{AT_BASE, HEX, "BASE:              0x"},       {AT_FLAGS, HEX, "FLAGS:             0x"},
		{AT_ENTRY, HEX, "ENTRY:             0x"},      {AT_NOTELF, HEX, "NOTELF:            "},
		{AT_UID, DEC, "UID:               "},          {AT_EUID, DEC, "EUID:              "},
		{AT_GID, DEC, "GID:               "},          {AT_EGID, DEC, "EGID:              "},
		{AT_PLATFORM, STR, "PLATFORM:          "},     {AT_HWCAP, HEX, "HWCAP:             "},
		{AT_CLKTCK, DEC, "CLKTCK:            "},       {AT_FPUCW, HEX, "FPUCW:             "},
		{19, HEX, "DCACHEBSIZE:       0x"},            {20, HEX, "ICACHEBSIZE:       0x"},
		{21, HEX, "UCACHEBSIZE:       0x"},            {AT_SECURE, DEC, "SECURE:            "},
		{AT_BASE_PLATFORM, STR, "BASE_PLATFORM:     "}, {32, HEX, "SYSINFO:           0x"},
		{AT_SYSINFO_EHDR, HEX, "SYSINFO_EHDR:      0x"}, {AT_RANDOM, HEX, "RANDOM:            0x"},
		{AT_HWCAP2, HEX, "HWCAP2:            0x"},     {AT_MINSIGSTKSZ, DEC, "MINSIGSTKSZ:       "},
		{40, DEC, "L1I_CACHESIZE:     "},              {41, HEX, "L1I_CACHEGEOMETRY: 0x"},
		{42, DEC, "L1D_CACHESIZE:     "},              {43, HEX, "L1D_CACHEGEOMETRY: 0x"},
		{44, DEC, "L2_CACHESIZE:      "},              {45, HEX, "L2_CACHEGEOMETRY:  0x"},
		{46, DEC, "L3_CACHESIZE:      "},              {47, HEX, "L3_CACHEGEOMETRY:  0x"},
	};
	for (const Elf64_auxv_t *a = R.auxv; a->a_type != AT_NULL; a++) {
		if (a->a_type < 2 || a->a_type == 22 /* AT_IGNOREPPC */)
			continue;
		size_t i = 0;
		while (i < sizeof forms / sizeof forms[0] && forms[i].type != a->a_type)
			i++;
		uint64_t v = a->a_un.a_val;
		if (i == sizeof forms / sizeof forms[0])
			rt_dprintf(1, "AT_??? (0x%lx): 0x%lx\n", (unsigned long)a->a_type, (unsigned long)v);
		else if (forms[i].form == STR)
			rt_dprintf(1, "AT_%s%s\n", forms[i].label, (const char *)v);
		else
			rt_dprintf(1, forms[i].form == DEC ? "AT_%s%lu\n" : "AT_%s%lx\n", forms[i].label, (unsigned long)v);
	}
}
