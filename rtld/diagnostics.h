/* --list-diagnostics (diagnostics.c). */
#ifndef MMLD_DIAGNOSTICS_H
#define MMLD_DIAGNOSTICS_H
#include "rtld.h"
HIDDEN __attribute__((noreturn)) void diagnostics_print(void);
#endif
