const char *where_am_i(void) { return LIB_WHERE; }
