__thread long ie_var = 33;
long *ie_addr_from_lib(void) { return &ie_var; }
