/* dlclose semantics: a constructor that counts, a destructor that reports, data that a
 * reload must see fresh. */
#include <stdio.h>
int dlc_value = 10;
int dlc_bump(void) { return ++dlc_value; }
__attribute__((constructor)) static void ctor(void) { printf("libdlc: constructor, value %d\n", dlc_value); }
__attribute__((destructor)) static void dtor(void) { printf("libdlc: destructor\n"); }
