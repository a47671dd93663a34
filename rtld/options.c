/* Step 3b: the command line (direct mode) and the environment. */
#include "options.h"
#include "hwcaps.h"
#include "search.h"
#include "stack.h"
#include "glibc/glibc.h"
#include "diagnostics.h"

#define MMLD_VERSION "0.1"

static const struct {
	const char *name;
	unsigned mask;
	const char *help;
} debug_names[] = {
	{"libs", DBG_LIBS, "display library search paths"},
	{"reloc", DBG_RELOC, "display relocation processing"},
	{"files", DBG_FILES, "display progress for input file"},
	{"symbols", DBG_SYMBOLS, "display symbol table processing"},
	{"bindings", DBG_BINDINGS, "display information about symbol binding"},
	{"versions", DBG_VERSIONS, "display version dependencies"},
	{"scopes", DBG_SCOPES, "display scope information"},
	{"statistics", DBG_STATISTICS, "display relocation statistics"},
	{"maps", DBG_MAPS, "display every mmap and mprotect (mmld)"},
	{"init", DBG_INIT, "display initialiser and finaliser calls (mmld)"},
	{"pages", DBG_PAGES, "at exit, this process's pages per object: mapped, resident, shared, copied (mmld)"},
	{"unused", DBG_UNUSED, "determined unused DSOs"},
	{"all", ~0u & ~DBG_UNUSED, "all previous options combined"},
	{"help", 0, "display this help message and exit"}, /* answered before the table is read */
};
#define NDEBUG_NAMES (sizeof debug_names / sizeof debug_names[0])

static void debug_help(void)
{
	rt_dprintf(1, "Valid options for the LD_DEBUG environment variable are:\n\n");
	for (size_t i = 0; i < NDEBUG_NAMES; i++)
		rt_dprintf(1, "  %-12s%s\n", debug_names[i].name, debug_names[i].help);
	rt_dprintf(1, "\nTo direct the debugging output into a file instead of standard output\n"
		      "a filename can be specified using the LD_DEBUG_OUTPUT environment variable.\n");
	sys_exit_group(0);
}

static void parse_debug(const char *v)
{
	for (const char *p = v; *p;) {
		while (*p == ',' || *p == ' ' || *p == ':')
			p++;
		const char *e = p;
		while (*e && *e != ',' && *e != ' ' && *e != ':')
			e++;
		size_t n = (size_t)(e - p);
		if (n == 4 && strncmp(p, "help", 4) == 0)
			debug_help();
		bool known = false;
		for (size_t i = 0; i < NDEBUG_NAMES; i++)
			if (n && strlen(debug_names[i].name) == n && strncmp(debug_names[i].name, p, n) == 0) {
				R.debug |= debug_names[i].mask;
				known = true;
			}
		if (n && !known)
			rt_dprintf(2, "warning: debug option `%.*s' unknown; try LD_DEBUG=help\n", (int)n, p);
		p = e;
	}
}

/* Variables a privileged process removes from its environment: glibc 2.36's UNSECURE_ENVVARS
 * (built with tunables: GLIBC_TUNABLES is not on it but rewritten, see tunables.c), and ours. */
static const char *const unsafe_vars[] = {
	"GCONV_PATH", "GETCONF_DIR", "HOSTALIASES", "LD_AUDIT", "LD_DEBUG", "LD_DEBUG_OUTPUT",
	"LD_DYNAMIC_WEAK", "LD_HWCAP_MASK", "LD_LIBRARY_PATH", "LD_ORIGIN_PATH", "LD_PRELOAD", "LD_PROFILE",
	"LD_SHOW_AUXV", "LOCALDOMAIN", "LOCPATH", "MALLOC_TRACE", "NIS_PATH", "NLSPATH",
	"RESOLV_HOST_CONF", "RES_OPTIONS", "TMPDIR", "TZDIR", "MMLD_STOP", "MMLD_LOAD", "MMLD_OBJECTS", "MMLD_RELOC_CACHE", "MMLD_RELOC_CACHE_DIR", "MMLD_RELOC_CACHE_MIN", "MMLD_RELOC_CACHE_DEFER", NULL};

static bool env_unsafe(const char *entry)
{
	for (int i = 0; unsafe_vars[i]; i++) {
		size_t n = strlen(unsafe_vars[i]);
		if (strncmp(entry, unsafe_vars[i], n) == 0 && entry[n] == '=')
			return true;
	}
	return glibc_tunables_env_erased(entry); /* MALLOC_CHECK_: glibc's __tunables_init */
}

uintptr_t *options_scrub_env(uintptr_t *sp)
{
	sp = stack_remove_env(sp, env_unsafe);
	glibc_tunables_secure_env(R.envp);
	return sp;
}

bool options_list_name_usable(const char *name, size_t len, size_t limit)
{
	if (len == 0 || len >= limit)
		return false;
	/* A privileged process takes plain names only, searched for set-user-ID files (search.c). */
	if (!R.secure)
		return true;
	if (len >= AUDIT_NAME_LIMIT)
		return false;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/')
			return false;
	return true;
}

/* glibc's _dl_strtoul(v) > 1: blanks, a sign, then decimal, 0x hex or 0 octal digits up to
 * the first other byte; a negative number is a huge unsigned one. */
static bool number_above_one(const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	bool negative = *v == '-';
	if (*v == '-' || *v == '+')
		v++;
	unsigned base = 10;
	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		base = 16, v += 2;
	else if (v[0] == '0')
		base = 8;
	uint64_t n = 0;
	for (;; v++) {
		unsigned d = *v >= '0' && *v <= '9' ? (unsigned)(*v - '0')
			   : base == 16 && (*v | 0x20) >= 'a' && (*v | 0x20) <= 'f' ? (unsigned)((*v | 0x20) - 'a' + 10)
			   : 99;
		if (d >= base)
			break;
		if (n > 1)
			break; /* above one already, and so is its negation as an unsigned number */
		n = n * base + d;
	}
	return negative ? n != 0 : n > 1;
}

/* LD_TRACE_LOADED_OBJECTS (ldd): set at all, even empty, means list; a value above 1 lists
 * the program's own line first (glibc's process_envvars). A privileged process exits 5 at
 * once without a word, as glibc's does: its layout is not handed out. */
static void trace_requested(const char *v)
{
	if (R.secure)
		sys_exit_group(5);
	R.mode = MODE_LIST;
	R.trace = true;
	R.trace_program = number_above_one(v);
}

void options_add_audit_list(const char *list)
{
	if (R.naudit_lists == R.audit_lists_cap) {
		unsigned cap = R.audit_lists_cap ? 2 * R.audit_lists_cap : 8;
		const char **grown = rt_realloc(R.audit_lists, cap * sizeof *grown);
		if (!grown)
			die_load(NULL, "out of memory");
		R.audit_lists = grown;
		R.audit_lists_cap = cap;
	}
	R.audit_lists[R.naudit_lists++] = list;
}

void options_from_env(void)
{
	R.debug_fd = 2;
	/* LD_PRELOAD and LD_AUDIT even in secure mode, as glibc: only their names without a slash
	 * are then tried (options_list_name_usable), found only as set-user-ID files. */
	const char *pre = env_get("LD_PRELOAD");
	if (pre && *pre)
		R.preload = pre;
	const char *aud = env_get("LD_AUDIT");
	if (aud && *aud)
		options_add_audit_list(aud);
	if (!R.secure) {
		const char *v;
		if ((v = env_get("LD_LIBRARY_PATH")) && *v) {
			R.library_path = v;
			R.library_path_source = "LD_LIBRARY_PATH";
		}
		if ((v = env_get("LD_DEBUG")))
			parse_debug(v);
		if (env_get("LD_SHOW_AUXV")) /* glibc: set at all, even empty */
			stack_show_auxv();
		if ((v = env_get("LD_WARN")) && *v)
			R.warn = true;
		if ((v = env_get("LD_VERBOSE")) && *v)
			R.version_info = true;
		if (R.debug && (v = env_get("LD_DEBUG_OUTPUT")) && *v) {
			char path[4096];
			rt_snprintf(path, sizeof path, "%s.%ld", v, sys_getpid());
			long fd = sys_open(path, O_WRONLY_ | O_CREAT_ | O_APPEND_ | O_CLOEXEC_ | 0400000 /* NOFOLLOW */, 0666);
			if (fd >= 0)
				R.debug_fd = (int)fd;
		}
	}
	if (!R.secure) {
		/* mmld's own knobs (both ignored, and removed, in a privileged process). */
		const char *v = env_get("MMLD_STOP");
		if (v && strcmp(v, "loaded") == 0)
			R.stop_at = STOP_LOADED;
		else if (v && strcmp(v, "entry") == 0)
			R.stop_at = STOP_ENTRY;
		else if (v && strcmp(v, "exit") == 0)
			R.stop_at = STOP_EXIT;
		else if (v && *v)
			rt_dprintf(2, "warning: MMLD_STOP=%s unknown; use loaded, entry or exit\n", v);
		R.objects_dir = env_get("MMLD_OBJECTS");
		v = env_get("MMLD_LOAD");
		if (v && strcmp(v, "read") == 0)
			R.load_by_read = true;
		else if (v && *v && strcmp(v, "mmap") != 0)
			rt_dprintf(2, "warning: MMLD_LOAD=%s unknown; use mmap or read\n", v);
	}
	const char *bn = env_get("LD_BIND_NOW");
	R.bind_now = bn && *bn;
	const char *tr = env_get("LD_TRACE_LOADED_OBJECTS");
	if (tr)
		trace_requested(tr);
}

static void usage_error(const char *self, const char *msg, const char *arg)
{
	rt_dprintf(2, "%s: %s%s%s%s\nTry '%s --help' for more information.\n", self, msg, arg ? " '" : "", arg ? arg : "",
		   arg ? "'" : "", self);
	sys_exit_group(1);
}

/* glibc's --help, option for option where we have it, with its two hwcaps lists (what
 * tst-rtld-help and people comparing the two loaders look for). */
static void help(const char *self)
{
	rt_dprintf(1,
		   "Usage: %s [OPTION]... EXECUTABLE-FILE [ARGS-FOR-PROGRAM...]\n"
		   "You have invoked 'ld.so', the program interpreter for dynamically-linked\n"
		   "ELF programs.  Usually, the program interpreter is invoked automatically\n"
		   "when a dynamically-linked executable is started.\n"
		   "\n"
		   "You may invoke the program interpreter program directly from the command\n"
		   "line to load and run an ELF executable file; this is like executing that\n"
		   "file itself, but always uses the program interpreter you invoked,\n"
		   "instead of the program interpreter specified in the executable file you\n"
		   "run.  Invoking the program interpreter directly provides access to\n"
		   "additional diagnostics, and changing the dynamic linker behavior without\n"
		   "setting environment variables (which would be inherited by subprocesses).\n"
		   "\n"
		   "  --list                list all dependencies and how they are resolved\n"
		   "  --verify              verify that given object really is a dynamically linked\n"
		   "                        object we can handle\n"
		   "  --inhibit-cache       Do not use /etc/ld.so.cache\n"
		   "  --library-path PATH   use given PATH instead of content of the environment\n"
		   "                        variable LD_LIBRARY_PATH\n"
		   "  --glibc-hwcaps-prepend LIST\n"
		   "                        search glibc-hwcaps subdirectories in LIST\n"
		   "  --glibc-hwcaps-mask LIST\n"
		   "                        only search built-in subdirectories if in LIST\n"
		   "  --inhibit-rpath LIST  ignore RUNPATH and RPATH information in object names\n"
		   "                        in LIST (accepted, not implemented by mmld)\n"
		   "  --audit LIST          use objects named in LIST as auditors\n"
		   "  --preload LIST        preload objects named in LIST\n"
		   "  --argv0 STRING        set argv[0] to STRING before running\n"
		   "  --list-tunables       list all tunables with minimum and maximum values\n"
		   "  --list-diagnostics    list diagnostics information\n"
		   "  --help                display this help and exit\n"
		   "  --version             output version information and exit\n"
		   "\n"
		   "Environment: glibc's LD_LIBRARY_PATH, LD_PRELOAD, LD_BIND_NOW, LD_DEBUG (LD_DEBUG=help\n"
		   "lists its options), LD_DEBUG_OUTPUT, LD_AUDIT, LD_SHOW_AUXV, LD_TRACE_LOADED_OBJECTS,\n"
		   "LD_WARN, LD_VERBOSE, GLIBC_TUNABLES; and ld-mmld.so's own (all ignored in secure mode):\n"
		   "  MMLD_STOP=loaded|entry|exit\n"
		   "                        stop with SIGSTOP after relocation and before any\n"
		   "                        initialiser, at the program's entry, or at exit()\n"
		   "                        (where mmld share measures)\n"
		   "  MMLD_OBJECTS=DIR      before that stop, write DIR/PID: each object's load\n"
		   "                        bias, span and file\n"
		   "  MMLD_LOAD=read        read() each segment into anonymous memory instead of\n"
		   "                        mapping it from the file (mmap, the default)\n"
		   "  MMLD_RELOC_CACHE=1|verify\n"
		   "                        libraries at per-boot addresses, their relocated pages\n"
		   "                        shared through a per-user cache (verify: each entry\n"
		   "                        checked against its file first)\n"
		   "  MMLD_RELOC_CACHE_DIR=DIR\n"
		   "                        where that cache is (mmld cache --help)\n"
		   "  MMLD_RELOC_CACHE_MIN=BYTES\n"
		   "                        libraries with fewer relocated bytes are relocated\n"
		   "                        as without the cache (default 32768)\n"
		   "  MMLD_RELOC_CACHE_DEFER=BYTES\n"
		   "                        a library with more is published in the cache at its\n"
		   "                        second miss, not its first (default 1048576; 0: first)\n"
		   "ld-mmld.so(8) describes each; exit status 127 when a program cannot be loaded.\n"
		   "\n"
		   "This program interpreter self-identifies as: ld-mmld.so (mmld " MMLD_VERSION
		   "), soname ld-linux-x86-64.so.2\n",
		   self);
	search_print_help();
	hwcaps_print_help();
	sys_exit_group(0);
}

/* Options that take a value: where it goes. */
static void option_value(const char *opt, const char *v)
{
	if (strcmp(opt, "--library-path") == 0) {
		R.library_path = v;
		R.library_path_source = "--library-path";
	} else if (strcmp(opt, "--preload") == 0) {
		R.preload_arg = v;
	} else if (strcmp(opt, "--argv0") == 0) {
		R.argv0 = v;
	} else if (strcmp(opt, "--glibc-hwcaps-prepend") == 0) {
		R.hwcaps_prepend = v;
	} else if (strcmp(opt, "--glibc-hwcaps-mask") == 0) {
		R.hwcaps_mask = v;
	} else if (strcmp(opt, "--audit") == 0) {
		options_add_audit_list(v);
	}
	/* --inhibit-rpath: accepted for compatibility, not implemented */
}

int options_from_cmdline(void)
{
	static const char *const with_value[] = {"--library-path", "--preload", "--argv0", "--inhibit-rpath",
						 "--audit", "--glibc-hwcaps-prepend", "--glibc-hwcaps-mask", NULL};
	const char *self = R.argv[0];
	/* --help, --list-tunables, --list-diagnostics: the last one given wins, and --list or
	 * --verify after the two lists (glibc's state.mode, which --list and --verify leave at help) */
	enum { INFO_NONE, INFO_HELP, INFO_TUNABLES, INFO_DIAGNOSTICS } info = INFO_NONE;
	int i = 1;
	for (; i < R.argc; i++) {
		const char *a = R.argv[i];
		bool valued = false;
		for (int k = 0; with_value[k]; k++)
			valued |= strcmp(a, with_value[k]) == 0;
		if (strcmp(a, "--list") == 0 || strcmp(a, "--verify") == 0) {
			R.mode = a[2] == 'l' ? MODE_LIST : MODE_VERIFY;
			if (info != INFO_HELP)
				info = INFO_NONE;
		} else if (strcmp(a, "--list-tunables") == 0)
			info = INFO_TUNABLES;
		else if (strcmp(a, "--list-diagnostics") == 0)
			info = INFO_DIAGNOSTICS;
		else if (strcmp(a, "--inhibit-cache") == 0)
			R.inhibit_cache = true;
		else if (valued) {
			if (i + 1 >= R.argc)
				usage_error(self, "option requires an argument --", a);
			option_value(a, R.argv[++i]);
		} else if (strcmp(a, "--help") == 0)
			info = INFO_HELP; /* after the other options, which it reports on (glibc's order) */
		else if (strcmp(a, "--version") == 0) {
			rt_dprintf(1, "ld-mmld.so (mmld) version " MMLD_VERSION
				      ", a dynamic linker for x86-64 Linux that maps every object with mmap.\n");
			sys_exit_group(0);
		} else if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (a[0] == '-' && a[1] == '-')
			usage_error(self, "unrecognized option", a);
		else
			break;
	}
	if (info == INFO_TUNABLES) {
		glibc_tunables_print();
		sys_exit_group(0);
	}
	if (info == INFO_DIAGNOSTICS)
		diagnostics_print(); /* exits */
	if (info == INFO_HELP)
		help(self);
	if (i >= R.argc)
		usage_error(self, "missing program name", NULL);
	return i;
}
