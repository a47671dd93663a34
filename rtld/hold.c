/* MMLD_STOP: `mmld share` starts N copies of a program and measures them all at one point
 * of their life. Each copy stops itself there with SIGSTOP; mmld waits until all have
 * stopped (waitpid WUNTRACED), reads /proc, then continues them with SIGCONT.
 *   loaded  after relocation, RELRO and (glibc) __libc_early_init, before any initialiser:
 *           where glibc's ld.so calls _dl_debug_state with RT_CONSISTENT, which is where
 *           mmld stops the system loader's processes for the same point
 *   entry   just before jumping to the program's entry point
 *   exit    when the program exits, before any finaliser (its memory at its largest) */
#include "hold.h"
#include "stack.h"

/* MMLD_OBJECTS=DIR: before stopping, write DIR/PID with one line per object:
 *   LOAD_BIAS MAP_START MAP_LEN PATH   (hexadecimal addresses)
 * so mmld can attribute memory /proc/PID/maps cannot name: the anonymous copies of
 * MMLD_LOAD=read, on kernels without named anonymous mappings. */
static void write_objects(void)
{
	const char *dir = R.objects_dir;
	if (!dir || !*dir || R.secure)
		return;
	char path[4096];
	rt_snprintf(path, sizeof path, "%s/%ld", dir, sys_getpid());
	long fd = sys_open(path, O_WRONLY_ | O_CREAT_ | O_TRUNC_ | O_CLOEXEC_, 0600);
	if (fd < 0)
		return;
	for (struct dso *d = R.head; d; d = d->next)
		if (!d->missing && d->map_len && d->kind != DSO_VDSO)
			rt_dprintf((int)fd, "%lx %lx %lx %s\n", (unsigned long)d->load_bias, (unsigned long)d->map_start,
				   (unsigned long)d->map_len, d->kind == DSO_MAIN && d->mapped_by_kernel ? "-" : dso_display(d));
	sys_close((int)fd);
}

/* MMLD_STOP and MMLD_OBJECTS are for the one process mmld started: taken out of its
 * environment once read, so a program it execs or a child that runs ld-mmld.so does not stop
 * too (nobody would continue it, and mmld would wait for ever); a forked child, which
 * inherits what was read, does not stop either. */
static bool hold_env_private(const char *entry)
{
	return (strncmp(entry, "MMLD_STOP=", 10) == 0 || strncmp(entry, "MMLD_OBJECTS=", 13) == 0);
}

uintptr_t *hold_take_env(uintptr_t *sp)
{
	if (R.stop_at)
		R.stop_pid = sys_getpid();
	if (!R.stop_at && !R.objects_dir && !env_get("MMLD_STOP"))
		return sp;
	return stack_remove_env(sp, hold_env_private);
}

/* SIGSTOP sent as sigqueue(3) sends it, with a value that says it is this hold: mmld, which
 * traces the process when it holds it at exit, lets this stop pass and re-delivers any other
 * SIGSTOP (kill -STOP, the program's own raise), so job control is as without mmld. The value
 * is MMLD_HOLD_SIGVAL in loader/trace.c. */
static void stop_self(void)
{
	long pid = sys_getpid();
	int info[32] = {0};       /* siginfo_t: 128 bytes */
	info[0] = SIGSTOP_;       /* si_signo */
	info[2] = -1;             /* si_code: SI_QUEUE */
	info[4] = (int)pid;       /* si_pid */
	info[5] = (int)sys_call3(SYS_getuid, 0, 0, 0); /* si_uid */
	info[6] = 0x6d6d6c64;     /* si_value.sival_int: "mmld" */
	if (sys_rt_sigqueueinfo(pid, SIGSTOP_, info) < 0)
		sys_kill(pid, SIGSTOP_);
}

void hold_at(enum stop_point p)
{
	if (R.stop_at != p || sys_getpid() != R.stop_pid)
		return;
	write_objects();
	if (DEBUG_ON(DBG_FILES))
		dbg("MMLD_STOP: stopping (SIGSTOP)");
	stop_self();
}
