const char *which(void) { return "libb"; }
