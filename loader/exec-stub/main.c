/* mmld-exec-stub's timeline (stub.h says what it is). Each step is one call, in the order
 * the kernel's execve does them (fs/binfmt_elf.c load_elf_binary). */
#include "stub.h"

static void parse_args(struct stub *s, uintptr_t *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	s->envp = argv + argc + 1;
	char **e = s->envp;
	while (*e)
		e++;
	s->auxv = (Elf64_auxv_t *)(e + 1);
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-t") == 0)
			s->trace = true;
		else if (strcmp(argv[i], "-c") == 0)
			s->copy = true;
		else if (strcmp(argv[i], "-n") == 0)
			s->dry_run = true;
		else if (strcmp(argv[i], "-i") == 0 && i + 1 < argc)
			s->interp_override = argv[++i];
		else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc)
			s->execfn = argv[++i];
		else
			fail(2, "stub: unknown argument '%s' (the stub is started by mmld exec)", argv[i]);
	}
	if (!s->execfn || i >= argc)
		fail(2, "stub: usage: mmld-exec-stub [-t] [-c] [-n] [-i INTERP] -e PATH -- ARGV0 ARGS (run mmld exec instead)");
	s->argc = argc - i;
	s->argv = argv + i;
}

static unsigned long read_number(const char *path, unsigned long dflt)
{
	char buf[32];
	unsigned long v;
	if (read_small_file(path, buf, sizeof buf) <= 0)
		return dflt;
	char *nl = strchr(buf, '\n');
	if (nl)
		*nl = 0;
	return rt_parse_ulong(buf, &v) ? v : dflt;
}

/* Address-space randomisation as the kernel decides it for this exec. */
static void read_policy(struct stub *s)
{
	long persona = sys_call3(SYS_personality_, 0xffffffff, 0, 0);
	s->randomize_level = (int)read_number("/proc/sys/kernel/randomize_va_space", 2);
	s->mmap_rnd_bits = (unsigned)read_number("/proc/sys/vm/mmap_rnd_bits", 28);
	if (s->mmap_rnd_bits > 32)
		s->mmap_rnd_bits = 32;
	s->randomize = s->randomize_level > 0 && !(persona >= 0 && (persona & ADDR_NO_RANDOMIZE_));
	if (find_stack(&s->stack_lo, &s->stack_hi) < 0)
		fail(127, "cannot find the [stack] mapping in /proc/self/maps");
	trace(s, "randomisation %s (randomize_va_space %d%s), mmap_rnd_bits %u", s->randomize ? "on" : "off",
	      s->randomize_level, persona >= 0 && (persona & ADDR_NO_RANDOMIZE_) ? ", ADDR_NO_RANDOMIZE" : "",
	      s->mmap_rnd_bits);
}

static void open_images(struct stub *s)
{
	follow_scripts(s);
	image_open(s, &s->prog, s->exe_path, "program");
	const char *interp = image_interp(&s->prog);
	if (interp)
		trace(s, "PT_INTERP %s%s", interp, s->interp_override ? " (replaced by --interp)" : "");
	if (s->interp_override) {
		if (!interp)
			fail(126, "%s: no PT_INTERP (a static program): --interp does not apply", s->exe_path);
		interp = s->interp_override;
	}
	s->has_interp = interp != NULL;
	if (s->has_interp)
		image_open(s, &s->interp, interp, "interpreter");
	s->exec_stack = image_wants_exec_stack(&s->prog);
}

__attribute__((noreturn, used)) void stub_main(uintptr_t *sp)
{
	static struct stub s;
	parse_args(&s, sp);
	trace_maps(&s, "of the stub, as the kernel's execve of it left it");
	read_policy(&s);
	open_images(&s);
	image_place(&s, &s.prog, false);
	if (s.has_interp) {
		image_place(&s, &s.interp, true);
		sys_close(s.interp.fd);
	}
	brk_place(&s);
	trace_maps(&s, "before the hand-off (the stub is unmapped last)");
	stack_build(&s);
	if (s.dry_run) {
		trace(&s, "dry run: not jumping");
		sys_exit_group(0);
	}
	handoff(&s);
}
