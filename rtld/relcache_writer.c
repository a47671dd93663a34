/* The writer: completes large entries on a second thread during start-up (the image's
 * checksum, the fix-ups and header written, the link), so that work overlaps the relocation
 * of the objects after it instead of adding to it (libLLVM's 7.6 MiB are summed while
 * libclang-cpp is relocated). The image itself is already in the file: a miss relocates in
 * place (relcache_publish.c).
 *
 * The thread exists only between the first large miss and relcache_done, which waits for it
 * before any initialiser or the program runs: a program that must be single-threaded
 * (unshare(CLONE_NEWUSER), say) never sees it. It is a bare kernel thread of this process:
 * it runs only rc_job_run (system calls on memory nothing else writes meanwhile, no
 * allocation, no thread-local storage), blocks every signal (so none is delivered to it),
 * and leaves with exit, which clears its tid and wakes relcache_done's futex wait.
 * Everything after start-up, and a start-up's small images when it has no large one (true's
 * libc.so.6: making the thread would cost more than the work), are completed on the spot.
 *
 * The queue: one producer (start-up), one consumer (the thread). `state` counts the jobs
 * submitted, with CLOSING set when no more will come; the thread sleeps on it with a futex
 * and start-up wakes it after every change. */
#include "relcache_int.h"

#define SYS_rt_sigprocmask_ 14
#define SYS_clone_ 56
#define SYS_exit_ 60
#define SYS_futex_ 202
#define FUTEX_WAIT_ 0
#define FUTEX_WAKE_ 1
#define CLONE_FLAGS_ (0x100 /* VM */ | 0x200 /* FS */ | 0x400 /* FILES */ | 0x800 /* SIGHAND */ | \
		      0x10000 /* THREAD */ | 0x40000 /* SYSVSEM */ | 0x100000 /* PARENT_SETTID */ | \
		      0x200000 /* CHILD_CLEARTID */)
#define CLOSING 0x80000000u
#define MAX_JOBS 64
#define STACK_SIZE 65536
#define ASYNC_MIN_BYTES (512 * 1024) /* smaller images cost less to complete than a thread */

static struct rc_job *jobs[MAX_JOBS] RARELY_WRITTEN; /* only with MMLD_RELOC_CACHE */
static uint32_t state;    /* jobs submitted | CLOSING */
static int tid;           /* the thread's id while it runs; 0 once it has exited */
static void *stack;
static bool started, failed;

static void futex(void *addr, int op, uint32_t val) { rc_sys(SYS_futex_, (long)addr, op, val, 0, 0); }

static void writer_main(void)
{
	for (uint32_t done = 0;;) {
		uint32_t s = __atomic_load_n(&state, __ATOMIC_ACQUIRE);
		if (done < (s & ~CLOSING))
			rc_job_run(jobs[done++]);
		else if (s & CLOSING)
			return;
		else
			futex(&state, FUTEX_WAIT_, s); /* returns at once if state moved on */
	}
}

/* clone, the new thread running writer_main on its own stack, then exit(0). */
static long spawn(void *stack_top)
{
	long ret;
	register long r10 __asm__("r10") = (long)&tid; /* cleared and woken at its exit */
	register long r8 __asm__("r8") = 0;
	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "call *%[fn]\n\t"
			 "mov %[exit], %%eax\n\t"
			 "xor %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "hlt\n"
			 "1:"
			 : "=a"(ret)
			 : "a"(SYS_clone_), "D"(CLONE_FLAGS_), "S"(stack_top), "d"(&tid), "r"(r10), "r"(r8),
			   [fn] "r"(writer_main), [exit] "i"(SYS_exit_)
			 : "rcx", "r11", "memory");
	return ret;
}

static bool start(void)
{
	long m = sys_mmap(NULL, STACK_SIZE, PROT_READ_ | PROT_WRITE_, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1, 0);
	if (mmap_failed(m))
		return false;
	stack = (void *)m;
	/* Every signal blocked while it is made, so the thread starts with them all blocked. */
	uint64_t all = ~0ULL, old;
	rc_sys(SYS_rt_sigprocmask_, 2 /* SIG_SETMASK */, (long)&all, (long)&old, 8, 0);
	long r = spawn((char *)stack + STACK_SIZE - 64);
	rc_sys(SYS_rt_sigprocmask_, 2, (long)&old, 0, 8, 0);
	if (r < 0) {
		sys_munmap(stack, STACK_SIZE);
		return false;
	}
	return true;
}

/* The images start-up may publish, in bytes: with a large one among them, the small ones are
 * handed to the thread too. */
static uint64_t startup_bytes(void)
{
	static uint64_t total = UINT64_MAX;
	if (total == UINT64_MAX) {
		total = 0;
		struct rc_ranges rg;
		for (struct dso *d = R.head; d; d = d->next)
			if (d->relcache && d->relcache->fixed && d->kind == DSO_LIB && rc_ranges_of(d, &rg) &&
			    rg.len >= RC.min_image)
				total += rg.len;
	}
	return total;
}

bool rc_writer_async(const struct rc_job *j)
{
	return RC.in_startup && !failed && (state & ~CLOSING) < MAX_JOBS &&
	       (j->rg.len >= ASYNC_MIN_BYTES || startup_bytes() >= 4 * ASYNC_MIN_BYTES);
}

void rc_writer_submit(struct rc_job *j)
{
	uint32_t n = state & ~CLOSING;
	bool async = rc_writer_async(j);
	if (async && !started && !(started = start()))
		failed = true, async = false;
	if (!async) {
		rc_job_run(j);
		rc_job_free(j);
		return;
	}
	jobs[n] = j;
	__atomic_store_n(&state, n + 1, __ATOMIC_RELEASE);
	futex(&state, FUTEX_WAKE_, 1);
}

void rc_writer_finish(void)
{
	if (!started)
		return;
	__atomic_or_fetch(&state, CLOSING, __ATOMIC_RELEASE);
	futex(&state, FUTEX_WAKE_, 1);
	for (int t; (t = __atomic_load_n(&tid, __ATOMIC_ACQUIRE)) != 0;)
		futex(&tid, FUTEX_WAIT_, (uint32_t)t);
	sys_munmap(stack, STACK_SIZE);
	for (uint32_t i = 0; i < (state & ~CLOSING); i++)
		rc_job_free(jobs[i]);
	started = false;
	state = 0;
}
