/* --list-diagnostics: what glibc 2.36's ld.so prints there (elf/dl-diagnostics.c, its Linux
 * kernel and x86 CPU parts), line for line in its format, with ld-mmld.so's own answers: the
 * loader's values, the environment (values shown only for the variables glibc lets through),
 * the paths, the auxiliary vector, uname, and the CPU description the glibc personality gives
 * libc (_rtld_global_ro's cpu_features, filled here by glibc_cpu_features as at start-up). */
#include "diagnostics.h"
#include "hwcaps.h"
#include "search.h"
#include "trace.h"
#include "glibc/glibc.h"

static void put(const char *s, size_t n) { rt_write_all(1, s, n); }

/* glibc's quoting, including its slip: the middle octal digit repeats the first (ch >> 6),
 * and bytes above 0x7f are negative chars, so they are quoted too. */
static void quoted_char(signed char ch)
{
	if (ch < ' ' || ch > '~') {
		char buf[4] = {'\\', (char)('0' + ((ch >> 6) & 7)), (char)('0' + ((ch >> 6) & 7)), (char)('0' + (ch & 7))};
		put(buf, 4);
		return;
	}
	if (ch == '\\' || ch == '"')
		put("\\", 1);
	put((const char *)&ch, 1);
}

static void quoted(const char *s, size_t len)
{
	put("\"", 1);
	for (size_t i = 0; i < len; i++)
		quoted_char((signed char)s[i]);
	put("\"", 1);
}

static void string(const char *label, const char *s)
{
	rt_dprintf(1, "%s=", label);
	if (s)
		quoted(s, strlen(s));
	else
		put("0x0", 3);
	put("\n", 1);
}

static void value(const char *label, uint64_t v) { rt_dprintf(1, "%s=0x%lx\n", label, (unsigned long)v); }

/* Tables here are strings and arrays, not pointers: every pointer in static data would be
 * one more relocation in ld-mmld.so's own start-up, in every process. */

/* glibc shows the value of LC_*, LD_*, MALLOC_* and of these; of the rest only the name. */
static const char shown_names[] = "DATEMSK\0GCONV_PATH\0GETCONF_DIR\0GLIBC_TUNABLES\0GMON_OUTPUT_PREFIX\0"
	"HESIOD_CONFIG\0HES_DOMAIN\0HOSTALIASES\0I18NPATH\0IFS\0LANG\0LOCALDOMAIN\0LOCPATH\0MSGVERB\0"
	"NIS_DEFAULTS\0NIS_GROUP\0NIS_PATH\0NLSPATH\0PATH\0POSIXLY_CORRECT\0RESOLV_HOST_CONF\0"
	"RES_OPTIONS\0SEV_LEVEL\0TMPDIR\0TZ\0TZDIR\0";

static bool unfiltered(const char *env, size_t *name_len)
{
	const char *eq = strchr(env, '=');
	if (!eq) {
		*name_len = strlen(env);
		return true;
	}
	size_t n = *name_len = (size_t)(eq - env);
	if (env[0] == 'L' && (env[1] == 'C' || env[1] == 'D') && env[2] == '_')
		return true;
	if (strncmp(env, "MALLOC_", 7) == 0)
		return true;
	for (const char *c = shown_names; *c; c += strlen(c) + 1)
		if (strlen(c) == n && strncmp(c, env, n) == 0)
			return true;
	return false;
}

static void print_environ(void)
{
	unsigned index = 0;
	for (char **e = R.envp; *e; e++, index++) {
		size_t n;
		bool shown = unfiltered(*e, &n);
		rt_dprintf(1, "env%s[0x%x]=", shown ? "" : "_filtered", index);
		quoted(*e, shown ? strlen(*e) : n);
		put("\n", 1);
	}
}

static void print_paths(void)
{
	const char *self = trace_self_path();
	string("path.prefix", "/usr");
	string("path.rtld", self ? self : R.argv[0]);
	string("path.sysconfdir", "/etc");
	for (unsigned i = 0; search_default_dirs[i]; i++) {
		rt_dprintf(1, "path.system_dirs[0x%x]=", i);
		char dir[256];
		rt_snprintf(dir, sizeof dir, "%s/", search_default_dirs[i]);
		quoted(dir, strlen(dir));
		put("\n", 1);
	}
}

static void print_auxv(void)
{
	unsigned index = 0;
	for (const Elf64_auxv_t *a = R.auxv; a->a_type != AT_NULL; a++, index++) {
		rt_dprintf(1, "auxv[0x%x].a_type=0x%lx\nauxv[0x%x].a_val=", index, (unsigned long)a->a_type, index);
		if (a->a_type == AT_EXECFN || a->a_type == AT_PLATFORM || a->a_type == AT_BASE_PLATFORM) {
			const char *s = (const char *)a->a_un.a_val;
			if (s)
				quoted(s, strlen(s));
			else
				put("0x0", 3);
		} else
			rt_dprintf(1, "0x%lx", (unsigned long)a->a_un.a_val);
		put("\n", 1);
	}
}

static void print_uname(void)
{
	char uts[6][65];
	static const char fields[6][11] = {"sysname", "nodename", "release", "version", "machine", "domainname"};
	if (sys_uname(uts) != 0)
		return;
	for (int i = 0; i < 6; i++) {
		uts[i][64] = 0;
		put("uname.", 6);
		string(fields[i], uts[i]);
	}
}

extern int rtld_xsave_mode HIDDEN;
extern size_t rtld_xsave_size HIDDEN;

#define CPU(field) GLRO__dl_x86_cpu_features_##field
static void cpu_value(const char *label, uint64_t v) { rt_dprintf(1, "x86.cpu_features.%s=0x%lx\n", label, (unsigned long)v); }
static uint32_t glro32(size_t off) { return LM(_rtld_global_ro, off, uint32_t); }
static uint64_t glro64(size_t off) { return LM(_rtld_global_ro, off, uint64_t); }

static void print_cpu(void)
{
	glibc_cpu_features(_rtld_global_ro);
	cpu_value("basic.kind", glro32(CPU(basic_kind)));
	cpu_value("basic.max_cpuid", glro32(CPU(basic_max_cpuid)));
	cpu_value("basic.family", glro32(CPU(basic_family)));
	cpu_value("basic.model", glro32(CPU(basic_model)));
	cpu_value("basic.stepping", glro32(CPU(basic_stepping)));
	/* glibc's CPUID_INDEX_MAX (9) words of {cpuid[4], active[4]} */
	for (unsigned index = 0; index < 9; index++)
		for (unsigned kind = 0; kind < 2; kind++)
			for (unsigned reg = 0; reg < 4; reg++)
				rt_dprintf(1, "x86.cpu_features.features[0x%x].%s[0x%x]=0x%x\n", index, kind ? "active" : "cpuid",
					   reg, glro32(CPU(features) + 32 * index + 16 * kind + 4 * reg));
	/* preferred[0]'s bits in glibc's order (cpu-features-preferred_feature_index_1.def) */
	static const char preferred[] = "Fast_Rep_String\0Fast_Copy_Backward\0Slow_BSF\0Fast_Unaligned_Load\0"
		"Prefer_PMINUB_for_stringop\0Fast_Unaligned_Copy\0I586\0I686\0Slow_SSE4_2\0"
		"AVX_Fast_Unaligned_Load\0Prefer_No_VZEROUPPER\0Prefer_ERMS\0Prefer_No_AVX512\0"
		"MathVec_Prefer_No_AVX512\0Prefer_FSRM\0Avoid_Short_Distance_REP_MOVSB\0";
	uint32_t pref = glro32(CPU(preferred));
	unsigned bit = 0;
	for (const char *name = preferred; *name; name += strlen(name) + 1, bit++)
		rt_dprintf(1, "x86.cpu_features.preferred.%s=0x%x\n", name, (pref >> bit) & 1);
	cpu_value("isa_1", glro32(CPU(isa_1)));
	/* What ld-mmld.so's lazy-binding trampoline saves (main.c setup_xsave; 0: FXSAVE), not
	 * glibc's sizes: the personality does not fill these two, which only glibc's ld.so reads. */
	cpu_value("xsave_state_size", rtld_xsave_mode ? rtld_xsave_size : 0);
	cpu_value("xsave_state_full_size", rtld_xsave_mode ? rtld_xsave_size : 0);
	static const struct { char label[28]; uint16_t off; } sizes[] = {
		{"data_cache_size", CPU(data_cache_size)}, {"shared_cache_size", CPU(shared_cache_size)},
		{"non_temporal_threshold", CPU(non_temporal_threshold)}, {"rep_movsb_threshold", CPU(rep_movsb_threshold)},
		{"rep_movsb_stop_threshold", CPU(rep_movsb_stop_threshold)}, {"rep_stosb_threshold", CPU(rep_stosb_threshold)},
		{"level1_icache_size", CPU(level1_icache_size)}, {"level1_icache_linesize", CPU(level1_icache_linesize)},
		{"level1_dcache_size", CPU(level1_dcache_size)}, {"level1_dcache_assoc", CPU(level1_dcache_assoc)},
		{"level1_dcache_linesize", CPU(level1_dcache_linesize)}, {"level2_cache_size", CPU(level2_cache_size)},
		{"level2_cache_assoc", CPU(level2_cache_assoc)}, {"level2_cache_linesize", CPU(level2_cache_linesize)},
		{"level3_cache_size", CPU(level3_cache_size)}, {"level3_cache_assoc", CPU(level3_cache_assoc)},
		{"level3_cache_linesize", CPU(level3_cache_linesize)}, {"level4_cache_size", CPU(level4_cache_size)},
	};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		cpu_value(sizes[i].label, glro64(sizes[i].off));
}

/* glibc's _dl_string_platform: 48 + the index of "haswell" (2) or "xeon_phi" (3), else -1. */
static uint64_t string_platform(const char *p)
{
	if (p && strcmp(p, "haswell") == 0)
		return 48 + 2;
	if (p && strcmp(p, "xeon_phi") == 0)
		return 48 + 3;
	return (uint64_t)-1;
}

/* x86-64-v4:v3:v2, the active ones a mask of the last (glibc's dl-hwcaps-subdirs.c). */
static uint64_t hwcaps_active(void)
{
	uint32_t isa = hwcaps_isa_levels();
	unsigned active = 0;
	for (uint32_t level = 1u << 1 /* V2 */; level <= 1u << 3 /* V4 */ && (isa & level); level <<= 1)
		active++;
	return ((1u << active) - 1) << (3 - active);
}

void diagnostics_print(void)
{
	const char *platform = hwcaps_platform() ? hwcaps_platform() : "x86_64";
	string("dl_dst_lib", "lib/x86_64-linux-gnu");
	value("dl_hwcap", 1u << 1); /* glibc's HWCAP_X86_64, as the personality gives libc */
	value("dl_hwcap_important", (1u << 1) | (1u << 2));
	value("dl_hwcap2", R.aux[AT_HWCAP2]);
	string("dl_hwcaps_subdirs", "x86-64-v4:x86-64-v3:x86-64-v2");
	value("dl_hwcaps_subdirs_active", hwcaps_active());
	value("dl_pagesize", R.pagesize);
	string("dl_platform", platform);
	string("dl_profile_output", R.secure ? "/var/profile" : "/var/tmp");
	value("dl_string_platform", string_platform(platform));
	string("dso.ld", "ld-linux-x86-64.so.2");
	string("dso.libc", "libc.so.6");
	print_environ();
	print_paths();
	string("version.release", "stable");
	string("version.version", "2.36"); /* the glibc whose interface ld-mmld.so gives libc */
	print_auxv();
	print_uname();
	print_cpu();
	sys_exit_group(0);
}
