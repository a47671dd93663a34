__thread long desc_var = 44;
long *desc_addr(void) { return &desc_var; }
long desc_get(void) { return desc_var; }
