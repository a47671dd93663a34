/* A library with dynamic TLS (general-dynamic accesses go through __tls_get_addr), loaded and
 * unloaded over and over by the race programs. TLSMOD_NAME makes distinct copies. */
#ifndef TLSMOD_NAME
#define TLSMOD_NAME tlsmod
#endif
static __thread long counter = 7;
static __thread char buffer[256] = "initial";
long tls_touch(long add)
{
	counter += add;
	buffer[0] = 'i';
	return counter + (buffer[1] == 'n');
}
