/* Calls liblazy_many.so's functions through this library's own PLT: dlopen'ed with RTLD_LAZY
 * and dlclose'd again, it gives lazy_race a fresh set of unbound slots for each round. */
#include "many.h"
int lazy_call(int n) { MANY_SWITCH(n); }
