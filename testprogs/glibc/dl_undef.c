/* Needs a function nothing defines: dlopen(RTLD_NOW) must fail, RTLD_LAZY succeed. */
int missing_function(void);
int uses_missing(void) { return missing_function(); }
int harmless(void) { return 5; }
