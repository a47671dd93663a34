/* mmld run [--tree] [--] PROGRAM [ARGS]
 *
 * Without --tree: exec ld-mmld.so PROGRAM ARGS (the program itself is loaded by ld-mmld.so;
 * programs it starts use the system loader as usual).
 * With --tree: in a private mount namespace, bind-mount ld-mmld.so over the system loader's
 * file (the target of /lib64/ld-linux-x86-64.so.2), then exec PROGRAM normally. Every
 * program of the tree then gets ld-mmld.so from the kernel as its PT_INTERP, libc.so.6's
 * DT_NEEDED on ld-linux-x86-64.so.2 included, and nothing outside the namespace sees the
 * change. Not root: a user namespace is created too, mapping our uid and gid to themselves. */
#include "mmld.h"
#include "opts.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define SYSTEM_LOADER "/lib64/ld-linux-x86-64.so.2"

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Enters a new mount namespace (and a user namespace if we are not root). */
static int enter_namespace(void)
{
	if (geteuid() == 0) {
		if (unshare(CLONE_NEWNS) == 0)
			return 0;
		if (errno != EPERM)
			return -1;
	}
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return -1;
	/* Ourselves mapped to ourselves: the namespace's capabilities (for the bind mount) do not
	 * depend on the mapping and are dropped at the exec; the program keeps its own uid and
	 * gid rather than becoming root inside (redteam #21). */
	char map[64];
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (write_file("/proc/self/uid_map", map) < 0)
		return -1;
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	return write_file("/proc/self/gid_map", map);
}

/* prog: argv[0] found; a #! script is exec'd as it is (the kernel follows it in the tree). */
static int run_tree(const char *rtld, const char *prog, char **argv)
{
	char target[PATH_MAX];
	if (!realpath(SYSTEM_LOADER, target)) {
		fprintf(stderr, "mmld run --tree: %s: %s\n", SYSTEM_LOADER, strerror(errno));
		return 127;
	}
	char rtld_abs[PATH_MAX];
	if (!realpath(rtld, rtld_abs)) {
		fprintf(stderr, "mmld run --tree: %s: %s\n", shown(rtld), strerror(errno));
		return 127;
	}
	if (enter_namespace() < 0) {
		fprintf(stderr,
			"mmld run --tree: cannot create a private mount namespace (%s): run as root, or enable "
			"unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)\n",
			strerror(errno));
		return 127;
	}
	/* Our mounts must not propagate back to the parent namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(rtld_abs, target, NULL, MS_BIND, NULL) < 0) {
		fprintf(stderr, "mmld run --tree: cannot bind %s over %s: %s\n", shown(rtld_abs), shown(target), strerror(errno));
		return 127;
	}
	execv(prog, argv);
	fprintf(stderr, "mmld run: %s: %s\n", shown(prog), strerror(errno));
	return 127;
}

int cmd_run(int argc, char **argv)
{
	bool tree = false, reloc_cache = false;
	struct opt opts[] = {
		{.name = "tree", .kind = OPT_FLAG, .dest = &tree,
		 .help = "every program PROGRAM starts is loaded by ld-mmld.so\n"
			 "too (a private mount namespace where ld-mmld.so is\n"
			 "bound over the system loader's file)"},
		{.name = "reloc-cache", .kind = OPT_FLAG, .dest = &reloc_cache,
		 .help = "MMLD_RELOC_CACHE=1: libraries at per-boot addresses,\n"
			 "their relocated pages shared through the relocation\n"
			 "cache (see mmld cache --help)"},
		{0},
	};
	const struct command cmd = {
		.name = "run",
		.usage = "[--tree] [--reloc-cache] [--] PROGRAM [ARGS]",
		.summary = "Runs PROGRAM through ld-mmld.so (as `ld-mmld.so PROGRAM ARGS`, with argv[0] kept).",
		.details = "PROGRAM is searched for in $PATH when it has no slash. Options after PROGRAM are its own.\n"
			   "A #! script is followed as the kernel follows it: its interpreter is loaded by ld-mmld.so.\n"
			   "Exit status: PROGRAM's own; 127 if it or ld-mmld.so cannot be found or run; 2 for a\n"
			   "bad argument.\n",
		.opts = opts,
		.min_operands = 1,
		.max_operands = -1,
		.program_follows = true,
	};
	int i, status;
	if (!opts_parse(&cmd, argc, argv, &i, &status))
		return status;
	const char *rtld = rtld_path();
	if (access(rtld, R_OK) < 0) {
		fprintf(stderr, "mmld run: %s: %s (set MMLD_RTLD)\n", shown(rtld), strerror(errno));
		return 127;
	}
	if (reloc_cache)
		setenv("MMLD_RELOC_CACHE", "1", 1);
	/* A #! script: its interpreter is what ld-mmld.so loads, with the kernel's argv. */
	char *prog;
	struct script_run script;
	int refused = program_find("run", argv + i, &prog, &script, 127);
	if (refused)
		return refused;
	if (tree)
		return run_tree(rtld, prog, argv + i);
	/* ld-mmld.so --argv0 NAME PROGRAM ARGS: the program sees the argv[0] it was given. */
	int args = 0;
	while (script.argv[args])
		args++;
	char **nargv = calloc((size_t)args + 5, sizeof *nargv);
	if (!nargv)
		return 127;
	int n = 0;
	nargv[n++] = (char *)rtld;
	nargv[n++] = "--argv0";
	nargv[n++] = script.argv[0];
	nargv[n++] = script.file;
	for (int k = 1; k < args; k++)
		nargv[n++] = script.argv[k];
	execv(rtld, nargv);
	fprintf(stderr, "mmld run: %s: %s\n", shown(rtld), strerror(errno));
	return 127;
}
