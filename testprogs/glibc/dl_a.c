/* Opened with dlopen: a function, data, dynamic TLS, a constructor and a destructor. */
#include <stdio.h>
int a_value = 41;
__thread int a_tls = 7;
int a_get(void) { return a_value + 1; }
int *a_tls_addr(void) { return &a_tls; }
__attribute__((constructor)) static void ctor(void) { puts("libdl_a: constructor"); }
__attribute__((destructor)) static void dtor(void) { puts("libdl_a: destructor"); }
