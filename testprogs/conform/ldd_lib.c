/* libldd_undef.so (-DUNDEF): refers to a variable and a function nothing defines, which ldd -d
 * (data) and ldd -r (data and functions) report; libldd_unused.so: needed, never used. */
#ifdef UNDEF
extern int missing_data;
int missing_func(void);
int uses_missing(void) { return missing_data + missing_func(); }
int ldd_lib_value(void) { return 1; }
#else
int unused_value(void) { return 2; }
#endif
