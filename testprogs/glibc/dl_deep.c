/* RTLD_DEEPBIND: this library's own who() wins over the program's only when it is opened
 * with RTLD_DEEPBIND. */
const char *who(void) { return "the library"; }
const char *deep_calls_who(void) { return who(); }
