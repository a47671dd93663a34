/* glibc's tunables: GLIBC_TUNABLES=name=value:name=value and the older variables that alias
 * some of them (MALLOC_ARENA_MAX, MALLOC_PERTURB_...). glibc's loader parses them and libc
 * asks for each value through __tunable_get_val, with the build's numeric id (abi.h).
 * Numbers are read as C does (0x hex, leading 0 octal, else decimal); a value outside the
 * tunable's [min, max] is ignored; GLIBC_TUNABLES wins over an alias; in a privileged
 * process (AT_SECURE) only tunables of security level "none" count, and its environment is
 * scrubbed as glibc scrubs it: the aliases of "erase" tunables removed, GLIBC_TUNABLES
 * rewritten without them. */
#include "glibc.h"
#include "../stack.h"

/* The names are arrays, as in glibc's own table (whose sizes these are, each name's NUL
 * included): a table of pointers would be relocated at start-up, and so written, in every
 * process. */
struct tunable_def {
	char name[TUNABLE_NAME_MAX];
	int type; /* 0 int32, 1 uint64, 2 size_t, 3 string */
	int64_t def, min, max;
	char alias[TUNABLE_ALIAS_MAX];
	int seclevel; /* 0 erase, 1 ignore, 2 none */
};
static const struct tunable_def defs[TUNABLE_COUNT] = {TUNABLE_TABLE};

/* The value libc sees (glibc's tunable_val_t: a number or a string). */
typedef union {
	int64_t numval;
	const char *strval;
} tunable_val;

/* Only the tunables a variable set have a value here (the others answer their default): with
 * none set, as in nearly every process, nothing writes these pages. */
static tunable_val values[TUNABLE_COUNT] RARELY_WRITTEN;
static bool set[TUNABLE_COUNT] RARELY_WRITTEN;
static size_t nset; /* how many are set: glibc_tunable's answer without a walk when none is */
static bool ready;

static uint64_t parse_number(const char *s)
{
	uint64_t base = 10, v = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0')
		base = 8;
	for (;; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			break;
		if (d >= base)
			break;
		v = v * base + d;
	}
	return v;
}

enum { LEVEL_ERASE, LEVEL_IGNORE, LEVEL_NONE };

/* A tunable's security level in this process: glibc.malloc.check is "none" in a privileged
 * one when the administrator created /etc/suid-debug (glibc's maybe_enable_malloc_check). */
static int level(size_t id)
{
	static int suid_debug = -1;
	if (defs[id].seclevel != LEVEL_NONE && R.secure && strcmp(defs[id].name, "glibc.malloc.check") == 0) {
		if (suid_debug < 0)
			suid_debug = sys_call3(SYS_access, "/etc/suid-debug", 0 /* F_OK */, 0) == 0;
		if (suid_debug)
			return LEVEL_NONE;
	}
	return defs[id].seclevel;
}

static void initialize(size_t id, const char *text)
{
	const struct tunable_def *t = &defs[id];
	if (R.secure && level(id) != LEVEL_NONE)
		return;
	if (t->type == 3) {
		values[id].strval = text;
		nset += !set[id];
		set[id] = true;
		return;
	}
	uint64_t v = parse_number(text);
	bool ok = t->type == 0 ? (int64_t)v >= t->min && (int64_t)v <= t->max
			       : v >= (uint64_t)t->min && v <= (uint64_t)t->max;
	if (!ok)
		return;
	values[id].numval = (int64_t)v;
	nset += !set[id];
	set[id] = true;
}

/* The tunable called name[0..len), or -1. */
static long find(const char *name, size_t len)
{
	for (size_t id = 0; id < TUNABLE_COUNT; id++)
		if (strlen(defs[id].name) == len && strncmp(defs[id].name, name, len) == 0)
			return (long)id;
	return -1;
}

static void parse_glibc_tunables(const char *s)
{
	while (*s) {
		const char *eq = s, *end;
		while (*eq && *eq != '=' && *eq != ':')
			eq++;
		if (*eq == ':') { /* no value: skip the entry, as glibc does */
			s = eq + 1;
			continue;
		}
		if (!*eq)
			return;
		end = eq + 1;
		while (*end && *end != ':')
			end++;
		long id = find(s, (size_t)(eq - s));
		if (id >= 0) {
			char *text = rt_strndup(eq + 1, (size_t)(end - eq - 1));
			if (text)
				initialize((size_t)id, text);
		}
		s = *end ? end + 1 : end;
	}
}

bool glibc_tunables_env_erased(const char *entry)
{
	for (size_t id = 0; id < TUNABLE_COUNT; id++) {
		size_t n = strlen(defs[id].alias);
		if (n && strncmp(entry, defs[id].alias, n) == 0 && entry[n] == '=')
			return level(id) == LEVEL_ERASE;
	}
	return false;
}

/* What a privileged process's children see of GLIBC_TUNABLES, as glibc's parse_tunables
 * rewrites it: the known tunables that are not "erase" ones, name=value joined by ':', in
 * their order; unknown names, entries without a value and the "erase" ones dropped. A copy
 * (the stack's text, which /proc/PID/environ shows, stays as it was, as under glibc). */
static char *secure_tunables_entry(const char *entry)
{
	char *out = rt_malloc(strlen(entry) + 1);
	if (!out)
		die_load(NULL, "failed to allocate memory to process tunables");
	size_t off = sizeof "GLIBC_TUNABLES=" - 1;
	memcpy(out, entry, off);
	bool first = true;
	for (const char *p = entry + off; *p;) {
		const char *eq = p;
		while (*eq && *eq != '=' && *eq != ':')
			eq++;
		if (!*eq)
			break;
		if (*eq == ':') {
			p = eq + 1;
			continue;
		}
		const char *end = eq + 1;
		while (*end && *end != ':')
			end++;
		long id = find(p, (size_t)(eq - p));
		if (id >= 0 && level((size_t)id) != LEVEL_ERASE) {
			if (!first)
				out[off++] = ':';
			first = false;
			memcpy(out + off, p, (size_t)(end - p));
			off += (size_t)(end - p);
		}
		p = *end ? end + 1 : end;
	}
	out[off] = 0;
	return out;
}

void glibc_tunables_secure_env(char **envp)
{
	for (char **e = envp; *e; e++)
		if (strncmp(*e, "GLIBC_TUNABLES=", sizeof "GLIBC_TUNABLES=" - 1) == 0)
			*e = secure_tunables_entry(*e);
}

void glibc_tunables_init(void)
{
	if (ready)
		return; /* read once: the TLS layout may ask before libc's set-up does */
	/* Aliases first, so that GLIBC_TUNABLES, parsed last, wins. */
	for (size_t id = 0; id < TUNABLE_COUNT; id++)
		if (defs[id].alias[0]) {
			const char *v = env_get(defs[id].alias);
			if (v)
				initialize(id, v);
		}
	const char *gt = env_get("GLIBC_TUNABLES");
	if (gt)
		parse_glibc_tunables(gt);
	ready = true;
}

bool glibc_tunable(const char *name, int64_t *out)
{
	for (size_t id = 0; nset && id < TUNABLE_COUNT; id++)
		if (set[id] && strcmp(defs[id].name, name) == 0) {
			*out = values[id].numval;
			return true;
		}
	return false;
}

/* Stores tunable `id`'s value with its exact type (the caller passes the address of a local
 * of that type: 8 bytes into an int32 would clobber its neighbour), then calls the callback
 * if the tunable was set. */
EXPORT void __tunable_get_val(unsigned id, void *valp, void (*cb)(tunable_val *))
{
	if (id >= TUNABLE_COUNT)
		return;
	if (!ready)
		glibc_tunables_init();
	tunable_val v = set[id] ? values[id] : (tunable_val){.numval = defs[id].def};
	switch (defs[id].type) {
	case 0: *(int32_t *)valp = (int32_t)v.numval; break;
	case 1: *(uint64_t *)valp = (uint64_t)v.numval; break;
	case 2: *(size_t *)valp = (size_t)v.numval; break;
	default: *(const char **)valp = v.strval; break;
	}
	if (set[id] && cb)
		cb(&values[id]);
}

/* The bounds and value glibc's CPU set-up gives the x86 cache tunables (dl_init_cacheinfo's
 * TUNABLE_SET_WITH_BOUNDS), from what glibc_cpu_features wrote into _rtld_global_ro. */
static void cpu_tunable(const char *name, uint64_t *val, uint64_t *min, uint64_t *max)
{
	static const struct { char name[40]; uint16_t off; } cpu[] = { /* arrays: no relocation */
		{"glibc.cpu.x86_data_cache_size", GLRO__dl_x86_cpu_features_data_cache_size},
		{"glibc.cpu.x86_shared_cache_size", GLRO__dl_x86_cpu_features_shared_cache_size},
		{"glibc.cpu.x86_non_temporal_threshold", GLRO__dl_x86_cpu_features_non_temporal_threshold},
		{"glibc.cpu.x86_rep_movsb_threshold", GLRO__dl_x86_cpu_features_rep_movsb_threshold},
		{"glibc.cpu.x86_rep_stosb_threshold", GLRO__dl_x86_cpu_features_rep_stosb_threshold},
	};
	for (size_t i = 0; i < sizeof cpu / sizeof cpu[0]; i++) {
		if (strcmp(name, cpu[i].name) != 0)
			continue;
		*val = LM(_rtld_global_ro, cpu[i].off, uint64_t);
		*min = 0;
		*max = ~(uint64_t)0;
		if (i == 2) {
			*min = 0x4040;
			*max >>= 4;
		} else if (i == 3) {
			/* 8 vectors: the widest memcpy uses (preferred bits 12 Prefer_No_AVX512, 9
			 * AVX_Fast_Unaligned_Load; AVX512F active: leaf 7 EBX bit 16, features[1].active[1]) */
			uint32_t pref = LM(_rtld_global_ro, GLRO__dl_x86_cpu_features_preferred, uint32_t);
			uint32_t leaf7_ebx = LM(_rtld_global_ro, GLRO__dl_x86_cpu_features_features + 32 + 16 + 4, uint32_t);
			bool avx512 = (leaf7_ebx & (1u << 16)) && !(pref & (1u << 12));
			*min = avx512 ? 64 * 8 : (pref & (1u << 9)) ? 32 * 8 : 16 * 8;
		} else if (i == 4) {
			*min = 1;
		}
		return;
	}
}

void glibc_tunables_print(void)
{
	if (!ready)
		glibc_tunables_init();
	glibc_cpu_features(_rtld_global_ro);
	for (size_t id = 0; id < TUNABLE_COUNT; id++) {
		const struct tunable_def *t = &defs[id];
		tunable_val v = set[id] ? values[id] : (tunable_val){.numval = t->def}; /* unset: the default */
		uint64_t val = (uint64_t)v.numval, min = (uint64_t)t->min, max = (uint64_t)t->max;
		cpu_tunable(t->name, &val, &min, &max);
		if (t->type == 3 && !v.strval)
			rt_dprintf(1, "%s:\n", t->name);
		else if (t->type == 3)
			rt_dprintf(1, "%s: %s\n", t->name, v.strval);
		else if (t->type == 0)
			rt_dprintf(1, "%s: %d (min: %d, max: %d)\n", t->name, (int)val, (int)min, (int)max);
		else
			rt_dprintf(1, "%s: 0x%lx (min: 0x%lx, max: 0x%lx)\n", t->name, (unsigned long)val,
				   (unsigned long)min, (unsigned long)max);
	}
}
