/* Hardware-capability subdirectories, glibc 2.36's way.
 *
 * A library directory D is searched as D/glibc-hwcaps/x86-64-v4/, -v3/, -v2/ (those the CPU
 * reaches), then the legacy subdirectories, then D/ itself. On this kind of machine (x86-64-v4,
 * AT_PLATFORM "x86_64", glibc's HWCAP_X86_64) that is
 *
 *   glibc-hwcaps/x86-64-v4/ glibc-hwcaps/x86-64-v3/ glibc-hwcaps/x86-64-v2/
 *   tls/x86_64/x86_64/ tls/x86_64/ tls/x86_64/ tls/ x86_64/x86_64/ x86_64/ x86_64/ (D itself)
 *
 * The legacy list is every subset of the names {hwcap names in bit order, the platform,
 * "tls"}, largest first, each written from the last name to the first: glibc's power-set
 * construction, duplicates included (both "x86_64" above are tried). */
#include "hwcaps.h"
#include "arch/x86_64/isa.h"

#define MAX_SUBDIRS 64 /* one bit each in a directory's "missing" mask */
#define HWCAP_X86_64 (1ull << 1)
#define HWCAP_X86_AVX512_1 (1ull << 2)
#define HWCAP_TLS (1ull << 63)
#define HWCAP_PLATFORMS (0xfull << 48)

static const char *const builtin[] = {"x86-64-v4", "x86-64-v3", "x86-64-v2"};
static const char builtin_dir[][24] = {"glibc-hwcaps/x86-64-v4/", "glibc-hwcaps/x86-64-v3/", "glibc-hwcaps/x86-64-v2/"};
static const uint32_t builtin_level[] = {X86_ISA_V4, X86_ISA_V3, X86_ISA_V2};

static bool ready;
/* Both lists in one block sized for what setup() can add (a static array of MAX_SUBDIRS
 * each would be 1 KiB of every process's own pages, where python3 uses 22 entries). */
static const char **subdirs;
static size_t nsubdirs, subdirs_cap;
static const char **names; /* glibc-hwcaps names in priority order */
static size_t nnames, names_cap;
static struct ldcache_caps caps;
static const char *platform;

/* Does colon-separated `list` name `name` (length n)? Empty elements never match. */
static bool list_has(const char *list, const char *name, size_t n)
{
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ':');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p = e ? e + 1 : p + len;
	}
	return false;
}

/* A name and its subdirectory, both kept as they are (the built-in ones) or copied (a
 * --glibc-hwcaps-prepend name, a piece of the option's list). */
static void add_name_dir(const char *name, const char *dir)
{
	if (nnames >= names_cap)
		return;
	names[nnames++] = name;
	subdirs[nsubdirs++] = dir;
}

static void add_name(const char *name, size_t n)
{
	if (n == 0 || nnames >= names_cap)
		return;
	char *s = rt_strndup(name, n);
	char *dir = rt_malloc(sizeof "glibc-hwcaps/" + n + 1);
	if (!s || !dir)
		return;
	memcpy(dir, "glibc-hwcaps/", 13);
	memcpy(dir + 13, name, n);
	dir[13 + n] = '/';
	dir[14 + n] = 0;
	add_name_dir(s, dir);
}

static bool builtin_active(size_t i) { return (x86_cpu()->isa_levels & builtin_level[i]) != 0; }

/* The legacy names: glibc's hwcap bits (x86_64, avx512_1), the platform, and tls. */
static size_t legacy_names(const char *out[4])
{
	size_t n = 0;
	out[n++] = "x86_64";
	if (x86_cpu()->avx512_1)
		out[n++] = "avx512_1";
	if (platform)
		out[n++] = platform;
	out[n++] = "tls";
	return n;
}

static void add_legacy(void)
{
	const char *leg[4];
	size_t n = legacy_names(leg);
	for (size_t m = (1u << n); m-- > 0;) {
		size_t len = 1;
		for (size_t k = 0; k < n; k++)
			if (m & (1u << k))
				len += strlen(leg[k]) + 1;
		char *s = rt_malloc(len);
		if (!s || nsubdirs >= subdirs_cap)
			return;
		char *w = s;
		for (size_t k = n; k-- > 0;)
			if (m & (1u << k)) {
				size_t l = strlen(leg[k]);
				memcpy(w, leg[k], l);
				w[l] = '/';
				w += l + 1;
			}
		*w = 0;
		subdirs[nsubdirs++] = s;
	}
}

static void setup(void)
{
	if (ready)
		return;
	ready = true;
	const struct x86_cpu *cpu = x86_cpu();
	platform = cpu->platform ? cpu->platform : R.aux[AT_PLATFORM] ? (const char *)R.aux[AT_PLATFORM] : NULL;
	size_t prepended = 1;
	for (const char *p = R.hwcaps_prepend; p && *p; p++)
		prepended += *p == ':';
	/* Names: the prepended ones and the 3 built-in, leaving room in the missing mask for
	 * the 16 legacy subsets (add_legacy: every subset of at most 4 names). */
	names_cap = prepended + 3 < MAX_SUBDIRS - 17 ? prepended + 3 : MAX_SUBDIRS - 17;
	subdirs_cap = names_cap + 16;
	const char **lists = rt_malloc((names_cap + subdirs_cap) * sizeof *lists);
	if (!lists)
		names_cap = subdirs_cap = 0;
	names = lists;
	subdirs = lists ? lists + names_cap : NULL;
	for (const char *p = R.hwcaps_prepend; p && *p;) {
		const char *e = strchr(p, ':');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		add_name(p, len);
		p = e ? e + 1 : p + len;
	}
	for (size_t i = 0; i < 3; i++)
		if (builtin_active(i) && (!R.hwcaps_mask || list_has(R.hwcaps_mask, builtin[i], strlen(builtin[i]))))
			add_name_dir(builtin[i], builtin_dir[i]);
	add_legacy();
	caps.hwcaps = names;
	caps.nhwcaps = nnames;
	caps.isa_levels = cpu->isa_levels;
	uint64_t hwcap = HWCAP_X86_64 | (cpu->avx512_1 ? HWCAP_X86_AVX512_1 : 0);
	caps.legacy_allowed = hwcap | HWCAP_PLATFORMS | HWCAP_TLS;
	caps.platform_bit = ~0ull;
	static const char platforms[][9] = {"i586", "i686", "haswell", "xeon_phi"}; /* no pointers: not RELRO */
	for (size_t i = 0; platform && i < 4; i++)
		if (strcmp(platform, platforms[i]) == 0)
			caps.platform_bit = 1ull << (48 + i);
}

size_t hwcaps_count(void)
{
	setup();
	return nsubdirs;
}

const char *hwcaps_subdir(size_t i)
{
	setup();
	return i < nsubdirs ? subdirs[i] : "";
}

const struct ldcache_caps *hwcaps_cache_caps(void)
{
	setup();
	return &caps;
}

const char *hwcaps_platform(void)
{
	setup();
	return platform;
}

uint32_t hwcaps_isa_levels(void) { return x86_cpu()->isa_levels; }

/* --- what is known of each search directory ----------------------------------------------- */
struct hwcaps_dir {
	struct hwcaps_dir *next;
	uint64_t missing, known;
	size_t len;
	char name[];
};
static struct hwcaps_dir *dirs[64] RARELY_WRITTEN;

static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

struct hwcaps_dir *hwcaps_dir(const char *dir, size_t len)
{
	struct hwcaps_dir **slot = &dirs[name_hash(dir, len) % 64];
	for (struct hwcaps_dir *d = *slot; d; d = d->next)
		if (d->len == len && memcmp(d->name, dir, len) == 0)
			return d;
	struct hwcaps_dir *d = rt_calloc(1, sizeof *d + len + 1);
	if (!d)
		return NULL;
	memcpy(d->name, dir, len);
	d->len = len;
	d->next = *slot;
	*slot = d;
	return d;
}

bool hwcaps_dir_missing(const struct hwcaps_dir *d, size_t i) { return d && i < 64 && (d->missing >> i & 1); }

void hwcaps_dir_learn(struct hwcaps_dir *d, size_t i, const char *subdir_path, bool opened)
{
	if (!d || i >= 64 || (d->known >> i & 1))
		return;
	d->known |= 1ull << i;
	struct kstat st;
	if (!opened && (sys_stat(subdir_path, &st) != 0 || (st.st_mode & S_IFMT_) != S_IFDIR_))
		d->missing |= 1ull << i;
}

/* --- --help --------------------------------------------------------------------------------- */
static void states(bool supported, bool masked, bool searched)
{
	const char *sep = " (";
	if (supported) {
		rt_dprintf(1, "%ssupported", sep);
		sep = ", ";
	}
	if (masked) {
		rt_dprintf(1, "%smasked", sep);
		sep = ", ";
	}
	if (searched) {
		rt_dprintf(1, "%ssearched", sep);
		sep = ", ";
	}
	rt_dprintf(1, "%s\n", sep[0] == ',' ? ")" : "");
}

void hwcaps_print_help(void)
{
	setup();
	bool any = false;
	for (const char *p = R.hwcaps_prepend; p && *p;) {
		const char *e = strchr(p, ':');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len) {
			rt_dprintf(1, "%s  %.*s", any ? "" : "\nSubdirectories of glibc-hwcaps directories, in priority order:\n",
				   (int)len, p);
			states(false, false, true);
			any = true;
		}
		p = e ? e + 1 : p + len;
	}
	for (size_t i = 0; i < 3; i++) {
		bool listed = !R.hwcaps_mask || list_has(R.hwcaps_mask, builtin[i], strlen(builtin[i]));
		rt_dprintf(1, "%s  %s", any ? "" : "\nSubdirectories of glibc-hwcaps directories, in priority order:\n",
			   builtin[i]);
		states(builtin_active(i), !listed, builtin_active(i) && listed);
		any = true;
	}
	rt_dprintf(1, "\nLegacy HWCAP subdirectories under library search path directories:\n");
	if (platform)
		rt_dprintf(1, "  %s (AT_PLATFORM; supported, searched)\n", platform);
	rt_dprintf(1, "  tls (supported, searched)\n");
	/* glibc's HWCAP_IMPORTANT names, highest bit first. */
	rt_dprintf(1, "  avx512_1");
	states(x86_cpu()->avx512_1, false, x86_cpu()->avx512_1);
	rt_dprintf(1, "  x86_64");
	states(true, false, true);
}

/* --- ISA-level marker notes --------------------------------------------------------------- */
#define NT_GNU_PROPERTY_TYPE_0_ 5
#define GNU_PROPERTY_X86_ISA_1_NEEDED_ 0xc0008002u
#define PT_GNU_PROPERTY_ 0x6474e553

/* The ISA levels one NT_GNU_PROPERTY_TYPE_0 note asks for (glibc's reading: the first such
 * note only, properties in ascending type order, 4-byte values, 8-byte alignment). */
static uint32_t note_isa_needed(const unsigned char *p, size_t size, bool *seen)
{
	size_t off = 0;
	while (off + 12 <= size) {
		uint32_t namesz, descsz, type;
		memcpy(&namesz, p + off, 4);
		memcpy(&descsz, p + off + 4, 4);
		memcpy(&type, p + off + 8, 4);
		size_t desc = off + 12 + ((namesz + 3) & ~3u), next = desc + ((descsz + 7) & ~7u);
		if (desc > size || descsz > size - desc)
			return 0;
		if (namesz == 4 && type == NT_GNU_PROPERTY_TYPE_0_ && memcmp(p + off + 12, "GNU", 4) == 0) {
			if (*seen)
				return 0; /* two notes: glibc trusts neither */
			*seen = true;
			if (descsz < 8 || descsz % 8)
				return 0;
			uint32_t last = 0;
			for (size_t q = desc; q + 8 <= desc + descsz;) {
				uint32_t ptype, datasz;
				memcpy(&ptype, p + q, 4);
				memcpy(&datasz, p + q + 4, 4);
				if (ptype < last || datasz > desc + descsz - q - 8)
					return 0;
				last = ptype;
				if (ptype == GNU_PROPERTY_X86_ISA_1_NEEDED_) {
					uint32_t v = 0;
					if (datasz == 4)
						memcpy(&v, p + q + 8, 4);
					return v;
				}
				if (ptype > GNU_PROPERTY_X86_ISA_1_NEEDED_)
					break;
				q += 8 + ((datasz + 7) & ~7u);
			}
		}
		off = next;
	}
	return 0;
}

uint32_t hwcaps_isa_needed(const struct dso *d)
{
	bool seen = false;
	uint32_t need = 0;
	bool has_property = false;
	for (size_t i = 0; i < d->phnum; i++)
		has_property |= d->phdr[i].p_type == PT_GNU_PROPERTY_;
	for (size_t i = 0; i < d->phnum && !seen; i++) {
		const Elf64_Phdr *ph = &d->phdr[i];
		/* The property note sits in PT_GNU_PROPERTY, or in an 8-aligned PT_NOTE. */
		if (has_property ? ph->p_type != PT_GNU_PROPERTY_ : (ph->p_type != PT_NOTE || ph->p_align != 8))
			continue;
		uintptr_t a = d->load_bias + ph->p_vaddr;
		if (!ph->p_memsz || !dso_contains(d, a, ph->p_memsz, PF_R))
			continue;
		need = note_isa_needed((const unsigned char *)a, ph->p_memsz, &seen);
	}
	return need;
}

bool hwcaps_isa_ok(const struct dso *d)
{
	if (d->kind == DSO_RTLD || d->kind == DSO_VDSO || d->missing)
		return true;
	uint32_t need = hwcaps_isa_needed(d);
	/* Every x86-64 CPU has the baseline: most objects ask for no more, and need no CPUID. */
	return (need & ~X86_ISA_BASELINE) == 0 || (need & hwcaps_isa_levels()) == need;
}
