#ifndef MMLD_HOLD_H
#define MMLD_HOLD_H
#include "rtld.h"
/* Stops this process with SIGSTOP if MMLD_STOP names point p. */
HIDDEN void hold_at(enum stop_point p);
#endif
