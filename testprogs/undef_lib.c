/* Built in two variants of one soname: with and without `extra`. */
int base_fn(void) { return 1; }
#ifdef WITH_EXTRA
int extra(void) { return 2; }
#endif
