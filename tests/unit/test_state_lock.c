/* rtld/state_lock.c, built hosted: LOCK_STATE's lock. Recursive for its holder, exclusive
 * between threads (four threads' unsynchronised increments under it add up), trylock fails
 * while another thread holds it, a signal handler on the holding thread takes it again
 * without waiting (at every depth, the handler's take and give-back leave the holder's hold
 * as it was), unlock by a thread that does not hold it changes nothing, and in a fork's child
 * it is the child's thread's at the parent's depth, or free. (With the owner and the depth
 * set in two steps, as a libc mutex sets its lock word and owner, the handler test hangs:
 * the handler waits for its own thread.) */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "state_lock.c"

struct lock_ops lock_ops;
void rt_die(const char *occasion, const char *object, const char *fmt, ...)
{
	(void)object, (void)fmt;
	fail_msg("rt_die: %s", occasion);
	abort();
}

/* The loader reads the id from the thread's TCB; a system call per look-up here would make
 * the signal test below slow. Cleared in a fork's child, which has another id. */
static __thread uint32_t tid_cache;
static uint32_t gettid_(void)
{
	if (!tid_cache)
		tid_cache = (uint32_t)gettid();
	return tid_cache;
}

static int setup(void **state)
{
	(void)state;
	lock_ops.thread_id = gettid_;
	word = 0;
	return 0;
}

static uint32_t depth(void) { return (word & DEPTH_MASK) >> TID_BITS; }

static void test_recursive_for_its_holder(void **state)
{
	(void)state;
	for (int i = 1; i <= 5; i++) {
		state_lock();
		assert_int_equal(depth(), i);
		assert_int_equal(word & TID_MASK, gettid_());
	}
	assert_true(state_trylock());
	state_unlock();
	for (int i = 4; i >= 0; i--) {
		state_unlock();
		assert_int_equal(depth(), i);
	}
	assert_int_equal(word, 0);
}

static long counter;
enum { ROUNDS = 200000, THREADS = 4 };
static void *add_under_lock(void *a)
{
	(void)a;
	for (int i = 0; i < ROUNDS; i++) {
		state_lock();
		long c = counter; /* not atomic: only the lock orders it */
		__asm__ volatile("" ::: "memory");
		counter = c + 1;
		state_unlock();
	}
	return NULL;
}

static void test_exclusive_between_threads(void **state)
{
	(void)state;
	pthread_t t[THREADS];
	counter = 0;
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, add_under_lock, NULL), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(counter, (long)THREADS * ROUNDS);
	assert_int_equal(word, 0);
}

static volatile int other_result = -1;
static void *try_and_unlock(void *a)
{
	(void)a;
	other_result = state_trylock();
	uint32_t before = word;
	state_unlock(); /* not its lock: nothing changes; else its own: free again */
	if (word != (other_result ? 0 : before))
		other_result = 2;
	return NULL;
}

static void test_trylock_fails_for_others(void **state)
{
	(void)state;
	state_lock();
	pthread_t t;
	pthread_create(&t, NULL, try_and_unlock, NULL);
	pthread_join(t, NULL);
	assert_int_equal(other_result, 0);
	assert_int_equal(depth(), 1);
	state_unlock();
	pthread_create(&t, NULL, try_and_unlock, NULL);
	pthread_join(t, NULL);
	assert_int_equal(other_result, 1); /* free: taken, and given back */
	assert_int_equal(word, 0);
}

/* The handler takes the lock its thread may hold, checks the depth went one up, gives it
 * back. Signals come every few microseconds while the thread takes and gives back the lock
 * at depths 1 to 3, so many land inside state_lock and state_unlock themselves. */
static volatile sig_atomic_t handler_bad, handler_runs;
static void on_signal(int sig)
{
	(void)sig;
	uint32_t before = word;
	bool held = (before & TID_MASK) == gettid_();
	state_lock();
	if ((word & TID_MASK) != gettid_() || depth() != (held ? ((before & DEPTH_MASK) >> TID_BITS) + 1 : 1))
		handler_bad = 1;
	state_unlock();
	if (word != before)
		handler_bad = 1;
	handler_runs++;
}

/* One signal at a time: the next only once the last was handled, after a pause of varying
 * length (so the signals land all over the lock's code), never a storm that leaves the
 * holding thread no time of its own (on an idle machine, a sender on the other core could
 * keep it in handlers for minutes). */
static volatile int stop_signals;
static void *send_signals(void *a)
{
	pthread_t target = *(pthread_t *)a;
	for (unsigned n = 0; !stop_signals; n++) {
		sig_atomic_t seen = handler_runs;
		pthread_kill(target, SIGUSR2);
		while (handler_runs == seen && !stop_signals)
			sched_yield();
		for (volatile unsigned i = 0; i < (n * 7919u) % 2000u; i++)
			;
	}
	return NULL;
}

static void test_handler_on_the_holding_thread(void **state)
{
	(void)state;
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGUSR2, &sa, NULL);
	pthread_t self = pthread_self(), sender;
	handler_bad = 0, handler_runs = 0, stop_signals = 0;
	pthread_create(&sender, NULL, send_signals, &self);
	for (int i = 0; i < 300000 || handler_runs < 1000; i++) {
		state_lock();
		if (i & 1)
			state_lock(), state_unlock();
		if (i % 3 == 0)
			state_lock(), state_lock(), state_unlock(), state_unlock();
		state_unlock();
	}
	stop_signals = 1;
	pthread_join(sender, NULL);
	signal(SIGUSR2, SIG_DFL);
	assert_int_equal(handler_bad, 0);
	assert_true(handler_runs >= 1000);
	assert_int_equal(word, 0);
}

/* In the child of a fork taken while this thread held the lock twice (and the fork once
 * more), the child's thread holds it twice; a child of a fork that did not take it finds it
 * free. */
static void test_after_fork(void **state)
{
	(void)state;
	state_lock();
	state_lock();
	state_lock(); /* the fork's own */
	pid_t p = fork();
	if (p == 0) {
		tid_cache = 0;
		state_lock_after_fork(true);
		_exit((word & TID_MASK) == gettid_() && depth() == 2 ? 0 : 1);
	}
	int st;
	waitpid(p, &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	state_unlock();
	p = fork();
	if (p == 0) {
		tid_cache = 0;
		state_lock_after_fork(false);
		_exit(word == 0 && state_trylock() && depth() == 1 ? 0 : 1);
	}
	waitpid(p, &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	state_unlock();
	state_unlock();
	assert_int_equal(word, 0);
}

int main(void)
{
	alarm(60); /* a thread waiting for itself hangs: killed by SIGALRM, the run fails */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_recursive_for_its_holder, setup),
		cmocka_unit_test_setup(test_exclusive_between_threads, setup),
		cmocka_unit_test_setup(test_trylock_fails_for_others, setup),
		cmocka_unit_test_setup(test_handler_on_the_holding_thread, setup),
		cmocka_unit_test_setup(test_after_fork, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
