/* The library churn loads and unloads: a constructor that counts real loads (not dlopens of
 * a library already loaded), a function, and with -DCHURN_TLS thread-local data. */
void churn_loaded(void);
__attribute__((constructor)) static void loaded(void) { churn_loaded(); }
#ifdef CHURN_TLS
static __thread long counter = 7;
static __thread char block[1000] = "initial";
long churn_fn(long x)
{
	counter += x;
	return counter + block[0] - 'i';
}
#else
long churn_fn(long x) { return x + 7; }
#endif
