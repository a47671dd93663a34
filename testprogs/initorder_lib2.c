#include "nolibc/nolibc.h"
void lib2_hello(void) { outln("lib2_hello"); }
void lib2_init(void) { outln("DT_INIT: lib2"); }
void lib2_fini(void) { outln("DT_FINI: lib2"); }
static void fa1(void) { outln("fini_array[0]: lib2"); }
static void fa2(void) { outln("fini_array[1]: lib2"); }
__attribute__((section(".fini_array"), used)) static void (*fa_entries[])(void) = {fa1, fa2};
static void ia1(void) { outln("init_array[0]: lib2"); }
static void ia2(void) { outln("init_array[1]: lib2"); }
__attribute__((section(".init_array"), used)) static void (*ia_entries[])(void) = {ia1, ia2};
