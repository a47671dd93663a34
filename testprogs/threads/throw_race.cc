// C++ exceptions while another thread dlopens and dlcloses: every throw asks the loader's
// _dl_find_object which object holds each return address on its way up (libgcc's unwinder),
// from any thread, without waiting for the loader. Three threads throw and catch through
// frames of this program and of libthrow_unwind.so (loaded all along) again and again, while
// the main thread loads and unloads libraries; every exception must be caught where it
// should be.
//
// usage: throw_race [ROUNDS]   prints one line, the same whatever the timing.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <pthread.h>
#include <stdexcept>

static std::atomic<bool> stop;
static std::atomic<long> caught, wrong;
static int (*lib_rethrow)(int (*)(int), int);
extern "C" void churn_loaded(void) {} // libchurn_plain.so calls it

__attribute__((noinline)) static int thrower(int x)
{
	if (x >= 0)
		throw std::runtime_error("up");
	return x;
}

static void *work(void *)
{
	while (!stop.load()) {
		try {
			lib_rethrow(thrower, 1); // through the library's frames and back
			wrong++;
		} catch (const std::runtime_error &e) {
			caught++;
		} catch (...) {
			wrong++;
		}
	}
	return nullptr;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 2000;
	void *h = dlopen("libthrow_unwind.so", RTLD_NOW);
	if (!h || !(lib_rethrow = (int (*)(int (*)(int), int))dlsym(h, "lib_call")))
		return 1;
	pthread_t t[3];
	for (auto &th : t)
		pthread_create(&th, nullptr, work, nullptr);
	int failed = 0;
	for (int r = 0; r < rounds; r++) {
		void *a = dlopen("libtls_g2.so", RTLD_NOW), *b = dlopen("libchurn_plain.so", RTLD_NOW);
		failed += !a || !b;
		if (b)
			dlclose(b);
		if (a)
			dlclose(a);
	}
	stop = true;
	for (auto &th : t)
		pthread_join(th, nullptr);
	printf("%d dlopen/dlclose rounds against C++ throws in 3 threads: %s\n", rounds,
	       failed ? "SOME DLOPENS FAILED" : wrong ? "SOME EXCEPTIONS WENT WRONG" : "every exception caught");
	if (getenv("THROW_RACE_VERBOSE"))
		fprintf(stderr, "%ld caught, %ld wrong\n", caught.load(), wrong.load());
	return failed || wrong;
}
