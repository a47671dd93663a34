__thread long gd_var = 22;
static __thread long ld_var = 300;
long *gd_addr(void) { return &gd_var; }
long ld_counter(void) { return ++ld_var; }
