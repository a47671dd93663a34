#ifndef MMLD_HOLD_H
#define MMLD_HOLD_H
#include "rtld.h"
/* Stops this process with SIGSTOP if MMLD_STOP names point p. */
HIDDEN void hold_at(enum stop_point p);
/* Takes MMLD_STOP and MMLD_OBJECTS out of the environment (read already): the new sp. */
HIDDEN uintptr_t *hold_take_env(uintptr_t *sp);
#endif
